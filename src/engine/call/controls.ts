/**
 * What the user can do while a call runs, and what a person can do during it: the seam between
 * the engine's call and the CLI's terminal (src/cli/call-keys.ts). Ctrl-C, `h` and the end of
 * `--duration` are the user's word on RFC 3261 §15: "The caller's UA MAY send a BYE for either
 * confirmed or early dialogs" (before the answer sipcall cancels instead, §9.1). Both
 * interfaces are exported again by src/engine/call.ts.
 */
import type { RunOutcome } from '../outcome.js';
import type { CallDecision, IncomingCall } from '../incoming-call.js';

/** What the user can do while a call runs. */
export interface CallControls {
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(cb: () => void): () => void;
  /** On a TTY without --duration: resolves when the user asks to hang up (h or Enter). */
  waitForHangup?: () => { promise: Promise<void>; cancel(): void };
  /**
   * On a TTY: one-key commands during the call (src/cli/call-keys.ts). Called once the call is
   * up with the actions it may take; returns a function that stops listening. When given, it
   * replaces `waitForHangup` (its `h` hangs up).
   */
  keys?: (actions: CallActions) => () => void;
  /**
   * On a TTY: asks a person about an incoming call (`register --listen`; `answer` sets its
   * own): caller, subject, offered codecs → answer, reject (486, 603) or redirect (302).
   */
  askIncoming?: (call: IncomingCall) => Promise<CallDecision>;
  /**
   * `--accept-transfer`: places the call a REFER from the peer asks for (RFC 3515 §2.4.2), as
   * a new run to `uri`; resolves with how that call went. Set by run-uac.ts.
   */
  placeCall?: (uri: string) => Promise<RunOutcome>;
}

/** What a person can do during a call (issue 11 §3): the engine side of the in-call keys. */
export interface CallActions {
  hangup(): void;
  /** Sends one digit (RFC 4733 when agreed, else in-band); false without media. */
  dtmf(digit: string): boolean;
  /** Mutes or unmutes what we send (silence, the stream keeps its clock); the new state, or undefined without media. */
  toggleMute(): boolean | undefined;
  /** Holds (re-INVITE a=sendonly) or resumes (a=sendrecv); resolves to the new state, or undefined when refused. */
  toggleHold(): Promise<'held' | 'resumed' | undefined>;
  /** A blind transfer to `target`: undefined when it went out, else why not (the call goes on). */
  transfer(target: string): string | undefined;
  /** Emits the media figures now (a `note`). */
  stats(): void;
  /** True while the call is on hold (by us). */
  readonly held: boolean;
}
