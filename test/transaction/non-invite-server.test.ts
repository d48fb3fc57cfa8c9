/**
 * The non-INVITE server transaction, input by input: every edge of RFC 3261 Figure 8
 * (§17.2.2), then the driver on a manual clock: a re-sent BYE gets the same 200 again (not a
 * 481) until Timer J.
 */
import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { parseMessage } from '../../src/sip/parse.js';
import { nonInviteServerStep, startNonInviteServer } from '../../src/transaction/non-invite-server.js';
import { ServerTransactionLayer } from '../../src/transaction/server-layer.js';
import { serverStep, startServer } from '../../src/transaction/server-step.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import type { NonInviteServerState, ServerEffect, ServerInput, ServerStep } from '../../src/transaction/server-types.js';
import { timerConfig, type TimerConfig } from '../../src/transaction/timer-config.js';
import { ManualClock } from '../support/manual-clock.js';
import { Headers } from '../../src/sip/headers.js';

const UDP = timerConfig();
const TCP = timerConfig({ reliable: true });

const request: ServerInput = { type: 'request' };
const ack: ServerInput = { type: 'ack' };
const respond = (status: number): ServerInput => ({ type: 'respond', status });
const timerJ: ServerInput = { type: 'timer', timer: 'J' };
const transportError: ServerInput = { type: 'transport-error' };

function run(inputs: ServerInput[], config: TimerConfig = UDP): ServerStep<NonInviteServerState>[] {
  const steps: ServerStep<NonInviteServerState>[] = [startNonInviteServer(config)];
  for (const i of inputs) steps.push(nonInviteServerStep(steps[steps.length - 1].state, i, config));
  return steps;
}
const last = <T>(xs: T[]): T => xs[xs.length - 1];
const fx = (effects: readonly ServerEffect[]): string[] =>
  effects.map((e) => {
    switch (e.type) {
      case 'transition':
        return `${e.from}>${e.to}`;
      case 'send':
        return `send ${e.what}`;
      case 'start-timer':
        return `start ${e.timer} ${e.ms}`;
      case 'stop-timer':
        return `stop ${e.timer}`;
      case 'pass-up':
        return 'pass-up';
      case 'drop':
        return 'drop';
      case 'terminate':
        return `terminate ${e.outcome}`;
    }
  });

