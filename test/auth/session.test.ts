import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialsError, DigestSession, challengeResponseFrom } from '../../src/auth/index.js';
import type { AuthorizationHeader, DigestOutcome } from '../../src/auth/index.js';
import { Headers } from '../../src/sip/headers.js';
import type { SipResponse } from '../../src/sip/message.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const random = (n: number): Uint8Array => new Uint8Array(n).fill(0x5a);
const CNONCE = '5a'.repeat(16);
const invite = { method: 'INVITE', uri: 'sip:bob@example.com' };
const creds = { username: 'alice', password: 'w0nderland' };

const www = (...values: string[]) => ({ status: 401, wwwAuthenticate: values });
const proxy = (...values: string[]) => ({ status: 407, proxyAuthenticate: values });

function headersOf(o: DigestOutcome): AuthorizationHeader[] {
  if (o.kind !== 'authorize') throw new Error(`expected authorize, got ${JSON.stringify(o)}`);
  return o.headers;
}

/** The expected MD5 qop=auth response, computed independently. */
function expected(realm: string, nonce: string, nc: string, method: string, uri: string): string {
  const ha1 = md5(`alice:${realm}:w0nderland`);
  return md5(`${ha1}:${nonce}:${nc}:${CNONCE}:auth:${md5(`${method}:${uri}`)}`);
}

