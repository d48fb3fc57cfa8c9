// Differential test: the load engine's typed-array client transactions (src/load/client-lanes.ts)
// against the project's pure step machines (src/transaction/invite-client.ts, non-invite-client.ts)
// on the same inputs: every send (initial, retransmission, ACK), every response passed up and the
// timeout must happen at the same millisecond in both. Random response sequences by fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientLanes,
  FIRE_RETRANSMIT,
  FIRE_TIMEOUT,
  RESP_2XX_AGAIN,
  RESP_ACK_AGAIN,
  RESP_FINAL,
  RESP_PROVISIONAL,
  TX_INVITE,
  TX_NON_INVITE,
} from '../../src/load/client-lanes.js';
import { inviteClientStep, startInviteClient } from '../../src/transaction/invite-client.js';
import { nonInviteClientStep, startNonInviteClient } from '../../src/transaction/non-invite-client.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import type { ClientState, Step } from '../../src/transaction/types.js';

const T1 = 500;
const T2 = 4000;
const config = timerConfig({ t1: T1, t2: T2, reliable: false });

interface Input {
  t: number;
  status: number;
}

/** What a transaction did, as "t:event". */
type Trace = string[];

/** Runs the step machine to `end` ms with the responses at their times. */
function reference(invite: boolean, inputs: readonly Input[], end: number): Trace {
  const trace: Trace = [];
  const timers = new Map<string, number>();
  let now = 0;
  const apply = (step: Step<ClientState>): ClientState => {
    for (const e of step.effects) {
      if (e.type === 'send') trace.push(`${now}:${e.what === 'ack' ? 'ack' : 'send'}`);
      else if (e.type === 'start-timer') timers.set(e.timer, now + e.ms);
      else if (e.type === 'stop-timer') timers.delete(e.timer);
      else if (e.type === 'pass-up') trace.push(`${now}:up`);
      else if (e.type === 'terminate' && e.outcome === 'timeout') trace.push(`${now}:timeout`);
    }
    return step.state;
  };
  let state = apply(invite ? startInviteClient(config) : startNonInviteClient(config));
  const step = (input: Parameters<typeof inviteClientStep>[1]): void => {
    state = apply(invite ? inviteClientStep(state as never, input, config) : nonInviteClientStep(state as never, input, config));
  };
  const queue = [...inputs];
  for (;;) {
    // Timers D, K, M only end the absorbing states: the lanes leave that to the engine.
    const live = [...timers.entries()].filter(([n]) => n !== 'D' && n !== 'K' && n !== 'M');
    const nextTimer = live.reduce<[string, number] | undefined>((a, b) => (a === undefined || b[1] < a[1] ? b : a), undefined);
    const nextInput = queue[0];
    if (nextTimer && (!nextInput || nextTimer[1] <= nextInput.t) && nextTimer[1] <= end) {
      now = nextTimer[1];
      timers.delete(nextTimer[0]);
      step({ type: 'timer', timer: nextTimer[0] as never });
    } else if (nextInput && nextInput.t <= end) {
      now = nextInput.t;
      queue.shift();
      step({ type: 'response', status: nextInput.status } as never);
    } else break;
    if (state.name === 'Terminated') break;
  }
  return trace;
}

/** The same with one lane of ClientLanes. */
function lanes(invite: boolean, inputs: readonly Input[], end: number): Trace {
  const trace: Trace = [];
  const l = new ClientLanes(1, T1, T2);
  l.start(0, invite ? TX_INVITE : TX_NON_INVITE, 1, 0);
  trace.push('0:send');
  const queue = [...inputs];
  for (;;) {
    const due = l.due(0);
    const nextInput = queue[0];
    if (due !== Infinity && (!nextInput || due <= nextInput.t) && due <= end) {
      const r = l.fire(0, due);
      if (r === FIRE_RETRANSMIT) trace.push(`${due}:send`);
      if (r === FIRE_TIMEOUT) {
        trace.push(`${due}:timeout`);
        break;
      }
    } else if (nextInput && nextInput.t <= end) {
      queue.shift();
      const r = l.response(0, nextInput.status);
      const t = nextInput.t;
      if (r === RESP_PROVISIONAL || r === RESP_2XX_AGAIN) trace.push(`${t}:up`);
      else if (r === RESP_FINAL) {
        // A non-2xx is passed up and ACKed by the transaction (§17.1.1.2); the engine writes
        // the ACK when the lane says RESP_FINAL for 300–699.
        trace.push(`${t}:up`);
        if (invite && nextInput.status >= 300) trace.push(`${t}:ack`);
      } else if (r === RESP_ACK_AGAIN) trace.push(`${t}:ack`);
    } else break;
  }
  return trace;
}

const statusArb = fc.constantFrom(100, 180, 183, 200, 202, 302, 404, 486, 503, 603);
const inputsArb = fc
  .array(fc.record({ t: fc.integer({ min: 1, max: 40_000 }), status: statusArb }), { maxLength: 6 })
  .map((xs) => [...xs].sort((a, b) => a.t - b.t));

describe('ClientLanes = the RFC 3261 step machines (differential)', () => {
  it('a silent peer: INVITE 7 sends then Timer B; non-INVITE 11 sends then Timer F', () => {
    expect(lanes(true, [], 64_000)).toEqual(reference(true, [], 64_000));
    expect(lanes(true, [], 64_000)).toEqual(['0:send', '500:send', '1500:send', '3500:send', '7500:send', '15500:send', '31500:send', '32000:timeout']);
    expect(lanes(false, [], 64_000)).toEqual(reference(false, [], 64_000));
    expect(lanes(false, [], 64_000).filter((e) => e.endsWith('send'))).toHaveLength(11);
  });

  it('a 1xx in Proceeding: INVITE stops, non-INVITE goes on at T2', () => {
    const inputs = [{ t: 700, status: 180 }];
    expect(lanes(true, inputs, 64_000)).toEqual(reference(true, inputs, 64_000));
    expect(lanes(false, inputs, 64_000)).toEqual(reference(false, inputs, 64_000));
    expect(lanes(false, inputs, 64_000)).toContain('5500:send');
  });

  it('INVITE: random responses at random times, same trace (2,000 cases)', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        expect(lanes(true, inputs, 64_000)).toEqual(reference(true, inputs, 64_000));
      }),
      { numRuns: 2000 },
    );
  });

  it('non-INVITE: random responses at random times, same trace (2,000 cases)', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        expect(lanes(false, inputs, 64_000)).toEqual(reference(false, inputs, 64_000));
      }),
      { numRuns: 2000 },
    );
  });
});