describe('non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8)', () => {
  it('start: "initialized in the Trying state … This request is passed up to the TU"; nothing sent', () => {
    const s = startNonInviteServer(UDP);
    expect(fx(s.effects)).toEqual(['Initial>Trying', 'pass-up']);
    expect(s.state).toMatchObject({ kind: 'non-invite-server', name: 'Trying', armed: [], sends: 0 });
    expect(s.state.last).toBeUndefined();
  });

  it.each(['BYE', 'OPTIONS', 'CANCEL', 'REGISTER', 'INFO'])('startServer(%s) picks Figure 8', (method) => {
    const s = startServer(method, UDP);
    expect(s.state.kind).toBe('non-invite-server');
    expect(fx(serverStep(s.state, respond(200), UDP).effects)).toEqual(['send response', 'Trying>Completed', 'start J 32000']);
  });

  it('Trying: "any further request retransmissions are discarded"', () => {
    const steps = run([request, request]);
    expect(fx(steps[1].effects)).toEqual(['drop']);
    expect(fx(steps[2].effects)).toEqual(['drop']);
    expect(last(steps).state).toMatchObject({ name: 'Trying', sends: 0 });
  });

  it('Trying + 1xx: "MUST enter the Proceeding state. The response MUST be passed to the transport layer"', () => {
    const s = last(run([respond(100)]));
    expect(fx(s.effects)).toEqual(['send response', 'Trying>Proceeding']);
    expect(s.state).toMatchObject({ name: 'Proceeding', last: 100, sends: 1, armed: [] });
  });

  it('Proceeding + 1xx: sent, stays in Proceeding', () => {
    const s = last(run([respond(100), respond(183)]));
    expect(fx(s.effects)).toEqual(['send response']);
    expect(s.state).toMatchObject({ name: 'Proceeding', last: 183, sends: 2 });
  });

  it('re-sent request in Proceeding: "the most recently sent provisional response MUST be passed to the transport layer for retransmission"', () => {
    const steps = run([respond(100), respond(180), request, request]);
    expect(fx(steps[3].effects)).toEqual(['send retransmit', 'drop']);
    expect(fx(steps[4].effects)).toEqual(['send retransmit', 'drop']);
    expect(last(steps).state).toMatchObject({ name: 'Proceeding', last: 180, sends: 4 });
  });

  it.each([
    ['Trying', [] as ServerInput[]],
    ['Proceeding', [respond(100)]],
  ])('final in %s over UDP: sent, Completed, "Timer J to fire in 64*T1 seconds for unreliable transports"', (from, before) => {
    const s = last(run([...before, respond(200)]));
    expect(fx(s.effects)).toEqual(['send response', `${from}>Completed`, 'start J 32000']);
    expect(s.state).toMatchObject({ name: 'Completed', last: 200, armed: ['J'] });
  });

  it.each([
    ['Trying', [] as ServerInput[]],
    ['Proceeding', [respond(100)]],
  ])('final in %s over TCP: "zero seconds for reliable transports": Completed then Terminated at once', (from, before) => {
    const s = last(run([...before, respond(481)], TCP));
    expect(fx(s.effects)).toEqual(['send response', `${from}>Completed`, 'Completed>Terminated', 'terminate done']);
    expect(s.state).toMatchObject({ name: 'Terminated', last: 481, armed: [] });
  });

  it('Timer J scales with T1 (64·T1)', () => {
    expect(fx(last(run([respond(404)], timerConfig({ t1: 50 }))).effects)).toEqual(['send response', 'Trying>Completed', 'start J 3200']);
  });

  it('re-sent request in Completed: "MUST pass the final response to the transport layer for retransmission" (the re-sent BYE gets its 200 again, not a 481)', () => {
    const steps = run([respond(200), request, request, request]);
    for (const s of steps.slice(2)) expect(fx(s.effects)).toEqual(['send retransmit', 'drop']);
    expect(last(steps).state).toMatchObject({ name: 'Completed', last: 200, sends: 4, armed: ['J'] });
  });

  it('Completed: "Any other final responses passed by the TU … MUST be discarded"; 1xx too', () => {
    const steps = run([respond(200), respond(481), respond(500), respond(180), respond(200)]);
    for (const s of steps.slice(2)) expect(fx(s.effects)).toEqual(['drop']);
    expect(last(steps).state).toMatchObject({ name: 'Completed', last: 200, sends: 1 });
  });

  it('Completed: Timer J → Terminated, done', () => {
    const s = last(run([respond(200), request, timerJ]));
    expect(fx(s.effects)).toEqual(['Completed>Terminated', 'terminate done']);
    expect(s.state).toMatchObject({ name: 'Terminated', armed: [] });
  });

  it.each([
    ['Trying', [] as ServerInput[], ['Trying>Terminated', 'terminate transport-error']],
    ['Proceeding', [respond(100)], ['Proceeding>Terminated', 'terminate transport-error']],
    ['Completed', [respond(200)], ['stop J', 'Completed>Terminated', 'terminate transport-error']],
  ])('transport error in %s: Terminated, the TU is told', (_name, before, effects) => {
    const s = last(run([...before, transportError]));
    expect(fx(s.effects)).toEqual(effects);
    expect(s.state.armed).toEqual([]);
  });

  it('stale timers are ignored: J before the final, G/H/I/L never; an ACK does nothing', () => {
    const steps = run([timerJ, { type: 'timer', timer: 'G' }, ack, respond(100), timerJ, ack, respond(200), { type: 'timer', timer: 'L' }, ack]);
    for (const i of [1, 2, 3, 5, 6, 8, 9]) expect(steps[i].effects).toEqual([]);
    expect(last(steps).state).toMatchObject({ name: 'Completed', armed: ['J'] });
  });

  it('Terminated ignores every input and returns the same state object', () => {
    for (const before of [[respond(200), timerJ], [transportError], [respond(200)]] as ServerInput[][]) {
      const cfg = before.length === 1 && before[0].type === 'respond' ? TCP : UDP;
      const t = last(run(before, cfg)).state;
      expect(t.name).toBe('Terminated');
      for (const i of [request, ack, respond(100), respond(200), transportError, timerJ]) {
        const s = nonInviteServerStep(t, i, cfg);
        expect(s.effects).toEqual([]);
        expect(s.state).toBe(t);
      }
    }
  });

  it('step does not change the state it was given', () => {
    const s0 = last(run([respond(200)])).state;
    const copy = JSON.parse(JSON.stringify(s0));
    nonInviteServerStep(s0, request, UDP);
    nonInviteServerStep(s0, timerJ, UDP);
    expect(s0).toEqual(copy);
  });
});

// ---------------------------------------------------------------------------------------------
// The driver: a BYE answered 200, then the same BYE again.

