import type { Clock, TimerHandle } from '../../clock/clock.js';
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { CallMedia } from '../call-media.js';
import type { RunOutcome } from '../outcome.js';
import type { InvitePlan } from '../plan.js';
import type { UacContext } from '../uac-context.js';
import type { CallControls } from './controls.js';

/**
 * Where a call stands: placing the INVITE (RFC 3261 §13.2.1), the dialog confirmed by the 2xx
 * and its ACK (§12.1.2, §13.2.2.4), ending (our BYE on its way, §15.1.1, or a non-2xx final
 * lingering for its re-sends), done.
 */
export type Phase = 'calling' | 'confirmed' | 'ending' | 'done';

/**
 * The call as its parts see it (the `Call` of src/engine/call.ts owns the dialog's life, RFC
 * 3261 §12: "A dialog represents a peer-to-peer SIP relationship between two user agents that
 * persists for some time"). The parts read its state live and end it only through `hangup`
 * (BYE, §15.1.1) or `finish` (the run's outcome).
 */
export interface CallHost {
  readonly ctx: UacContext;
  readonly plan: InvitePlan;
  readonly controls: CallControls;
  readonly clock: Clock;
  readonly phase: Phase;
  /** Our INVITE as last sent (a retry with credentials or after a 422 replaces it). */
  readonly invite: SipRequest;
  /** The first provisional response to it, if one came. */
  readonly first1xx?: SipResponse;
  /** The dialog of the 2xx that answered the call (RFC 3261 §12.1.2). */
  readonly dialog?: Dialog;
  /** That 2xx. */
  readonly answer?: SipResponse;
  /** The RTP side (docs/media.md); undefined with --no-media or --no-sdp. */
  readonly media?: CallMedia;
  /** Keeps a timer of the confirmed call (--hold-after, session timer, transfer): the end of the call clears it. */
  keep(timer: TimerHandle): void;
  /** BYE (RFC 3261 §15.1.1) and its response end the run. */
  hangup(why?: 'normal' | 'interrupt'): void;
  /** Ends the run with this outcome (once). */
  finish(outcome: RunOutcome): void;
}
