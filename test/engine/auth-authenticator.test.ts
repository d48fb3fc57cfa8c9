// The engine's answer to 401/407 (src/engine/authenticate.ts): which header, the retry's
// CSeq/Via/Call-ID/From, several challenges, both kinds in one response, stale nonces, a
// rejection after one retry, unsupported algorithm/qop, no credentials, pro-active
// credentials with nc counting up, and no secret in any note.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DigestCredentials } from '../../src/auth/index.js';
import type { AuthPlan } from '../../src/engine/auth-plan.js';
import { Authenticator, retryRequest } from '../../src/engine/authenticate.js';
import type { Session } from '../../src/engine/session.js';
import type { SipEvent } from '../../src/events/types.js';
import { buildRequest } from '../../src/sip/build-request.js';
import { Headers } from '../../src/sip/headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../../src/sip/message.js';

const PASSWORD = 'pa55-w0rd-under-test';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const HA1 = md5(`alice:example.com:${PASSWORD}`);

function fakeSession(): { session: Session; notes: string[]; events: SipEvent[] } {
  const events: SipEvent[] = [];
  const session = { emit: (e: SipEvent) => events.push({ ...e, t: 0 } as SipEvent) } as unknown as Session;
  return { session, events, get notes() { return events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text); } };
}

function plan(creds: Omit<DigestCredentials, 'username'> | undefined, username = 'alice'): AuthPlan {
  return { username, source: '--password', warnings: [], credentials: () => Promise.resolve(creds ? { username, ...creds } : undefined) };
}

let branchNo = 0;
function request(method = 'REGISTER', cseq = 1): SipRequest {
  return buildRequest({
    method,
    uri: 'sip:example.com',
    via: `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-${++branchNo};rport`,
    from: '<sip:alice@example.com>;tag=ourtag',
    to: '<sip:alice@example.com>',
    callId: 'call-1@test',
    cseq,
    contact: '<sip:alice@127.0.0.1:5070>',
  });
}

function response(status: number, headers: Array<[string, string]>): SipResponse {
  const h = new Headers();
  for (const [n, v] of headers) h.append(n, v);
  return { kind: 'response', status, reason: status === 401 ? 'Unauthorized' : 'Proxy Authentication Required', version: SIP_VERSION, headers: h, body: new Uint8Array(0) };
}

const www = (extra = '', nonce = 'n1') => ['WWW-Authenticate', `Digest realm="example.com", nonce="${nonce}", qop="auth"${extra}`] as [string, string];
const proxy = (realm = 'proxy.example.com', nonce = 'p1') => ['Proxy-Authenticate', `Digest realm="${realm}", nonce="${nonce}", qop="auth"`] as [string, string];

const via = (n: number) => `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-retry-${n};rport`;

async function retryOf(a: Authenticator, res: SipResponse, req: SipRequest, n = 1): Promise<SipRequest> {
  const step = await a.answer(res, req, via(n));
  if (step.kind !== 'retry') throw new Error(`expected a retry, got: ${step.why}`);
  return step.request;
}

