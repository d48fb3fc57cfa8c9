/**
 * In-place reading of the few fields `sipcall answer --load` needs from a request datagram
 * (docs/answer-load.md): the method, the top Via's branch and sent-by, Call-ID, CSeq, the From
 * and To tags, and where the header lines a response copies are (RFC 3261 §8.2.6.2: "The Via
 * header field values in the response MUST equal the Via header field values in the request
 * and MUST maintain the same ordering"; From, Call-ID and CSeq equal the request's; To too, with
 * our tag added). Nothing is decoded into strings here and nothing is allocated: offsets go into
 * a reused `RequestView`.
 *
 * It serves the plain case only. Anything else (a response, folded lines, bare LF line ends, a
 * quoted string in the top Via, a branch without the magic cookie, a repeated From/To/Call-ID/
 * CSeq, a CSeq method that is not the request's, a Require, an encoded body, a body of a type
 * the full path would refuse with 415 (INVITE and UPDATE: not SDP; INFO: not DTMF), an INVITE
 * without Contact, a truncated body) makes `scanRequest` return false, and the request goes to the full parser and server transactions, which answer it as
 * they always do (400, 415, 420, …). So the load path never answers what the full path would
 * refuse for a reason it can see; it does not check headers it does not read.
 */

/**
 * The methods the load path tells apart. INVITE, ACK, BYE and CANCEL it serves outside a dialog
 * too; the others only inside a dialog of its own (RFC 3261 §12.2.2), M_OTHER being any other
 * token (answered 501 there, §8.2.1).
 */
export const M_OTHER = 0;
export const M_INVITE = 1;
export const M_ACK = 2;
export const M_BYE = 3;
export const M_CANCEL = 4;
export const M_UPDATE = 5;
export const M_INFO = 6;
export const M_OPTIONS = 7;
export const M_MESSAGE = 8;
export const M_NOTIFY = 9;

/** At most this many Via (and Record-Route) header lines are copied; more go the full way. */
const MAX_LINES = 16;

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const SEMI = 59;
const COMMA = 44;
const DQUOTE = 34;
const LT = 60;
const GT = 62;
const EQUAL = 61;

/** Where the fields of one request are, as offsets into its datagram. Reused for every datagram. */
export class RequestView {
  method = M_OTHER;
  /** The method token's end in the Request-Line (it starts at 0). */
  methodE = 0;
  /** Via header lines, [start, end) without the CRLF, in order. */
  readonly viaS = new Int32Array(MAX_LINES);
  readonly viaE = new Int32Array(MAX_LINES);
  viaN = 0;
  /** Record-Route header lines (copied into the responses, RFC 3261 §12.1.1). */
  readonly rrS = new Int32Array(MAX_LINES);
  readonly rrE = new Int32Array(MAX_LINES);
  rrN = 0;
  /** Whole header lines, without the CRLF (-1: absent). */
  fromS = -1;
  fromE = -1;
  toS = -1;
  toE = -1;
  callIdS = -1;
  callIdE = -1;
  cseqS = -1;
  cseqE = -1;
  /** The To value's end (trailing whitespace left out): where `;tag=` goes. */
  toValueE = -1;
  /** Tag parameter values (-1: none). */
  toTagS = -1;
  toTagE = -1;
  fromTagS = -1;
  fromTagE = -1;
  /** The Call-ID value. */
  callIdVS = -1;
  callIdVE = -1;
  /** The top Via's branch value (starts with z9hG4bK). */
  branchS = -1;
  branchE = -1;
  /** FNV-1a of the top Via's sent-by bytes (RFC 3261 §17.2.3 compares it too). */
  sentByHash = 0;
  /** The CSeq sequence number. */
  cseq = 0;
  /** The body, [start, end). */
  bodyS = 0;
  bodyE = 0;
  hasContact = false;

  private reset(): void {
    this.method = M_OTHER;
    this.methodE = 0;
    this.viaN = 0;
    this.rrN = 0;
    this.fromS = this.fromE = this.toS = this.toE = this.callIdS = this.callIdE = this.cseqS = this.cseqE = -1;
    this.toValueE = this.toTagS = this.toTagE = this.fromTagS = this.fromTagE = -1;
    this.callIdVS = this.callIdVE = this.branchS = this.branchE = -1;
    this.sentByHash = 0;
    this.cseq = 0;
    this.bodyS = this.bodyE = 0;
    this.hasContact = false;
  }

