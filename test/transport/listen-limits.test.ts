// The TCP listener's connection limits (src/transport/connection-limits.ts), on real loopback
// sockets with small limits: each limit closes the connection that breaks it, the drop names
// the limit and the peer, and the other connections go on working.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ConnectionDrop } from '../../src/transport/connection-limits.js';
import { DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS, DEFAULT_LISTEN_MAX_MESSAGE_SIZE, DEFAULT_MAX_CONNECTIONS } from '../../src/transport/connection-limits.js';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { listen, type ListenOptions } from '../../src/transport/listen.js';
import { openTcp } from '../../src/transport/tcp.js';
import type { Listener } from '../../src/transport/transport.js';
import { closeAfterEach, first, sipMessage, track } from './helpers.js';

closeAfterEach();

/** A TCP listener that answers every message with a 200 carrying the request line as body. */
async function echoServer(limits: Partial<ListenOptions>): Promise<{ server: Listener; drops: ConnectionDrop[]; errors: string[] }> {
  const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0, ...limits }));
  const drops: ConnectionDrop[] = [];
  const errors: string[] = [];
  server.onMessage((msg, _from, reply) => reply(sipMessage('SIP/2.0 200 OK', msg.toString().split('\r\n')[0] ?? '')));
  server.onDrop((d) => drops.push(d));
  server.onError((e) => errors.push(e.code));
  return { server, drops, errors };
}

/** A raw client socket, connected; `closed` resolves when the server drops it. */
async function rawClient(server: Listener): Promise<{ socket: net.Socket; local: Endpoint; closed: Promise<void> }> {
  const socket = net.connect(server.local.port, '127.0.0.1');
  track({ close: () => new Promise<void>((r) => (socket.destroyed ? r() : socket.destroy().once('close', () => r()))) });
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, local: { address: '127.0.0.1', port: socket.localPort!, family: 4 }, closed };
}

/** Sends one OPTIONS over a client transport and resolves with the body of the reply. */
async function roundTrip(server: Listener, client?: Awaited<ReturnType<typeof openTcp>>): Promise<string> {
  const c = client ?? track(await openTcp({ remote: server.local }));
  const got = first<[Buffer, Endpoint]>((cb) => c.onMessage(cb));
  c.send(sipMessage(`OPTIONS sip:${c.local.port}@127.0.0.1 SIP/2.0`));
  const [res] = await got;
  return res.toString().split('\r\n\r\n')[1] ?? '';
}

const HALF = 'OPTIONS sip:half@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKhalf\r\n';

