import { createHash } from 'node:crypto';
import { headerParam } from '../dialog/name-addr-uri.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { ALLOW, ACCEPT, SUPPORTED } from './uas-capabilities.js';
import { refusalFor } from './request-checks.js';
import { responseFor } from './response-for.js';

/**
 * RFC 3261 §8.2.7: "A stateless UAS is a UAS that does not maintain transaction state. It
 * replies to requests normally, but discards any state that would ordinarily be retained by a
 * UAS after a response has been sent." OPTIONS (and REGISTER, which `answer` only acknowledges)
 * are answered so: the response depends on the request alone, and the To tag is a hash of the
 * request's identity, so a re-sent copy gets the very same response regenerated. Nothing is
 * kept for them (a long run stays flat under an OPTIONS flood). Undefined for any other
 * request, and for one to refuse (the refusal goes the stateful way). `server`: our Server
 * header value.
 */
export function statelessAnswer(req: SipRequest, server: string): SipResponse | undefined {
  if (req.method !== 'OPTIONS' && req.method !== 'REGISTER') return undefined;
  if (refusalFor(req, SUPPORTED, ACCEPT)) return undefined; // the refusal goes the stateful way
  const toTag = headerParam(req.headers.get('to') ?? '', 'tag') ?? statelessTag(req);
  if (req.method === 'OPTIONS') return responseFor(req, 200, 'OK', { toTag, extra: optionsHeaders(), server });
  return responseFor(req, 200, 'OK', { toTag, extra: registerContacts(req), server });
}

/**
 * The headers of our 200 to OPTIONS (RFC 3261 §11.2: "Allow, Accept, Accept-Encoding,
 * Accept-Language, and Supported header fields SHOULD be present in a 200 (OK) response to an
 * OPTIONS request"): Allow, and Accept.
 */
export function optionsHeaders(): Array<{ name: string; value: string }> {
  return [
    { name: 'Allow', value: ALLOW },
    { name: 'Accept', value: 'application/sdp' },
  ];
}

/**
 * The Contact header fields of our 200 to a REGISTER, which `answer` only acknowledges: each
 * contact of the request with its expiry (RFC 3261 §10.3 step 8: "Each Contact value MUST
 * feature an "expires" parameter indicating its expiration interval chosen by the registrar"),
 * the request's Expires or 3600 s when the contact names none.
 */
export function registerContacts(req: SipRequest): Array<{ name: string; value: string }> {
  const contacts = req.headers.list('contact');
  const expires = req.headers.get('expires') ?? '3600';
  return contacts.map((c) => ({ name: 'Contact', value: headerParam(c, 'expires') !== undefined || c === '*' ? c : `${c};expires=${expires}` }));
}

/**
 * A To tag that is the same for every copy of a request (RFC 3261 §8.2.7: a stateless UAS must
 * give a retransmission the same response): a hash of Call-ID, From tag, CSeq and branch.
 */
function statelessTag(req: SipRequest): string {
  const h = createHash('sha1');
  h.update(`${req.headers.get('call-id') ?? ''}|${headerParam(req.headers.get('from') ?? '', 'tag') ?? ''}|${req.headers.get('cseq') ?? ''}|${req.headers.list('via')[0] ?? ''}`);
  return h.digest('hex').slice(0, 16);
}
