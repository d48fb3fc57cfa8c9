import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { TransportError } from '../../src/transport/errors.js';
import { openUdp } from '../../src/transport/udp.js';
import { openUdpListener } from '../../src/transport/udp-listener.js';
import { closeAfterEach, closedUdpPort, first, ipv6Available, track } from './helpers.js';

const hasIpv6 = await ipv6Available();

closeAfterEach();

describe('UDP client transport', () => {
  it('round-trips a datagram with a listener; the reply arrives at the sending socket', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = track(await openUdp({ remote: server.local }));
    expect(client.name).toBe('UDP');
    expect(client.reliable).toBe(false);
    expect(client.local.address).toBe('127.0.0.1');
    expect(client.local.port).toBeGreaterThan(0);
    expect(client.remote).toEqual({ address: '127.0.0.1', port: server.local.port, family: 4 });

    const request = first<[Buffer, Endpoint, (b: Uint8Array) => void]>((cb) => server.onMessage(cb));
    client.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'));
    const [msg, from, reply] = await request;
    expect(msg.toString()).toBe('OPTIONS sip:x SIP/2.0\r\n\r\n');
    expect(from).toEqual(client.local);

    const response = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    reply(Buffer.from('SIP/2.0 200 OK\r\n\r\n'));
    const [res, resFrom] = await response;
    expect(res.toString()).toBe('SIP/2.0 200 OK\r\n\r\n');
    expect(resFrom).toEqual(server.local);
  });

  it('reports ICMP port unreachable on a connected socket as ECONNREFUSED', async () => {
    const port = await closedUdpPort();
    const client = track(await openUdp({ remote: { address: '127.0.0.1', port } }));
    const error = first<[TransportError]>((cb) => client.onError(cb));
    client.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'));
    const [err] = await error;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.transport).toBe('UDP');
    expect(err.remote).toMatchObject({ address: '127.0.0.1', port });
    expect(err.message).toBe(`ICMP port unreachable: nothing listens on 127.0.0.1:${port}/udp`);
  });

  it('with acceptFromAny, receives a reply from another address:port than the target', async () => {
    const target = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const other = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = track(await openUdp({ remote: target.local, acceptFromAny: true }));
    expect(client.local.address).toBe('127.0.0.1');

    const request = first<[Buffer, Endpoint]>((cb) => target.onMessage(cb));
    client.send(Buffer.from('INVITE'));
    const [, from] = await request;
    expect(from).toEqual(client.local);

    const reply = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    const sender = dgram.createSocket('udp4');
    track({ close: () => new Promise<void>((r) => sender.close(() => r())) });
    sender.send(Buffer.from('from elsewhere'), from.port, from.address);
    const [msg, src] = await reply;
    expect(msg.toString()).toBe('from elsewhere');
    expect(src.port).toBe((sender.address() as { port: number }).port);
    expect(src.port).not.toBe(target.local.port);
    expect(other.local.port).toBeGreaterThan(0);
  });

  it('connected (default): a datagram from another address is delivered too (RFC 3261 §18.1.2), the target’s as before', async () => {
    const target = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = track(await openUdp({ remote: target.local }));
    const got: Array<[string, Endpoint]> = [];
    client.onMessage((msg, from) => got.push([msg.toString(), from]));
    const request = first<[Buffer, Endpoint, (b: Uint8Array) => void]>((cb) => target.onMessage(cb));
    client.send(Buffer.from('hi'));
    const [, , reply] = await request;
    // A multi-homed server answering from another of its addresses (127.0.0.2 is loopback too).
    const other = track(await openUdpListener({ address: '127.0.0.2', port: 0 }));
    const stray = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    await new Promise<void>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind({ address: '127.0.0.2', port: 0 }, () => s.send(Buffer.from('from 127.0.0.2'), client.local.port, client.local.address, () => s.close(() => resolve())));
    });
    const [, strayFrom] = await stray;
    expect(strayFrom.address).toBe('127.0.0.2');
    const fromTarget = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    reply(Buffer.from('from target'));
    await fromTarget;
    expect(got.map(([m, f]) => `${m} ${f.address}`)).toEqual(['from 127.0.0.2 127.0.0.2', 'from target 127.0.0.1']);
    expect(got[1]![1]).toEqual(target.local);
    expect(other.local.address).toBe('127.0.0.2');
  });

  it('connected (default): ICMP still reaches the connected socket, not its sibling; the port cannot be taken by a plain bind', async () => {
    const port = await closedUdpPort();
    const client = track(await openUdp({ remote: { address: '127.0.0.1', port } }));
    const taken = await openUdpListener({ address: '127.0.0.1', port: client.local.port }).catch((e: unknown) => e);
    expect((taken as TransportError).code).toBe('EADDRINUSE');
    const error = first<[TransportError]>((cb) => client.onError(cb));
    const t0 = Date.now();
    client.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'));
    const [err] = await error;
    expect(err.code).toBe('ECONNREFUSED');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it.skipIf(!hasIpv6)('connected over IPv6: a datagram from another port of ::1 is delivered too', async () => {
    const target = track(await openUdpListener({ address: '::1', port: 0 }));
    const client = track(await openUdp({ remote: target.local }));
    const got = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    await new Promise<void>((resolve) => {
      const s = dgram.createSocket('udp6');
      s.bind({ address: '::1', port: 0 }, () => s.send(Buffer.from('elsewhere'), client.local.port, '::1', () => s.close(() => resolve())));
    });
    const [msg, from] = await got;
    expect(msg.toString()).toBe('elsewhere');
    expect(from.family).toBe(6);
    expect(from.port).not.toBe(target.local.port);
  });

  it('two clients on port 0 never share a port', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const clients = await Promise.all(Array.from({ length: 50 }, () => openUdp({ remote: server.local })));
    for (const c of clients) track(c);
    expect(new Set(clients.map((c) => c.local.port)).size).toBe(50);
  });

  it('reports a message larger than a datagram as MESSAGE_TOO_LARGE instead of throwing', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = track(await openUdp({ remote: server.local }));
    const error = first<[TransportError]>((cb) => client.onError(cb));
    expect(() => client.send(new Uint8Array(70_000))).not.toThrow();
    const [err] = await error;
    expect(err.code).toBe('MESSAGE_TOO_LARGE');
    expect(err.message).toContain('70000 bytes');
    expect(err.message).toContain('65507');
  });

  it('delivers garbage datagrams unchanged (the engine judges them)', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = track(await openUdp({ remote: server.local }));
    const request = first<[Buffer, Endpoint, (b: Uint8Array) => void]>((cb) => server.onMessage(cb));
    client.send(Buffer.from('x'));
    const [, , reply] = await request;
    const garbage = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0xc3, 0x28]);
    const got = first<[Buffer, Endpoint]>((cb) => client.onMessage(cb));
    reply(garbage);
    const [msg] = await got;
    expect(msg.equals(garbage)).toBe(true);
  });

  it('reports send after close as CLOSED, and close is idempotent and reported once', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const client = await openUdp({ remote: server.local });
    const reasons: string[] = [];
    client.onClose((r) => reasons.push(r));
    await Promise.all([client.close(), client.close()]);
    expect(reasons).toEqual(['local']);
    const error = first<[TransportError]>((cb) => client.onError(cb));
    client.send(Buffer.from('late'));
    const [err] = await error;
    expect(err.code).toBe('CLOSED');
  });

  it('a --local port in use by another client is EADDRINUSE, not shared', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const a = track(await openUdp({ remote: server.local }));
    const err = await openUdp({ remote: server.local, local: { address: '127.0.0.1', port: a.local.port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('EADDRINUSE');
  });

  it('binds the local port asked for', async () => {
    const server = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const want = await closedUdpPort();
    const client = track(await openUdp({ remote: server.local, local: { address: '127.0.0.1', port: want } }));
    expect(client.local).toEqual({ address: '127.0.0.1', port: want, family: 4 });
  });

  it('rejects a local port in use with EADDRINUSE, in plain words', async () => {
    const holder = track(await openUdpListener({ address: '127.0.0.1', port: 0 }));
    const err = await openUdpListener({ address: '127.0.0.1', port: holder.local.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('EADDRINUSE');
    expect((err as TransportError).message).toContain(`127.0.0.1:${holder.local.port}/udp is already in use`);
  });

  it('throws a TypeError for a host name instead of an IP (resolve first)', async () => {
    await expect(openUdp({ remote: { address: 'example.com', port: 5060 } })).rejects.toThrow(TypeError);
  });
});