describe('TCP listener limits', () => {
  it('has the documented defaults: 32 s (64·T1), 1,000 connections, 64 KiB messages', () => {
    expect(DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS).toBe(64 * 500);
    expect(DEFAULT_MAX_CONNECTIONS).toBe(1000);
    expect(DEFAULT_LISTEN_MAX_MESSAGE_SIZE).toBe(64 * 1024);
  });

  it('max-connections: one more is closed at once and reported with its peer; the others go on, and a freed place is taken again', async () => {
    const { server, drops } = await echoServer({ maxConnections: 2 });
    const a = track(await openTcp({ remote: server.local }));
    const b = track(await openTcp({ remote: server.local }));
    // A round trip on each: both are accepted and counted before the third arrives.
    expect(await roundTrip(server, a)).toMatch(/^OPTIONS/);
    expect(await roundTrip(server, b)).toMatch(/^OPTIONS/);

    const dropped = first<[ConnectionDrop]>((cb) => server.onDrop(cb));
    const c = await rawClient(server);
    const [drop] = await dropped;
    await c.closed;
    expect(drop).toMatchObject({ limit: 'max-connections', transport: 'TCP', peer: c.local, held: 2, max: 2 });
    expect(drop.message).toContain(`127.0.0.1:${c.local.port}/tcp`);
    expect(drop.message).toContain('max-connections 2');

    expect(await roundTrip(server, a)).toMatch(/^OPTIONS/);
    expect(await roundTrip(server, b)).toMatch(/^OPTIONS/);
    await b.close();
    // The server sees b go a moment later; from then on a new connection is served.
    await waitFor(async () => {
      const d = await rawClient(server);
      d.socket.write(sipMessage('OPTIONS sip:d@127.0.0.1 SIP/2.0'));
      return Promise.race([new Promise<boolean>((r) => d.socket.once('data', () => r(true))), d.closed.then(() => false)]);
    });
    expect(drops.every((d) => d.limit === 'max-connections')).toBe(true);
  });

  it('incomplete-message-timeout: half a message is dropped after the timeout, with its peer; a complete exchange on another connection goes on', async () => {
    const { server, drops, errors } = await echoServer({ incompleteMessageTimeoutMs: 200 });
    const other = track(await openTcp({ remote: server.local }));
    const half = await rawClient(server);
    const t0 = Date.now();
    half.socket.write(HALF);
    const [drop] = await first<[ConnectionDrop]>((cb) => server.onDrop(cb));
    const elapsed = Date.now() - t0;
    await half.closed;
    expect(drop).toMatchObject({ limit: 'incomplete-message-timeout', peer: half.local, held: Buffer.byteLength(HALF), max: 200 });
    expect(drop.message).toContain(`127.0.0.1:${half.local.port}/tcp`);
    expect(drop.message).toContain('incomplete-message-timeout 200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect(await roundTrip(server, other)).toMatch(/^OPTIONS/);
    expect(drops).toHaveLength(1);
    expect(errors).toEqual([]); // a drop is not a transport error as well
  });

  it('incomplete-message-timeout: bytes trickling in do not restart it', async () => {
    const { server } = await echoServer({ incompleteMessageTimeoutMs: 200 });
    const slow = await rawClient(server);
    const t0 = Date.now();
    slow.socket.write('OPTIONS');
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write('x'), 40);
    try {
      const [drop] = await first<[ConnectionDrop]>((cb) => server.onDrop(cb));
      expect(drop.limit).toBe('incomplete-message-timeout');
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      clearInterval(trickle);
    }
  });

  it('incomplete-message-timeout: messages split across writes, each completed in time, are never dropped', async () => {
    const { server, drops } = await echoServer({ incompleteMessageTimeoutMs: 200 });
    const client = await rawClient(server);
    const replies: string[] = [];
    client.socket.on('data', (d) => replies.push(d.toString()));
    const msg = sipMessage('OPTIONS sip:split@127.0.0.1 SIP/2.0');
    const cut = 30;
    // Each write ends one message and starts the next: the connection always holds half a
    // message, for 600 ms in all, but completes one every 150 ms.
    client.socket.write(msg.subarray(0, cut));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      client.socket.write(Buffer.concat([msg.subarray(cut), msg.subarray(0, cut)]));
    }
    await new Promise((r) => setTimeout(r, 100));
    client.socket.write(msg.subarray(cut));
    await waitFor(async () => replies.join('').split('SIP/2.0 200 OK').length - 1 === 5);
    expect(drops).toEqual([]);
  });

  it('max-buffered-bytes: an unfinished message over the limit is dropped at once, with its peer; the others go on', async () => {
    const { server, drops, errors } = await echoServer({ maxBufferedBytes: 1000 });
    const other = track(await openTcp({ remote: server.local }));
    const big = await rawClient(server);
    big.socket.write(HALF + `X-Padding: ${'p'.repeat(2000)}\r\n`);
    const [drop] = await first<[ConnectionDrop]>((cb) => server.onDrop(cb));
    await big.closed;
    expect(drop).toMatchObject({ limit: 'max-buffered-bytes', peer: big.local, max: 1000 });
    expect(drop.held).toBeGreaterThan(1000);
    expect(drop.message).toContain(`127.0.0.1:${big.local.port}/tcp`);
    expect(drop.message).toContain('max-buffered-bytes 1000');
    expect(await roundTrip(server, other)).toMatch(/^OPTIONS/);
    expect(drops).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('max-buffered-bytes: replies the peer does not read count too', async () => {
    const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0, maxBufferedBytes: 256 * 1024 }));
    const huge = Buffer.alloc(32 * 1024 * 1024, 0x41);
    server.onMessage((msg, _from, reply) => reply(msg.toString().startsWith('OPTIONS sip:flood') ? huge : sipMessage('SIP/2.0 200 OK')));
    const other = track(await openTcp({ remote: server.local }));
    const deaf = await rawClient(server);
    deaf.socket.pause(); // reads nothing: the replies pile up behind the kernel's buffers
    deaf.socket.write(sipMessage('OPTIONS sip:flood@127.0.0.1 SIP/2.0'));
    const [drop] = await first<[ConnectionDrop]>((cb) => server.onDrop(cb));
    expect(drop).toMatchObject({ limit: 'max-buffered-bytes', peer: deaf.local, max: 256 * 1024 });
    expect(drop.held).toBeGreaterThan(256 * 1024);
    const got = first<[Buffer, Endpoint]>((cb) => other.onMessage(cb));
    other.send(sipMessage('OPTIONS sip:other@127.0.0.1 SIP/2.0'));
    expect((await got)[0].toString()).toMatch(/^SIP\/2\.0 200 OK/);
  });
});

/** Polls `check` every 10 ms until it holds (at most 2 s). */
async function waitFor(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met within 2 s');
}
