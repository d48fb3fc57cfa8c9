import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import type { AttemptPin } from '../../src/engine/attempt-pin.js';
import { failoverCause } from '../../src/engine/failover-reason.js';
import { runWithFailover } from '../../src/engine/failover.js';
import type { RunOutcome } from '../../src/engine/outcome.js';
import type { OptionsPlan } from '../../src/engine/plan.js';
import type { EngineEnv } from '../../src/engine/session.js';
import { analyzeRun } from '../../src/engine/verdict/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { fakeDns, srv } from '../transport/rfc3263/fake-dns.js';

const plan: OptionsPlan = {
  kind: 'options',
  target: { scheme: 'sip', host: 'example.test', address: 'example.test', hostKind: 'name', params: [], uri: 'sip:example.test' },
  destination: { host: 'example.test', port: 5060, portExplicit: false, scheme: 'sip' },
  net: { transport: 'udp', transportForced: false, t1: 500, t2: 4000, t4: 5000 },
  request: { headers: [], userAgent: 'test' },
};

const zone = {
  srv: { '_sip._udp.example.test': [srv(10, 0, 5060, 'a.example.test'), srv(20, 0, 5060, 'b.example.test'), srv(30, 0, 5060, 'c.example.test')] },
  a: { 'a.example.test': ['192.0.2.1'], 'b.example.test': ['192.0.2.2'], 'c.example.test': ['192.0.2.1'] },
};

const wire503 = (t: number, retryAfter?: number): SipEvent => ({
  type: 'wire',
  t,
  direction: 'in',
  transport: 'UDP',
  peer: 'x',
  text: `SIP/2.0 503 Service Unavailable\r\nVia: SIP/2.0/UDP 127.0.0.1:5000;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n${retryAfter !== undefined ? `Retry-After: ${retryAfter}\r\n` : ''}Content-Length: 0\r\n\r\n`,
});

type Script = (pin: AttemptPin, emit: (e: SipEvent) => void) => RunOutcome;

async function run(scripts: Script[]): Promise<{ events: SipEvent[]; outcome: RunOutcome; pins: AttemptPin[] }> {
  const events: SipEvent[] = [];
  const clock = new ManualClock();
  const env: EngineEnv = { clock, sink: (e) => events.push(e) };
  const pins: AttemptPin[] = [];
  const outcome = await runWithFailover(plan, { scheme: 'sip', host: 'example.test' }, env, async (_p, pin, sub) => {
    pins.push(pin);
    return scripts[pins.length - 1]!(pin, sub.sink);
  }, undefined, { lookups: fakeDns(zone), pick: () => 0 });
  return { events, outcome, pins };
}

const refused: Script = (pin, emit) => {
  emit({ type: 'transport.error', t: 0, transport: 'UDP', code: 'ECONNREFUSED', message: 'ICMP port unreachable', to: `${pin.address}:${pin.port}` });
  return { outcome: 'transport-error', status: 503, statusLocal: true, summary: 'refused' };
};
const ok: Script = (_pin, emit) => {
  emit({ type: 'response.received', t: 0, status: 200, reason: 'OK', category: 'success', meaning: '', branch: 'b', callId: 'c', cseq: '1 OPTIONS', method: 'OPTIONS', from: 'x', transport: 'UDP', bytes: 1, retransmission: false });
  return { outcome: 'success', status: 200, reason: 'OK', statusLocal: false, summary: 'ok' };
};
const busy = (retryAfter?: number): Script => (_pin, emit) => {
  emit({ type: 'response.received', t: 0, status: 503, reason: 'Service Unavailable', category: 'server-error', meaning: '', branch: 'b', callId: 'c', cseq: '1 OPTIONS', method: 'OPTIONS', from: 'x', transport: 'UDP', bytes: 1, retransmission: false });
  emit(wire503(0, retryAfter));
  return { outcome: 'failure-response', status: 503, reason: 'Service Unavailable', statusLocal: false, summary: '503' };
};

