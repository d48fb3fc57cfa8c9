import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/transport/endpoint.js';
import { TransportError } from '../../src/transport/errors.js';
import { openTcp } from '../../src/transport/tcp.js';
import type { CloseReason } from '../../src/transport/transport.js';
import { closeAfterEach, closedTcpPort, first, sipMessage, track } from './helpers.js';

closeAfterEach();

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

describe('TCP client transport', () => {
  it('rejects with ECONNREFUSED when nothing listens', async () => {
    const port = await closedTcpPort();
    const err = await openTcp({ remote: { address: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('ECONNREFUSED');
    expect((err as TransportError).transport).toBe('TCP');
    expect((err as TransportError).message).toContain(`nothing listens on 127.0.0.1:${port}/tcp`);
  });

  it('frames responses split across writes and coalesced in one', async () => {
    const trying = sipMessage('SIP/2.0 100 Trying');
    const ok = sipMessage('SIP/2.0 200 OK', 'v=0\r\n');
    const port = await rawServer((s) =>
      s.once('data', () => {
        s.write(Buffer.concat([trying, ok.subarray(0, 7)]));
        setImmediate(() => s.write(ok.subarray(7)));
      }),
    );
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port } }));
    expect(client.reliable).toBe(true);
    expect(client.local.address).toBe('127.0.0.1');
    const got: string[] = [];
    const two = new Promise<void>((resolve) =>
      client.onMessage((msg, from) => {
        expect(from).toEqual({ address: '127.0.0.1', port, family: 4 });
        got.push(msg.toString());
        if (got.length === 2) resolve();
      }),
    );
    client.send(sipMessage('INVITE sip:a SIP/2.0'));
    await two;
    expect(got).toEqual([trying.toString(), ok.toString()]);
  });

  it('reports a peer closing mid-message as CLOSED_MID_MESSAGE, then closes with reason peer', async () => {
    const ok = sipMessage('SIP/2.0 200 OK', 'hello');
    const port = await rawServer((s) => s.once('data', () => s.end(Buffer.concat([ok, ok.subarray(0, 20)]))));
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port } }));
    const messages: string[] = [];
    const errors: TransportError[] = [];
    client.onMessage((m) => messages.push(m.toString()));
    client.onError((e) => errors.push(e));
    const closed = first<[CloseReason]>((cb) => client.onClose(cb));
    client.send(Buffer.from('x'));
    const [reason] = await closed;
    expect(reason).toBe('peer');
    expect(messages).toEqual([ok.toString()]);
    expect(errors.map((e) => e.code)).toEqual(['CLOSED_MID_MESSAGE']);
    expect(errors[0]?.message).toContain('20 bytes of an unfinished message');
  });

  it('reports a clean close by the peer through onClose only', async () => {
    const port = await rawServer((s) => s.end());
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port } }));
    const errors: TransportError[] = [];
    client.onError((e) => errors.push(e));
    const [reason] = await first<[CloseReason]>((cb) => client.onClose(cb));
    expect(reason).toBe('peer');
    expect(errors).toEqual([]);
    const late = first<[TransportError]>((cb) => client.onError(cb));
    client.send(Buffer.from('x'));
    expect((await late)[0].code).toBe('CLOSED');
  });

  it('reports a reset as ECONNRESET', async () => {
    const port = await rawServer((s) => s.once('data', () => s.resetAndDestroy()));
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port } }));
    const error = first<[TransportError]>((cb) => client.onError(cb));
    const closed = first<[CloseReason]>((cb) => client.onClose(cb));
    client.send(Buffer.from('x'));
    const [err] = await error;
    expect(err.code).toBe('ECONNRESET');
    expect(err.message).toContain(`connection reset by 127.0.0.1:${port}/tcp`);
    expect((await closed)[0]).toBe('error');
  });

  it('reports a message without Content-Length as FRAMING and drops the connection', async () => {
    const port = await rawServer((s) => s.write('SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n'));
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port } }));
    const error = first<[TransportError]>((cb) => client.onError(cb));
    const closed = first<[CloseReason]>((cb) => client.onClose(cb));
    const [err] = await error;
    expect(err.code).toBe('FRAMING');
    expect(err.message).toContain('no Content-Length');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect((await closed)[0]).toBe('error');
  });

  it('reports a message over the size limit as MESSAGE_TOO_LARGE', async () => {
    const port = await rawServer((s) => s.write(sipMessage('SIP/2.0 200 OK', 'x'.repeat(500))));
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port }, maxMessageSize: 256 }));
    const [err] = await first<[TransportError]>((cb) => client.onError(cb));
    expect(err.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('close() is idempotent, reports reason local once, and releases the socket', async () => {
    const port = await rawServer(() => undefined);
    const client = await openTcp({ remote: { address: '127.0.0.1', port } });
    const reasons: CloseReason[] = [];
    client.onClose((r) => reasons.push(r));
    await Promise.all([client.close(), client.close()]);
    expect(reasons).toEqual(['local']);
  });

  it('rejects a host name with a TypeError (resolve first)', async () => {
    await expect(openTcp({ remote: { address: 'localhost', port: 5060 } })).rejects.toThrow(TypeError);
  });

  it('binds the local address asked for', async () => {
    const port = await rawServer(() => undefined);
    const client = track(await openTcp({ remote: { address: '127.0.0.1', port }, local: { address: '127.0.0.1' } }));
    const local: Endpoint = client.local;
    expect(local.address).toBe('127.0.0.1');
    expect(local.port).toBeGreaterThan(0);
  });
});
