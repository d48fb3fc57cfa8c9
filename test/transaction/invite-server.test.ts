/**
 * The INVITE server transaction, input by input: every edge of RFC 3261 Figure 7 as amended by
 * RFC 6026 §7.1 (Accepted, Timer L), then the Timer G / H schedule on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import type { TimerName } from '../../src/events/types.js';
import { inviteServerStep, startInviteServer } from '../../src/transaction/invite-server.js';
import { serverStep, startServer } from '../../src/transaction/server-step.js';
import { ServerTransaction, type ServerTransactionContext } from '../../src/transaction/server-transaction.js';
import type { InviteServerState, ServerEffect, ServerInput, ServerOutcome, ServerStep } from '../../src/transaction/server-types.js';
import { timerConfig, type TimerConfig } from '../../src/transaction/timer-config.js';
import type { SipRequest } from '../../src/sip/message.js';
import { parseMessage } from '../../src/sip/parse.js';
import { ManualClock } from '../support/manual-clock.js';
import { makeResponse } from './helpers.js';

const UDP = timerConfig();
const TCP = timerConfig({ reliable: true });

const request: ServerInput = { type: 'request' };
const ack: ServerInput = { type: 'ack' };
const respond = (status: number): ServerInput => ({ type: 'respond', status });
const timer = (t: TimerName): ServerInput => ({ type: 'timer', timer: t });
const transportError: ServerInput = { type: 'transport-error' };

/** Runs inputs from the start; returns every step (the first is the start). */
function run(inputs: ServerInput[], config: TimerConfig = UDP): ServerStep<InviteServerState>[] {
  const steps: ServerStep<InviteServerState>[] = [startInviteServer(config)];
  for (const i of inputs) steps.push(inviteServerStep(steps[steps.length - 1].state, i, config));
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

describe('INVITE server transaction: Proceeding (RFC 3261 §17.2.1)', () => {
  it('start: "it enters the Proceeding state", 100 Trying at once, "The request MUST be passed to the TU"', () => {
    const s = startInviteServer(UDP);
    expect(fx(s.effects)).toEqual(['Initial>Proceeding', 'send trying', 'pass-up']);
    expect(s.state).toMatchObject({ kind: 'invite-server', name: 'Proceeding', armed: [], last: 100, sends: 1 });
  });

  it('startServer/serverStep pick Figure 7 for INVITE', () => {
    const s = startServer('INVITE', UDP);
    expect(s.state.kind).toBe('invite-server');
    expect(fx(serverStep(s.state, respond(486), UDP).effects)).toEqual(['send response', 'Proceeding>Completed', 'start G 500', 'start H 32000']);
  });

  it('1xx from the TU: "each of these MUST be passed to the transport layer", no state change, no timer', () => {
    const steps = run([respond(180), respond(183)]);
    expect(fx(steps[1].effects)).toEqual(['send response']);
    expect(fx(steps[2].effects)).toEqual(['send response']);
    expect(last(steps).state).toMatchObject({ name: 'Proceeding', armed: [], last: 183, sends: 3 });
  });

  it('re-sent INVITE in Proceeding: "the most recent provisional response … MUST be passed to the transport layer for retransmission"', () => {
    const steps = run([request, respond(180), request, request]);
    expect(fx(steps[1].effects)).toEqual(['send retransmit', 'drop']); // the 100 again
    expect(steps[1].state.last).toBe(100);
    expect(fx(steps[3].effects)).toEqual(['send retransmit', 'drop']);
    expect(fx(steps[4].effects)).toEqual(['send retransmit', 'drop']);
    expect(last(steps).state).toMatchObject({ name: 'Proceeding', last: 180, sends: 5, armed: [] });
  });

  it('an ACK before any final is dropped; a timer input is stale (none is armed)', () => {
    const steps = run([ack, timer('G'), timer('H'), timer('L'), timer('I')]);
    expect(fx(steps[1].effects)).toEqual(['drop']);
    for (const s of steps.slice(2)) expect(s.effects).toEqual([]);
    expect(last(steps).state.name).toBe('Proceeding');
  });

  it.each([200, 202, 299])('%i from the TU: sent, Accepted, Timer L = 64·T1 (RFC 6026 §8.5, §8.7)', (status) => {
    const s = last(run([respond(180), respond(status)]));
    expect(fx(s.effects)).toEqual(['send response', 'Proceeding>Accepted', 'start L 32000']);
    expect(s.state).toMatchObject({ name: 'Accepted', armed: ['L'], last: status });
  });

  it('2xx over TCP: Timer L is 64·T1 for every transport', () => {
    expect(fx(last(run([respond(200)], TCP)).effects)).toEqual(['send response', 'Proceeding>Accepted', 'start L 32000']);
  });

  it.each([300, 404, 486, 500, 603, 699])('%i from the TU over UDP: sent, Completed, G = T1, H = 64·T1', (status) => {
    const s = last(run([respond(status)]));
    expect(fx(s.effects)).toEqual(['send response', 'Proceeding>Completed', 'start G 500', 'start H 32000']);
    expect(s.state).toMatchObject({ name: 'Completed', armed: ['G', 'H'], interval: 500, last: status });
  });

  it('3xx–6xx over TCP: "timer G … is not set to fire for reliable transports"; H still is', () => {
    const s = last(run([respond(180), respond(486)], TCP));
    expect(fx(s.effects)).toEqual(['send response', 'Proceeding>Completed', 'start H 32000']);
    expect(s.state.armed).toEqual(['H']);
  });

  it('1xx boundary: 199 stays in Proceeding', () => {
    expect(last(run([respond(199)])).state.name).toBe('Proceeding');
  });

  it('transport error in Proceeding: Terminated, the TU is told (Figure 7)', () => {
    const s = last(run([respond(180), transportError]));
    expect(fx(s.effects)).toEqual(['Proceeding>Terminated', 'terminate transport-error']);
    expect(s.state).toMatchObject({ name: 'Terminated', armed: [] });
  });
});

describe('INVITE server transaction: Completed and Confirmed (RFC 3261 §17.2.1)', () => {
  it('Timer G: re-send, then "MIN(2*T1, T2)", doubling "unless that value exceeds T2"', () => {
    const steps = run([respond(486), timer('G'), timer('G'), timer('G'), timer('G'), timer('G'), timer('G')]);
    expect(steps.slice(2).map((s) => fx(s.effects))).toEqual([
      ['send retransmit', 'start G 1000'],
      ['send retransmit', 'start G 2000'],
      ['send retransmit', 'start G 4000'],
      ['send retransmit', 'start G 4000'],
      ['send retransmit', 'start G 4000'],
      ['send retransmit', 'start G 4000'],
    ]);
    const s = last(steps).state;
    expect(s).toMatchObject({ name: 'Completed', armed: ['H', 'G'], interval: 4000, last: 486, sends: 8 });
  });

  it('Timer G with T2 that is not a power-of-two multiple of T1: capped at exactly T2', () => {
    const cfg = timerConfig({ t1: 300, t2: 1000 });
    const steps = run([respond(500), timer('G'), timer('G'), timer('G')], cfg);
    expect(fx(steps[1].effects)).toContain('start G 300');
    expect(steps.slice(2).map((s) => fx(s.effects)[1])).toEqual(['start G 600', 'start G 1000', 'start G 1000']);
  });

  it('Timer H: "the ACK was never received" → Terminated, "indicate to the TU that a transaction failure has occurred"', () => {
    const s = last(run([respond(486), timer('G'), timer('H')]));
    expect(fx(s.effects)).toEqual(['stop G', 'Completed>Terminated', 'terminate no-ack']);
    expect(s.state).toMatchObject({ name: 'Terminated', armed: [] });
  });

  it('Timer H over TCP: no G to stop', () => {
    expect(fx(last(run([respond(486), timer('H')], TCP)).effects)).toEqual(['Completed>Terminated', 'terminate no-ack']);
  });

  it('re-sent INVITE in Completed: "the server SHOULD pass the response to the transport for retransmission"', () => {
    const steps = run([respond(180), respond(486), request, request]);
    expect(fx(steps[3].effects)).toEqual(['send retransmit', 'drop']);
    expect(fx(steps[4].effects)).toEqual(['send retransmit', 'drop']);
    expect(last(steps).state).toMatchObject({ name: 'Completed', last: 486, armed: ['G', 'H'] });
  });

  it('another response from the TU after the final is not sent (1xx, 2xx or another final)', () => {
    const steps = run([respond(486), respond(180), respond(200), respond(603)]);
    for (const s of steps.slice(2)) expect(fx(s.effects)).toEqual(['drop']);
    expect(last(steps).state).toMatchObject({ name: 'Completed', last: 486, sends: 2 });
  });

  it('ACK in Completed over UDP: Confirmed, G and H stopped ("any retransmissions of the response will cease"), I = T4', () => {
    const s = last(run([respond(486), timer('G'), ack]));
    expect(fx(s.effects)).toEqual(['stop G', 'stop H', 'Completed>Confirmed', 'drop', 'start I 5000']);
    expect(s.state).toMatchObject({ name: 'Confirmed', armed: ['I'] });
  });

  it('ACK in Completed over TCP: "zero seconds for reliable transports": Confirmed then Terminated at once', () => {
    const s = last(run([respond(486), ack], TCP));
    expect(fx(s.effects)).toEqual(['stop H', 'Completed>Confirmed', 'drop', 'Confirmed>Terminated', 'terminate done']);
    expect(s.state).toMatchObject({ name: 'Terminated', armed: [] });
  });

  it('T4 scaled: I follows T4', () => {
    expect(fx(last(run([respond(486), ack], timerConfig({ t4: 2500 }))).effects).at(-1)).toBe('start I 2500');
  });

  it('Confirmed absorbs ACKs and re-sent INVITEs, sends nothing; responses and transport errors do nothing', () => {
    const steps = run([respond(486), ack, ack, request, respond(486), transportError]);
    expect(fx(steps[3].effects)).toEqual(['drop']);
    expect(fx(steps[4].effects)).toEqual(['drop']);
    expect(steps[5].effects).toEqual([]);
    expect(steps[6].effects).toEqual([]);
    expect(last(steps).state).toMatchObject({ name: 'Confirmed', sends: 2, armed: ['I'] });
  });

  it('Confirmed: G and H are stale (stopped at the ACK) and ignored; Timer I → Terminated, done', () => {
    const steps = run([respond(486), ack, timer('G'), timer('H'), timer('I')]);
    expect(steps[3].effects).toEqual([]);
    expect(steps[4].effects).toEqual([]);
    expect(steps[3].state).toBe(steps[2].state);
    expect(fx(steps[5].effects)).toEqual(['Confirmed>Terminated', 'terminate done']);
    expect(last(steps).state).toMatchObject({ name: 'Terminated', armed: [] });
  });

  it('transport error in Completed: Terminated, G and H stopped, the TU is told', () => {
    const s = last(run([respond(486), transportError]));
    expect(fx(s.effects)).toEqual(['stop G', 'stop H', 'Completed>Terminated', 'terminate transport-error']);
  });

  it('Completed: Timer I and L are stale (not armed)', () => {
    const steps = run([respond(486), timer('I'), timer('L')]);
    expect(steps[2].effects).toEqual([]);
    expect(steps[3].effects).toEqual([]);
    expect(last(steps).state.armed).toEqual(['G', 'H']);
  });
});

describe('INVITE server transaction: Accepted (RFC 6026 §7.1, §8.7)', () => {
  it('a re-sent INVITE is absorbed: nothing sent, the TU re-sends its 2xx itself', () => {
    const s = last(run([respond(200), request]));
    expect(fx(s.effects)).toEqual(['drop']);
    expect(s.state).toMatchObject({ name: 'Accepted', sends: 2 });
  });

  it('an ACK that matches the transaction is passed up (every copy)', () => {
    const steps = run([respond(200), ack, ack]);
    expect(fx(steps[2].effects)).toEqual(['pass-up']);
    expect(fx(steps[3].effects)).toEqual(['pass-up']);
    expect(last(steps).state).toMatchObject({ name: 'Accepted', armed: ['L'] });
  });

  it('a 2xx from the TU (its own retransmission, §13.3.1.4) is sent again; Timer L is not restarted', () => {
    const steps = run([respond(200), respond(200), respond(202)]);
    expect(fx(steps[2].effects)).toEqual(['send response']);
    expect(fx(steps[3].effects)).toEqual(['send response']);
    expect(last(steps).state).toMatchObject({ name: 'Accepted', armed: ['L'], sends: 4, last: 202 });
  });

  it.each([100, 180, 300, 486, 603])('a %i from the TU after the 2xx is dropped, not sent', (status) => {
    const s = last(run([respond(200), respond(status)]));
    expect(fx(s.effects)).toEqual(['drop']);
    expect(s.state).toMatchObject({ name: 'Accepted', last: 200, sends: 2 });
  });

  it('a transport error does not leave Accepted (RFC 6026 draws no such edge)', () => {
    const s = last(run([respond(200), transportError]));
    expect(s.effects).toEqual([]);
    expect(s.state.name).toBe('Accepted');
  });

  it('G, H, I are stale in Accepted; Timer L → Terminated, done', () => {
    const steps = run([respond(200), timer('G'), timer('H'), timer('I'), timer('L')]);
    for (const s of steps.slice(2, 5)) expect(s.effects).toEqual([]);
    expect(fx(last(steps).effects)).toEqual(['Accepted>Terminated', 'terminate done']);
    expect(last(steps).state).toMatchObject({ name: 'Terminated', armed: [] });
  });
});

describe('INVITE server transaction: Terminated and purity', () => {
  const ends: Array<[string, ServerInput[]]> = [
    ['Timer H', [respond(486), timer('H')]],
    ['Timer I', [respond(486), ack, timer('I')]],
    ['Timer L', [respond(200), timer('L')]],
    ['transport error', [transportError]],
  ];
  it.each(ends)('after %s, every input is ignored and the state object is returned as is', (_name, before) => {
    const t = last(run(before)).state;
    expect(t.name).toBe('Terminated');
    for (const i of [request, ack, respond(180), respond(200), respond(486), transportError, ...(['G', 'H', 'I', 'L'] as const).map(timer)]) {
      const s = inviteServerStep(t, i, UDP);
      expect(s.effects).toEqual([]);
      expect(s.state).toBe(t);
    }
  });

  it('the same Terminated state with a timer still listed (forced) ignores it too', () => {
    const t: InviteServerState = { ...last(run([transportError])).state, armed: ['G'] };
    expect(inviteServerStep(t, timer('G'), UDP).effects).toEqual([]);
  });

  it('step does not change the state it was given', () => {
    const s0 = last(run([respond(486)])).state;
    const copy = JSON.parse(JSON.stringify(s0));
    inviteServerStep(s0, timer('G'), UDP);
    inviteServerStep(s0, ack, UDP);
    inviteServerStep(s0, timer('H'), UDP);
    expect(s0).toEqual(copy);
  });
});

// ---------------------------------------------------------------------------------------------
// The driver on a manual clock: exact send times.

function parse(text: string): SipRequest {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error(`test request does not parse: ${r.ok ? r.message.kind : r.error.message}`);
  return r.message;
}

const INVITE = parse(
  [
    'INVITE sip:bob@127.0.0.1:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsched1;rport',
    'Max-Forwards: 70',
    'From: "Alice" <sip:alice@127.0.0.1>;tag=from1',
    'To: <sip:bob@127.0.0.1>',
    'Call-ID: sched1@127.0.0.1',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
);

interface Sent {
  t: number;
  status: number;
  bytes: Buffer;
}

function driver(config: TimerConfig) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  const ends: Array<{ t: number; outcome: ServerOutcome }> = [];
  const forgotten: number[] = [];
  const events: string[] = [];
  const ctx: ServerTransactionContext = {
    clock,
    emit: (e) => {
      if (e.type === 'transaction.state') events.push(`${e.t}:${e.from}>${e.to}`);
    },
    wire: false,
    trying: (r) => makeResponse(r, 100),
    forget: () => forgotten.push(clock.now()),
  };
  const d = { failSends: false };
  const tx = new ServerTransaction(
    ctx,
    INVITE,
    'key',
    'z9hG4bKsched1',
    (bytes) => {
      if (d.failSends) throw Object.assign(new Error('send EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
      const b = Buffer.from(bytes);
      sent.push({ t: clock.now(), status: Number(b.toString('latin1', 8, 11)), bytes: b });
    },
    '127.0.0.1:5070',
    config.reliable ? 'TCP' : 'UDP',
    config,
  );
  tx.user = { onTerminated: (outcome) => ends.push({ t: clock.now(), outcome }) };
  tx.begin();
  return Object.assign(d, { clock, sent, ends, forgotten, tx, events });
}

describe('a response leaves before it is told (issue 14 §3)', () => {
  it('a Timer G re-send: nothing of the firing is emitted when the bytes go; then timer.fired, response.sent, timer.started in that order, with the firing time', () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const eventsAtSend: number[] = [];
    const ctx: ServerTransactionContext = {
      clock,
      emit: (e) => events.push(`${e.t}:${e.type}${'timer' in e ? `:${e.timer}` : ''}${'status' in e ? `:${e.status}` : ''}`),
      wire: false,
      trying: (r) => makeResponse(r, 100),
      forget: () => {},
    };
    const tx = new ServerTransaction(ctx, INVITE, 'key', 'z9hG4bKfirst1', () => void eventsAtSend.push(events.length), '127.0.0.1:5070', 'UDP', timerConfig());
    tx.user = { onTerminated: () => {} };
    tx.begin();
    tx.respond(makeResponse(INVITE, 486, 'busy1'));
    const before = events.length;
    expect(eventsAtSend).toHaveLength(2);
    expect(events[eventsAtSend[1]!]).toBe('0:response.sent:486'); // the 486 left, then was told
    clock.advanceTo(500);
    expect(eventsAtSend[2]).toBe(before);
    expect(events.slice(before)).toEqual(['500:timer.fired:G', '500:response.sent:486', '500:timer.started:G']);
  });
});

describe('Timer G / H schedule on the manual clock (T1 = 500, T2 = 4000)', () => {
  it('UDP: the 486 goes at 0, then T1·(1, 3, 7, 15, 23, 31, 39, 47, 55, 63) after it; Timer H at 64·T1 → no-ack', () => {
    const d = driver(timerConfig({ t1: 500, t2: 4000 }));
    expect(d.sent.map((s) => `${s.t}:${s.status}`)).toEqual(['0:100']);
    d.clock.advanceTo(250);
    d.tx.respond(makeResponse(INVITE, 486, 'busy1'));
    expect(d.tx.state).toBe('Completed');
    d.clock.advanceTo(200_000);
    const finals = d.sent.filter((s) => s.status === 486);
    const offsets = finals.map((s) => s.t - 250);
    expect(offsets).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(offsets.slice(1).map((t) => t / 500)).toEqual([1, 3, 7, 15, 23, 31, 39, 47, 55, 63]);
    const intervals = offsets.slice(1).map((t, i) => t - offsets[i]);
    expect(intervals).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    // Every copy is the very same response.
    for (const f of finals) expect(f.bytes.equals(finals[0].bytes)).toBe(true);
    expect(d.ends).toEqual([{ t: 250 + 32000, outcome: 'no-ack' }]);
    expect(d.forgotten).toEqual([250 + 32000]);
    expect(d.tx.state).toBe('Terminated');
    expect(d.tx.armedTimers).toBe(0);
    expect(d.clock.pending).toBe(0);
  });

  it('UDP: an ACK stops G and H; Timer I (T4) ends it with done; nothing more is sent', () => {
    const d = driver(timerConfig({ t1: 500, t2: 4000 }));
    d.tx.respond(makeResponse(INVITE, 486, 'busy1'));
    d.clock.advanceTo(2000); // sends at 0, 500, 1500
    d.tx.receive(parse(INVITE_ACK));
    expect(d.tx.state).toBe('Confirmed');
    d.clock.advanceTo(200_000);
    expect(d.sent.filter((s) => s.status === 486).map((s) => s.t)).toEqual([0, 500, 1500]);
    expect(d.ends).toEqual([{ t: 7000, outcome: 'done' }]);
    expect(d.clock.pending).toBe(0);
  });

  it('reliable transport: the final is sent once, no Timer G; Timer H still ends it at 64·T1', () => {
    const d = driver(timerConfig({ t1: 500, t2: 4000, reliable: true }));
    d.clock.advanceTo(250);
    d.tx.respond(makeResponse(INVITE, 486, 'busy1'));
    expect(d.clock.pending).toBe(1); // H alone
    d.clock.advanceTo(200_000);
    expect(d.sent.map((s) => `${s.t}:${s.status}`)).toEqual(['0:100', '250:486']);
    expect(d.ends).toEqual([{ t: 32250, outcome: 'no-ack' }]);
    expect(d.clock.pending).toBe(0);
  });

  it('2xx over UDP: sent once by the transaction (the TU re-sends it); Timer L at 64·T1 → done', () => {
    const d = driver(timerConfig({ t1: 500, t2: 4000 }));
    d.clock.advanceTo(100);
    d.tx.respond(makeResponse(INVITE, 200, 'ok1'));
    d.clock.advanceTo(600);
    d.tx.respond(makeResponse(INVITE, 200, 'ok1'), true);
    d.tx.receive(INVITE); // re-sent INVITE: absorbed
    d.clock.advanceTo(200_000);
    expect(d.sent.map((s) => `${s.t}:${s.status}`)).toEqual(['0:100', '100:200', '600:200']);
    expect(d.ends).toEqual([{ t: 32100, outcome: 'done' }]);
    expect(d.clock.pending).toBe(0);
  });
});

describe('a send that throws is a transport error (RFC 3261 §17.2.4)', () => {
  it('when the 100 Trying cannot be sent: Terminated with transport-error, no timer', () => {
    const clock = new ManualClock();
    const ends: ServerOutcome[] = [];
    const tx = new ServerTransaction(
      { clock, emit: () => {}, wire: false, trying: (r) => makeResponse(r, 100), forget: () => {} },
      INVITE,
      'key',
      'z9hG4bKsched1',
      () => {
        throw new Error('send EHOSTUNREACH');
      },
      '127.0.0.1:5070',
      'UDP',
      UDP,
    );
    tx.user = { onTerminated: (o) => ends.push(o) };
    tx.begin();
    expect(tx.state).toBe('Terminated');
    expect(ends).toEqual(['transport-error']);
    expect(clock.pending).toBe(0);
  });

  // Run to completion: the transport error that `reply` throws while the 486 goes out is
  // processed after the rest of that step's effects (Completed, G and H armed), so it stops
  // them; nothing is armed on the terminated transaction and the edges come out in order.
  it('when the 486 cannot be sent: Terminated, and no timer is armed afterwards', () => {
    const d = driver(UDP);
    d.clock.advanceTo(100);
    d.failSends = true;
    d.tx.respond(makeResponse(INVITE, 486, 'busy1'));
    expect(d.ends).toEqual([{ t: 100, outcome: 'transport-error' }]);
    expect(d.tx.state).toBe('Terminated');
    expect(d.events).toEqual(['0:Initial>Proceeding', '100:Proceeding>Completed', '100:Completed>Terminated']);
    expect(d.tx.armedTimers).toBe(0);
    expect(d.clock.pending).toBe(0);
  });

  // The same on a Timer G retransmission: G is not re-armed on the terminated transaction.
  it('when a Timer G retransmission cannot be sent: Terminated, and G is not re-armed', () => {
    const d = driver(UDP);
    d.tx.respond(makeResponse(INVITE, 486, 'busy1'));
    d.failSends = true;
    d.clock.advanceTo(500);
    expect(d.ends).toEqual([{ t: 500, outcome: 'transport-error' }]);
    expect(d.clock.pending).toBe(0);
  });
});

const INVITE_ACK = [
  'ACK sip:bob@127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsched1;rport',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@127.0.0.1>;tag=from1',
  'To: <sip:bob@127.0.0.1>;tag=busy1',
  'Call-ID: sched1@127.0.0.1',
  'CSeq: 1 ACK',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
