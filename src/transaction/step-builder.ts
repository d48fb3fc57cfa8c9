/**
 * Small accumulators for one `step` of a transaction machine: they collect effects and keep the
 * armed-timer list and the state name in line with them, so that every state function reads as
 * the RFC text does. Pure: they only build values. `MachineBuilder` is the part the client
 * (Figures 5 and 6) and server (Figures 7 and 8) machines share; `StepBuilder` is the client's.
 */
import type { TimerName, TransactionOutcome } from '../events/types.js';
import type { ClientEffect, ClientState, Step } from './types.js';

/** What every machine state has: a name and the timers armed now, in arming order. */
export interface MachineState {
  readonly name: string;
  readonly armed: readonly TimerName[];
}

/** The effects every machine shares: edges of its figure and timers. */
export type MachineEffect<N extends string> =
  | { readonly type: 'transition'; readonly from: N | 'Initial'; readonly to: N }
  | { readonly type: 'start-timer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'stop-timer'; readonly timer: TimerName; readonly reason: string };

export class MachineBuilder<S extends MachineState, E extends { readonly type: string }> {
  protected readonly effects: E[] = [];
  protected armed: TimerName[];
  protected state: S;

  constructor(state: S, fired?: TimerName) {
    this.state = state;
    // A timer that fired is no longer armed.
    this.armed = fired ? state.armed.filter((t) => t !== fired) : [...state.armed];
  }

  /** The state so far. */
  get current(): S {
    return this.state;
  }

  /** The first edge: from nothing (the request from the TU or the wire) to the first state. */
  begin(to: S['name']): this {
    this.effects.push({ type: 'transition', from: 'Initial', to } as unknown as E);
    this.state = { ...this.state, name: to };
    return this;
  }

  isArmed(timer: TimerName): boolean {
    return this.armed.includes(timer);
  }

  goto(to: S['name']): this {
    this.effects.push({ type: 'transition', from: this.state.name, to } as unknown as E);
    this.state = { ...this.state, name: to };
    return this;
  }

  start(timer: TimerName, ms: number): this {
    this.armed = this.armed.filter((t) => t !== timer);
    this.armed.push(timer);
    this.effects.push({ type: 'start-timer', timer, ms } as unknown as E);
    return this;
  }

  /** Stops a timer if it is armed (no effect otherwise). */
  stop(timer: TimerName, reason: string): this {
    if (!this.armed.includes(timer)) return this;
    this.armed = this.armed.filter((t) => t !== timer);
    this.effects.push({ type: 'stop-timer', timer, reason } as unknown as E);
    return this;
  }

  /** Stops every armed timer (so none outlives the transaction). */
  protected stopAll(reason: string): void {
    for (const t of [...this.armed]) this.stop(t, reason);
  }

  /** Appends an effect of the machine's own kind. */
  push(effect: E): this {
    this.effects.push(effect);
    return this;
  }

  done(): { state: S; effects: readonly E[] } {
    return { state: { ...this.state, armed: this.armed }, effects: this.effects };
  }
}

/** The client transactions' builder (RFC 3261 §17.1). */
export class StepBuilder<S extends ClientState> extends MachineBuilder<S, ClientEffect> {
  set(patch: Partial<Pick<S, 'interval' | 'final' | 'sends'>>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }

  send(what: 'initial' | 'retransmit' | 'ack'): this {
    this.effects.push({ type: 'send', what });
    if (what !== 'ack') this.state = { ...this.state, sends: this.state.sends + 1 };
    return this;
  }

  passUp(): this {
    this.effects.push({ type: 'pass-up' });
    return this;
  }

  drop(reason: string): this {
    this.effects.push({ type: 'drop', reason });
    return this;
  }

  /**
   * Enters Terminated: stops every armed timer (so none outlives the transaction), then
   * reports the outcome. RFC 3261 §17.1.1.2: "The client transaction MUST be destroyed the
   * instant it enters the "Terminated" state."
   */
  terminate(outcome: TransactionOutcome, status: number | undefined, local: boolean, reason: string): this {
    this.stopAll(reason);
    this.goto('Terminated' as S['name']);
    this.effects.push(
      status === undefined ? { type: 'terminate', outcome, local } : { type: 'terminate', outcome, status, local },
    );
    return this;
  }

  override done(): Step<S> {
    return super.done();
  }
}

