import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/transport/errors.js';
import { isTlsFailureCode, TLS_REASON, tlsFailure } from '../../src/transport/tls-errors.js';
import { openTls } from '../../src/transport/tls.js';
import { nodeTlsOptions } from '../../src/transport/tls-options.js';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { findCommand } from '../support/peers/require-peer.js';
import { closeAfterEach, closedTcpPort, first, sipMessage, track } from './helpers.js';

closeAfterEach();

const remote = { address: '127.0.0.1', port: 5061 };

/** An error as node:tls reports it. */
function nodeError(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('TLS failure reasons (RFC 3261 §26.3.1: the client validates the certificate)', () => {
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS_UNKNOWN_CA', 'unknown CA'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'TLS_UNKNOWN_CA', 'unknown CA'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_SELF_SIGNED', 'self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS_SELF_SIGNED', 'self-signed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_HOSTNAME_MISMATCH', 'hostname mismatch'],
    ['CERT_HAS_EXPIRED', 'TLS_EXPIRED', 'expired'],
    ['CERT_NOT_YET_VALID', 'TLS_NOT_YET_VALID', 'not valid yet'],
  ])('%s is %s, said in words', (nodeCode, code, words) => {
    const err = tlsFailure(nodeError(nodeCode), { transport: 'TLS', remote, connected: true });
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe(code);
    expect(err.transport).toBe('TLS');
    expect(err.message).toContain(words);
    expect(err.message).toContain('127.0.0.1:5061');
    expect(err.message).toContain(nodeCode);
  });

  it('the certificate seen and the name asked for go into the words', () => {
    const err = tlsFailure(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), {
      transport: 'WSS',
      remote,
      servername: 'sip.example.com',
      connected: true,
      certificate: { subject: 'CN=other.example', issuer: 'CN=Some CA', subjectAltName: 'DNS:other.example' },
    });
    expect(err.transport).toBe('WSS');
    expect(err.message).toContain('the certificate (CN=other.example, issued by CN=Some CA) is not for sip.example.com; it names DNS:other.example');
  });

  it('alerts and resets during the handshake are TLS_HANDSHAKE with the reason in words', () => {
    const ctx = { transport: 'TLS' as const, remote, connected: true };
    expect(tlsFailure(nodeError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'), ctx).message).toContain('requires a client certificate');
    expect(tlsFailure(nodeError('ERR_SSL_WRONG_VERSION_NUMBER'), ctx).message).toContain('does not speak TLS on this port');
    expect(tlsFailure(nodeError('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'), ctx).message).toContain('no TLS version both sides accept');
    const reset = tlsFailure(nodeError('ECONNRESET'), ctx);
    expect(reset.code).toBe('TLS_HANDSHAKE');
    expect(reset.message).toContain('closed the connection during the handshake');
  });

  it('errors before the TCP connection keep their system codes (refused is not a TLS failure)', () => {
    const err = tlsFailure(nodeError('ECONNREFUSED'), { transport: 'TLS', remote, connected: false });
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain('connection refused');
  });

  it('every code has a reason for the verdict, and only TLS codes are TLS codes', () => {
    expect(Object.values(TLS_REASON)).toEqual(['unknown-ca', 'self-signed', 'hostname-mismatch', 'expired', 'not-yet-valid', 'handshake-timeout', 'handshake-failed']);
    expect(isTlsFailureCode('TLS_EXPIRED')).toBe(true);
    expect(isTlsFailureCode('ECONNREFUSED')).toBe(false);
  });
});

describe('node:tls options', () => {
  it('verification on by default; --ca adds to the system roots rather than replacing them', () => {
    expect(nodeTlsOptions({}).rejectUnauthorized).toBe(true);
    expect(nodeTlsOptions({}).ca).toBeUndefined(); // Node's own roots
    expect(nodeTlsOptions({}).secureContext).toBeUndefined();
    expect(nodeTlsOptions({ insecure: true }).rejectUnauthorized).toBe(false);
    expect(nodeTlsOptions({ servername: 'sip.example.com' }).servername).toBe('sip.example.com');
    expect(nodeTlsOptions({}).minVersion).toBe('TLSv1.2');
  });
});

