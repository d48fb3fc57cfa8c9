// A user's `--header Authorization: …` and a 401 challenge (src/engine/authenticate.ts): the
// request sent again carries the credentials computed for the challenge (RFC 3261 §22.2,
// §8.1.3.5), not those plus the user's; later requests of the run carry the pro-active ones
// (§22.3), not those plus the user's; and a note says, once, that the user's row was replaced.
import { describe, expect, it } from 'vitest';
import type { AuthPlan } from '../../src/engine/auth-plan.js';
import { Authenticator } from '../../src/engine/authenticate.js';
import type { Session } from '../../src/engine/session.js';
import type { SipEvent } from '../../src/events/types.js';
import { buildRequest } from '../../src/sip/build-request.js';
import { Headers } from '../../src/sip/headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../../src/sip/message.js';

const USER_AUTH = { name: 'Authorization', value: 'Bearer user-token' };
const USER_PROXY_AUTH = { name: 'Proxy-Authorization', value: 'Digest username="bob", realm="proxy", nonce="x", uri="sip:x", response="00"' };

function fakeSession(): { session: Session; notes: () => string[] } {
  const events: SipEvent[] = [];
  const session = { emit: (e: SipEvent) => events.push({ ...e, t: 0 } as SipEvent) } as unknown as Session;
  return { session, notes: () => events.flatMap((e) => (e.type === 'note' ? [e.text] : [])) };
}

const plan: AuthPlan = { username: 'alice', source: '--password', warnings: [], credentials: () => Promise.resolve({ username: 'alice', password: 'secret-pw' }) };

let cseq = 0;
/** A request as the engine builds it: the user's -H rows among the headers. */
function request(headers: Array<{ name: string; value: string }>): SipRequest {
  return buildRequest({
    method: 'REGISTER',
    uri: 'sip:example.com',
    via: `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-u${++cseq};rport`,
    from: '<sip:alice@example.com>;tag=t',
    to: '<sip:alice@example.com>',
    callId: 'c@test',
    cseq: ++cseq,
    contact: '<sip:alice@127.0.0.1:5070>',
    headers,
  });
}

function challenge(status: 401 | 407): SipResponse {
  const h = new Headers();
  h.append(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate', 'Digest realm="example.com", nonce="n1", qop="auth"');
  return { kind: 'response', status, reason: status === 401 ? 'Unauthorized' : 'Proxy Authentication Required', version: SIP_VERSION, headers: h, body: new Uint8Array(0) };
}

async function retryOf(a: Authenticator, res: SipResponse, req: SipRequest): Promise<SipRequest> {
  const step = await a.answer(res, req, 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-again;rport');
  if (step.kind !== 'retry') throw new Error(`expected a retry, got: ${step.why}`);
  return step.request;
}

describe("the user's --header Authorization and a challenge", () => {
  it('the retry for a 401 carries one Authorization, the computed one, and a note says the user\'s was replaced', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan, undefined, [USER_AUTH]);
    const first = request([USER_AUTH]);
    expect(first.headers.getAll('authorization')).toEqual(['Bearer user-token']); // sent as given the first time
    const retry = await retryOf(a, challenge(401), first);
    const auth = retry.headers.getAll('authorization');
    expect(auth).toHaveLength(1);
    expect(auth[0]).toMatch(/^Digest username="alice", realm="example\.com", nonce="n1"/);
    expect(s.notes()).toContain('--header Authorization: replaced by the credentials sipcall computed for the 401 Unauthorized (RFC 3261 §22.2: the request sent again carries the credentials for the challenge)');
    expect(s.notes().join('\n')).not.toContain('secret-pw');
  });

  it('later requests of the run: one Authorization (the pro-active one), not the user\'s as well; one note per run', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan, undefined, [USER_AUTH]);
    await retryOf(a, challenge(401), request([USER_AUTH]));
    for (let i = 0; i < 3; i++) {
      const next = request([USER_AUTH]); // a refresh or un-REGISTER: the -H rows again
      a.prepare(next);
      const auth = next.headers.getAll('authorization');
      expect(auth).toHaveLength(1);
      expect(auth[0]).toMatch(/^Digest username="alice", realm="example\.com", nonce="n1", .*nc=0000000[2-4]/);
      expect(next.headers.fields.at(-1)?.key).toBe('content-length');
    }
    expect(s.notes().filter((n) => n.startsWith('--header Authorization:'))).toHaveLength(1);
  });

  it('pro-active credentials before any challenge in the run was answered: the user\'s row only', () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan, undefined, [USER_AUTH]);
    const req = request([USER_AUTH]);
    a.prepare(req);
    expect(req.headers.getAll('authorization')).toEqual(['Bearer user-token']);
    expect(s.notes()).toEqual([]);
  });

  it('a 407: the user\'s Proxy-Authorization is replaced too, and said so', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan, undefined, [USER_PROXY_AUTH]);
    const retry = await retryOf(a, challenge(407), request([USER_PROXY_AUTH]));
    expect(retry.headers.getAll('proxy-authorization')).toHaveLength(1);
    expect(retry.headers.get('proxy-authorization')).toMatch(/^Digest username="alice", realm="example\.com"/);
    expect(s.notes()).toContain('--header Proxy-Authorization: replaced by the credentials sipcall computed for the 407 Proxy Authentication Required (RFC 3261 §22.2: the request sent again carries the credentials for the challenge)');
  });

  it('no note when the credentials replaced are sipcall\'s own (a second challenge after a stale nonce)', async () => {
    const s = fakeSession();
    const a = new Authenticator(s.session, plan);
    const retry = await retryOf(a, challenge(401), request([]));
    const stale = challenge(401);
    stale.headers.set('WWW-Authenticate', 'Digest realm="example.com", nonce="n2", qop="auth", stale=true');
    const again = await retryOf(a, stale, retry);
    expect(again.headers.getAll('authorization')).toHaveLength(1);
    expect(s.notes().some((n) => n.startsWith('--header'))).toBe(false);
  });
});
