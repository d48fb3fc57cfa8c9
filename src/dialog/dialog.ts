import type { SipRequest, SipResponse } from '../sip/message.js';
import { buildRequest } from '../sip/build-request.js';
import { requestUriDefect } from '../sip/request-uri.js';
import { checkRemoteTarget, checkRouteSet, type DialogDefect } from './dialog-checks.js';
import { headerParam, uriOfNameAddr } from './name-addr-uri.js';
import { routeRequest } from './route-set.js';

/**
 * The UAC side of a dialog (RFC 3261 §12.1.2), created from a 2xx to our INVITE.
 */
export interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From value, with our tag. */
  localFrom: string;
  /** The To value from the 2xx, with the remote tag. */
  remoteTo: string;
  /** Local CSeq: the INVITE's, incremented for each new request (§12.2.1.1). */
  localSeq: number;
  /** Remote target: the Contact URI of the 2xx (§12.1.2). */
  remoteTarget: string;
  /** Route set: the Record-Route values of the 2xx "in reverse order" (§12.1.2). */
  routeSet: string[];
}

/** A dialog from a response, and what in the response could not be used for it. */
export interface DialogFromResponse {
  dialog: Dialog;
  /**
   * The Contact or Record-Route that could not be used (dialog-checks.ts). With a defect the
   * dialog falls back on what the INVITE itself used: an unusable Contact leaves the INVITE's
   * Request-URI as the remote target, an unusable Record-Route leaves the INVITE's Route
   * headers (the pre-existing route set, §8.1.1.1) as the route set. The caller ACKs there
   * (the 2xx must be acknowledged, §13.2.2.4) and ends the call: docs/engine.md.
   */
  defects: DialogDefect[];
}

/**
 * §12.1.2: "The route set MUST be set to the list of URIs in the Record-Route header field
 * from the response, taken in reverse order … The remote target MUST be set to the URI from the
 * Contact header field of the response. … The local sequence number MUST be set to the value
 * of the sequence number in the CSeq header field of the request. The remote sequence number
 * MUST be empty. … The call identifier component of the dialog ID MUST be set to the value of
 * the Call-ID in the request. The local tag component of the dialog ID MUST be set to the tag
 * in the From field in the request, and the remote tag component of the dialog ID MUST be set
 * to the tag in the To field of the response. A UAC MUST be prepared to receive a response
 * without a tag in the To field, in which case the tag is considered to have a value of null."
 *
 * The Contact and the Record-Route are checked first (they become Request-URIs and Route
 * headers): see `DialogFromResponse.defects` for what happens when they cannot be used.
 */
export function dialogFromResponse(invite: SipRequest, res: SipResponse): DialogFromResponse {
  const remoteTo = res.headers.get('to') ?? '';
  const localFrom = invite.headers.get('from') ?? '';
  const target = checkRemoteTarget(res.headers.list('contact'));
  const routes = checkRouteSet(res.headers.list('record-route'));
  const defects = [target, routes].filter((x): x is DialogDefect => 'field' in x);
  const seq = Number.parseInt(invite.headers.get('cseq') ?? '1', 10);
  const dialog: Dialog = {
    callId: invite.headers.get('call-id') ?? '',
    localTag: headerParam(localFrom, 'tag') ?? '',
    remoteTag: headerParam(remoteTo, 'tag') ?? '',
    localFrom,
    remoteTo,
    localSeq: seq,
    remoteTarget: 'uri' in target ? target.uri : invite.uri,
    routeSet: 'routeSet' in routes ? routes.routeSet : invite.headers.list('route'),
  };
  return { dialog, defects };
}

/** A request of a dialog would carry a Request-URI no Request-Line may hold (a bug: dialogFromResponse checks). */
export class InvalidRequestUriError extends Error {
  override readonly name = 'InvalidRequestUriError';
}

/**
 * The URI the request goes to first (§12.2.1.1 with §8.1.2): with a loose-routing first hop
 * (`;lr`), the first route; with an empty route set, the remote target. A strict router
 * (first route without `lr`) also receives the request first; its URI becomes the Request-URI
 * (see `inDialogRequest`).
 */
export function nextHop(dialog: Dialog): string {
  return dialog.routeSet.length > 0 ? uriOfNameAddr(dialog.routeSet[0]) : dialog.remoteTarget;
}

/** Request-URI and Route headers per §12.2.1.1 (loose and strict routing): see route-set.ts. */
function routing(dialog: Dialog): { uri: string; routes: string[] } {
  const routed = routeRequest(dialog.remoteTarget, dialog.routeSet);
  // Never an invalid Request-URI on the wire (RFC 3261 §25.1 Request-Line).
  const defect = requestUriDefect(routed.uri);
  if (defect) throw new InvalidRequestUriError(`not sending a request in the dialog: ${defect}`);
  return routed;
}

/**
 * The ACK for a 2xx (§13.2.2.4): "The header fields of the ACK are constructed in the same way
 * as for any request sent within a dialog … with the exception of the CSeq and the header
 * fields related to authentication. The sequence number of the CSeq header field MUST be the
 * same as the INVITE being acknowledged, but the CSeq method MUST be ACK." It is a new
 * transaction of its own, so it gets a new branch (via).
 */
export function ackFor2xx(dialog: Dialog, invite: SipRequest, via: string, userAgent?: string): SipRequest {
  const { uri, routes } = routing(dialog);
  const seq = Number.parseInt(invite.headers.get('cseq') ?? '1', 10);
  const auth = [...invite.headers.getAll('authorization').map((v) => ({ name: 'Authorization', value: v })), ...invite.headers.getAll('proxy-authorization').map((v) => ({ name: 'Proxy-Authorization', value: v }))];
  return buildRequest({ method: 'ACK', uri, via, routes, from: dialog.localFrom, to: dialog.remoteTo, callId: dialog.callId, cseq: seq, userAgent, headers: auth });
}

/**
 * A new request in the dialog (§12.2.1.1): "The local sequence number MUST be incremented by one
 * if it had a value, and … placed into the CSeq header field"; To carries the remote tag, From
 * our tag, Call-ID the dialog's; Request-URI and Route from the route set.
 */
export function inDialogRequest(
  dialog: Dialog,
  method: string,
  via: string,
  userAgent?: string,
  cseq?: number,
  more: { contact?: string; headers?: Array<{ name: string; value: string }>; body?: Uint8Array; contentType?: string } = {},
): SipRequest {
  dialog.localSeq = cseq ?? dialog.localSeq + 1;
  const { uri, routes } = routing(dialog);
  return buildRequest({ method, uri, via, routes, from: dialog.localFrom, to: dialog.remoteTo, callId: dialog.callId, cseq: dialog.localSeq, userAgent, ...more });
}