describe('TLS client transport', () => {
  it('rejects with ECONNREFUSED (transport TLS) when nothing listens', async () => {
    const port = await closedTcpPort();
    const err = await openTls({ remote: { address: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('ECONNREFUSED');
    expect((err as TransportError).transport).toBe('TLS');
  });

  it('a TCP peer that never answers the ClientHello: TLS_HANDSHAKE_TIMEOUT after handshakeTimeoutMs', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    track({ close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) });
    const { port } = server.address() as net.AddressInfo;
    const started = performance.now();
    const err = await openTls({ remote: { address: '127.0.0.1', port }, handshakeTimeoutMs: 150 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect((err as TransportError).code).toBe('TLS_HANDSHAKE_TIMEOUT');
    expect((err as TransportError).message).toContain('no TLS answer came within 150 ms');
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(2000);
  });

  it('a peer that hangs up on the ClientHello: TLS_HANDSHAKE, in words', async () => {
    const server = net.createServer((s) => s.once('data', () => s.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    track({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const { port } = server.address() as net.AddressInfo;
    const err = await openTls({ remote: { address: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('TLS_HANDSHAKE');
    expect((err as TransportError).message).toMatch(/closed the connection during the handshake/);
  });
});

describe('TLS client transport against a node:tls server with the test PKI', () => {
  const haveOpenssl = findCommand('openssl') !== undefined;
  let pki: TestPki;
  beforeAll(async () => {
    if (haveOpenssl) pki = await makeTestPki();
  });
  afterAll(async () => {
    await pki?.remove();
  });

  /** A TLS server with the valid certificate that answers every chunk with a 200 (closed after the test). */
  async function tlsServer(received: string[] = []): Promise<number> {
    const sockets = new Set<tls.TLSSocket>();
    const server = tls.createServer({ cert: readFileSync(pki.valid.cert), key: readFileSync(pki.valid.key) }, (s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('data', (d) => {
        received.push(d.toString());
        s.write(sipMessage('SIP/2.0 200 OK'));
      });
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    track({ close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) });
    return (server.address() as net.AddressInfo).port;
  }

  it.skipIf(!haveOpenssl)('--ca trusts the test CA (added to the roots); messages framed both ways; the session described', async () => {
    const received: string[] = [];
    const port = await tlsServer(received);
    const t = track(await openTls({ remote: { address: '127.0.0.1', port }, ca: [readFileSync(pki.ca, 'utf8')] }));
    expect(t.name).toBe('TLS');
    expect(t.reliable).toBe(true);
    expect(t.tls).toMatchObject({ verified: true, servername: undefined });
    expect(t.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(t.tls.certificate).toMatchObject({ subject: 'CN=127.0.0.1', issuer: 'CN=sipcall test CA' });
    const got = first<[Buffer]>((cb) => t.onMessage(cb));
    t.send(sipMessage('OPTIONS sip:a@b SIP/2.0'));
    expect((await got)[0].toString()).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(received.join('')).toMatch(/^OPTIONS sip:a@b SIP\/2\.0\r\n/);
  });

  it.skipIf(!haveOpenssl)('without --ca: TLS_UNKNOWN_CA naming the certificate; with --insecure: through, verified=false', async () => {
    const port = await tlsServer();
    const err = await openTls({ remote: { address: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('TLS_UNKNOWN_CA');
    expect((err as TransportError).message).toContain('(CN=127.0.0.1, issued by CN=sipcall test CA)');
    const t = track(await openTls({ remote: { address: '127.0.0.1', port }, insecure: true }));
    expect(t.tls).toMatchObject({ verified: false, verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it.skipIf(!haveOpenssl)('a name: SNI and the check use it (localhost is in the certificate, other.invalid is not)', async () => {
    const port = await tlsServer();
    const ca = [readFileSync(pki.ca, 'utf8')];
    const t = track(await openTls({ remote: { address: '127.0.0.1', port }, ca, servername: 'localhost' }));
    expect(t.tls.servername).toBe('localhost');
    const err = await openTls({ remote: { address: '127.0.0.1', port }, ca, servername: 'other.invalid' }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('TLS_HOSTNAME_MISMATCH');
    expect((err as TransportError).message).toContain('is not for other.invalid; it names IP Address:127.0.0.1');
  });
});
