// The TLS and WebSocket listeners of `answer` (src/transport/tls-listener.ts, ws-listener.ts):
// framing and the reply path, the RFC 7118 §4.1 sub-protocol check, CRLF keep-alive frames.
// Certificates from the test CA (test/support/peers/certs.ts, openssl).
import { once } from 'node:events';
import tls from 'node:tls';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { listen } from '../../src/transport/listen.js';
import type { ReplyFn } from '../../src/transport/transport.js';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { readFileSync } from 'node:fs';
import { closeAfterEach, first, sipMessage, track } from './helpers.js';

closeAfterEach();

let pki: TestPki;
let certificate: { cert: string; key: string };
let ca: string;
beforeAll(async () => {
  pki = await makeTestPki();
  certificate = { cert: readFileSync(pki.valid.cert, 'utf8'), key: readFileSync(pki.valid.key, 'utf8') };
  ca = readFileSync(pki.ca, 'utf8');
});
afterAll(async () => {
  await pki?.remove();
});

describe('listen: TLS', () => {
  it('frames by Content-Length after the handshake and replies on the same connection; IPv6 too', async () => {
    for (const address of ['127.0.0.1', '::1']) {
      const server = track(await listen({ transport: 'TLS', address, port: 0, certificate }));
      expect(server.name).toBe('TLS');
      expect(server.reliable).toBe(true);
      const request = first<[Buffer, Endpoint, ReplyFn]>((cb) => server.onMessage(cb));
      const client = tls.connect({ host: address, port: server.local.port, ca });
      await once(client, 'secureConnect');
      const a = sipMessage('OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'hello');
      // two halves: the framer joins them
      client.write(a.subarray(0, 10));
      client.write(a.subarray(10));
      const [msg, from, reply] = await request;
      expect(msg.equals(a)).toBe(true);
      expect(from.port).toBe(client.localPort);
      const back = once(client, 'data');
      reply(sipMessage('SIP/2.0 200 OK'));
      expect(String((await back)[0])).toMatch(/^SIP\/2\.0 200 OK\r\n/);
      client.destroy();
    }
  });

  it('needs a certificate', async () => {
    await expect(listen({ transport: 'TLS', address: '127.0.0.1', port: 0 })).rejects.toThrow(/needs a certificate/);
  });

  it('a client that fails its handshake does not stop the listener', async () => {
    const server = track(await listen({ transport: 'TLS', address: '127.0.0.1', port: 0, certificate }));
    const bad = tls.connect({ host: '127.0.0.1', port: server.local.port }); // no CA: rejects our certificate
    await once(bad, 'error');
    const request = first<[Buffer, Endpoint, ReplyFn]>((cb) => server.onMessage(cb));
    const good = tls.connect({ host: '127.0.0.1', port: server.local.port, ca });
    await once(good, 'secureConnect');
    good.write(sipMessage('OPTIONS sip:bob@127.0.0.1 SIP/2.0'));
    expect(String((await request)[0])).toMatch(/^OPTIONS /);
    good.destroy();
  });
});

describe('listen: WS and WSS (RFC 7118)', () => {
  for (const transport of ['WS', 'WSS'] as const) {
    it(`${transport}: one SIP message per frame, the reply on the same WebSocket; CRLF-only frames are dropped`, async () => {
      const server = track(await listen({ transport, address: '127.0.0.1', port: 0, ...(transport === 'WSS' ? { certificate } : {}) }));
      expect(server.name).toBe(transport);
      const got: Buffer[] = [];
      let replyFn: ReplyFn | undefined;
      server.onMessage((m, _from, reply) => {
        got.push(m);
        replyFn = reply;
      });
      const ws = new WebSocket(`${transport.toLowerCase()}://127.0.0.1:${server.local.port}/`, 'sip', transport === 'WSS' ? { ca } : {});
      await once(ws, 'open');
      expect(ws.protocol).toBe('sip');
      ws.send('\r\n\r\n');
      ws.send(sipMessage('OPTIONS sip:bob@127.0.0.1 SIP/2.0'));
      for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(got.map((g) => g.toString().split('\r\n')[0])).toEqual(['OPTIONS sip:bob@127.0.0.1 SIP/2.0']);
      const back = once(ws, 'message');
      replyFn!(sipMessage('SIP/2.0 200 OK'));
      const [data, isBinary] = await back;
      expect(isBinary).toBe(false);
      expect(String(data)).toMatch(/^SIP\/2\.0 200 OK\r\n/);
      ws.close();
    });
  }

  it('a handshake without the sub-protocol "sip" is refused with 400 (RFC 7118 §4.1)', async () => {
    const server = track(await listen({ transport: 'WS', address: '::1', port: 0 }));
    const ws = new WebSocket(`ws://[::1]:${server.local.port}/`);
    ws.on('error', () => {}); // "closed before the connection was established": expected here
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(400);
    ws.terminate();
  });
});
