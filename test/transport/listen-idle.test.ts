// The stream listeners' idle timeout (src/transport/connection-limits.ts, idleTimeoutMs) on
// real loopback sockets, and the graceful end after a framing error (src/transport/tcp-stream.ts):
// a quiet connection is closed (FIN, not RST) and reported; one with traffic, or one a
// transaction of ours still needs (`inUse`), is kept; the reply to a request that arrived in
// the same read as garbage still reaches the peer.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionDrop } from '../../src/transport/connection-limits.js';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { listen, type ListenOptions } from '../../src/transport/listen.js';
import type { Listener } from '../../src/transport/transport.js';
import { ManualClock } from '../support/manual-clock.js';
import { closeAfterEach, first, sipMessage, track } from './helpers.js';

closeAfterEach();

async function echoServer(o: Partial<ListenOptions> & { transport?: ListenOptions['transport'] }): Promise<{ server: Listener; drops: ConnectionDrop[] }> {
  const server = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0, ...o }));
  const drops: ConnectionDrop[] = [];
  server.onMessage((msg, _from, reply) => reply(sipMessage('SIP/2.0 200 OK', msg.toString().split('\r\n')[0] ?? '')));
  server.onDrop((d) => drops.push(d));
  server.onError(() => {});
  return { server, drops };
}

interface Raw {
  socket: net.Socket;
  local: Endpoint;
  received: () => string;
  /** How the server ended it, once closed: `end` (FIN) or the error code (ECONNRESET: RST). */
  ended: Promise<string>;
}

async function rawClient(server: Listener): Promise<Raw> {
  const socket = net.connect(server.local.port, '127.0.0.1');
  track({ close: () => new Promise<void>((r) => (socket.destroyed ? r() : socket.destroy().once('close', () => r()))) });
  let got = '';
  socket.on('data', (d) => (got += d.toString('latin1')));
  // Node may emit 'end' and then ECONNRESET for an RST: the error, if any, wins.
  let error: string | undefined;
  let fin = false;
  socket.on('error', (e: Error & { code?: string }) => (error ??= e.code ?? 'error'));
  socket.once('end', () => (fin = true));
  const ended = new Promise<string>((r) => socket.once('close', () => r(error ?? (fin ? 'end' : 'closed'))));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, local: { address: '127.0.0.1', port: socket.localPort!, family: 4 }, received: () => got, ended };
}

const OPTIONS = (user: string) => sipMessage(`OPTIONS sip:${user}@127.0.0.1 SIP/2.0`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream listener idle timeout', () => {
  it('TCP: a connection that never sends a byte is closed with a FIN after idleTimeoutMs, and reported with its peer', async () => {
    const { server, drops } = await echoServer({ idleTimeoutMs: 200 });
    const t0 = Date.now();
    const quiet = await rawClient(server);
    expect(await quiet.ended).toBe('end');
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ limit: 'idle-timeout', transport: 'TCP', peer: quiet.local, held: 0, max: 200 });
    expect(drops[0]!.message).toContain(`127.0.0.1:${quiet.local.port}/tcp`);
    expect(drops[0]!.message).toContain('idle-timeout 200 ms');
  });

  it('TCP: idle after a complete exchange is closed too; traffic (a request every 100 ms, RFC 5626 CRLF pings) keeps another open', async () => {
    const { server, drops } = await echoServer({ idleTimeoutMs: 300 });
    const done = await rawClient(server);
    done.socket.write(OPTIONS('done'));
    const busy = await rawClient(server);
    for (let i = 0; i < 8; i++) {
      busy.socket.write(i % 2 === 0 ? OPTIONS(`busy${i}`) : '\r\n\r\n');
      await sleep(100);
    }
    expect(await done.ended).toBe('end');
    expect(done.received()).toContain('SIP/2.0 200 OK');
    expect(busy.socket.destroyed).toBe(false);
    expect(drops.map((d) => d.peer.port)).toEqual([done.local.port]);
    expect(await busy.ended).toBe('end'); // once it goes quiet
  });

  it('TCP: inUse keeps an idle connection while it says so (a transaction of ours on it), asked with the peer', async () => {
    const asked: number[] = [];
    let keep = true;
    const { server, drops } = await echoServer({
      idleTimeoutMs: 100,
      inUse: (remote) => {
        asked.push(remote.port);
        return keep;
      },
    });
    const held = await rawClient(server);
    await sleep(450);
    expect(held.socket.destroyed).toBe(false);
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(new Set(asked)).toEqual(new Set([held.local.port]));
    keep = false;
    expect(await held.ended).toBe('end');
    expect(drops.map((d) => d.limit)).toEqual(['idle-timeout']);
  });

  it('TCP: the idle timer runs on the clock it is given (a manual clock: nothing closes until it moves)', async () => {
    const clock = new ManualClock();
    const { server, drops } = await echoServer({ idleTimeoutMs: 5000, timers: clock });
    const quiet = await rawClient(server);
    await sleep(100);
    expect(quiet.socket.destroyed).toBe(false);
    clock.advance(4999);
    await sleep(50);
    expect(drops).toEqual([]);
    clock.advance(1);
    expect(await quiet.ended).toBe('end');
    expect(drops.map((d) => d.limit)).toEqual(['idle-timeout']);
  });

  it('WS: an idle WebSocket connection is closed (1000) and reported', async () => {
    const { server, drops } = await echoServer({ transport: 'WS', idleTimeoutMs: 200 });
    const ws = new WebSocket(`ws://127.0.0.1:${server.local.port}`, 'sip');
    track({ close: () => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : (ws.terminate(), ws.once('close', () => r())))) });
    await first((cb) => ws.once('open', cb));
    const [code] = await first<[number]>((cb) => ws.once('close', cb));
    expect(code).toBe(1000);
    expect(drops.map((d) => [d.limit, d.transport])).toEqual([['idle-timeout', 'WS']]);
  });

  it('WS: a socket that never sends its upgrade request is closed too (HTTP 408), after about idleTimeoutMs', async () => {
    const { server } = await echoServer({ transport: 'WS', idleTimeoutMs: 300 });
    const t0 = Date.now();
    const quiet = await rawClient(server);
    await quiet.ended;
    expect(quiet.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('a framing error after a complete request in the same read', () => {
  for (const garbage of [{ what: 'a few bytes', bytes: Buffer.from('Content-Length: banana\r\n\r\nxx') }, { what: '4 MB (many reads: unread bytes are left when it ends)', bytes: Buffer.concat([Buffer.from('X / SIP/2.0\r\nContent-Length: 99999999\r\n\r\n'), Buffer.alloc(4 * 1024 * 1024, 0x41)]) }]) {
    it(`the reply to the request is flushed before the connection ends: ${garbage.what}`, async () => {
      const { server } = await echoServer({});
      const errors: string[] = [];
      server.onError((e) => errors.push(e.code));
      const c = await rawClient(server);
      c.socket.write(Buffer.concat([OPTIONS('before-garbage'), garbage.bytes]));
      const how = await c.ended;
      expect(c.received()).toMatch(/^SIP\/2\.0 200 OK[\s\S]*OPTIONS sip:before-garbage@127\.0\.0\.1 SIP\/2\.0/);
      expect(how).toBe('end');
      expect(errors.length).toBe(1); // the framing error, said once
    });
  }
});
