import { headerParam } from '../dialog/name-addr-uri.js';
import { Headers } from '../sip/headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../sip/message.js';

export interface ResponseOptions {
  /** Our To tag, added when the request's To has none (§8.2.6.2). None for a 100 (§17.2.1). */
  toTag?: string;
  /** More header rows, in order (Contact, Allow, Warning, Unsupported, …). */
  extra?: ReadonlyArray<{ name: string; value: string }>;
  /** A body; `contentType` defaults to application/sdp. */
  body?: Uint8Array;
  contentType?: string;
  /** The Server header value (RFC 3261 §20.35), when we send one. */
  server?: string;
}

/**
 * A response to `req`, as RFC 3261 §8.2.6.2 builds it: "the From field of the response MUST
 * equal the From header field of the request. The Call-ID header field of the response MUST
 * equal the Call-ID header field of the request. The CSeq header field of the response MUST
 * equal the CSeq field of the request. The Via header field values in the response MUST equal
 * the Via header field values in the request and MUST maintain the same ordering"; To is
 * copied, with our tag added when it had none. Record-Route is copied too (§12.1.1: the UAS
 * copies it into the responses of a dialog-creating request).
 */
export function responseFor(req: SipRequest, status: number, reason: string, o: ResponseOptions = {}): SipResponse {
  const h = new Headers();
  for (const v of req.headers.getAll('via')) h.append('Via', v);
  for (const v of req.headers.getAll('record-route')) h.append('Record-Route', v);
  h.append('From', req.headers.get('from') ?? '');
  let to = req.headers.get('to') ?? '';
  if (o.toTag && headerParam(to, 'tag') === undefined) to += `;tag=${o.toTag}`;
  h.append('To', to);
  h.append('Call-ID', req.headers.get('call-id') ?? '');
  h.append('CSeq', req.headers.get('cseq') ?? '');
  if (o.server) h.append('Server', o.server);
  for (const x of o.extra ?? []) h.append(x.name, x.value);
  if (o.body) h.append('Content-Type', o.contentType ?? 'application/sdp');
  h.append('Content-Length', String(o.body?.length ?? 0));
  return { kind: 'response', status, reason, version: SIP_VERSION, headers: h, body: o.body ?? new Uint8Array(0) };
}
