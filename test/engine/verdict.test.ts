// The verdict analysis on synthetic event lists: each cause is named from its evidence and
// told apart from its neighbours; a clean run has none; a run that fits no cause still gets one.
import { describe, expect, it } from 'vitest';
import type { Outcome, SipEvent } from '../../src/events/types.js';
import { analyzeRun, VERDICT_IDS } from '../../src/engine/verdict/index.js';

const TARGET = '192.0.2.10:5060';
const B = 'z9hG4bKmain';
const CALL = 'call-1@test';

function sent(t: number, method: string, attempt = 1, extra: Partial<Extract<SipEvent, { type: 'request.sent' }>> = {}): SipEvent {
  return { type: 'request.sent', t, method, uri: 'sip:bob@192.0.2.10', attempt, retransmission: attempt > 1, transport: 'UDP', to: TARGET, bytes: 400, branch: B, callId: CALL, cseq: 1, ...extra };
}
function resp(t: number, status: number, reason: string, method: string, extra: Partial<Extract<SipEvent, { type: 'response.received' }>> = {}): SipEvent {
  const category = status < 200 ? 'provisional' : status < 300 ? 'success' : 'client-error';
  return { type: 'response.received', t, status, reason, category, meaning: '', branch: B, callId: CALL, cseq: `1 ${method}`, method, from: TARGET, transport: 'UDP', bytes: 300, retransmission: false, ...extra };
}
function ended(t: number, method: string, outcome: 'final' | 'timeout' | 'transport-error', status?: number, branch = B): SipEvent {
  return { type: 'transaction.terminated', t, branch, method, outcome, ...(status ? { status, local: outcome !== 'final' } : {}) };
}
function fired(t: number, timer: 'B' | 'F', method: string, branch = B): SipEvent {
  return { type: 'timer.fired', t, timer, branch, method };
}
function result(t: number, outcome: Outcome, status?: number, statusLocal?: boolean): SipEvent {
  return { type: 'result', t, outcome, status, statusLocal, exitCode: 0, durationMs: t, summary: '' };
}
/** OPTIONS over UDP sent 11 times (Timer E), as RFC 3261 §17.1.2.2 schedules them. */
function optionsSends(): SipEvent[] {
  return [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500].map((t, i) => sent(t, 'OPTIONS', i + 1));
}

