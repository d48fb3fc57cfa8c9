/**
 * In-place reading of what `sipcall load` needs from a response datagram (docs/load.md,
 * "Engine"): the status code, the top Via's branch (which names the call slot and the
 * transaction, RFC 3261 §17.1.3), the CSeq method (a CANCEL shares the INVITE's branch, §9.1,
 * so the method tells them apart: "the method parameter in the CSeq header field matches the
 * method of the request that created the transaction"), and, for a 2xx to INVITE, where the To
 * tag, the Contact URI and the Record-Route lines are. Offsets only; nothing is allocated.
 *
 * Branches sipcall load writes are `z9hG4bK` + a fixed run prefix + the slot number in decimal
 * + `.` + the transaction's serial in decimal; anything else is not ours (counted as stray).
 */
const CR = 13;
const LF = 10;
const SP = 32;
const COLON = 58;
const SEMI = 59;
const DOT = 46;
const EQUAL = 61;
const COMMA = 44;

export const R_INVITE = 1;
export const R_BYE = 2;
export const R_CANCEL = 3;
export const R_OPTIONS = 4;
export const R_REGISTER = 5;
export const R_OTHER = 0;

/** Reused for every datagram. */
export class ResponseView {
  status = 0;
  method = R_OTHER;
  /** From the branch: the call slot and the transaction serial (-1 when not ours). */
  slot = -1;
  serial = -1;
  /** The To tag, [start, end) (-1 when absent). */
  toTagS = -1;
  toTagE = -1;
  /** The first Contact header value, [start, end). */
  contactS = -1;
  contactE = -1;
  /** More than one Via (RFC 3261 §8.1.3.3): the response is to be discarded. */
  multipleVia = false;
  /** Record-Route header lines (values), in order. */
  rrN = 0;
  readonly rrS = new Int32Array(16);
  readonly rrE = new Int32Array(16);
}

