/** The server transactions' step builder (RFC 3261 §17.2): MachineBuilder plus sends. Pure. */
import { MachineBuilder } from './step-builder.js';
import type { ServerEffect, ServerOutcome, ServerState, ServerStep } from './server-types.js';

export class ServerStepBuilder<S extends ServerState> extends MachineBuilder<S, ServerEffect> {
  set(patch: Partial<Pick<S, 'interval' | 'last'>>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }

  /** A response to the transport; `status` is the one sent (undefined: the last one again). */
  send(what: 'trying' | 'response' | 'retransmit', status?: number): this {
    this.effects.push({ type: 'send', what });
    this.state = { ...this.state, sends: this.state.sends + 1, ...(status !== undefined ? { last: status } : {}) };
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

  /** Enters Terminated with every timer stopped, and reports how it ended. */
  terminate(outcome: ServerOutcome, reason: string): this {
    this.stopAll(reason);
    this.goto('Terminated' as S['name']);
    this.effects.push({ type: 'terminate', outcome });
    return this;
  }

  override done(): ServerStep<S> {
    return super.done();
  }
}
