/**
 * Fuzz targets for the four pure transaction machines (RFC 3261 §17.1.1 Figure 5, §17.1.2
 * Figure 6, §17.2.1 Figure 7, §17.2.2 Figure 8, with RFC 6026's Accepted): random sequences of
 * inputs (responses or TU responses of any status, re-sent requests, ACKs, transport errors,
 * firings of armed timers in time order, and firings of timers that are not armed) on random
 * timer settings over UDP and TCP.
 *
 * A small simulated clock keeps the armed timers and their due times from the `start-timer` /
 * `stop-timer` effects; "tick" moves it to the earliest due timer and fires that one. Invariants:
 * - `step` never throws;
 * - the timers a state says are armed are exactly the ones its effects left armed;
 * - a timer that is not armed fires into nothing (no effect, same state);
 * - `terminate` comes at most once, with the state Terminated and no timer armed, and after it
 *   every input gives no effect;
 * - sends are bounded: retransmissions only come from Timer A, E or G, which stop by 64·T1;
 * - when the inputs run out, firing the timers left (and giving a waiting TU or an INVITE left
 *   in Proceeding a final) ends the transaction: every machine terminates.
 */
import fc from 'fast-check';
import type { TimerName } from '../../src/events/types.js';
import { startServer, serverStep } from '../../src/transaction/server-step.js';
import type { ServerInput, ServerState } from '../../src/transaction/server-types.js';
import { start, step } from '../../src/transaction/step.js';
import { timerConfig, type TimerConfig } from '../../src/transaction/timer-config.js';
import type { ClientInput, ClientState } from '../../src/transaction/types.js';
import type { FuzzTarget } from './target.js';

const TIMERS: readonly TimerName[] = ['A', 'B', 'D', 'E', 'F', 'K', 'M', 'G', 'H', 'I', 'J', 'L'];

/** Statuses: the usual ones, any in 100–699, and out-of-range ones a buggy caller might pass. */
const status = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(100, 180, 183, 199, 200, 202, 299, 300, 302, 401, 404, 407, 408, 481, 486, 487, 500, 503, 603, 699) },
  { weight: 3, arbitrary: fc.integer({ min: 100, max: 699 }) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 1000 }) },
);

export type Action =
  | { k: 'response'; status: number }
  | { k: 'request' }
  | { k: 'ack' }
  | { k: 'transport-error' }
  | { k: 'tick' }
  | { k: 'stale'; timer: TimerName };

const common = [
  { weight: 2, arbitrary: fc.constant<Action>({ k: 'transport-error' }) },
  { weight: 8, arbitrary: fc.constant<Action>({ k: 'tick' }) },
  { weight: 3, arbitrary: fc.constantFrom(...TIMERS).map((timer): Action => ({ k: 'stale', timer })) },
];
const clientAction = fc.oneof({ weight: 10, arbitrary: status.map((s): Action => ({ k: 'response', status: s })) }, ...common);
const serverAction = fc.oneof(
  { weight: 8, arbitrary: status.map((s): Action => ({ k: 'response', status: s })) },
  { weight: 4, arbitrary: fc.constant<Action>({ k: 'request' }) },
  { weight: 4, arbitrary: fc.constant<Action>({ k: 'ack' }) },
  ...common,
);

const settings = fc.record({
  t1: fc.integer({ min: 1, max: 1000 }),
  t2Factor: fc.constantFrom(1, 2, 8),
  t4: fc.integer({ min: 1, max: 10_000 }),
  reliable: fc.boolean(),
});

export type Settings = { t1: number; t2Factor: number; t4: number; reliable: boolean };

function configOf(s: Settings): TimerConfig {
  return timerConfig({ t1: s.t1, t2: s.t1 * s.t2Factor, t4: s.t4, reliable: s.reliable });
}

export type AnyState = ClientState | ServerState;
export type AnyEffect = { readonly type: string; readonly timer?: TimerName; readonly ms?: number; readonly what?: string };

function fail(what: string): never {
  throw new Error(what);
}

/** The simulated clock and the tally of one transaction's effects. */
class Run {
  now = 0;
  readonly due = new Map<TimerName, number>();
  terminations = 0;
  sends = 0;
  /** Sends caused by an input from outside (a response, a re-sent request, an ACK). */
  inputs = 0;
  timerSends = 0;

  constructor(
    readonly config: TimerConfig,
    public state: AnyState,
  ) {}

