import type { SipRequest } from '../sip/message.js';
import { sdpOf } from './call-media.js';

/**
 * An incoming call, as a person deciding on it sees it while it rings (RFC 3261 §13.3.1.1: "If
 * the UAS is not able to answer the invitation immediately, it can choose to indicate some kind
 * of progress to the UAC (for example, an indication that a phone is ringing)").
 */
export interface IncomingCall {
  /** The caller: the From header value. */
  from: string;
  subject?: string;
  /** The codecs the offer names, e.g. `PCMU/8000`, `telephone-event/8000`. */
  codecs: string[];
  callId: string;
}

/**
 * What to do with an incoming call: answer it (RFC 3261 §13.3.1.4, "The INVITE is Accepted"),
 * redirect it (§13.3.1.2, a 3xx with the new Contact) or reject it (§13.3.1.3, the status).
 */
export type CallDecision = { action: 'answer' } | { action: 'reject'; status: number } | { action: 'redirect'; to: string };

/** The incoming call an INVITE brings, for the person asked about it (`answer` on a terminal). */
export function incomingCall(req: SipRequest): IncomingCall {
  const subject = req.headers.get('subject');
  return { from: req.headers.get('from') ?? '', ...(subject ? { subject } : {}), codecs: offeredCodecs(req), callId: req.headers.get('call-id') ?? '' };
}

/** Names the static payload types (RFC 3551 §6) and the rtpmap'd ones of an offer. */
function offeredCodecs(req: SipRequest): string[] {
  const sdp = sdpOf(req);
  const m = sdp?.media.find((x) => x.type === 'audio');
  if (!m) return [];
  const STATIC: Record<string, string> = { '0': 'PCMU/8000', '3': 'GSM/8000', '4': 'G723/8000', '8': 'PCMA/8000', '9': 'G722/8000', '18': 'G729/8000' };
  return m.formats.map((f) => {
    const r = m.rtpmap.get(Number(f));
    return r ? `${r.encoding}/${r.clockRate}` : (STATIC[f] ?? `PT ${f}`);
  });
}
