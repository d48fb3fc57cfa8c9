/** Synthetic event sequences, shaped like the engine's, for presenter tests. */
import type { SipEvent, TimerName } from '../../src/events/types.js';

const PEER = '127.0.0.1:5060';
const CALL_ID = 'a84b4c76e66710@sipcall';
const INV = 'z9hG4bK776asdhds';
const BYE = 'z9hG4bK8e1f77c2';
const LOCAL_TAG = '1928301774';
const REMOTE_TAG = 'a6c85cf';
const URI = 'sip:bob@127.0.0.1:5060';

const INVITE_TEXT = [
  `INVITE ${URI} SIP/2.0`,
  `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${INV};rport`,
  'Max-Forwards: 70',
  `To: <${URI}>`,
  `From: <sip:sipcall@127.0.0.1>;tag=${LOCAL_TAG}`,
  `Call-ID: ${CALL_ID}`,
  'CSeq: 1 INVITE',
  'Contact: <sip:sipcall@127.0.0.1:5070>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const OK_TEXT = [
  'SIP/2.0 200 OK',
  `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${INV};rport=5070`,
  `To: <${URI}>;tag=${REMOTE_TAG}`,
  `From: <sip:sipcall@127.0.0.1>;tag=${LOCAL_TAG}`,
  `Call-ID: ${CALL_ID}`,
  'CSeq: 1 INVITE',
  `Contact: <sip:bob@127.0.0.1:5060>`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function sent(t: number, method: string, branch: string, cseq: number, attempt = 1, bytes = 612): SipEvent {
  return {
    type: 'request.sent', t, method, uri: URI, attempt, retransmission: attempt > 1, transport: 'UDP',
    to: PEER, bytes, branch, callId: CALL_ID, cseq,
  };
}

function received(t: number, status: number, reason: string, meaning: string, branch: string, method: string, cseq: number): SipEvent {
  const category = status < 200 ? 'provisional' : status < 300 ? 'success' : status < 400 ? 'redirection' : status < 500 ? 'client-error' : status < 600 ? 'server-error' : 'global-failure';
  return {
    type: 'response.received', t, status, reason, category, meaning, branch, callId: CALL_ID,
    cseq: `${cseq} ${method}`, method, fromTag: LOCAL_TAG, toTag: status === 100 ? undefined : REMOTE_TAG,
    from: PEER, transport: 'UDP', bytes: 320, retransmission: false,
  };
}

const started = (t: number, timer: TimerName, ms: number, branch = INV, method = 'INVITE'): SipEvent =>
  ({ type: 'timer.started', t, timer, ms, branch, method });
const stopped = (t: number, timer: TimerName, reason: string, branch = INV, method = 'INVITE'): SipEvent =>
  ({ type: 'timer.stopped', t, timer, reason, branch, method });
const fired = (t: number, timer: TimerName, branch = INV, method = 'INVITE'): SipEvent =>
  ({ type: 'timer.fired', t, timer, branch, method });
const state = (t: number, from: string, to: string, branch = INV, method = 'INVITE'): SipEvent =>
  ({ type: 'transaction.state', t, branch, method, from, to }) as SipEvent;

/** INVITE → 100 → 180 → 200 → ACK, one second of call, BYE → 200. */
export function fullCall(): SipEvent[] {
  return [
    state(0, 'Initial', 'Calling'),
    sent(0, 'INVITE', INV, 1),
    { type: 'wire', t: 0, direction: 'out', transport: 'UDP', peer: PEER, text: INVITE_TEXT },
    started(0, 'A', 500),
    started(0, 'B', 32000),
    { type: 'waiting', t: 0, what: 'a final response to INVITE', timeoutMs: 32000 },
    received(10, 100, 'Trying', 'the next hop got the request and is working on it', INV, 'INVITE', 1),
    state(10, 'Calling', 'Proceeding'),
    stopped(10, 'A', 'provisional response'),
    stopped(10, 'B', 'provisional response'),
    received(12, 180, 'Ringing', 'the callee is being alerted', INV, 'INVITE', 1),
    { type: 'waiting', t: 12, what: 'the callee to answer', timeoutMs: 60000 },
    received(250, 200, 'OK', 'the request succeeded', INV, 'INVITE', 1),
    { type: 'wire', t: 250, direction: 'in', transport: 'UDP', peer: PEER, text: OK_TEXT },
    state(250, 'Proceeding', 'Accepted'),
    started(250, 'M', 32000),
    {
      type: 'dialog.established', t: 250, callId: CALL_ID, localTag: LOCAL_TAG, remoteTag: REMOTE_TAG,
      localCseq: 1, remoteTarget: '<sip:bob@127.0.0.1:5060>', routeSet: [],
    },
    sent(251, 'ACK', 'z9hG4bK0c3a9e1d', 1, 1, 380),
    { type: 'note', t: 251, level: 'info', text: 'call answered; hanging up in 1 s' },
    sent(1251, 'BYE', BYE, 2, 1, 402),
    state(1251, 'Initial', 'Trying', BYE, 'BYE'),
    started(1251, 'E', 500, BYE, 'BYE'),
    started(1251, 'F', 32000, BYE, 'BYE'),
    received(1260, 200, 'OK', 'the request succeeded', BYE, 'BYE', 2),
    state(1260, 'Trying', 'Completed', BYE, 'BYE'),
    stopped(1260, 'E', 'final response', BYE, 'BYE'),
    stopped(1260, 'F', 'final response', BYE, 'BYE'),
    started(1260, 'K', 5000, BYE, 'BYE'),
    { type: 'transaction.terminated', t: 1260, branch: INV, method: 'INVITE', outcome: 'final', status: 200 },
    { type: 'dialog.terminated', t: 1260, callId: CALL_ID, localTag: LOCAL_TAG, remoteTag: REMOTE_TAG, reason: 'BYE answered with 200' },
    {
      type: 'result', t: 1260, outcome: 'success', status: 200, reason: 'OK', exitCode: 0, durationMs: 1260,
      summary: `call to ${URI} answered, ACKed and ended with BYE`,
    },
  ];
}

/** INVITE to a silent peer over UDP: Timer A at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, Timer B at 32 s. */
export function inviteTimeout(): SipEvent[] {
  const ev: SipEvent[] = [
    state(0, 'Initial', 'Calling'),
    sent(0, 'INVITE', INV, 1),
    started(0, 'A', 500),
    started(0, 'B', 32000),
    { type: 'waiting', t: 0, what: 'a final response to INVITE', timeoutMs: 32000 },
  ];
  let at = 0;
  let interval = 500;
  for (let n = 1; n <= 6; n++) {
    at += interval;
    interval *= 2;
    ev.push(fired(at, 'A'), sent(at, 'INVITE', INV, 1, n + 1), started(at, 'A', interval));
  }
  ev.push(
    fired(32000, 'B'),
    stopped(32000, 'A', 'transaction timed out'),
    state(32000, 'Calling', 'Terminated'),
    { type: 'transaction.terminated', t: 32000, branch: INV, method: 'INVITE', outcome: 'timeout', status: 408, local: true },
    {
      type: 'result', t: 32000, outcome: 'timeout', status: 408, reason: 'Request Timeout', statusLocal: true,
      exitCode: 3, durationMs: 32000, summary: `no response from ${PEER} to INVITE ${URI}`,
      verdict: {
        id: 'no-response',
        text: 'Nothing came back from 127.0.0.1:5060 in 32 s: 7 INVITEs sent, no response of any kind.',
        evidence: ['7 transmissions at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s', 'no ICMP error was reported'],
        next: ['check that something listens on 127.0.0.1:5060/UDP', 'check firewalls between here and there', 'try --transport tcp'],
      },
    },
  );
  return ev;
}

/** OPTIONS; a stray 200 for another branch arrives first, then the real one. */
export function strayResponse(): SipEvent[] {
  const OPT = 'z9hG4bKopt1';
  return [
    sent(0, 'OPTIONS', OPT, 1, 1, 410),
    started(0, 'E', 500, OPT, 'OPTIONS'),
    started(0, 'F', 32000, OPT, 'OPTIONS'),
    {
      type: 'response.stray', t: 8, status: 200, reason: 'OK', from: '127.0.0.1:5062', why: 'unknown-branch',
      detail: 'branch z9hG4bKold99 is not one of ours', branch: 'z9hG4bKold99', callId: 'other@host', cseq: '7 OPTIONS',
    },
    { type: 'message.invalid', t: 9, from: '127.0.0.1:5062', bytes: 11, error: 'bad status line', offset: 0 },
    received(20, 200, 'OK', 'the request succeeded', OPT, 'OPTIONS', 1),
    stopped(20, 'E', 'final response', OPT, 'OPTIONS'),
    started(20, 'K', 5000, OPT, 'OPTIONS'),
    fired(5020, 'K', OPT, 'OPTIONS'),
    { type: 'transaction.terminated', t: 5020, branch: OPT, method: 'OPTIONS', outcome: 'final', status: 200 },
    { type: 'result', t: 5020, outcome: 'success', status: 200, reason: 'OK', exitCode: 0, durationMs: 5020, summary: `OPTIONS ${URI} answered 200 OK` },
  ];
}

/** OPTIONS to a closed port: ICMP refused, a local 503, a verdict. */
export function transportFailure(): SipEvent[] {
  const OPT = 'z9hG4bKopt2';
  return [
    sent(0, 'OPTIONS', OPT, 1, 1, 410),
    started(0, 'E', 500, OPT, 'OPTIONS'),
    { type: 'transport.error', t: 2, transport: 'UDP', code: 'ECONNREFUSED', message: 'ICMP port unreachable', to: PEER },
    { type: 'transaction.terminated', t: 2, branch: OPT, method: 'OPTIONS', outcome: 'transport-error', status: 503, local: true },
    {
      type: 'result', t: 2, outcome: 'transport-error', status: 503, statusLocal: true, exitCode: 4, durationMs: 2,
      summary: `could not reach ${PEER}`,
      verdict: { id: 'port-unreachable', text: 'Nothing listens on 127.0.0.1:5060/UDP.', evidence: ['ICMP port unreachable after 2 ms'], next: ['start the peer, or check the port'] },
    },
  ];
}

/** INVITE → 486; the ACK; the 486 re-sent and the ACK with it; Timer D. */
export function busy(): SipEvent[] {
  const ack = (t: number, attempt: number): SipEvent => sent(t, 'ACK', INV, 1, attempt, 360);
  const busyHere = (t: number, retransmission: boolean): SipEvent =>
    ({ ...(received(t, 486, 'Busy Here', 'the callee is busy at this end system', INV, 'INVITE', 1) as object), retransmission }) as SipEvent;
  return [
    sent(0, 'INVITE', INV, 1),
    started(0, 'A', 500),
    started(0, 'B', 32000),
    busyHere(30, false),
    stopped(30, 'A', 'final response'),
    stopped(30, 'B', 'final response'),
    ack(30, 1),
    started(30, 'D', 32000),
    busyHere(530, true),
    ack(530, 2),
    fired(32030, 'D'),
    { type: 'transaction.terminated', t: 32030, branch: INV, method: 'INVITE', outcome: 'final', status: 486 },
    {
      type: 'result', t: 32030, outcome: 'failure-response', status: 486, reason: 'Busy Here', exitCode: 1, durationMs: 32030,
      summary: `${URI} answered 486 Busy Here`,
      verdict: { id: 'busy', text: 'The callee is busy.', evidence: ['486 Busy Here from 127.0.0.1:5060'], next: ['try again later'] },
    },
  ];
}

/** sipcall as UAS: the peer hangs up with BYE, sipcall answers 200 (and again for a re-sent BYE). */
export function peerHangsUp(): SipEvent[] {
  const bye = (t: number, retransmission: boolean): SipEvent => ({
    type: 'request.received', t, method: 'BYE', uri: 'sip:sipcall@127.0.0.1:5070', from: PEER, transport: 'UDP',
    callId: CALL_ID, cseq: '10 BYE', branch: 'z9hG4bKpeer1', bytes: 350, retransmission,
  });
  const ok = (t: number, retransmission: boolean): SipEvent => ({
    type: 'response.sent', t, status: 200, reason: 'OK', category: 'success', method: 'BYE', to: PEER, transport: 'UDP',
    callId: CALL_ID, cseq: '10 BYE', bytes: 300, retransmission,
  });
  return [
    bye(4000, false),
    ok(4000, false),
    { type: 'dialog.terminated', t: 4000, callId: CALL_ID, localTag: LOCAL_TAG, remoteTag: REMOTE_TAG, reason: 'the peer hung up (BYE)' },
    bye(4500, true),
    ok(4500, true),
    { type: 'result', t: 4500, outcome: 'success', exitCode: 0, durationMs: 4500, summary: 'the peer ended the call' },
  ];
}
