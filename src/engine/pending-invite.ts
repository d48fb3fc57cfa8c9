import type { TimerHandle } from '../clock/clock.js';
import type { TransportName } from '../events/types.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { ReplyFn } from '../transport/transport.js';
import type { MediaStream } from './media-stream.js';

/**
 * One INVITE the UAS core of `answer` is answering (RFC 3261 §13.3.1): its server transaction
 * (§17.2.1) and what the core keeps for it until the transaction ends: the To tag of its
 * responses, whether a final went and its ACK came (§13.3.1.4: the core re-sends a 2xx "until
 * it receives an ACK"), the ring timer and the media bound for the call.
 */
export interface PendingInvite {
  request: SipRequest;
  tx: ServerTransaction;
  toTag: string;
  /** A final response was passed to the transaction. */
  final: boolean;
  acked: boolean;
  /** The ring timer. */
  timers: TimerHandle[];
  /** The core's own 2xx retransmissions (RFC 3261 §13.3.1.4), until the ACK. */
  resend?: { stop(): void };
  /** The RTP stream for this call, bound when the INVITE arrived (docs/media.md). */
  media?: Promise<MediaStream | undefined>;
  /** True when the INVITE had no offer: ours goes in the 2xx, the answer comes in the ACK. */
  offeredInAnswer?: boolean;
  /** A re-INVITE in an existing dialog (not a new call). */
  reinvite?: boolean;
  /** The flow the INVITE came on (answer's own listener; absent for `serve`). */
  flow?: Flow;
}

/** Where a request came from, and the way back to it (RFC 3261 §18.2.2). */
export interface Flow {
  reply: ReplyFn;
  /** `host:port`, IPv6 in brackets. */
  peer: string;
  transport: TransportName;
  reliable: boolean;
}