  /** @internal */
  static resetView(v: RequestView): void {
    v.reset();
  }
}

/** `buf[s, e)` equals the lower-case ASCII `name`, ignoring case. */
function nameIs(buf: Uint8Array, s: number, e: number, name: string): boolean {
  if (e - s !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = buf[s + i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** `buf` at `s` starts with `text` (exact bytes). */
function startsWith(buf: Uint8Array, s: number, e: number, text: string): boolean {
  if (e - s < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[s + i] !== text.charCodeAt(i)) return false;
  return true;
}

function methodOf(buf: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 3:
      return startsWith(buf, s, e, 'ACK') ? M_ACK : startsWith(buf, s, e, 'BYE') ? M_BYE : M_OTHER;
    case 4:
      return startsWith(buf, s, e, 'INFO') ? M_INFO : M_OTHER;
    case 6:
      return startsWith(buf, s, e, 'INVITE') ? M_INVITE : startsWith(buf, s, e, 'CANCEL') ? M_CANCEL : startsWith(buf, s, e, 'UPDATE') ? M_UPDATE : startsWith(buf, s, e, 'NOTIFY') ? M_NOTIFY : M_OTHER;
    case 7:
      return startsWith(buf, s, e, 'OPTIONS') ? M_OPTIONS : startsWith(buf, s, e, 'MESSAGE') ? M_MESSAGE : M_OTHER;
    default:
      return M_OTHER;
  }
}

/** The CSeq method `buf[s, e)` is the Request-Line's `buf[0, methodE)` (RFC 3261 §8.1.1.5). */
function sameMethod(buf: Uint8Array, s: number, e: number, methodE: number): boolean {
  if (e - s !== methodE) return false;
  for (let i = 0; i < methodE; i++) if (buf[s + i] !== buf[i]) return false;
  return true;
}

/** Body types the full path reads (src/engine/uas-capabilities.ts ACCEPT): SDP, and DTMF in INFO. */
const T_NONE = 0;
const T_SDP = 1;
const T_DTMF = 2;
const T_OTHER = 3;

/** RFC 3261 §25.1 token characters. */
function isToken(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 33 || c === 37 || c === 42 || c === 95 || c === 43 || c === 96 || c === 39 || c === 126;
}

function skipWs(buf: Uint8Array, i: number, e: number): number {
  while (i < e && (buf[i] === SP || buf[i] === HT)) i++;
  return i;
}

/**
 * The `tag` parameter of a From/To value in `buf[s, e)` (RFC 3261 §20.20, §20.39: header
 * parameters follow the `>` of a name-addr, or the addr-spec when there are no brackets) into
 * `out[0]`, `out[1]` (-1 when there is none). False when the value cannot be read (an unclosed
 * quote or bracket, `;tag` without a value).
 */
function findTag(buf: Uint8Array, s: number, e: number, out: Int32Array): boolean {
  out[0] = -1;
  out[1] = -1;
  let i = s;
  // Up to the header parameters: past a quoted display name and the <…> URI.
  while (i < e) {
    const c = buf[i]!;
    if (c === DQUOTE) {
      i++;
      while (i < e && buf[i] !== DQUOTE) i += buf[i] === 92 ? 2 : 1;
      if (i >= e) return false;
      i++;
    } else if (c === LT) {
      while (i < e && buf[i] !== GT) i++;
      if (i >= e) return false;
      i++;
      break;
    } else if (c === SEMI) {
      break;
    } else i++;
  }
  while (i < e) {
    if (buf[i] !== SEMI) {
      i++;
      continue;
    }
    i = skipWs(buf, i + 1, e);
    const ns = i;
    while (i < e && isToken(buf[i]!)) i++;
    const ne = i;
    i = skipWs(buf, i, e);
    if (!nameIs(buf, ns, ne, 'tag')) continue;
    if (buf[i] !== EQUAL) return false;
    i = skipWs(buf, i + 1, e);
    const vs = i;
    while (i < e && isToken(buf[i]!)) i++;
    if (i === vs) return false;
    out[0] = vs;
    out[1] = i;
    return true;
  }
  return true;
}

const tagOut = new Int32Array(2);

/**
 * The top Via value in `buf[s, e)`: `SIP/2.0/UDP sent-by;params`. Sets the branch and the
 * sent-by hash; false when there is no magic-cookie branch or anything unusual.
 */
function readTopVia(buf: Uint8Array, s: number, e: number, v: RequestView): boolean {
  // "SIP" SLASH "2.0" SLASH transport, then LWS, then sent-by.
  let i = s;
  for (let slashes = 0; i < e && slashes < 2; i++) if (buf[i] === 47) slashes++;
  while (i < e && isToken(buf[i]!)) i++;
  i = skipWs(buf, i, e);
  const sbS = i;
  while (i < e && buf[i] !== SEMI && buf[i] !== COMMA && buf[i] !== SP && buf[i] !== HT) {
    if (buf[i] === DQUOTE) return false;
    i++;
  }
  if (i === sbS) return false;
  let h = 0x811c9dc5;
  for (let k = sbS; k < i; k++) h = Math.imul(h ^ buf[k]!, 0x01000193) >>> 0;
  v.sentByHash = h;
  // The via-params of the first via-parm (a comma ends it).
  while (i < e && buf[i] !== COMMA) {
    const c = buf[i]!;
    if (c === DQUOTE) return false;
    if (c !== SEMI) {
      i++;
      continue;
    }
    i = skipWs(buf, i + 1, e);
    const ns = i;
    while (i < e && isToken(buf[i]!)) i++;
    const ne = i;
    if (!nameIs(buf, ns, ne, 'branch')) continue;
    i = skipWs(buf, i, e);
    if (buf[i] !== EQUAL) return false;
    i = skipWs(buf, i + 1, e);
    const bs = i;
    while (i < e && isToken(buf[i]!)) i++;
    // RFC 3261 §17.2.3: only a branch with the magic cookie is matched on its own.
    if (!startsWith(buf, bs, i, 'z9hG4bK') || i - bs <= 7) return false;
    v.branchS = bs;
    v.branchE = i;
  }
  return v.branchS >= 0;
}

/** Reads the request in `buf` into `v`. False: not for the load path (see the file header). */
export function scanRequest(buf: Uint8Array, v: RequestView): boolean {
  RequestView.resetView(v);
  const len = buf.length;
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §25.1).
  let i = 0;
  while (i < len && isToken(buf[i]!)) i++;
  if (i === 0 || buf[i] !== SP) return false;
  const method = methodOf(buf, 0, i);
  v.methodE = i;
  let lf = i;
  while (lf < len && buf[lf] !== LF) lf++;
  if (lf >= len || buf[lf - 1] !== CR) return false;
  const lineEnd = lf - 1;
  const uriS = i + 1;
  const uriE = lineEnd - 8;
  if (uriE <= uriS || !startsWith(buf, uriE, lineEnd, ' SIP/2.0')) return false;
  for (let k = uriS; k < uriE; k++) if (buf[k]! <= SP || buf[k] === 127) return false;
  v.method = method;

  let pos = lf + 1;
  let contentLength = -1;
  let type = T_NONE;
  for (;;) {
    if (pos + 1 >= len) return false; // no empty line: not a whole message
    if (buf[pos] === CR && buf[pos + 1] === LF) {
      pos += 2;
      break;
    }
    // header-name HCOLON: a token, optional whitespace, a colon.
    const ns = pos;
    let k = pos;
    while (k < len && isToken(buf[k]!)) k++;
    const ne = k;
    if (ne === ns) return false;
    k = skipWs(buf, k, len);
    if (buf[k] !== COLON) return false;
    let end = k + 1;
    while (end < len && buf[end] !== LF) end++;
    if (end >= len || buf[end - 1] !== CR) return false;
    // A folded header (the next line starts with whitespace): the full parser unfolds it.
    if (buf[end + 1] === SP || buf[end + 1] === HT) return false;
    const lineE = end - 1;
    const vs = skipWs(buf, k + 1, lineE);
    let ve = lineE;
    while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HT)) ve--;
    const c0 = buf[ns]! | 32;
    const n = ne - ns;
    if ((n === 1 && c0 === 118) || (n === 3 && nameIs(buf, ns, ne, 'via'))) {
      if (v.viaN === MAX_LINES) return false;
      if (v.viaN === 0 && !readTopVia(buf, vs, ve, v)) return false;
      v.viaS[v.viaN] = ns;
      v.viaE[v.viaN++] = lineE;
    } else if ((n === 1 && c0 === 102) || (n === 4 && nameIs(buf, ns, ne, 'from'))) {
      if (v.fromS >= 0 || !findTag(buf, vs, ve, tagOut)) return false;
      v.fromS = ns;
      v.fromE = lineE;
      v.fromTagS = tagOut[0]!;
      v.fromTagE = tagOut[1]!;
    } else if ((n === 1 && c0 === 116) || (n === 2 && nameIs(buf, ns, ne, 'to'))) {
      if (v.toS >= 0 || !findTag(buf, vs, ve, tagOut)) return false;
      v.toS = ns;
      v.toE = lineE;
      v.toValueE = ve;
      v.toTagS = tagOut[0]!;
      v.toTagE = tagOut[1]!;
    } else if ((n === 1 && c0 === 105) || (n === 7 && nameIs(buf, ns, ne, 'call-id'))) {
      if (v.callIdS >= 0 || ve === vs) return false;
      v.callIdS = ns;
      v.callIdE = lineE;
      v.callIdVS = vs;
      v.callIdVE = ve;
    } else if (n === 4 && nameIs(buf, ns, ne, 'cseq')) {
      if (v.cseqS >= 0) return false;
      // CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the method must be the request's.
      let d = vs;
      let num = 0;
      while (d < ve && buf[d]! >= 48 && buf[d]! <= 57 && d - vs < 10) num = num * 10 + (buf[d++]! - 48);
      if (d === vs || num >= 2 ** 31 || (buf[d] !== SP && buf[d] !== HT)) return false;
      d = skipWs(buf, d, ve);
      if (!sameMethod(buf, d, ve, v.methodE)) return false;
      v.cseqS = ns;
      v.cseqE = lineE;
      v.cseq = num;
    } else if ((n === 1 && c0 === 108) || (n === 14 && nameIs(buf, ns, ne, 'content-length'))) {
      if (contentLength >= 0) return false;
      let num = 0;
      let d = vs;
      while (d < ve && buf[d]! >= 48 && buf[d]! <= 57 && d - vs < 9) num = num * 10 + (buf[d++]! - 48);
      if (d === vs || d !== ve) return false;
      contentLength = num;
    } else if ((n === 1 && c0 === 99) || (n === 12 && nameIs(buf, ns, ne, 'content-type'))) {
      let te = vs;
      while (te < ve && buf[te] !== SEMI && buf[te] !== SP && buf[te] !== HT) te++;
      type = nameIs(buf, vs, te, 'application/sdp') ? T_SDP : nameIs(buf, vs, te, 'application/dtmf-relay') || nameIs(buf, vs, te, 'application/dtmf') ? T_DTMF : T_OTHER;
    } else if ((n === 1 && c0 === 109) || (n === 7 && nameIs(buf, ns, ne, 'contact'))) {
      v.hasContact = true;
    } else if (n === 12 && nameIs(buf, ns, ne, 'record-route')) {
      if (v.rrN === MAX_LINES) return false;
      v.rrS[v.rrN] = ns;
      v.rrE[v.rrN++] = lineE;
    } else if (n === 7 && nameIs(buf, ns, ne, 'require')) {
      // §8.2.2.3: we support no option tag; the full path answers 420 (CANCEL and ACK ignore it).
      if (ve > vs && method !== M_CANCEL && method !== M_ACK) return false;
    } else if ((n === 1 && c0 === 101) || (n === 16 && nameIs(buf, ns, ne, 'content-encoding'))) {
      // §8.2.3: an encoding other than identity gets a 415 from the full path.
      if (ve > vs && !nameIs(buf, vs, ve, 'identity') && method !== M_ACK) return false;
    }
    pos = end + 1;
  }
  if (v.viaN === 0 || v.fromS < 0 || v.toS < 0 || v.callIdS < 0 || v.cseqS < 0) return false;
  v.bodyS = pos;
  if (contentLength >= 0) {
    if (pos + contentLength > len) return false;
    v.bodyE = pos + contentLength;
  } else v.bodyE = len;
  if (method === M_INVITE && !v.hasContact) return false;
  if (v.bodyE > v.bodyS) {
    // §8.2.3: a body of a type the full path does not read gets a 415 (with Accept) there.
    if ((method === M_INVITE || method === M_UPDATE) && type !== T_SDP) return false;
    if (method === M_INFO && type !== T_DTMF) return false;
  }
  return true;
}
