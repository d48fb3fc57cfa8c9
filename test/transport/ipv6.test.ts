import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/transport/endpoint.js';
import type { TransportError } from '../../src/transport/errors.js';
import { listen } from '../../src/transport/listen.js';
import { openTcp } from '../../src/transport/tcp.js';
import type { ReplyFn } from '../../src/transport/transport.js';
import { openUdp } from '../../src/transport/udp.js';
import { closeAfterEach, closedUdpPort, first, ipv6Available, sipMessage, track } from './helpers.js';

const hasIpv6 = await ipv6Available();

closeAfterEach();

describe.skipIf(!hasIpv6)(hasIpv6 ? 'IPv6 on ::1' : 'IPv6 on ::1 — SKIPPED: ::1 cannot be bound on this machine', () => {
  it('UDP round trip on [::1]', async () => {
    const server = track(await listen({ transport: 'UDP', address: '::1', port: 0 }));
    expect(server.local).toMatchObject({ address: '::1', family: 6 });
    const client = track(await openUdp({ remote: { address: '[::1]', port: server.local.port } }));
    expect(client.local).toMatchObject({ address: '::1', family: 6 });
    server.onMessage((msg, _from, reply) => reply(Buffer.concat([Buffer.from('echo '), msg])));
    const got = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    client.send(Buffer.from('hi'));
    const [msg, from] = await got;
    expect(msg.toString()).toBe('echo hi');
    expect(from).toEqual(server.local);
  });

  it('UDP: ICMP port unreachable over IPv6 is ECONNREFUSED naming [::1]', async () => {
    const port = await closedUdpPort('::1');
    const client = track(await openUdp({ remote: { address: '::1', port } }));
    const error = first<[TransportError]>((cb) => client.onError(cb));
    client.send(Buffer.from('x'));
    const [err] = await error;
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain(`[::1]:${port}/udp`);
  });

  it('TCP round trip on [::1]', async () => {
    const server = track(await listen({ transport: 'TCP', address: '::1', port: 0 }));
    const client = track(await openTcp({ remote: server.local }));
    expect(client.local).toMatchObject({ address: '::1', family: 6 });
    const request = first<[Buffer, Endpoint, ReplyFn]>((cb) => server.onMessage(cb));
    client.send(sipMessage('OPTIONS sip:[::1] SIP/2.0'));
    const [, from, reply] = await request;
    expect(from).toEqual(client.local);
    const response = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    const ok = sipMessage('SIP/2.0 200 OK');
    reply(ok);
    expect((await response)[0].equals(ok)).toBe(true);
  });
});
