/**
 * The vocabulary of the pure client transaction machines: states, inputs, effects.
 * `step(state, input, config) → { state, effects }` does no I/O and reads no clock; a driver
 * (`TransactionLayer`) performs the effects with a `Clock` and a send port.
 */
import type { TimerName, TransactionOutcome } from '../events/types.js';

/** RFC 3261 Figure 5 as amended by RFC 6026 §7.2 (Accepted). */
export type InviteClientStateName = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

/** RFC 3261 Figure 6. */
export type NonInviteClientStateName = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export type ClientStateName = InviteClientStateName | NonInviteClientStateName;

interface ClientStateBase {
  /** The interval (ms) the retransmit timer (A or E) gets when it is next armed. */
  readonly interval: number;
  /** Timers armed now, in arming order. Empty in Terminated. */
  readonly armed: readonly TimerName[];
  /** How many times the request went to the transport (first send included). */
  readonly sends: number;
  /** The first final status received, once there is one. */
  readonly final?: number;
}

export interface InviteClientState extends ClientStateBase {
  readonly kind: 'invite';
  readonly name: InviteClientStateName;
}

export interface NonInviteClientState extends ClientStateBase {
  readonly kind: 'non-invite';
  readonly name: NonInviteClientStateName;
}

export type ClientState = InviteClientState | NonInviteClientState;

/**
 * What can happen to a client transaction. A response reaches `step` only after it matched
 * this transaction (RFC 3261 §17.1.3, `matchKey` in match.ts): responses for other
 * transactions never get here, they are reported as `response.stray` by the driver.
 */
export type ClientInput =
  /** A response that matched this transaction. */
  | { readonly type: 'response'; readonly status: number }
  /** An armed timer fired. A timer that is not armed (stale) is ignored. */
  | { readonly type: 'timer'; readonly timer: TimerName }
  /** The transport reported a fatal error (ICMP unreachable, refused, reset) (§17.1.4). */
  | { readonly type: 'transport-error' };

/** What the driver must do, in order. */
export type ClientEffect =
  /** The state changed (Initial → Calling, …); one effect per edge of the figure. */
  | { readonly type: 'transition'; readonly from: ClientStateName | 'Initial'; readonly to: ClientStateName }
  /** Hand bytes to the transport: the request (first time or again) or the ACK of §17.1.1.3. */
  | { readonly type: 'send'; readonly what: 'initial' | 'retransmit' | 'ack' }
  | { readonly type: 'start-timer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'stop-timer'; readonly timer: TimerName; readonly reason: string }
  /** Pass the response being processed up to the transaction user. */
  | { readonly type: 'pass-up' }
  /** The response being processed is absorbed here and not passed up. */
  | { readonly type: 'drop'; readonly reason: string }
  /** The transaction reached Terminated: tell the TU, forget the transaction. */
  | {
      readonly type: 'terminate';
      readonly outcome: TransactionOutcome;
      /** The final status: from the wire (`local` false) or made up (408, 503; `local` true). */
      readonly status?: number;
      readonly local: boolean;
    };

export interface Step<S extends ClientState = ClientState> {
  readonly state: S;
  readonly effects: readonly ClientEffect[];
}

/** RFC 3261 §8.1.3.1 / §17.1.1.2: a timeout is reported to the TU as a 408, made up locally. */
export const TIMEOUT_STATUS = 408;
/** RFC 3261 §8.1.3.1: a transport failure "MUST be treated as a 503 (Service Unavailable)". */
export const TRANSPORT_ERROR_STATUS = 503;
