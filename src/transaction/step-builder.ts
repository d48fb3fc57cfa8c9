/**
 * A small accumulator for one `step`: collects effects and keeps the armed-timer list and the
 * state name in line with them, so that every state function reads as the RFC text does.
 * Pure: it only builds values.
 */
import type { TimerName, TransactionOutcome } from '../events/types.js';
import type { ClientEffect, ClientState, ClientStateName, Step } from './types.js';

export class StepBuilder<S extends ClientState> {
  private readonly effects: ClientEffect[] = [];
  private armed: TimerName[];
  private state: S;

  constructor(state: S, fired?: TimerName) {
    this.state = state;
    // A timer that fired is no longer armed.
    this.armed = fired ? state.armed.filter((t) => t !== fired) : [...state.armed];
  }

  /** The state so far (name, interval, final, sends). */
  get current(): S {
    return this.state;
  }

  /** The first edge: from nothing ("INVITE from TU", "Request from TU") to the first state. */
  begin(to: S['name']): this {
    this.effects.push({ type: 'transition', from: 'Initial', to: to as ClientStateName });
    this.state = { ...this.state, name: to };
    return this;
  }

  isArmed(timer: TimerName): boolean {
    return this.armed.includes(timer);
  }

  goto(to: S['name']): this {
    this.effects.push({ type: 'transition', from: this.state.name as ClientStateName, to: to as ClientStateName });
    this.state = { ...this.state, name: to };
    return this;
  }

  set(patch: Partial<Pick<S, 'interval' | 'final' | 'sends'>>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }

  send(what: 'initial' | 'retransmit' | 'ack'): this {
    this.effects.push({ type: 'send', what });
    if (what !== 'ack') this.state = { ...this.state, sends: this.state.sends + 1 };
    return this;
  }

  start(timer: TimerName, ms: number): this {
    this.armed = this.armed.filter((t) => t !== timer);
    this.armed.push(timer);
    this.effects.push({ type: 'start-timer', timer, ms });
    return this;
  }

  /** Stops a timer if it is armed (no effect otherwise). */
  stop(timer: TimerName, reason: string): this {
    if (!this.armed.includes(timer)) return this;
    this.armed = this.armed.filter((t) => t !== timer);
    this.effects.push({ type: 'stop-timer', timer, reason });
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
    for (const t of [...this.armed]) this.stop(t, reason);
    this.goto('Terminated' as S['name']);
    this.effects.push(
      status === undefined ? { type: 'terminate', outcome, local } : { type: 'terminate', outcome, status, local },
    );
    return this;
  }

  done(): Step<S> {
    return { state: { ...this.state, armed: this.armed }, effects: this.effects };
  }
}
