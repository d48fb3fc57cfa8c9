/**
 * What a UAS refuses before its core looks at a request (RFC 3261 §8.2): a request the parser
 * refused gets a 400 when enough of it can be read to answer (§8.2, §21.4.1); a Require it does
 * not understand a 420 (§8.2.2.3); a body it cannot read a 415 (§8.2.3). Used by `answer` and
 * by the UAC for the requests a peer sends it.
 */
import { parseMessageDetailed } from '../sip/parse.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { responseFor } from './response-for.js';

/** A refusal: the status, reason and header rows to send. */
export interface Refusal {
  status: number;
  reason: string;
  extra: Array<{ name: string; value: string }>;
  /** One line for the `note` event. */
  why: string;
}

/**
 * A 400 for bytes the parser refused, when they are a request (not an ACK, which is never
 * answered, §17.1.1.3) whose Via, From, To, Call-ID and CSeq can be read (§8.2.6.2 needs them
 * to build any response). §21.4.1: "The reason phrase SHOULD identify the syntax problem in
 * more detail, for example, "Missing Call-ID Header Field"."
 */
export function badRequestFor(bytes: Uint8Array, problem: string, server?: string): SipResponse | undefined {
  const d = parseMessageDetailed(bytes);
  if (d.kind !== 'request' || !d.headers) return undefined;
  const m = /^([!-~]+) (\S+) /.exec(d.startLine ?? '');
  if (!m || m[1] === 'ACK') return undefined;
  const h = d.headers;
  if (!h.get('via') || !h.get('from') || !h.get('to') || !h.get('call-id') || !h.get('cseq')) return undefined;
  const req: SipRequest = { kind: 'request', method: m[1]!, uri: m[2]!, version: 'SIP/2.0', headers: h, body: new Uint8Array(0) };
  return responseFor(req, 400, `Bad Request (${reasonText(problem)})`, server ? { server } : {});
}

/** A reason phrase from free text: printable, one line, at most 100 characters (§25.1 Reason-Phrase). */
function reasonText(text: string): string {
  const clean = text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return clean.length > 100 ? `${clean.slice(0, 99)}…` : clean;
}

/**
 * The checks of §8.2.2.3 and §8.2.3 for a request that parsed: `supported` are the option
 * tags we understand, `accept` the body types by method. CANCEL and ACK are never refused for
 * Require (§8.2.2.3: "ignore Require … in CANCEL"; an ACK is never answered).
 */
export function refusalFor(req: SipRequest, supported: readonly string[], accept: Readonly<Record<string, readonly string[]>>): Refusal | undefined {
  if (req.method !== 'CANCEL' && req.method !== 'ACK') {
    const required = req.headers.list('require').map((t) => t.trim()).filter(Boolean);
    const unknown = required.filter((t) => !supported.some((s) => s.toLowerCase() === t.toLowerCase()));
    if (unknown.length > 0) {
      // §8.2.2.3: "it MUST respond by generating a response with status code 420 (Bad
      // Extension). The UAS MUST add an Unsupported header field, and list in it those options
      // it does not understand amongst those in the Require header field of the request."
      return { status: 420, reason: 'Bad Extension', extra: [{ name: 'Unsupported', value: unknown.join(', ') }], why: `the ${req.method} requires ${unknown.join(', ')}, which sipcall does not support here: 420 Bad Extension (RFC 3261 §8.2.2.3)` };
    }
  }
  if (req.body.length === 0 || req.method === 'ACK') return undefined;
  const encoding = (req.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    // §8.2.3: "If a UAS receives a request with a body … encoded using a content encoding it
    // does not understand, […] the response MUST contain an Accept-Encoding header field
    // listing the encodings understood by the UAS."
    return { status: 415, reason: 'Unsupported Media Type', extra: [{ name: 'Accept-Encoding', value: 'identity' }], why: `the ${req.method} body is ${encoding}-encoded, which sipcall does not decode: 415 with Accept-Encoding (RFC 3261 §8.2.3)` };
  }
  const types = accept[req.method];
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (types && !types.includes(type)) {
    // §8.2.3: "If a UAS receives a request with a body of a type it does not understand, […]
    // The response MUST contain an Accept header field listing the types of all bodies it
    // understands".
    return { status: 415, reason: 'Unsupported Media Type', extra: [{ name: 'Accept', value: types.join(', ') }], why: `the ${req.method} body is ${type || 'of no Content-Type'}, which sipcall does not read here: 415 with Accept (RFC 3261 §8.2.3)` };
  }
  return undefined;
}
