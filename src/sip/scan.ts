import { Buffer } from 'node:buffer';
import { COMMON_HEADER_NAMES, COMPACT_FORMS } from './header-names.js';

/**
 * Byte-level scanning for the parser's hot path. Reading `buf[i]` from a Buffer is several
 * times cheaper in V8 than `text.charCodeAt(i)`, so the parser finds structure (names, colons,
 * trims, parameters) in the bytes and only slices strings for what it keeps. Every function
 * here is linear in the range it is given and never throws.
 */

function table256(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(256);
  if (alnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** `token` characters (RFC 3261 §25.1), indexed by byte. */
export const TOKEN_BYTES = table256("-.!%*_+`'~", true);

type Slicer = (buf: Buffer, start: number, end: number) => string;
interface FastSlices {
  utf8Slice?: (start: number, end: number) => string;
  latin1Slice?: (start: number, end: number) => string;
}
const proto = Buffer.prototype as unknown as FastSlices;

/** `buf.toString('utf8', start, end)` without the argument checks (Node's `utf8Slice`). */
export const utf8Slice: Slicer =
  typeof proto.utf8Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Required<FastSlices>).utf8Slice(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

/** `buf.toString('latin1', start, end)`: one char per byte. */
export const latin1Slice: Slicer =
  typeof proto.latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Required<FastSlices>).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

/** True when a byte of `buf[start, end)` is ≥ 0x80. */
export function hasHighByte(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return true;
  return false;
}

// ---- header names --------------------------------------------------------------------------

/**
 * Ids of the header names the parser treats specially (0 for any other); see `HeaderName.id`.
 */
export const enum NameId {
  Other = 0,
  Via = 1,
  From = 2,
  To = 3,
  CallId = 4,
  CSeq = 5,
  ContentLength = 6,
  MaxForwards = 7,
}
const IDS: Readonly<Record<string, NameId>> = {
  via: NameId.Via,
  from: NameId.From,
  to: NameId.To,
  'call-id': NameId.CallId,
  cseq: NameId.CSeq,
  'content-length': NameId.ContentLength,
  'max-forwards': NameId.MaxForwards,
};

/** The same string, internalized by V8 (a property name), so `===` with literals is cheap. */
function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}

interface NameEntry {
  id: NameId;
  /** Lower-case lookup key. */
  key: string;
  /** The key's bytes. */
  bytes: Uint8Array;
  /** The usual spelling (`Call-ID`) and its bytes. */
  spelled: string;
  spelledBytes: Uint8Array;
}
const MAX_COMMON = 32;
/** Common names by (length, low 5 bits of the first byte). */
const BUCKETS: Array<NameEntry[] | undefined> = (() => {
  const b: Array<NameEntry[] | undefined> = new Array(MAX_COMMON * 32);
  for (const spelled of COMMON_HEADER_NAMES) {
    const key = intern(spelled.toLowerCase());
    if (key.length >= MAX_COMMON) continue;
    const slot = (key.length << 5) | (key.charCodeAt(0) & 31);
    const entry = { id: IDS[key] ?? NameId.Other, key, bytes: Buffer.from(key, 'latin1'), spelled: intern(spelled), spelledBytes: Buffer.from(spelled, 'latin1') };
    (b[slot] ??= []).push(entry);
  }
  return b;
})();
const COMPACT_BY_BYTE: Array<string | undefined> = new Array(256);
const COMPACT_ID_BY_BYTE = new Uint8Array(256);
for (const [c, long] of Object.entries(COMPACT_FORMS)) {
  for (const code of [c.charCodeAt(0), c.toUpperCase().charCodeAt(0)]) {
    COMPACT_BY_BYTE[code] = intern(long);
    COMPACT_ID_BY_BYTE[code] = IDS[long] ?? NameId.Other;
  }
}
for (const spelled of COMMON_HEADER_NAMES) {
  if (!/^[A-Za-z]+(-[A-Za-z]+)*$/.test(spelled)) throw new Error(`header-names: ${spelled} must be letters and inner "-" (see readHeaderName)`);
}
const ONE_CHAR: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/** Out-parameters of `readHeaderName`. */
export interface HeaderName {
  /** The name as written. */
  name: string;
  /** Lower-case long form (`headerKey`). */
  key: string;
  /** Which of the specially treated names it is. */
  id: NameId;
}

/**
 * Reads the header name `buf[start, end)` (non-empty, no CR in it), written as `text` (same
 * offsets), into `out`: the lookup key (`headerKey`) and the name as written. Common names and
 * compact forms are found by comparing bytes and give constant strings (the usual spelling
 * needs no slice either); anything else is sliced and lower-cased. Returns true for a common
 * name or compact form, which is then known to be a token; on false the caller must still
 * check that the name is a token.
 *
 * `b | 0x20 === x` for x in [a-z] or `-` holds only for b = x, its upper case, or CR (0x0D,
 * for `-`), so with no CR in the range the comparison is an exact case-insensitive one.
 */
export function readHeaderName(buf: Uint8Array, text: string, start: number, end: number, out: HeaderName): boolean {
  const len = end - start;
  const c0 = buf[start];
  if (len === 1) {
    const compact = COMPACT_BY_BYTE[c0];
    out.name = c0 < 128 ? ONE_CHAR[c0] : text.slice(start, end);
    out.key = compact ?? out.name.toLowerCase();
    out.id = COMPACT_ID_BY_BYTE[c0];
    return compact !== undefined;
  }
  if (len < MAX_COMMON) {
    const bucket = BUCKETS[(len << 5) | (c0 & 31)];
    if (bucket !== undefined) {
      for (let b = 0; b < bucket.length; b++) {
        const e = bucket[b];
        const lower = e.bytes;
        const spelled = e.spelledBytes;
        let same = true;
        let k = 0;
        for (; k < len; k++) {
          const c = buf[start + k];
          if (c === spelled[k]) continue;
          if ((c | 0x20) !== lower[k]) break;
          same = false;
        }
        if (k === len) {
          out.key = e.key;
          out.id = e.id;
          out.name = same ? e.spelled : text.slice(start, end);
          return true;
        }
      }
    }
  }
  out.name = text.slice(start, end);
  out.key = out.name.toLowerCase();
  out.id = NameId.Other;
  return false;
}