describe('Authenticator.answer', () => {
  it('401: Authorization, CSeq + 1, a new Via, same Call-ID, From (tag) and To', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan({ password: PASSWORD }));
    const req = request('REGISTER', 7);
    const retry = await retryOf(a, response(401, [www()]), req);
    expect(retry.headers.get('cseq')).toBe('8 REGISTER');
    expect(retry.headers.getAll('via')).toEqual([via(1)]);
    expect(retry.headers.get('call-id')).toBe('call-1@test');
    expect(retry.headers.get('from')).toBe('<sip:alice@example.com>;tag=ourtag');
    expect(retry.headers.get('to')).toBe('<sip:alice@example.com>');
    expect(retry.uri).toBe(req.uri);
    const auth = retry.headers.get('authorization') ?? '';
    expect(auth).toMatch(/^Digest username="alice", realm="example\.com", nonce="n1", uri="sip:example\.com"/);
    expect(auth).toContain('nc=00000001');
    expect(retry.headers.has('proxy-authorization')).toBe(false);
    // the original is untouched
    expect(req.headers.get('cseq')).toBe('7 REGISTER');
    expect(req.headers.has('authorization')).toBe(false);
    // Content-Length stays last
    expect(retry.headers.fields.at(-1)?.key).toBe('content-length');
    expect(s.notes[0]).toMatch(/^401 Unauthorized: answering realm "example\.com" in Authorization as user alice \(nc 00000001\); MD5 chosen for realm "example\.com": the only challenge offered; qop auth$/);
  });

  it('407: Proxy-Authorization', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const retry = await retryOf(a, response(407, [proxy()]), request('INVITE'));
    expect(retry.headers.get('proxy-authorization')).toMatch(/^Digest username="alice", realm="proxy\.example\.com"/);
    expect(retry.headers.has('authorization')).toBe(false);
  });

  it('401 and 407 challenges in one response: both headers', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const retry = await retryOf(a, response(407, [proxy(), www()]), request('INVITE'));
    expect(retry.headers.getAll('proxy-authorization')).toHaveLength(1);
    expect(retry.headers.getAll('authorization')).toHaveLength(1);
  });

  it('several challenges for one realm: the first the server listed, and the note says why', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan({ password: PASSWORD }));
    const res = response(401, [www(', algorithm=SHA-256'), www(', algorithm=MD5')]);
    const retry = await retryOf(a, res, request());
    expect(retry.headers.get('authorization')).toContain('algorithm=SHA-256');
    expect(s.notes[0]).toContain('SHA-256 chosen for realm "example.com": the first the server listed that sipcall supports, in the server\'s order SHA-256, MD5 (RFC 8760 §2.4)');
  });

  it('a second challenge for the realm after credentials were sent: stop, "credentials rejected"', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan({ password: PASSWORD }));
    const retry = await retryOf(a, response(401, [www()]), request());
    const step = await a.answer(response(401, [www('', 'n2')]), retry, via(2));
    expect(step).toEqual({ kind: 'stop', why: 'credentials rejected for realm "example.com" (user alice, algorithm MD5)' });
    expect(s.notes.at(-1)).toBe(step.kind === 'stop' ? step.why : '');
  });

  it('stale=true with a new nonce: retried, not counted as a failure; nc back to 1', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const first = await retryOf(a, response(401, [www()]), request(), 1);
    const second = await retryOf(a, response(401, [www(', stale=true', 'n2')]), first, 2);
    expect(second.headers.get('cseq')).toBe('3 REGISTER');
    expect(second.headers.getAll('authorization')).toHaveLength(1);
    expect(second.headers.get('authorization')).toContain('nonce="n2"');
    expect(second.headers.get('authorization')).toContain('nc=00000001');
    // a non-stale challenge now is a rejection
    const third = await a.answer(response(401, [www('', 'n3')]), second, via(3));
    expect(third.kind).toBe('stop');
  });

  it('an unsupported algorithm or qop: stop, naming it', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const step = await a.answer(response(401, [www(', algorithm=SHA-1')]), request(), via(1));
    expect(step.kind === 'stop' && step.why).toMatch(/^cannot answer the 401 Unauthorized: algorithm "SHA-1" is not supported \(supported: MD5, /);
    const b = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const q = await b.answer(response(401, [['WWW-Authenticate', 'Digest realm="example.com", nonce="x", qop="auth-conf"']]), request(), via(1));
    expect(q.kind === 'stop' && q.why).toContain('qop "auth-conf" is not supported (supported: auth, auth-int)');
  });

  it('no credentials: stop, naming the realm and how to give credentials', async () => {
    for (const p of [undefined, plan(undefined)]) {
      const s = fakeSession();
      const a = new Authenticator(s.session, p);
      const step = await a.answer(response(407, [proxy()]), request('OPTIONS'), via(1));
      expect(step.kind).toBe('stop');
      expect(s.notes[0]).toMatch(/^realm "proxy\.example\.com" \(Proxy-Authenticate, Digest MD5\) asked for credentials \(407 Proxy Authentication Required\) and none were given: give the user with --user NAME .*SIPCALL_PASSWORD.*--password-file FILE.*--ha1 HEX/);
    }
  });

  it('asks the plan for credentials once, with the realm, only when a challenge comes', async () => {
    const asked: string[] = [];
    const p: AuthPlan = { username: 'alice', source: 'prompt', warnings: [], credentials: (realm) => (asked.push(realm), Promise.resolve({ username: 'alice', password: PASSWORD })) };
    const a = new Authenticator(fakeSession().session, p);
    const r = request();
    a.prepare(r);
    expect(asked).toEqual([]);
    const retry = await retryOf(a, response(401, [www()]), r);
    a.prepare(request());
    await a.answer(response(401, [www('', 'n9')]), retry, via(2));
    expect(asked).toEqual(['example.com']);
  });

  it('prepare(): nothing before a challenge, then the known realm pro-actively with nc counting up', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    const before = request('BYE');
    a.prepare(before);
    expect(before.headers.has('authorization')).toBe(false);
    await retryOf(a, response(401, [www()]), request());
    const bye = request('BYE', 2);
    a.prepare(bye);
    expect(bye.headers.get('authorization')).toContain('nc=00000002');
    const next = request('REGISTER', 3);
    a.prepare(next);
    expect(next.headers.get('authorization')).toContain('nc=00000003');
    // a challenge to pro-active credentials is answered once, like a first one
    const again = await a.answer(response(401, [www('', 'n5')]), next, via(5));
    expect(again.kind).toBe('retry');
  });

  it('an HA1 answers its own hash; the retry never carries the password or the HA1, nor does any note', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan({ ha1: HA1 }));
    const retry = await retryOf(a, response(401, [www()]), request());
    const auth = retry.headers.get('authorization') ?? '';
    // the response is H(HA1:nonce:nc:cnonce:qop:H(A2)), checked independently
    const cnonce = /cnonce="([^"]+)"/.exec(auth)![1];
    const expected = md5(`${HA1}:n1:00000001:${cnonce}:auth:${md5('REGISTER:sip:example.com')}`);
    expect(auth).toContain(`response="${expected}"`);
    const all = JSON.stringify(s.events) + auth + JSON.stringify(a) + JSON.stringify(plan({ password: PASSWORD }));
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(HA1);
  });

  it('an HA1 cannot answer SHA-256: stop, saying so', async () => {
    const a = new Authenticator(fakeSession().session, plan({ ha1: HA1 }));
    const step = await a.answer(response(401, [www(', algorithm=SHA-256')]), request(), via(1));
    expect(step.kind === 'stop' && step.why).toContain('algorithm "SHA-256" cannot be answered with the credentials given');
    expect(step.kind === 'stop' && step.why).not.toContain(HA1);
  });

  it('never loops: a peer that keeps sending stale challenges is stopped', async () => {
    const a = new Authenticator(fakeSession().session, plan({ password: PASSWORD }));
    let req = request();
    let stops = 0;
    for (let i = 1; i <= 10; i++) {
      const step = await a.answer(response(401, [www(i === 1 ? '' : ', stale=true', `n${i}`)]), req, via(i));
      if (step.kind === 'stop') {
        stops++;
        break;
      }
      req = step.request;
    }
    expect(stops).toBe(1);
  });
});

describe('retryRequest', () => {
  it('replaces old credentials rather than adding to them', () => {
    const req = request();
    req.headers.fields.splice(1, 0, Headers.field('Authorization', 'Digest old'), Headers.field('Proxy-Authorization', 'Digest old'));
    const retry = retryRequest(req, via(1), [{ headerName: 'Authorization', value: 'Digest new', realm: 'r', algorithm: 'MD5', qop: 'auth', nc: '00000001', why: '' }]);
    expect(retry.headers.getAll('authorization')).toEqual(['Digest new']);
    expect(retry.headers.has('proxy-authorization')).toBe(false);
  });
});
