/**
 * The vocabulary of the pure server transaction machines (RFC 3261 §17.2, RFC 6026 §7.1):
 * states, inputs, effects. Like the client side (types.ts), `step(state, input, config) →
 * { state, effects }` does no I/O and reads no clock; a driver performs the effects.
 */
import type { TimerName } from '../events/types.js';
import type { MachineEffect } from './step-builder.js';

/** RFC 3261 Figure 7 as amended by RFC 6026 §7.1 (Accepted). */
export type InviteServerStateName = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

/** RFC 3261 Figure 8. */
export type NonInviteServerStateName = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export type ServerStateName = InviteServerStateName | NonInviteServerStateName;

interface ServerStateBase {
  /** Timers armed now, in arming order. Empty in Terminated. */
  readonly armed: readonly TimerName[];
  /** The interval (ms) Timer G gets when it is next armed (INVITE, unreliable only). */
  readonly interval: number;
  /** The status of the last response handed to the transport, once there is one. */
  readonly last?: number;
  /** Responses handed to the transport, re-sent copies included. */
  readonly sends: number;
}

export interface InviteServerState extends ServerStateBase {
  readonly kind: 'invite-server';
  readonly name: InviteServerStateName;
}

export interface NonInviteServerState extends ServerStateBase {
  readonly kind: 'non-invite-server';
  readonly name: NonInviteServerStateName;
}

export type ServerState = InviteServerState | NonInviteServerState;

/**
 * What can happen to a server transaction. A request reaches `step` only after it matched this
 * transaction (RFC 3261 §17.2.3, server-match.ts).
 */
export type ServerInput =
  /** The request again: a retransmission (the first copy created the transaction). */
  | { readonly type: 'request' }
  /** An ACK that matched this INVITE transaction (§17.2.3: ACK matches the INVITE). */
  | { readonly type: 'ack' }
  /** The TU passes a response down (§17.2.1: "The TU passes any number of provisional responses"). */
  | { readonly type: 'respond'; readonly status: number }
  /** An armed timer fired. A timer that is not armed (stale) is ignored. */
  | { readonly type: 'timer'; readonly timer: TimerName }
  /** The transport failed to send (§17.2.4). */
  | { readonly type: 'transport-error' };

/** How a server transaction ended. */
export type ServerOutcome =
  /** Its work is done (Timer I, J, L fired, or 0 on a reliable transport). */
  | 'done'
  /** Timer H fired: the ACK for our non-2xx final never came (§17.2.1). */
  | 'no-ack'
  /** The transport failed (§17.2.4). */
  | 'transport-error';

/** What the driver must do, in order. */
export type ServerEffect =
  | MachineEffect<ServerStateName>
  /**
   * Hand a response to the transport: `trying` a 100 the transaction makes itself (§17.2.1),
   * `response` the one the TU just passed down, `retransmit` the last one sent, again.
   */
  | { readonly type: 'send'; readonly what: 'trying' | 'response' | 'retransmit' }
  /** Pass the request being processed up to the TU (the first copy; an ACK in Accepted). */
  | { readonly type: 'pass-up' }
  /** The input is absorbed here. */
  | { readonly type: 'drop'; readonly reason: string }
  /** The transaction reached Terminated: tell the TU, forget the transaction. */
  | { readonly type: 'terminate'; readonly outcome: ServerOutcome };

export interface ServerStep<S extends ServerState = ServerState> {
  readonly state: S;
  readonly effects: readonly ServerEffect[];
}