/** Branch cookie states (`branchState`). */
export const enum BranchState {
  /** No branch parameter, or an empty one. */
  None = 0,
  /** Exactly the magic cookie `z9hG4bK`. */
  CookieOnly = 1,
  /** Starts with the magic cookie. */
  Cookie = 2,
  /** Does not start with it (RFC 2543). */
  NoCookie = 3,
}
const COOKIE = Buffer.from('z9hG4bK', 'latin1');

/** The cookie state of a branch value at bytes `[s, e)` (s < 0: valueless). */
export function branchStateBytes(buf: Uint8Array, s: number, e: number): BranchState {
  if (s < 0 || e <= s) return BranchState.None;
  if (e - s < 7) return BranchState.NoCookie;
  for (let k = 0; k < 7; k++) if (buf[s + k] !== COOKIE[k]) return BranchState.NoCookie;
  return e - s === 7 ? BranchState.CookieOnly : BranchState.Cookie;
}

/**
 * `parseCSeq` on bytes `[s, e)`: `1*DIGIT LWS Method`, leading zeros allowed, at most
 * 2**32-1. The method is sliced from `text` (same offsets; a token is ASCII). Null when
 * malformed.
 */
export function parseCSeqBytes(buf: Uint8Array, text: string, s: number, e: number): { seq: number; method: string } | null {
  let i = s;
  while (i < e && isSpace(buf[i])) i++;
  const ds = i;
  while (i < e && buf[i] === 0x30) i++;
  const sig = i;
  let seq = 0;
  while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) seq = seq * 10 + (buf[i++] - 0x30);
  if (i === ds || i - sig > 10 || seq > 0xffffffff) return null;
  const ws = i;
  while (i < e && isSpace(buf[i])) i++;
  if (i === ws) return null;
  const ms = i;
  while (i < e && TOKEN_BYTES[buf[i]] === 1) i++;
  if (i === ms) return null;
  const me = i;
  while (i < e && isSpace(buf[i])) i++;
  if (i !== e) return null;
  return { seq, method: text.slice(ms, me) };
}

// ---- parameters ------------------------------------------------------------------------------

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09;

/**
 * `findParam` on bytes: the value of `;name` in `buf[from, end)` (name given as lower-case
 * ASCII bytes), within the first list element. Returns the value's byte range as
 * `[start, end, quoted]` packed in `out`, or false when absent. A parameter without a value
 * gives start = end = -1.
 */
export function findParamBytes(buf: Uint8Array, name: Uint8Array, from: number, end: number, out: Int32Array): boolean {
  let i = from;
  while (i < end) {
    const c = buf[i];
    if (c === 0x3b) break;
    if (c === 0x2c) return false;
    i++;
  }
  const nl = name.length;
  while (i < end) {
    // buf[i] === ';'
    i++;
    while (i < end && isSpace(buf[i])) i++;
    const ns = i;
    while (i < end) {
      const c = buf[i];
      if (c === 0x3d || c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
      i++;
    }
    let match = i - ns === nl;
    for (let k = 0; match && k < nl; k++) {
      let c = buf[ns + k];
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== name[k]) match = false;
    }
    while (i < end && isSpace(buf[i])) i++;
    let vs = -1;
    let ve = -1;
    let quoted = 0;
    if (i < end && buf[i] === 0x3d) {
      i++;
      while (i < end && isSpace(buf[i])) i++;
      if (buf[i] === 0x22) {
        quoted = 1;
        vs = ++i;
        while (i < end && buf[i] !== 0x22) i += buf[i] === 0x5c && i + 1 < end ? 2 : 1;
        ve = Math.min(i, end);
        i++;
      } else {
        vs = i;
        while (i < end) {
          const c = buf[i];
          if (c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
          i++;
        }
        ve = i;
      }
    }
    if (match) {
      out[0] = vs;
      out[1] = ve;
      out[2] = quoted;
      return true;
    }
    while (i < end) {
      const c = buf[i];
      if (c === 0x3b) break;
      if (c === 0x2c) return false;
      if (c === 0x22) {
        i++;
        while (i < end && buf[i] !== 0x22) i += buf[i] === 0x5c ? 2 : 1;
      }
      i++;
    }
  }
  return false;
}

/**
 * Where the header parameters of a From/To value `buf[start, end)` begin, as `tagOf` reads
 * it: after the `>` of a name-addr (a quoted display name skipped), else at the start.
 * -1 when a quote or `<` is not closed. `text` is indexed like `buf` (searched with indexOf).
 */
export function nameAddrParamsStart(buf: Uint8Array, text: string, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(buf[i])) i++;
  if (buf[i] === 0x22 && i < end) {
    // the closing quote: the next '"' not escaped by an odd run of backslashes
    let q = i + 1;
    for (;;) {
      q = text.indexOf('"', q);
      if (q < 0 || q >= end) return -1;
      let bs = 0;
      while (q - 1 - bs > i && buf[q - 1 - bs] === 0x5c) bs++;
      if ((bs & 1) === 0) break;
      q++;
    }
    i = q + 1;
  }
  const lt = text.indexOf('<', i);
  if (lt < 0 || lt >= end) return i;
  const gt = text.indexOf('>', lt + 1);
  return gt < 0 || gt >= end ? -1 : gt + 1;
}