describe('analyzeRun', () => {
  it('no verdict for a clean run (200 to OPTIONS)', () => {
    expect(analyzeRun([sent(0, 'OPTIONS'), resp(3, 200, 'OK', 'OPTIONS'), ended(3, 'OPTIONS', 'final', 200), result(4, 'success', 200)])).toBeUndefined();
  });

  it('no verdict for a clean failure response (404): the status says it', () => {
    expect(analyzeRun([sent(0, 'OPTIONS'), resp(3, 404, 'Not Found', 'OPTIONS'), result(4, 'failure-response', 404)])).toBeUndefined();
  });

  it('no-response: N sends over T s, Timer F, local 408, nothing back', () => {
    const v = analyzeRun([...optionsSends(), fired(32000, 'F', 'OPTIONS'), ended(32000, 'OPTIONS', 'timeout', 408), result(32001, 'timeout', 408, true)]);
    expect(v?.id).toBe('no-response');
    expect(v?.text).toBe(`${TARGET} never answered: 11 sends over 32.000 s, not one reply`);
    expect(v?.evidence[0]).toBe(`11 OPTIONS sends to ${TARGET} over UDP at 0 ms, 500 ms, 1.500 s, 3.500 s, 7.500 s, 11.500 s, …, 31.500 s`);
    expect(v?.evidence[1]).toBe('Timer F fired at 32.000 s: the request ended with a local 408 (made up by sipcall, not from the peer)');
  });

  it('icmp-unreachable: the attempt and time, at once (not Timer F)', () => {
    const v = analyzeRun([
      sent(1, 'OPTIONS'),
      { type: 'transport.error', t: 2, transport: 'UDP', code: 'ECONNREFUSED', message: 'ICMP port unreachable', to: TARGET },
      ended(2, 'OPTIONS', 'transport-error', 503),
      result(3, 'transport-error', 503, true),
    ]);
    expect(v?.id).toBe('icmp-unreachable');
    expect(v?.evidence[0]).toBe(`ICMP port unreachable from ${TARGET} at 2 ms, for OPTIONS attempt 1 (sent at 1 ms)`);
    expect(v?.evidence[1]).toContain('without waiting for Timer F');
  });

  it('icmp-unreachable with --keep-trying: counts ICMP errors against sends', () => {
    const events: SipEvent[] = [];
    for (const e of optionsSends()) {
      events.push(e, { type: 'transport.error', t: e.t + 1, transport: 'UDP', code: 'ECONNREFUSED', message: 'x', to: TARGET });
    }
    events.push(fired(32000, 'F', 'OPTIONS'), ended(32000, 'OPTIONS', 'timeout', 408), result(32000, 'timeout', 408, true));
    const v = analyzeRun(events);
    expect(v?.id).toBe('icmp-unreachable');
    expect(v?.evidence[0]).toContain('for OPTIONS attempt 1');
    expect(v?.evidence[1]).toBe('--keep-trying: 11 sends over 32.000 s, 11 ICMP errors came back (the last at 31.501 s)');
    expect(v?.evidence[2]).toContain('local 408 (made up by sipcall, not from the peer)');
  });

  it.each([
    ['DNS', 'UDP', 'dns-failed'],
    ['ECONNREFUSED', 'TCP', 'tcp-refused'],
    ['ECONNRESET', 'TCP', 'tcp-reset'],
    ['ETIMEDOUT', 'TCP', 'tcp-timeout'],
    ['CLOSED_MID_MESSAGE', 'TCP', 'tcp-closed'],
    ['TLS_HANDSHAKE', 'TLS', 'tls-failed'],
    ['EADDRINUSE', 'UDP', 'local-address'],
    ['EHOSTUNREACH', 'TCP', 'icmp-unreachable'],
  ] as const)('transport error %s over %s is %s, with the error in words', (code, transport, id) => {
    const v = analyzeRun([{ type: 'transport.error', t: 5, transport, code, message: `the words for ${code}`, to: 'example.invalid:5060' }, result(6, 'transport-error', 503, true)]);
    expect(v?.id).toBe(id);
    expect(v?.evidence).toContain(`in words: the words for ${code}`);
    expect(v?.evidence[0]).toContain(`${code} at 5 ms, before anything was sent`);
  });

  it('provisional-only: which 1xx and when, the ring timeout, how the CANCEL fared', () => {
    const v = analyzeRun([
      sent(0, 'INVITE'),
      resp(4, 100, 'Trying', 'INVITE'),
      resp(20, 180, 'Ringing', 'INVITE'),
      { type: 'note', t: 60020, level: 'warn', text: 'ring timeout: no final response 60 s after 180 Ringing; …' },
      sent(60021, 'CANCEL'),
      resp(60023, 200, 'OK', 'CANCEL'),
      resp(60025, 487, 'Request Terminated', 'INVITE'),
      result(62025, 'timeout', 487, false),
    ]);
    expect(v?.id).toBe('provisional-only');
    expect(v?.evidence).toEqual([
      `INVITE to ${TARGET}: 100 Trying at 4 ms, 180 Ringing at 20 ms (from ${TARGET})`,
      'then silence: no final response for 60.001 s after the last 180',
      'ring timeout at 60.020 s: no final response 60 s after 180 Ringing; …',
      'CANCEL sent at 60.021 s: 200 OK at 60.023 s',
      'the INVITE then ended with 487 Request Terminated at 60.025 s',
    ]);
  });

  it('provisional-only for a non-INVITE: 100 then Timer F (not no-response)', () => {
    const v = analyzeRun([...optionsSends().slice(0, 2), resp(600, 100, 'Trying', 'OPTIONS'), ended(32000, 'OPTIONS', 'timeout', 408), result(32000, 'timeout', 408, true)]);
    expect(v?.id).toBe('provisional-only');
    expect(v?.evidence.at(-1)).toBe('Timer F fired at 32.000 s: a local 408 (made up by sipcall, not from the peer)');
  });

  it('ack-lost-non2xx: the 486 keeps coming back, each ACKed', () => {
    const v = analyzeRun([
      sent(0, 'INVITE'),
      resp(5, 486, 'Busy Here', 'INVITE'),
      sent(6, 'ACK'),
      resp(505, 486, 'Busy Here', 'INVITE', { retransmission: true }),
      sent(506, 'ACK', 2),
      resp(1505, 486, 'Busy Here', 'INVITE', { retransmission: true }),
      sent(1506, 'ACK', 3),
      result(2005, 'failure-response', 486, false),
    ]);
    expect(v?.id).toBe('ack-lost-non2xx');
    expect(v?.evidence[0]).toBe(`486 Busy Here first at 5 ms from ${TARGET}, re-sent 2 times (at 505 ms, 1.505 s)`);
    expect(v?.evidence[1]).toBe(`our ACK (same branch ${B}, RFC 3261 §17.1.1.3) sent 3 times to ${TARGET} at 6 ms, 506 ms, 1.506 s`);
  });

  it('one re-sent 486 is not yet a lost ACK (it may have crossed our ACK)', () => {
    expect(analyzeRun([sent(0, 'INVITE'), resp(5, 486, 'Busy Here', 'INVITE'), sent(6, 'ACK'), resp(505, 486, 'Busy Here', 'INVITE', { retransmission: true }), result(2005, 'failure-response', 486)])).toBeUndefined();
  });

  it('ack-lost-2xx: re-sent 200s, where it came from, Contact and route set, the culprits', () => {
    const v = analyzeRun([
      sent(0, 'INVITE'),
      resp(5, 200, 'OK', 'INVITE', { from: '198.51.100.7:5060' }),
      { type: 'dialog.established', t: 5, callId: CALL, localTag: 'a', remoteTag: 'b', localCseq: 1, remoteTarget: 'sip:bob@192.168.1.20:5062', routeSet: [] },
      sent(6, 'ACK', 1, { branch: 'z9hG4bKack' }),
      resp(505, 200, 'OK', 'INVITE', { from: '198.51.100.7:5060', retransmission: true }),
      sent(506, 'ACK', 2, { branch: 'z9hG4bKack' }),
      resp(1505, 200, 'OK', 'INVITE', { from: '198.51.100.7:5060', retransmission: true }),
      sent(1506, 'ACK', 3, { branch: 'z9hG4bKack' }),
      result(3000, 'success', 200),
    ]);
    expect(v?.id).toBe('ack-lost-2xx');
    expect(v?.evidence.slice(0, 3)).toEqual([
      '200 OK from 198.51.100.7:5060 at 5 ms, re-sent 2 times (at 505 ms, 1.505 s)',
      "the 2xx's Contact (remote target): sip:bob@192.168.1.20:5062; route set: (empty: no Record-Route)",
      `our ACK sent 3 times to ${TARGET} at 6 ms, 506 ms, 1.506 s`,
    ]);
    const culprits = v!.evidence.slice(3).join('\n');
    expect(culprits).toContain('likely culprit: the Contact has a private address (192.168.1.20)');
    expect(culprits).toContain(`the 2xx came from 198.51.100.7:5060, not from ${TARGET}, and has no Record-Route`);
  });

  it('rport-ignored: a response arrived at the Via port (a note from the session), even on success', () => {
    const v = analyzeRun([
      sent(0, 'OPTIONS'),
      { type: 'note', t: 3, level: 'warn', code: 'rport-ignored', text: '200 OK from 192.0.2.10:5060 arrived at 10.0.0.1:40001, …' },
      resp(3, 200, 'OK', 'OPTIONS'),
      result(4, 'success', 200),
    ]);
    expect(v?.id).toBe('rport-ignored');
    expect(v?.evidence[0]).toBe('1 response arrived at the Via sent-by port (first at 3 ms): 200 OK from 192.0.2.10:5060 arrived at 10.0.0.1:40001, …');
  });

  it('wrong-port: a response from another port of the same host', () => {
    const v = analyzeRun([sent(0, 'OPTIONS'), resp(3, 200, 'OK', 'OPTIONS', { from: '192.0.2.10:5080' }), result(4, 'success', 200)]);
    expect(v?.id).toBe('wrong-port');
    expect(v?.text).toBe('192.0.2.10 answers from port 5080, not from 5060 where the request went');
  });

  it('stray-responses: why each matched nothing, and a Call-ID that is not ours', () => {
    const v = analyzeRun([
      ...optionsSends().slice(0, 2),
      { type: 'response.stray', t: 4, status: 200, reason: 'OK', from: TARGET, why: 'unknown-branch', detail: 'no live client transaction has branch z9hG4bKother', branch: 'z9hG4bKother', callId: 'old-call', cseq: '7 OPTIONS' },
      ended(32000, 'OPTIONS', 'timeout', 408),
      result(32000, 'timeout', 408, true),
    ]);
    expect(v?.id).toBe('stray-responses');
    expect(v?.evidence[0]).toBe(`we sent OPTIONS with branch ${B}, Call-ID ${CALL}`);
    expect(v?.evidence[1]).toBe(`200 OK from ${TARGET} at 4 ms: unknown-branch (no live client transaction has branch z9hG4bKother); its branch z9hG4bKother is not ours (${B}); its Call-ID old-call is not ours`);
  });

  it('unparseable-responses: bytes came back but not SIP (not no-response)', () => {
    const v = analyzeRun([sent(0, 'OPTIONS'), { type: 'message.invalid', t: 2, from: TARGET, bytes: 12, error: 'not a SIP start line', offset: 0 }, ended(32000, 'OPTIONS', 'timeout', 408), result(32000, 'timeout', 408, true)]);
    expect(v?.id).toBe('unparseable-responses');
  });

  it('oversize-udp: forced UDP and a big request that went unanswered', () => {
    const v = analyzeRun([
      { type: 'note', t: 0, level: 'warn', code: 'oversize-udp', text: 'the INVITE is 1452 bytes, over the 1300 bytes …' },
      sent(0, 'INVITE'),
      fired(32000, 'B', 'INVITE'),
      ended(32000, 'INVITE', 'timeout', 408),
      result(32000, 'timeout', 408, true),
    ]);
    expect(v?.id).toBe('oversize-udp');
    expect(v?.evidence[0]).toBe('the INVITE is 1452 bytes, over the 1300 bytes …');
  });

  it('a switch to TCP is added to the evidence of whatever went wrong after it', () => {
    const v = analyzeRun([
      { type: 'note', t: 0, level: 'warn', code: 'oversize-switch', text: 'the OPTIONS is 1500 bytes …: sipcall starts again over TCP' },
      { type: 'transport.error', t: 1, transport: 'TCP', code: 'ECONNREFUSED', message: 'refused', to: TARGET },
      result(2, 'transport-error', 503, true),
    ]);
    expect(v?.id).toBe('tcp-refused');
    expect(v?.evidence.at(-1)).toBe('the OPTIONS is 1500 bytes …: sipcall starts again over TCP');
  });

  it('timeout-after-final: 200 to INVITE, then the BYE timed out', () => {
    const v = analyzeRun([
      sent(0, 'INVITE'),
      resp(5, 200, 'OK', 'INVITE'),
      sent(6, 'ACK', 1, { branch: 'z9hG4bKack' }),
      sent(10, 'BYE', 1, { branch: 'z9hG4bKbye' }),
      sent(510, 'BYE', 2, { branch: 'z9hG4bKbye' }),
      ended(32010, 'BYE', 'timeout', 408, 'z9hG4bKbye'),
      result(32010, 'timeout', 408, true),
    ]);
    expect(v?.id).toBe('timeout-after-final');
    expect(v?.evidence[1]).toBe(`BYE: 2 sends to ${TARGET} at 10 ms, 510 ms; Timer F at 32.010 s, a local 408 (made up by sipcall, not from the peer)`);
  });

  it('after a 407 (RFC 3261 §22.2) the authenticated retry is the request that counts', () => {
    const retry = 'z9hG4bKretry';
    const v = analyzeRun([
      sent(0, 'INVITE'),
      resp(3, 407, 'Proxy Authentication Required', 'INVITE'),
      ended(3, 'INVITE', 'final', 407),
      sent(5, 'INVITE', 1, { branch: retry, cseq: 2 }),
      sent(505, 'INVITE', 2, { branch: retry, cseq: 2 }),
      fired(32005, 'B', 'INVITE', retry),
      ended(32005, 'INVITE', 'timeout', 408, retry),
      result(32005, 'timeout', 408, true),
    ]);
    expect(v?.id).toBe('no-response');
    expect(v?.evidence[0]).toBe(`2 INVITE sends to ${TARGET} over UDP at 5 ms, 505 ms`);
  });

  it('a run that fits no named cause still gets a verdict; an interrupted one says so', () => {
    expect(analyzeRun([sent(0, 'OPTIONS'), result(10, 'timeout')])?.id).toBe('no-final-response');
    expect(analyzeRun([sent(0, 'OPTIONS'), result(10, 'interrupted')])?.id).toBe('interrupted');
  });

  it('takes the outcome from the caller when the result event is not in the list', () => {
    const events = [...optionsSends(), ended(32000, 'OPTIONS', 'timeout', 408)];
    expect(analyzeRun(events)?.id).toBe('no-response');
    expect(analyzeRun(events, { outcome: 'success' })).toBeUndefined();
  });

  it('every id it can return is listed in VERDICT_IDS', () => {
    expect(new Set(VERDICT_IDS).size).toBe(VERDICT_IDS.length);
    expect(VERDICT_IDS).toContain('ack-lost-2xx');
  });
});