const BYE_TEXT = [
  'BYE sip:bob@127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKbye1;rport',
  'Max-Forwards: 70',
  'From: <sip:alice@192.0.2.10>;tag=a1',
  'To: <sip:bob@127.0.0.1>;tag=b1',
  'Call-ID: call-bye@192.0.2.10',
  'CSeq: 2 BYE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** §8.2.6.2: Via, From, Call-ID, CSeq copied; To copied, our tag added when it has none. */
function makeResponse(req: SipRequest, status: number, toTag?: string): SipResponse {
  const h = new Headers();
  for (const v of req.headers.getAll('via')) h.append('Via', v);
  h.append('From', req.headers.get('from') ?? '');
  const to = req.headers.get('to') ?? '';
  h.append('To', toTag && !/;\s*tag=/i.test(to) ? `${to};tag=${toTag}` : to);
  h.append('Call-ID', req.headers.get('call-id') ?? '');
  h.append('CSeq', req.headers.get('cseq') ?? '');
  h.append('Content-Length', '0');
  return { kind: 'response', status, reason: status === 200 ? 'OK' : 'Whatever', version: 'SIP/2.0', headers: h, body: new Uint8Array(0) };
}

function parse(text: string): SipRequest {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('test request does not parse');
  return r.message;
}

function byeHarness(reliable = false) {
  const clock = new ManualClock();
  const events: SipEvent[] = [];
  const replies: Array<{ t: number; bytes: Buffer }> = [];
  const requests: Array<{ t: number; req: SipRequest; tx: ServerTransaction }> = [];
  const ends: Array<{ t: number; outcome: string }> = [];
  const t1 = 500;
  const layer = new ServerTransactionLayer({
    clock,
    emit: (e) => events.push(e),
    wire: false,
    timers: (r) => timerConfig({ t1, t2: 4000, reliable: r }),
    response: (req, status, _reason, toTag): SipResponse => makeResponse(req, status, toTag),
    user: {
      onRequest: (req, tx) => {
        requests.push({ t: clock.now(), req, tx });
        tx.user = { onTerminated: (outcome) => ends.push({ t: clock.now(), outcome }) };
        tx.respond(makeResponse(req, 200)); // To already has its tag: in-dialog BYE
      },
      onAck: () => {
        throw new Error('no ACK expected');
      },
    },
  });
  const deliver = (t: number): void => {
    clock.advanceTo(t);
    const bytes = Buffer.from(BYE_TEXT);
    layer.receive(parse(BYE_TEXT), bytes.length, (b) => replies.push({ t: clock.now(), bytes: Buffer.from(b) }), '192.0.2.10:5070', reliable ? 'TCP' : 'UDP', reliable);
  };
  return { clock, events, replies, requests, ends, layer, deliver };
}

describe('a re-sent BYE on the manual clock (RFC 3261 §17.2.2)', () => {
  it('BYE → 200; the same BYE 10 s later → the same 200 bytes again, no second onRequest; after 64·T1 the transaction is gone', () => {
    const h = byeHarness();
    h.deliver(0);
    expect(h.requests).toHaveLength(1);
    expect(h.replies.map((r) => r.t)).toEqual([0]);
    expect(h.replies[0].bytes.toString('latin1')).toMatch(/^SIP\/2\.0 200 /);
    expect(h.requests[0].tx.state).toBe('Completed');
    expect(h.layer.size).toBe(1);

    h.deliver(10_000);
    expect(h.requests).toHaveLength(1);
    expect(h.replies.map((r) => r.t)).toEqual([0, 10_000]);
    expect(h.replies[1].bytes.equals(h.replies[0].bytes)).toBe(true);
    expect(h.events.filter((e) => e.type === 'request.received').map((e) => (e as { retransmission: boolean }).retransmission)).toEqual([false, true]);
    const sent = h.events.filter((e): e is Extract<SipEvent, { type: 'response.sent' }> => e.type === 'response.sent');
    expect(sent.map((e) => [e.t, e.status, e.retransmission])).toEqual([
      [0, 200, false],
      [10_000, 200, true],
    ]);

    h.clock.advanceTo(31_999);
    expect(h.layer.size).toBe(1);
    h.clock.advanceTo(32_000);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
    expect(h.ends).toEqual([{ t: 32_000, outcome: 'done' }]);
    expect(h.requests[0].tx.state).toBe('Terminated');

    // After Timer J the BYE is a new request again: the TU sees it (and would answer 481).
    h.deliver(40_000);
    expect(h.requests.map((r) => r.t)).toEqual([0, 40_000]);
  });

  it('a BYE re-sent while the TU has not answered yet (Trying) is discarded: nothing sent', () => {
    const h = byeHarness();
    // A TU that answers later.
    let held: ServerTransaction | undefined;
    const layer = new ServerTransactionLayer({
      clock: h.clock,
      emit: (e) => h.events.push(e),
      wire: false,
      timers: (r) => timerConfig({ reliable: r }),
      response: (req, status, _reason, toTag) => makeResponse(req, status, toTag),
      user: { onRequest: (_req, tx) => (held = tx), onAck: () => {} },
    });
    const replies: number[] = [];
    const send = (t: number): void => {
      h.clock.advanceTo(t);
      layer.receive(parse(BYE_TEXT), BYE_TEXT.length, () => replies.push(h.clock.now()), '192.0.2.10:5070', 'UDP', false);
    };
    send(0);
    send(500);
    expect(held?.state).toBe('Trying');
    expect(replies).toEqual([]);
    h.clock.advanceTo(700);
    held!.respond(makeResponse(held!.request!, 200));
    send(1500);
    expect(replies).toEqual([700, 1500]);
  });

  it('over TCP: the 200 is sent once and the transaction ends at once (J = 0)', () => {
    const h = byeHarness(true);
    h.deliver(0);
    expect(h.replies.map((r) => r.t)).toEqual([0]);
    expect(h.ends).toEqual([{ t: 0, outcome: 'done' }]);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
  });
});