describe('runWithFailover (RFC 3263 §4.3)', () => {
  it('fails over on a transport error, with the same Call-ID and tag', async () => {
    const { events, outcome, pins } = await run([refused, ok]);
    expect(outcome.outcome).toBe('success');
    expect(pins.map((p) => p.address)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(pins[0]!.callId).toBe(pins[1]!.callId);
    expect(pins[0]!.localTag).toBe(pins[1]!.localTag);
    const kinds = events.filter((e) => e.type.startsWith('target.')).map((e) => (e.type === 'target.failover' ? `failover ${e.reason} → ${e.next}` : e.type === 'target.selected' ? `selected ${e.index}/${e.of} ${e.address}` : ''));
    expect(kinds).toEqual(['selected 1/3 192.0.2.1', 'failover transport-error → 192.0.2.2:5060', 'selected 2/3 192.0.2.2']);
    // The verdict of a clean run after a failover is about the last attempt: none.
    expect(analyzeRun(events, { outcome })).toBeUndefined();
  });

  it('a 503 with Retry-After fails over and keeps that address out for the run', async () => {
    const { events, outcome, pins } = await run([busy(30), refused]);
    // c.example.test has the same address as a: skipped by Retry-After, not tried.
    expect(pins.map((p) => p.address)).toEqual(['192.0.2.1', '192.0.2.2']);
    const failovers = events.filter((e) => e.type === 'target.failover');
    expect(failovers.map((e) => e.type === 'target.failover' && [e.reason, e.retryAfterS, e.next])).toEqual([
      ['503', 30, '192.0.2.2:5060'],
      ['transport-error', undefined, '192.0.2.1:5060'],
      ['retry-after', undefined, undefined],
    ]);
    expect(outcome.outcome).toBe('transport-error');
    const v = analyzeRun(events, { outcome });
    expect(v?.evidence.join('\n')).toMatch(/RFC 3263 failover: 2 targets tried; 192\.0\.2\.1:5060 UDP given up \(503: 503 Service Unavailable from the peer, Retry-After: 30\)/);
  });

  it('no failover after a final other than 503, or after a 1xx', async () => {
    const { pins } = await run([ok, ok]);
    expect(pins).toHaveLength(1);
  });

  it('a name that does not resolve: a DNS transport error naming the record, no attempt', async () => {
    const events: SipEvent[] = [];
    const env: EngineEnv = { clock: new ManualClock(), sink: (e) => events.push(e) };
    const outcome = await runWithFailover(plan, { scheme: 'sip', host: 'nope.test' }, env, async () => {
      throw new Error('must not run');
    }, undefined, { lookups: fakeDns(zone) });
    expect(outcome).toMatchObject({ outcome: 'transport-error', status: 503, statusLocal: true });
    const err = events.find((e) => e.type === 'transport.error');
    expect(err && err.type === 'transport.error' && [err.code, err.message, err.to]).toEqual(['DNS', 'cannot resolve "nope.test": A nope.test: NXDOMAIN', 'nope.test:5060']);
    const v = analyzeRun(events, { outcome });
    expect(v?.id).toBe('dns-failed');
    expect(v?.evidence).toContain('A nope.test: NXDOMAIN after 0 ms (asked fake)');
  });
});

describe('failoverCause', () => {
  const timeout: RunOutcome = { outcome: 'timeout', status: 408, statusLocal: true, summary: 't' };
  it('a timeout with nothing heard is a failover; with a 1xx heard it is not', () => {
    expect(failoverCause([{ type: 'request.sent', t: 0, method: 'OPTIONS', uri: 'u', attempt: 1, retransmission: false, transport: 'UDP', to: 'x', bytes: 1, branch: 'b', callId: 'c', cseq: 1 }], timeout)).toMatchObject({ reason: 'timeout', detail: /no response to 1 send/ });
    const ringing: SipEvent = { type: 'response.received', t: 0, status: 180, reason: 'Ringing', category: 'provisional', meaning: '', branch: 'b', callId: 'c', cseq: '1 INVITE', method: 'INVITE', from: 'x', transport: 'UDP', bytes: 1, retransmission: false };
    expect(failoverCause([ringing], timeout)).toBeUndefined();
  });
  it('reads Retry-After from the 503 on the wire', () => {
    expect(failoverCause([wire503(0, 120)], { outcome: 'failure-response', status: 503, statusLocal: false, summary: '' })).toMatchObject({ reason: '503', retryAfterS: 120 });
    expect(failoverCause([], { outcome: 'interrupted', summary: '' })).toBeUndefined();
  });
});