  apply(next: { state: AnyState; effects: readonly AnyEffect[] }, byTimer: boolean): void {
    const wasTerminated = this.state.name === 'Terminated';
    if (wasTerminated && (next.effects.length > 0 || next.state.name !== 'Terminated')) fail('input after Terminated had an effect');
    for (const e of next.effects) {
      if (e.type === 'start-timer') {
        if (!(typeof e.ms === 'number' && e.ms >= 0 && Number.isFinite(e.ms))) fail(`timer ${e.timer} started with ${e.ms} ms`);
        this.due.set(e.timer as TimerName, this.now + (e.ms as number));
      } else if (e.type === 'stop-timer') this.due.delete(e.timer as TimerName);
      else if (e.type === 'send') {
        this.sends += 1;
        if (byTimer) this.timerSends += 1;
      } else if (e.type === 'terminate') this.terminations += 1;
    }
    if (this.terminations > 1) fail('terminated twice');
    this.state = next.state;
    const armed = [...next.state.armed].sort().join(',');
    if (armed !== [...this.due.keys()].sort().join(',')) fail(`state says [${armed}] armed, its effects left [${[...this.due.keys()].sort()}]`);
    if (next.state.name === 'Terminated') {
      if (this.terminations !== 1) fail('Terminated without a terminate effect');
      if (next.state.armed.length > 0) fail(`timers [${next.state.armed}] armed in Terminated`);
    } else if (this.terminations > 0) fail('a terminate effect but the state is not Terminated');
    // Retransmissions by timer stop by 64·T1 (B, F, H): Timer A at most 6 times, E and G at
    // most once per T1. Sends answering inputs are bounded by the inputs.
    if (this.timerSends > 64) fail(`${this.timerSends} sends from timers`);
    if (this.sends > 1 + this.inputs + this.timerSends) fail(`${this.sends} sends for ${this.inputs} inputs and ${this.timerSends} timer firings`);
  }

  /** The earliest armed timer, if any. */
  nextDue(): TimerName | undefined {
    let best: TimerName | undefined;
    for (const [t, at] of this.due) if (best === undefined || at < (this.due.get(best) as number)) best = t;
    return best;
  }
}

export interface Machine<I> {
  begin(config: TimerConfig): { state: AnyState; effects: readonly AnyEffect[] };
  step(state: AnyState, input: I, config: TimerConfig): { state: AnyState; effects: readonly AnyEffect[] };
  input(a: Action): I | undefined;
  /** A final that ends a transaction waiting for one (a TU that never answered, an INVITE in Proceeding). */
  finish: I;
}

export function drive<I>(m: Machine<I>, s: Settings, actions: readonly Action[]): void {
  const config = configOf(s);
  const first = m.begin(config);
  const run = new Run(config, first.state);
  run.apply(first, false);
  const fire = (timer: TimerName) => {
    run.now = Math.max(run.now, run.due.get(timer) as number);
    run.due.delete(timer); // a timer that fired is no longer armed
    run.apply(m.step(run.state, { type: 'timer', timer } as I, config), true);
  };
  for (const a of actions) {
    if (a.k === 'tick') {
      const t = run.nextDue();
      if (t !== undefined) fire(t);
      continue;
    }
    if (a.k === 'stale') {
      if (run.due.has(a.timer)) continue;
      const before = run.state;
      const out = m.step(run.state, { type: 'timer', timer: a.timer } as I, config);
      if (out.effects.length > 0 || out.state !== before) fail(`timer ${a.timer}, not armed, had an effect`);
      continue;
    }
    const input = m.input(a);
    if (input === undefined) continue;
    run.inputs += 1;
    run.apply(m.step(run.state, input, config), false);
  }
  // Drain: fire what is left in time order; give a final to whatever waits for one.
  for (let round = 0; round < 400 && run.state.name !== 'Terminated'; round++) {
    const t = run.nextDue();
    if (t !== undefined) fire(t);
    else {
      run.inputs += 1;
      run.apply(m.step(run.state, m.finish, config), false);
    }
  }
  if (run.state.name !== 'Terminated') fail(`not Terminated after the inputs ran out: ${run.state.name}, armed [${run.state.armed}]`);
  if (run.terminations !== 1) fail(`${run.terminations} terminations`);
}

export const client = (method: string): Machine<ClientInput> => ({
  begin: (config) => start(method, config),
  step: (state, input, config) => step(state as ClientState, input, config),
  input: (a) => (a.k === 'response' ? { type: 'response', status: a.status } : a.k === 'transport-error' ? { type: 'transport-error' } : undefined),
  finish: { type: 'response', status: 487 },
});

const server = (method: string): Machine<ServerInput> => ({
  begin: (config) => startServer(method, config),
  step: (state, input, config) => serverStep(state as ServerState, input, config),
  input: (a) =>
    a.k === 'response'
      ? { type: 'respond', status: a.status }
      : a.k === 'request'
        ? { type: 'request' }
        : a.k === 'ack'
          ? { type: 'ack' }
          : a.k === 'transport-error'
            ? { type: 'transport-error' }
            : undefined,
  finish: { type: 'respond', status: 500 },
});

const clientCase = fc.tuple(settings, fc.array(clientAction, { maxLength: 40 }));
const serverCase = fc.tuple(settings, fc.array(serverAction, { maxLength: 40 }));

export const TRANSACTION_TARGETS: readonly FuzzTarget[] = [
  { name: 'INVITE client transaction (Figure 5)', share: 0.07, arbitrary: clientCase, check: ([s, a]: [Settings, Action[]]) => drive(client('INVITE'), s, a) },
  { name: 'non-INVITE client transaction (Figure 6)', share: 0.06, arbitrary: clientCase, check: ([s, a]: [Settings, Action[]]) => drive(client('OPTIONS'), s, a) },
  { name: 'INVITE server transaction (Figure 7)', share: 0.07, arbitrary: serverCase, check: ([s, a]: [Settings, Action[]]) => drive(server('INVITE'), s, a) },
  { name: 'non-INVITE server transaction (Figure 8)', share: 0.07, arbitrary: serverCase, check: ([s, a]: [Settings, Action[]]) => drive(server('BYE'), s, a) },
];
