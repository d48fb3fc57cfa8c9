/**
 * Which client transaction a response belongs to (RFC 3261 §17.1.3). Pure.
 *
 * > "1. If the response has the same value of the branch parameter in the top Via header
 * > field as the branch parameter in the top Via header field of the request that created
 * > the transaction.
 * > 2. If the method parameter in the CSeq header field matches the method of the request
 * > that created the transaction. The method is needed since a CANCEL request constitutes a
 * > different transaction, but shares the same value of the branch parameter."
 *
 * Both are compared exactly: the method "is case-sensitive" (§7.1), and a branch is an
 * opaque token we generated ourselves. ACK has no client transaction, so no response ever
 * matches one.
 */
import type { ResponseStrayEvent } from '../events/types.js';
import type { SipResponse } from '../sip/message.js';
import { parseCSeq, type CSeq } from '../sip/cseq.js';
import { parseVia } from '../sip/via.js';

export type StrayReason = ResponseStrayEvent['why'];

export type ResponseKey =
  | { readonly ok: true; readonly branch: string; readonly method: string; readonly cseq: CSeq }
  | {
      readonly ok: false;
      readonly why: StrayReason;
      readonly detail: string;
      readonly branch?: string;
      readonly cseq?: string;
    };

/**
 * Reads the matching key of a response: the branch of its top Via (`Headers.list('via')[0]`,
 * since Via rows may be comma-combined) and its CSeq. Never throws.
 */
export function responseKey(res: SipResponse): ResponseKey {
  const top = res.headers.list('via')[0];
  if (top === undefined) return { ok: false, why: 'missing-via', detail: 'the response has no Via header field' };
  const via = parseVia(top);
  if (via === null) return { ok: false, why: 'malformed-via', detail: `the top Via cannot be parsed: ${top}` };
  if (!via.branch) return { ok: false, why: 'malformed-via', detail: `the top Via has no branch parameter: ${top}` };
  const cseqValue = res.headers.get('cseq');
  if (cseqValue === undefined) {
    return { ok: false, why: 'missing-cseq', detail: 'the response has no CSeq header field', branch: via.branch };
  }
  const cseq = parseCSeq(cseqValue);
  if (cseq === null) {
    return {
      ok: false,
      why: 'missing-cseq',
      detail: `the CSeq cannot be parsed: ${cseqValue}`,
      branch: via.branch,
      cseq: cseqValue,
    };
  }
  return { ok: true, branch: via.branch, method: cseq.method, cseq };
}

/**
 * RFC 3261 §8.1.3.3: "If more than one Via header field value is present in a response, the
 * UAC SHOULD discard the message." A response that reached us with Via values beyond ours was
 * meant for a proxy (each removes its own, §16.7) or was forged: it is not taken. Returns the
 * sentence saying why (with the count), or undefined for a response with one Via value.
 */
export function extraViaDetail(res: SipResponse): string | undefined {
  const count = res.headers.list('via').length;
  if (count <= 1) return undefined;
  return `the response has ${count} Via header field values; a UAC expects only its own: "If more than one Via header field value is present in a response, the UAC SHOULD discard the message" (RFC 3261 §8.1.3.3)`;
}
