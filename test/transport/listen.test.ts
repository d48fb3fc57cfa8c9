import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { TransportError } from '../../src/transport/errors.js';
import { listen } from '../../src/transport/listen.js';
import { openTcp } from '../../src/transport/tcp.js';
import type { ReplyFn } from '../../src/transport/transport.js';
import { openUdp } from '../../src/transport/udp.js';
import { closeAfterEach, first, sipMessage, track } from './helpers.js';

closeAfterEach();

describe('listen (server side for `answer`)', () => {
  it('TCP: replies on the same connection the request came in on', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    expect(server.name).toBe('TCP');
    expect(server.local.port).toBeGreaterThan(0);
    const client = track(await openTcp({ remote: server.local }));

    const request = first<[Buffer, Endpoint, ReplyFn]>((cb) => server.onMessage(cb));
    const invite = sipMessage('INVITE sip:bob@127.0.0.1 SIP/2.0', 'v=0\r\n');
    client.send(invite);
    const [msg, from, reply] = await request;
    expect(msg.equals(invite)).toBe(true);
    expect(from).toEqual(client.local);

    const response = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    const ok = sipMessage('SIP/2.0 200 OK');
    reply(ok);
    const [res, resFrom] = await response;
    expect(res.equals(ok)).toBe(true);
    expect(resFrom).toEqual(server.local);
  });

  it('TCP: keeps connections apart, each reply goes to its own client', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    server.onMessage((msg, _from, reply) => reply(sipMessage('SIP/2.0 200 OK', msg.toString().split(' ')[1] ?? '')));
    const a = track(await openTcp({ remote: server.local }));
    const b = track(await openTcp({ remote: server.local }));
    const gotA = first<[Buffer, Endpoint]>((cb) => a.onMessage(cb));
    const gotB = first<[Buffer, Endpoint]>((cb) => b.onMessage(cb));
    a.send(sipMessage('OPTIONS sip:a SIP/2.0'));
    b.send(sipMessage('OPTIONS sip:b SIP/2.0'));
    expect((await gotA)[0].toString()).toMatch(/\r\n\r\nsip:a$/);
    expect((await gotB)[0].toString()).toMatch(/\r\n\r\nsip:b$/);
  });

  it('TCP: answers a double-CRLF ping with a CRLF pong (RFC 5626 §3.5.1)', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    const socket = net.connect(server.local.port, '127.0.0.1');
    track({ close: () => new Promise<void>((r) => socket.destroy().once('close', () => r())) });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const pong = new Promise<string>((r) => socket.once('data', (d) => r(d.toString())));
    socket.write('\r\n\r\n');
    expect(await pong).toBe('\r\n');
  });

  it('TCP: a framing error on one connection is reported with the peer', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    const client = track(await openTcp({ remote: server.local }));
    const error = first<[TransportError]>((cb) => server.onError(cb));
    client.send(Buffer.from('OPTIONS sip:a SIP/2.0\r\nContent-Length: many\r\n\r\n'));
    const [err] = await error;
    expect(err.code).toBe('FRAMING');
    expect(err.remote).toEqual(client.local);
  });

  it('TCP: close() also closes accepted connections', async () => {
    const server = await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 });
    const client = track(await openTcp({ remote: server.local }));
    const request = first<[Buffer, Endpoint, ReplyFn]>((cb) => server.onMessage(cb));
    client.send(sipMessage('OPTIONS sip:a SIP/2.0'));
    await request;
    const closed = first<[string]>((cb) => client.onClose(cb));
    await server.close();
    expect((await closed)[0]).toBe('peer');
  });

  it('UDP: replies to the source address and port', async () => {
    const server = track(await listen({ transport: 'UDP', address: '127.0.0.1', port: 0 }));
    expect(server.name).toBe('UDP');
    const client = track(await openUdp({ remote: server.local }));
    server.onMessage((_msg, _from, reply) => reply(Buffer.from('SIP/2.0 200 OK\r\n\r\n')));
    const response = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    client.send(Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n'));
    const [res, from] = await response;
    expect(res.toString()).toBe('SIP/2.0 200 OK\r\n\r\n');
    expect(from).toEqual(server.local);
  });

  it('TCP: a port in use is EADDRINUSE', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    const err = await listen({ transport: 'TCP', address: '127.0.0.1', port: server.local.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('EADDRINUSE');
    expect((err as TransportError).message).toContain(`127.0.0.1:${server.local.port}/tcp is already in use`);
  });
});
