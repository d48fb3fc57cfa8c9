/**
 * How a call's run ends, as its outcome (docs/DESIGN.md exit codes): a non-2xx final to the
 * INVITE (RFC 3261 §13.2.2.3: "A single non-2xx final response may be received for the
 * INVITE"; for a 3xx, §13.2.2.2: "A 3xx response may contain one or more Contact header field
 * values providing new addresses where the callee might be reachable", which the outcome
 * carries), the response to our BYE (§15.1.1), or the peer's BYE (§15.1.2).
 */
import type { SipResponse } from '../../sip/message.js';
import { outcomeOf } from '../describe-outcome.js';
import { fromFinal, type RunOutcome } from '../outcome.js';
import { redirectContacts } from '../redirect.js';
import type { AuthenticatedResult } from '../transact-auth.js';
import { mediaRefusedResponse } from '../verdict/media-refused-response.js';

/**
 * A non-2xx final to the INVITE. With a CANCEL asked for, `cancelled` is the outcome it gives;
 * otherwise the final's own, with the media verdict of a refusal when the call carried media
 * and the Contacts of a 3xx. `authStop`: why a 401/407 could not be answered.
 */
export function finalOutcome(res: SipResponse, cancelled: RunOutcome | undefined, withMedia: boolean, authStop?: string): RunOutcome {
  const out = cancelled ?? fromFinal(res.status, res.reason, 'INVITE');
  if (withMedia && !cancelled) {
    const v = mediaRefusedResponse(res, 'PCMU/8000, PCMA/8000, telephone-event/8000 over RTP/AVP');
    if (v) out.verdict = v;
  }
  if (authStop) out.summary += ` — ${authStop}`;
  if (res.status >= 300 && res.status < 400 && !cancelled) out.redirect = { status: res.status, reason: res.reason, contacts: redirectContacts(res) };
  return out;
}

/** An answered call ended by our BYE (`held`: seconds it was up; `transfer`: how a transfer ended). */
export function byeOutcome(answer: SipResponse, held: string, bye: AuthenticatedResult, transfer: string | undefined): RunOutcome {
  const { result: r, authStop } = bye;
  if (r.final && r.final.status < 300) {
    const also = transfer ? `, ${transfer}` : '';
    return { outcome: 'success', status: answer.status, reason: answer.reason, statusLocal: false, summary: `call answered (${answer.status} ${answer.reason}), held ${held} s${also}, ended with BYE: ${r.final.status} ${r.final.reason}` };
  }
  const o = outcomeOf(r, 'BYE', 'F');
  o.summary = `call answered (${answer.status} ${answer.reason}) but ending it failed: ${o.summary}${authStop ? ` — ${authStop}` : ''}`;
  return o;
}

/** An answered call the peer ended with its BYE. */
export function peerByeOutcome(answer: SipResponse, held: string): RunOutcome {
  return { outcome: 'success', status: answer.status, reason: answer.reason, statusLocal: false, summary: `call answered (${answer.status} ${answer.reason}), held ${held} s, the peer hung up (BYE)` };
}
