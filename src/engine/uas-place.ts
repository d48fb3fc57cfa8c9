import type { SipRequest } from '../sip/message.js';
import type { ServerTransactionLayer } from '../transaction/server-layer.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { Listener } from '../transport/transport.js';
import type { AnswerPlan } from './plan.js';

/**
 * Where the UAS core answers from: the address for RTP, the Contact of its 2xx, whether the
 * transport is reliable (no 2xx re-sends), and how a CANCEL finds its INVITE. `answer` sets it
 * from its own listener; `register --listen` from the registration's flow.
 */
export interface UasPlace {
  mediaAddress: string;
  /** The Contact value of our 2xx (a name-addr). */
  contact: string;
  reliable: boolean;
  inviteFor(cancel: SipRequest): ServerTransaction | undefined;
}

/**
 * `answer`'s place on its own listener: RTP on the listener's address, and the Contact of its
 * 2xx (RFC 3261 §12.1.1: "The Contact header field contains an address where the UAS would like
 * to be contacted for subsequent requests in the dialog") naming the listener, with a transport
 * parameter for anything but UDP (§19.1.1: "The transport parameter determines the transport
 * mechanism to be used for sending SIP messages"). A CANCEL finds its INVITE in `layer` (§9.2).
 */
export function listenerPlace(listener: Listener, transport: AnswerPlan['transport'], layer: ServerTransactionLayer): UasPlace {
  const local = listener.local;
  const host = local.family === 6 ? `[${local.address}]` : local.address;
  return {
    mediaAddress: local.address,
    // RFC 7118 §7 registers only "ws" as a transport parameter: WSS uses it too.
    contact: `<sip:answer@${host}:${local.port}${transport === 'udp' ? '' : `;transport=${transport === 'wss' ? 'ws' : transport}`}>`,
    reliable: listener.reliable,
    inviteFor: (cancel) => layer.inviteFor(cancel),
  };
}
