/**
 * The INVITE that places a call (RFC 3261 §13.2.1: "An Allow header field (Section 20.5)
 * SHOULD be present in the INVITE. … A Supported header field (Section 20.37) SHOULD be
 * present in the INVITE"), and the same INVITE again after a 422 (RFC 4028 §7.4).
 */
import { buildRequest } from '../../sip/build-request.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { InvitePlan } from '../plan.js';
import type { UacContext } from '../uac-context.js';

/** What the caller's side of a call takes from the peer (RFC 3261 §20.5; UPDATE RFC 3311 §5.1, REFER RFC 3515). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';

/**
 * The extensions the INVITE names: RFC 3262 `100rel` in Supported by default (reliable
 * provisionals welcome), in Require too with `--100rel require`, not at all with `--100rel off`;
 * RFC 4028 `timer` always, and Session-Expires with `--session-expires`.
 */
function extensionHeaders(mode: 'require' | 'supported' | 'off', sessionExpiresS?: number): Array<{ name: string; value: string }> {
  // RFC 4028 §7.1: "Supported: timer" says we understand session timers; with an interval
  // asked for, Session-Expires (§7.1: "MAY include a Session-Expires header field").
  const supported = [...(mode === 'off' ? [] : ['100rel']), 'timer'];
  return [
    ...(mode === 'require' ? [{ name: 'Require', value: '100rel' }] : []),
    { name: 'Supported', value: supported.join(', ') },
    ...(sessionExpiresS !== undefined ? [{ name: 'Session-Expires', value: String(sessionExpiresS) }] : []),
  ];
}

/** The first INVITE of the call (CSeq 1, our Contact, Allow, the extensions), with `via` on top and `body` as its offer. */
export function buildInvite(ctx: UacContext, plan: InvitePlan, via: string, body: Buffer | undefined): SipRequest {
  return buildRequest({
    method: 'INVITE',
    ...ctx.route(plan.target.uri),
    via,
    from: ctx.from,
    to: ctx.to,
    callId: ctx.callId,
    cseq: 1,
    contact: `<${ctx.contactUri()}>`,
    userAgent: plan.request.userAgent,
    headers: [{ name: 'Allow', value: ALLOW }, ...extensionHeaders(plan.rel100 ?? 'supported', plan.sessionExpiresS), ...plan.request.headers],
    body,
    contentType: body ? 'application/sdp' : undefined,
  });
}

/**
 * RFC 4028 §7.4: "If a 422 response is received, the UAC … SHOULD retry the request with a
 * Session-Expires header field … [at least] the value of the Min-SE header field in the 422",
 * and a Min-SE with that value. The INVITE again (CSeq + 1, a new top Via from `via`), or
 * undefined when the 422 has no usable Min-SE.
 */
export function retryAfter422(invite: SipRequest, res: SipResponse, via: () => string): { request: SipRequest; sessionExpires: number; minSe: number } | undefined {
  const minSe = Number.parseInt(res.headers.get('min-se') ?? '', 10);
  if (!Number.isInteger(minSe) || minSe < 1) return undefined;
  const h = invite.headers.clone();
  const seq = Number.parseInt(h.get('cseq') ?? '1', 10);
  const asked = Number.parseInt(h.get('session-expires') ?? '0', 10) || 0;
  h.set('Via', via());
  h.set('CSeq', `${seq + 1} INVITE`);
  h.set('Session-Expires', String(Math.max(asked, minSe)));
  h.set('Min-SE', String(minSe));
  return { request: { ...invite, headers: h }, sessionExpires: Math.max(asked, minSe), minSe };
}
