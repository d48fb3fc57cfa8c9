import http from 'node:http';
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { TransportError } from '../../src/transport/errors.js';
import { openWs, SIP_SUBPROTOCOL } from '../../src/transport/ws.js';
import { closeAfterEach, closedTcpPort, first, sipMessage, track } from './helpers.js';

closeAfterEach();

interface Server {
  port: number;
  /** The server side of each connection, with the request that opened it. */
  connections: Array<{ ws: ServerSocket; req: http.IncomingMessage }>;
  /** Frames the server received: [text, isBinary]. */
  frames: Array<[string, boolean]>;
  closeCodes: number[];
}

/** A WebSocket server on 127.0.0.1 that picks `protocol` (or none) from what the client offers. */
async function wsServer(choose: (offered: Set<string>) => string | false = (o) => (o.has('sip') ? 'sip' : false)): Promise<Server> {
  const httpServer = http.createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<net.Socket>();
  httpServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ server: httpServer, handleProtocols: choose, path: '/sip' });
  const out: Server = { port: 0, connections: [], frames: [], closeCodes: [] };
  wss.on('connection', (ws, req) => {
    out.connections.push({ ws, req });
    ws.on('message', (data, isBinary) => out.frames.push([String(data), isBinary]));
    ws.on('close', (code) => out.closeCodes.push(code));
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  track({
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        for (const s of sockets) s.destroy();
        wss.close();
        httpServer.close(() => r());
      }),
  });
  out.port = (httpServer.address() as net.AddressInfo).port;
  return out;
}

describe('WebSocket client transport (RFC 7118)', () => {
  it('offers the sub-protocol "sip", sends each message as one text frame, takes each frame as one message', async () => {
    const server = await wsServer();
    const t = track(await openWs({ url: `ws://example.test:${server.port}/sip`, remote: { address: '127.0.0.1', port: server.port } }));
    expect(t.name).toBe('WS');
    expect(t.reliable).toBe(true);
    expect(t.tls).toBeUndefined();
    expect(t.remote).toEqual({ address: '127.0.0.1', port: server.port, family: 4 });
    expect(t.local.address).toBe('127.0.0.1');
    const { ws, req } = server.connections[0]!;
    expect(req.headers['sec-websocket-protocol']).toBe(SIP_SUBPROTOCOL);
    // the URL's host goes into Host, though the connection went to the address
    expect(req.headers.host).toBe(`example.test:${server.port}`);
    expect(req.headers['sec-websocket-extensions']).toBeUndefined(); // no compression

    t.send(sipMessage('OPTIONS sip:a@b SIP/2.0'));
    t.send(sipMessage('BYE sip:a@b SIP/2.0'));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.frames.map(([text, binary]) => [text.split('\r\n')[0], binary])).toEqual([
      ['OPTIONS sip:a@b SIP/2.0', false],
      ['BYE sip:a@b SIP/2.0', false],
    ]);

    // two messages in two frames arrive as two messages, without Content-Length framing
    const got: string[] = [];
    t.onMessage((m) => got.push(m.toString()));
    ws.send('SIP/2.0 200 OK\r\nVia: x\r\n\r\n');
    ws.send(Buffer.from('SIP/2.0 180 Ringing\r\n\r\n'), { binary: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(['SIP/2.0 200 OK\r\nVia: x\r\n\r\n', 'SIP/2.0 180 Ringing\r\n\r\n']);

    await t.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(server.closeCodes).toEqual([1000]);
  });

  it('a server that does not accept "sip": WS_HANDSHAKE, in words', async () => {
    const server = await wsServer(() => false);
    const err = await openWs({ url: `ws://127.0.0.1:${server.port}/sip`, remote: { address: '127.0.0.1', port: server.port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('WS_HANDSHAKE');
    expect((err as TransportError).message).toContain('did not accept the WebSocket sub-protocol "sip" (RFC 7118 §4.1)');
  });

  it('an HTTP answer instead of an upgrade (wrong path): WS_HANDSHAKE with the status', async () => {
    const server = await wsServer();
    const err = await openWs({ url: `ws://127.0.0.1:${server.port}/other`, remote: { address: '127.0.0.1', port: server.port } }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('WS_HANDSHAKE');
    expect((err as TransportError).message).toMatch(/upgrade to ws:\/\/127\.0\.0\.1:\d+\/other was refused: HTTP 40\d/);
  });

  it('nothing listening: ECONNREFUSED on WS', async () => {
    const port = await closedTcpPort();
    const err = await openWs({ url: `ws://127.0.0.1:${port}/`, remote: { address: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('ECONNREFUSED');
    expect((err as TransportError).transport).toBe('WS');
  });

  it('the server closing the WebSocket is a close by the peer', async () => {
    const server = await wsServer();
    const t = track(await openWs({ url: `ws://127.0.0.1:${server.port}/sip`, remote: { address: '127.0.0.1', port: server.port } }));
    const closed = first<[string]>((cb) => t.onClose(cb));
    server.connections[0]!.ws.close(1001);
    expect((await closed)[0]).toBe('peer');
    const errored = first<[TransportError]>((cb) => t.onError(cb));
    t.send(sipMessage('OPTIONS sip:a@b SIP/2.0'));
    expect((await errored)[0].code).toBe('CLOSED');
  });
});