function lower(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

/** True when buf[at..] starts with `name` (lower case ASCII) followed by optional spaces and ':'. */
function headerIs(buf: Buffer, at: number, end: number, name: string): number {
  const n = name.length;
  if (at + n >= end) return -1;
  for (let i = 0; i < n; i++) if (lower(buf[at + i]!) !== name.charCodeAt(i)) return -1;
  let p = at + n;
  while (p < end && buf[p] === SP) p++;
  return buf[p] === COLON ? p + 1 : -1;
}

function readInt(buf: Buffer, at: number, end: number): [number, number] {
  let v = 0;
  let p = at;
  while (p < end && buf[p]! >= 48 && buf[p]! <= 57) v = v * 10 + (buf[p++]! - 48);
  return [p === at ? -1 : v, p];
}

function methodAt(buf: Buffer, at: number, end: number): number {
  const c = buf[at];
  const len = end - at;
  if (c === 73 && len === 6) return R_INVITE; // INVITE
  if (c === 66 && len === 3) return R_BYE; // BYE
  if (c === 67 && len === 6) return R_CANCEL; // CANCEL
  if (c === 79 && len === 7) return R_OPTIONS; // OPTIONS
  if (c === 82 && len === 8) return R_REGISTER; // REGISTER
  return R_OTHER;
}

/**
 * Reads `buf` (one UDP datagram) into `v`. Returns false when it is not a response sipcall load
 * can read in place (the caller counts it as unparseable or stray).
 * @param prefix the branch prefix of this run, e.g. `z9hG4bK` + run id + `-`
 */
export function scanResponse(buf: Buffer, prefix: Buffer, v: ResponseView): boolean {
  const len = buf.length;
  // Status-Line: "SIP/2.0 200 OK" (§7.2).
  if (len < 12 || buf[0] !== 83 || buf[1] !== 73 || buf[2] !== 80 || buf[3] !== 47) return false;
  const [status, afterCode] = readInt(buf, 8, Math.min(len, 11));
  if (status < 100 || status > 699 || afterCode !== 11) return false;
  v.status = status;
  v.method = R_OTHER;
  v.slot = -1;
  v.serial = -1;
  v.toTagS = v.toTagE = v.contactS = v.contactE = -1;
  v.rrN = 0;
  v.multipleVia = false;
  let sawVia = false;
  let p = buf.indexOf(LF, 11);
  while (p !== -1 && p + 1 < len) {
    const s = p + 1;
    let e = buf.indexOf(LF, s);
    if (e === -1) e = len;
    const lineEnd = buf[e - 1] === CR ? e - 1 : e;
    if (lineEnd === s) break; // the empty line: end of the headers
    let vs: number;
    if ((vs = headerIs(buf, s, lineEnd, 'via')) !== -1 || (vs = headerIs(buf, s, lineEnd, 'v')) !== -1) {
      // §8.1.3.3: "If more than one Via header field value is present in a response, the UAC
      // SHOULD discard the message." A second Via line or a comma-joined value: not ours.
      const comma = buf.indexOf(COMMA, vs);
      if (sawVia || (comma !== -1 && comma < lineEnd)) {
        v.slot = -1;
        v.serial = -1;
        v.multipleVia = true;
        return true;
      }
      sawVia = true;
      const b = buf.indexOf('branch=', vs);
      if (b !== -1 && b < lineEnd) readBranch(buf, b + 7, lineEnd, prefix, v);
    } else if ((vs = headerIs(buf, s, lineEnd, 'cseq')) !== -1) {
      const [, q] = readInt(buf, skipSp(buf, vs, lineEnd), lineEnd);
      const m = skipSp(buf, q, lineEnd);
      let me = m;
      while (me < lineEnd && buf[me] !== SP) me++;
      v.method = methodAt(buf, m, me);
    } else if ((vs = headerIs(buf, s, lineEnd, 'to')) !== -1 || (vs = headerIs(buf, s, lineEnd, 't')) !== -1) {
      const t = findParam(buf, vs, lineEnd, 'tag=');
      if (t !== -1) {
        let te = t;
        while (te < lineEnd && buf[te] !== SEMI && buf[te] !== SP && buf[te] !== COMMA) te++;
        v.toTagS = t;
        v.toTagE = te;
      }
    } else if (v.contactS === -1 && ((vs = headerIs(buf, s, lineEnd, 'contact')) !== -1 || (vs = headerIs(buf, s, lineEnd, 'm')) !== -1)) {
      v.contactS = skipSp(buf, vs, lineEnd);
      v.contactE = lineEnd;
    } else if ((vs = headerIs(buf, s, lineEnd, 'record-route')) !== -1 && v.rrN < v.rrS.length) {
      v.rrS[v.rrN] = skipSp(buf, vs, lineEnd);
      v.rrE[v.rrN++] = lineEnd;
    }
    p = e;
  }
  return sawVia && v.method !== R_OTHER;
}

function skipSp(buf: Buffer, at: number, end: number): number {
  while (at < end && buf[at] === SP) at++;
  return at;
}

/** Finds `name` (with '=') after a ';' in [at, end), outside <…>; returns the value's start. */
function findParam(buf: Buffer, at: number, end: number, name: string): number {
  let inAngle = false;
  for (let p = at; p < end; p++) {
    const c = buf[p];
    if (c === 60) inAngle = true;
    else if (c === 62) inAngle = false;
    else if (c === SEMI && !inAngle) {
      const q = skipSp(buf, p + 1, end);
      let ok = q + name.length <= end;
      for (let i = 0; ok && i < name.length; i++) if (lower(buf[q + i]!) !== name.charCodeAt(i)) ok = false;
      if (ok) return q + name.length;
    }
  }
  return -1;
}

function readBranch(buf: Buffer, at: number, end: number, prefix: Buffer, v: ResponseView): void {
  if (at + prefix.length > end || buf.compare(prefix, 0, prefix.length, at, at + prefix.length) !== 0) return;
  const [slot, q] = readInt(buf, at + prefix.length, end);
  if (slot < 0 || buf[q] !== DOT) return;
  const [serial, r] = readInt(buf, q + 1, end);
  if (serial < 0 || (r < end && buf[r] !== SEMI && buf[r] !== SP && buf[r] !== COMMA && buf[r] !== EQUAL)) return;
  v.slot = slot;
  v.serial = serial;
}
