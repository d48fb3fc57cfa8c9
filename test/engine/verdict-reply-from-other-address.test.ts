// `reply-from-other-address` on synthetic event lists: named when the session noted a response
// at our source port from another address than the target, told apart from `wrong-port` (a
// response at the Via port) and from a clean run.
import { describe, expect, it } from 'vitest';
import type { Outcome, SipEvent } from '../../src/events/types.js';
import { analyzeRun, VERDICT_IDS } from '../../src/engine/verdict/index.js';

const TARGET = '192.0.2.10:5060';
const OTHER = '192.0.2.11:5060';
const B = 'z9hG4bKmain';

function sent(t: number, method: string): SipEvent {
  return { type: 'request.sent', t, method, uri: 'sip:bob@192.0.2.10', attempt: 1, retransmission: false, transport: 'UDP', to: TARGET, bytes: 400, branch: B, callId: 'c', cseq: 1 };
}
function resp(t: number, status: number, method: string, from: string): SipEvent {
  return { type: 'response.received', t, status, reason: status === 200 ? 'OK' : 'Trying', category: status < 200 ? 'provisional' : 'success', meaning: '', branch: B, callId: 'c', cseq: `1 ${method}`, method, from, transport: 'UDP', bytes: 300, retransmission: false };
}
function note(t: number, from: string): SipEvent {
  return { type: 'note', t, level: 'warn', code: 'reply-from-other-address', text: `200 OK came from ${from}, not from ${TARGET} where the request went; …` };
}
function result(t: number, outcome: Outcome): SipEvent {
  return { type: 'result', t, outcome, exitCode: 0, durationMs: t, summary: '' };
}

describe('reply-from-other-address', () => {
  it('is a known id', () => {
    expect(VERDICT_IDS).toContain('reply-from-other-address');
  });

  it('a clean 200 from another address at our source port: named, with the NAT warning', () => {
    const v = analyzeRun([sent(0, 'OPTIONS'), note(3, OTHER), resp(3, 200, 'OPTIONS', OTHER), result(4, 'success')]);
    expect(v?.id).toBe('reply-from-other-address');
    expect(v?.text).toBe(`the answers come from ${OTHER}, another address than the target ${TARGET}`);
    expect(v?.evidence[0]).toMatch(new RegExp(`^requests went to ${TARGET}; 1 response came from ${OTHER} to the port they left from \\(first noted at 3 ms\\)`));
    expect(v?.evidence.join('\n')).toContain('a NAT, a stateful firewall or a connected socket drops them');
    expect(v?.evidence.join('\n')).not.toContain('still ended');
    expect(v?.next[0]).toContain('multi-homed');
  });

  it('a failed run says so in the evidence', () => {
    const v = analyzeRun([sent(0, 'INVITE'), note(3, OTHER), resp(3, 100, 'INVITE', OTHER), result(32000, 'timeout')]);
    expect(v?.id).toBe('reply-from-other-address');
    expect(v?.evidence).toContain(`the run still ended as timeout: what came from ${OTHER} was not enough`);
  });

  it('another port of the same host: worded as a port', () => {
    const v = analyzeRun([sent(0, 'OPTIONS'), note(3, '192.0.2.10:5080'), resp(3, 200, 'OPTIONS', '192.0.2.10:5080'), result(4, 'success')]);
    expect(v?.id).toBe('reply-from-other-address');
    expect(v?.text).toBe('192.0.2.10 answers from port 5080, not from 5060 where the request went');
  });

  it('without the note (the answer came to the Via port) it stays wrong-port', () => {
    const v = analyzeRun([sent(0, 'OPTIONS'), resp(3, 200, 'OPTIONS', OTHER), result(4, 'success')]);
    expect(v?.id).toBe('wrong-port');
  });

  it('no verdict when every response came from the target', () => {
    expect(analyzeRun([sent(0, 'OPTIONS'), resp(3, 200, 'OPTIONS', TARGET), result(4, 'success')])).toBeUndefined();
  });
});
