import { headerParam } from '../dialog/name-addr-uri.js';
import type { Dialog } from '../dialog/dialog.js';
import { checkRemoteTarget, checkRouteSet } from '../dialog/dialog-checks.js';
import type { SipRequest } from '../sip/message.js';

/**
 * The UAS side of a dialog (RFC 3261 §12.1.1) from the INVITE and our 2xx's To tag: "The route
 * set MUST be set to the list of URIs in the Record-Route header field from the request, taken
 * in order … The remote target MUST be set to the URI from the Contact header field of the
 * request. The remote sequence number MUST be set to the value of the sequence number in the
 * CSeq header field of the request. The local sequence number MUST be empty." Our first request
 * (a BYE) then takes CSeq 1 (§12.2.1.1: any value when it is empty). Returns undefined when
 * the INVITE has no usable Contact (§8.1.1.8 requires one SIP or SIPS URI) or Record-Route
 * (src/dialog/dialog-checks.ts): no request of ours may carry them as its Request-URI.
 */
export function uasDialog(invite: SipRequest, toTag: string): Dialog | undefined {
  const target = checkRemoteTarget(invite.headers.list('contact'));
  const routes = checkRouteSet(invite.headers.list('record-route'));
  if ('field' in target || 'field' in routes) return undefined;
  const from = invite.headers.get('from') ?? '';
  const to = invite.headers.get('to') ?? '';
  return {
    callId: invite.headers.get('call-id') ?? '',
    localTag: toTag,
    remoteTag: headerParam(from, 'tag') ?? '',
    localFrom: `${to};tag=${toTag}`,
    remoteTo: from,
    localSeq: 0,
    remoteTarget: target.uri,
    // §12.1.1: the request's Record-Route "taken in order" (checkRouteSet returns them reversed, for a UAC).
    routeSet: routes.routeSet.reverse(),
  };
}

/**
 * The id the UAS core keeps a dialog of ours by (RFC 3261 §12: "A dialog is identified at each
 * UA with a dialog ID, which consists of a Call-ID value, a local tag and a remote tag"):
 * `Call-ID|From tag|To tag` of a request in it.
 */
export function dialogIdOf(req: SipRequest): string {
  return dialogIdFor(req, headerParam(req.headers.get('to') ?? '', 'tag'));
}

/** The same id for the dialog our 2xx to `invite` creates with our To tag `toTag` (§12.1.1). */
export function dialogIdFor(invite: SipRequest, toTag: string | undefined): string {
  return `${invite.headers.get('call-id')}|${headerParam(invite.headers.get('from') ?? '', 'tag')}|${toTag}`;
}
