// The wire tap (src/transport/tap.ts, docs/pcap.md) on real loopback sockets: every message
// both ways, and how each stream connection ended (who closed it first; a reset), for client
// transports and for the listeners `answer` uses.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { openTcpListener } from '../../src/transport/tcp-listener.js';
import { openTcp } from '../../src/transport/tcp.js';
import { streamEndOf, tapListener, tapTransport, type StreamEnd, type WireTap } from '../../src/transport/tap.js';
import { openWsListener } from '../../src/transport/ws-listener.js';
import { closeAfterEach, first, sipMessage, track } from './helpers.js';

closeAfterEach();

/** A tap that writes down what it sees as short lines. */
function recorder(): WireTap & { seen: string[]; ended: Promise<void> } {
  const seen: string[] = [];
  let done: () => void = () => {};
  const ended = new Promise<void>((r) => (done = r));
  const line = (b: Uint8Array) => Buffer.from(b).toString().split('\r\n')[0];
  return {
    seen,
    ended,
    datagram: (d, _l, _r, b) => void seen.push(`udp ${d} ${line(b)}`),
    stream: (d, _l, _r, b, opener) => void seen.push(`${d} ${line(b)} (opened by ${opener})`),
    streamEnd(_l: Endpoint, _r: Endpoint, end: StreamEnd, opener) {
      seen.push(`${end.how} by ${end.by} (opened by ${opener})`);
      done();
    },
  };
}

/** A raw TCP server that runs `onSocket` for each connection. */
async function rawServer(onSocket: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  track({
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  });
  return (server.address() as net.AddressInfo).port;
}

describe('streamEndOf', () => {
  it.each([
    ['local', undefined, { how: 'fin', by: 'local' }],
    ['peer', undefined, { how: 'fin', by: 'remote' }],
    ['error', 'ECONNRESET', { how: 'rst', by: 'remote' }],
    ['error', undefined, { how: 'rst', by: 'remote' }],
    // A stream we cannot frame: we end it gracefully, after our replies (tcp-stream.ts).
    ['error', 'FRAMING', { how: 'fin', by: 'local' }],
    ['error', 'MESSAGE_TOO_LARGE', { how: 'fin', by: 'local' }],
  ] as const)('%s after %s → %j', (reason, code, end) => {
    expect(streamEndOf(reason, code)).toEqual(end);
  });
});

describe('tapTransport: the end of a TCP connection we opened', () => {
  const OPTIONS = sipMessage('OPTIONS sip:a SIP/2.0');
  const OK = sipMessage('SIP/2.0 200 OK');

  it('we close it: FIN by us, after the messages', async () => {
    const port = await rawServer((s) => s.once('data', () => s.write(OK)));
    const tap = recorder();
    const t = tapTransport(await openTcp({ remote: { address: '127.0.0.1', port } }), tap);
    const answered = first<[Buffer, Endpoint]>((cb) => t.onMessage(cb));
    t.send(OPTIONS);
    await answered;
    await t.close();
    expect(tap.seen).toEqual(['out OPTIONS sip:a SIP/2.0 (opened by local)', 'in SIP/2.0 200 OK (opened by local)', 'fin by local (opened by local)']);
  });

  it('the peer closes it: FIN by the peer', async () => {
    const port = await rawServer((s) => s.once('data', () => s.end(OK)));
    const tap = recorder();
    track(tapTransport(await openTcp({ remote: { address: '127.0.0.1', port } }), tap)).send(OPTIONS);
    await tap.ended;
    expect(tap.seen.at(-1)).toBe('fin by remote (opened by local)');
  });

  it('the peer resets it: RST by the peer', async () => {
    const port = await rawServer((s) => s.once('data', () => s.resetAndDestroy()));
    const tap = recorder();
    const t = track(tapTransport(await openTcp({ remote: { address: '127.0.0.1', port } }), tap));
    t.onError(() => undefined);
    t.send(OPTIONS);
    await tap.ended;
    expect(tap.seen).toEqual(['out OPTIONS sip:a SIP/2.0 (opened by local)', 'rst by remote (opened by local)']);
  });

  it('a stream we cannot frame: ended by us with a FIN (after what we wrote, tcp-stream.ts)', async () => {
    const port = await rawServer((s) => s.once('data', () => s.write('SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n')));
    const tap = recorder();
    const t = track(tapTransport(await openTcp({ remote: { address: '127.0.0.1', port } }), tap));
    t.onError(() => undefined);
    t.send(OPTIONS);
    await tap.ended;
    expect(tap.seen.at(-1)).toBe('fin by local (opened by local)');
  });
});

describe('tapListener: the end of a connection a peer opened', () => {
  const OPTIONS = sipMessage('OPTIONS sip:a SIP/2.0');

  async function tcpListener(tap: WireTap) {
    const l = tapListener(track(await openTcpListener({ address: '127.0.0.1', port: 0 })), tap);
    l.onMessage((_m, _f, reply) => reply(sipMessage('SIP/2.0 200 OK')));
    l.onError(() => undefined);
    return l;
  }

  it('TCP, the peer ends it after the reply: FIN by the peer', async () => {
    const tap = recorder();
    const l = await tcpListener(tap);
    const c = net.connect(l.local.port, '127.0.0.1');
    c.once('data', () => c.end());
    c.write(OPTIONS);
    await tap.ended;
    expect(tap.seen).toEqual(['in OPTIONS sip:a SIP/2.0 (opened by remote)', 'out SIP/2.0 200 OK (opened by remote)', 'fin by remote (opened by remote)']);
  });

  it('TCP, the peer resets it: RST by the peer', async () => {
    const tap = recorder();
    const l = await tcpListener(tap);
    const c = net.connect(l.local.port, '127.0.0.1');
    c.on('error', () => undefined);
    c.once('data', () => c.resetAndDestroy());
    c.write(OPTIONS);
    await tap.ended;
    expect(tap.seen.at(-1)).toBe('rst by remote (opened by remote)');
  });

  it('TCP, the listener closes: FIN by us', async () => {
    const tap = recorder();
    const l = await tcpListener(tap);
    const c = net.connect(l.local.port, '127.0.0.1');
    c.on('error', () => undefined);
    c.once('data', () => void l.close());
    c.write(OPTIONS);
    await tap.ended;
    c.destroy();
    expect(tap.seen.at(-1)).toBe('fin by local (opened by remote)');
  });

  it('WS, the client closes (Close frame): FIN by the peer; the listener closing: FIN by us', async () => {
    const tap = recorder();
    const l = tapListener(track(await openWsListener({ address: '127.0.0.1', port: 0 })), tap);
    l.onMessage((_m, _f, reply) => reply(sipMessage('SIP/2.0 200 OK')));
    const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}`, ['sip']);
    await new Promise((r) => ws.once('open', r));
    ws.once('message', () => ws.close(1000));
    ws.send(OPTIONS);
    await tap.ended;
    expect(tap.seen).toEqual(['in OPTIONS sip:a SIP/2.0 (opened by remote)', 'out SIP/2.0 200 OK (opened by remote)', 'fin by remote (opened by remote)']);

    const tap2 = recorder();
    const l2 = tapListener(track(await openWsListener({ address: '127.0.0.1', port: 0 })), tap2);
    const ws2 = new WebSocket(`ws://127.0.0.1:${l2.local.port}`, ['sip']);
    ws2.on('error', () => undefined);
    await new Promise((r) => ws2.once('open', r));
    await l2.close();
    await tap2.ended;
    expect(tap2.seen).toEqual(['fin by local (opened by remote)']);
  });
});
