// The pure parts of redirect following (src/engine/redirect.ts, RFC 3261 §8.1.3.4).
import { describe, expect, it } from 'vitest';
import { redirectContacts, redirectKey, redirectPlan } from '../../src/engine/redirect.js';
import type { InvitePlan } from '../../src/engine/plan.js';
import { parseTarget } from '../../src/engine/target.js';
import { Headers } from '../../src/sip/headers.js';
import type { SipResponse } from '../../src/sip/message.js';

function res302(...contacts: string[]): SipResponse {
  const h = new Headers();
  for (const c of contacts) h.append('Contact', c);
  return { kind: 'response', status: 302, reason: 'Moved Temporarily', version: 'SIP/2.0', headers: h, body: new Uint8Array(0) };
}

const plan = (): InvitePlan => ({
  kind: 'invite',
  target: parseTarget('sip:alice@127.0.0.1:5060'),
  destination: { host: '127.0.0.1', port: 5060 },
  net: { transport: 'udp', transportForced: false, t1: 500, t2: 4000, t4: 5000 },
  request: { headers: [], userAgent: 'test' },
  sdp: true,
  ringTimeoutS: 60,
});

describe('redirect', () => {
  it('Contacts best q first; no q is 1.0; ties keep their order; non-SIP URIs and * are left out', () => {
    const r = res302('<sip:a@127.0.0.1>;q=0.5', '<sip:b@127.0.0.1>', '<tel:+1555>', '<sip:c@127.0.0.1>;q=0.9, <sip:d@127.0.0.1>;q=1.0', '*');
    expect(redirectContacts(r)).toEqual(['sip:b@127.0.0.1', 'sip:d@127.0.0.1', 'sip:c@127.0.0.1', 'sip:a@127.0.0.1']);
  });

  it('a redirect plan aims at the Contact: host, port, and its ;transport= unless the user forced one', () => {
    const p = redirectPlan(plan(), 'sip:bob@127.0.0.2:5070;transport=tcp');
    expect(p.target.uri).toBe('sip:bob@127.0.0.2:5070;transport=tcp');
    expect(p.destination).toMatchObject({ host: '127.0.0.2', port: 5070, portExplicit: true });
    expect(p.net.transport).toBe('tcp');
    const forced = redirectPlan({ ...plan(), net: { ...plan().net, transportForced: true } }, 'sip:bob@127.0.0.2;transport=tcp');
    expect(forced.net.transport).toBe('udp');
    expect(forced.destination.port).toBe(5060);
    expect(() => redirectPlan(plan(), 'sip:bob@127.0.0.2;transport=sctp')).toThrow(/sctp/);
  });

  it('loop keys compare scheme, user, host (any case) and port', () => {
    expect(redirectKey('sip:Bob@EXAMPLE.com:5060;transport=udp')).toBe(redirectKey('sip:Bob@example.com:5060'));
    expect(redirectKey('sip:bob@example.com')).not.toBe(redirectKey('sip:bob@example.com:5070'));
  });
});