describe('DigestSession', () => {
  it('answers a 401 with Authorization, nc=00000001', () => {
    const s = new DigestSession(creds, { random });
    const [h] = headersOf(s.respond(www('Digest realm="example.com", nonce="n1", qop="auth"'), invite));
    expect(h.headerName).toBe('Authorization');
    expect(h.nc).toBe('00000001');
    expect(h.value).toBe(
      `Digest username="alice", realm="example.com", nonce="n1", uri="sip:bob@example.com", ` +
        `response="${expected('example.com', 'n1', '00000001', 'INVITE', 'sip:bob@example.com')}", algorithm=MD5, ` +
        `cnonce="${CNONCE}", qop=auth, nc=00000001`,
    );
    expect(h.why).toBe('MD5 chosen for realm "example.com": the only challenge offered; qop auth');
  });

  it('rejects a second challenge for the same realm after one retry: never a loop', () => {
    const s = new DigestSession(creds, { random });
    headersOf(s.respond(www('Digest realm="example.com", nonce="n1", qop="auth"'), invite));
    const o = s.respond(www('Digest realm="example.com", nonce="n2", qop="auth"'), invite);
    expect(o).toEqual({
      kind: 'rejected',
      rejected: { realm: 'example.com', user: 'alice', algorithm: 'MD5', why: 'credentials rejected for realm "example.com" (user alice, algorithm MD5)' },
    });
    // and it stays rejected: asking again does not start a loop
    expect(s.respond(www('Digest realm="example.com", nonce="n3", qop="auth"'), invite).kind).toBe('rejected');
  });

  it('stale=true: retries with the new nonce, not counted as a failure', () => {
    const s = new DigestSession(creds, { random });
    headersOf(s.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    const [h] = headersOf(s.respond(www('Digest realm="r", nonce="n2", qop=auth, stale=true'), invite));
    expect(h.nc).toBe('00000001');
    expect(h.value).toContain('nonce="n2"');
    expect(h.value).toContain(`response="${expected('r', 'n2', '00000001', 'INVITE', 'sip:bob@example.com')}"`);
    expect(h.why).toContain('stale=true: retrying with the new nonce, not counted as a failure');
    // a non-stale challenge after that is a rejection
    expect(s.respond(www('Digest realm="r", nonce="n3", qop=auth'), invite).kind).toBe('rejected');
  });

  it('bounds stale retries, and refuses stale=true with the nonce just used', () => {
    const s = new DigestSession(creds, { random, maxStaleRetries: 2 });
    headersOf(s.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    headersOf(s.respond(www('Digest realm="r", nonce="n2", qop=auth, stale=true'), invite));
    headersOf(s.respond(www('Digest realm="r", nonce="n3", qop=auth, stale=true'), invite));
    const o = s.respond(www('Digest realm="r", nonce="n4", qop=auth, stale=true'), invite);
    expect(o.kind).toBe('rejected');
    if (o.kind === 'rejected') expect(o.rejected.why).toBe('credentials rejected for realm "r" (user alice, algorithm MD5); stale=true 3 times in a row');

    const t = new DigestSession(creds, { random });
    headersOf(t.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    const same = t.respond(www('Digest realm="r", nonce="n1", qop=auth, stale=true'), invite);
    expect(same.kind).toBe('rejected');
  });

  it('answers 401 WWW-Authenticate and 407 Proxy-Authenticate of one response, each', () => {
    const s = new DigestSession(creds, { random });
    const hs = headersOf(
      s.respond(
        { status: 407, wwwAuthenticate: ['Digest realm="uas", nonce="u1", qop=auth'], proxyAuthenticate: ['Digest realm="proxy", nonce="p1", qop=auth'] },
        invite,
      ),
    );
    expect(hs.map((h) => [h.headerName, h.realm, h.nc])).toEqual([
      ['Authorization', 'uas', '00000001'],
      ['Proxy-Authorization', 'proxy', '00000001'],
    ]);
  });

  it('407 then 401: the retry carries the proxy credentials with nc counting up', () => {
    const s = new DigestSession(creds, { random });
    headersOf(s.respond(proxy('Digest realm="proxy", nonce="p1", qop=auth'), invite));
    const hs = headersOf(s.respond(www('Digest realm="uas", nonce="u1", qop=auth'), invite));
    expect(hs.map((h) => [h.headerName, h.realm, h.nc])).toEqual([
      ['Authorization', 'uas', '00000001'],
      ['Proxy-Authorization', 'proxy', '00000002'],
    ]);
    expect(hs[1].value).toContain(`response="${expected('proxy', 'p1', '00000002', 'INVITE', 'sip:bob@example.com')}"`);
    expect(hs[1].why).toBe('carried: realm "proxy" was answered earlier');
  });

  it('authorize(): pro-active headers for in-dialog requests, nc counting up on the same nonce', () => {
    const s = new DigestSession(creds, { random });
    expect(s.authorize(invite)).toEqual([]);
    headersOf(s.respond(proxy('Digest realm="proxy", nonce="p1", qop=auth'), invite));
    const bye = { method: 'BYE', uri: 'sip:bob@192.0.2.7' };
    const [h2] = s.authorize(bye);
    expect(h2.headerName).toBe('Proxy-Authorization');
    expect(h2.nc).toBe('00000002');
    expect(h2.value).toContain(`response="${expected('proxy', 'p1', '00000002', 'BYE', 'sip:bob@192.0.2.7')}"`);
    expect(h2.value).toContain('uri="sip:bob@192.0.2.7"');
    const [h3] = s.authorize({ method: 'INFO', uri: 'sip:bob@192.0.2.7' });
    expect(h3.nc).toBe('00000003');
    expect(h3.value).toContain(`cnonce="${CNONCE}"`);
  });

  it('later challenges with the same nonce keep counting', () => {
    const s = new DigestSession(creds, { random });
    headersOf(s.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    s.authorize(invite); // nc 2, a new request
    const [h] = headersOf(s.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    expect(h.nc).toBe('00000003');
  });

  it('a challenge to a pro-active request is answered once, then rejected', () => {
    const s = new DigestSession(creds, { random });
    headersOf(s.respond(www('Digest realm="r", nonce="n1", qop=auth'), invite));
    s.authorize({ method: 'REGISTER', uri: 'sip:example.com' });
    const [h] = headersOf(s.respond(www('Digest realm="r", nonce="n9", qop=auth'), invite));
    expect(h.nc).toBe('00000001');
    expect(s.respond(www('Digest realm="r", nonce="n10", qop=auth'), invite).kind).toBe('rejected');
  });

  it('uses auth-int when asked, hashing the request body', () => {
    const s = new DigestSession(creds, { random, qop: 'auth-int' });
    const body = new TextEncoder().encode('v=0\r\n');
    const [h] = headersOf(s.respond(www('Digest realm="r", nonce="n1", qop="auth,auth-int"'), { ...invite, body }));
    const ha1 = md5('alice:r:w0nderland');
    const ha2 = md5(`INVITE:sip:bob@example.com:${createHash('md5').update(body).digest('hex')}`);
    expect(h.qop).toBe('auth-int');
    expect(h.value).toContain(`response="${md5(`${ha1}:n1:00000001:${CNONCE}:auth-int:${ha2}`)}"`);
  });

  it('with only an MD5 HA1, answers the MD5 challenge and says why', () => {
    const s = new DigestSession({ username: 'alice', ha1: md5('alice:r:w0nderland') }, { random });
    const [h] = headersOf(
      s.respond(www('Digest realm="r", nonce="n1", algorithm=SHA-256, qop=auth', 'Digest realm="r", nonce="n1", algorithm=MD5, qop=auth'), invite),
    );
    expect(h.algorithm).toBe('MD5');
    expect(h.value).toContain(`response="${expected('r', 'n1', '00000001', 'INVITE', 'sip:bob@example.com')}"`);
    expect(h.why).toContain('skipped: algorithm "SHA-256" cannot be answered with the credentials given (usable: MD5, MD5-sess)');
  });

  it('unsupported: names the algorithm, or the missing challenge', () => {
    const s = new DigestSession(creds, { random });
    const o = s.respond(www('Digest realm="r", nonce="n", algorithm=SHA-1'), invite);
    expect(o.kind).toBe('unsupported');
    if (o.kind === 'unsupported') expect(o.unsupported.message).toMatch(/^algorithm "SHA-1" is not supported \(supported: MD5, /);
    const none = s.respond({ status: 407 }, invite);
    if (none.kind !== 'unsupported') throw new Error('expected unsupported');
    expect(none.unsupported.message).toBe('the 407 response carries no Proxy-Authenticate challenge');
  });

  it('refuses credentials without password or HA1, and a malformed HA1', () => {
    expect(() => new DigestSession({ username: 'alice' })).toThrow(CredentialsError);
    expect(() => new DigestSession({ username: 'alice', ha1: 'xyz' })).toThrow('the HA1 given is not 32 (MD5) or 64 (SHA-256, SHA-512-256) hex digits');
  });

  it('challengeResponseFrom reads the challenges of a SipResponse', () => {
    const res: SipResponse = {
      kind: 'response',
      status: 401,
      reason: 'Unauthorized',
      version: 'SIP/2.0',
      headers: new Headers().append('www-authenticate', 'Digest realm="a", nonce="1"').append('Proxy-Authenticate', 'Digest realm="b", nonce="2"'),
      body: new Uint8Array(0),
    };
    expect(challengeResponseFrom(res)).toEqual({ status: 401, wwwAuthenticate: ['Digest realm="a", nonce="1"'], proxyAuthenticate: ['Digest realm="b", nonce="2"'] });
  });
});
