/**
 * Which server transaction a request belongs to (RFC 3261 §17.2.3). Pure.
 *
 * RFC 3261 peers (top Via branch starting with the magic cookie `z9hG4bK`):
 *
 * > "1. the branch parameter in the request is equal to the one in the top Via header field
 * > of the request that created the transaction, and
 * > 2. the sent-by value in the top Via of the request is equal to the one in the request
 * > that created the transaction, and
 * > 3. the method of the request matches the one that created the transaction, except for
 * > ACK, where the method of the request that created the transaction is INVITE."
 *
 * RFC 2543 peers (no cookie), §17.2.3: "The INVITE request matches a transaction if the
 * Request-URI, To tag, From tag, Call-ID, CSeq, and top Via header field match those of the
 * INVITE request which created the transaction. […] The ACK request matches a transaction if
 * the Request-URI, From tag, Call-ID, CSeq number (not the method), and top Via header field
 * match those of the INVITE request which created the transaction, and the To tag of the ACK
 * matches the To tag of the response sent by the server transaction." Other methods follow the
 * INVITE rule. So the key of an old peer's request leaves the To tag out, and the To tag is
 * compared apart (`toTag`): against the request's own for a request, against our response's
 * for an ACK. Two branchless INVITEs of different calls never share a key.
 */
import type { SipRequest } from '../sip/message.js';
import { callId, cseqOf, fromTag, toTag, topVia } from '../sip/fields.js';
import { BRANCH_COOKIE } from '../sip/via.js';

export interface ServerKey {
  /** The map key of the transaction this request belongs to (or would create). */
  readonly key: string;
  /** RFC 2543 matching: the To tag to compare apart; undefined for RFC 3261 peers. */
  readonly toTag?: string;
  /** True when the request came from an RFC 2543 peer (no magic cookie in the branch). */
  readonly legacy: boolean;
  /** The branch, or '' when the top Via has none. */
  readonly branch: string;
}

/** The key of `req`, or undefined when it has no usable top Via (it cannot be answered). */
export function serverKey(req: SipRequest): ServerKey | undefined {
  const via = topVia(req);
  if (!via) return undefined;
  const method = req.method === 'ACK' ? 'INVITE' : req.method;
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  const branch = via.branch ?? '';
  if (branch.startsWith(BRANCH_COOKIE)) return { key: `${branch}\u0000${sentBy}\u0000${method}`, legacy: false, branch };
  const cseq = cseqOf(req);
  const tag = toTag(req);
  return {
    key: ['2543', req.uri, fromTag(req) ?? '', callId(req) ?? '', cseq?.seq ?? '', method, `${via.transport} ${sentBy} ${branch}`].join('\u0000'),
    ...(tag === undefined ? {} : { toTag: tag }),
    legacy: true,
    branch,
  };
}

/**
 * The key of the INVITE transaction a CANCEL cancels (RFC 3261 §9.2: "the transaction … is
 * matched using the procedures of Section 17.2.3 […] except that the method is INVITE").
 */
export function cancelledInviteKey(cancel: SipRequest): ServerKey | undefined {
  const k = serverKey({ ...cancel, method: 'ACK' } as SipRequest); // ACK maps to INVITE
  return k;
}

/**
 * The merged-request identity of §8.2.2.2: "If the request has no tag in the To header field,
 * the UAS core MUST check the request against ongoing transactions. If the From tag, Call-ID,
 * and CSeq exactly match those associated with an ongoing transaction, but the request does
 * not match that transaction […], the UAS core SHOULD generate a 482 (Loop Detected)".
 * Undefined for a request with a To tag (inside a dialog) or without a From tag.
 */
export function mergeKey(req: SipRequest): string | undefined {
  if (toTag(req) !== undefined) return undefined;
  const from = fromTag(req);
  const cseq = cseqOf(req);
  if (from === undefined || !cseq) return undefined;
  return `${from}\u0000${callId(req) ?? ''}\u0000${cseq.seq} ${cseq.method}`;
}
