import { Buffer } from 'node:buffer';
import { isDigit } from './chars.js';
import { parseContentLength } from './content-length.js';
import { parseCSeq, type CSeq } from './cseq.js';
import { Headers, type HeaderField } from './headers.js';
import type { SipMessage } from './message.js';
import { findParam } from './params.js';
import { tagOf as tagOfValue } from './name-addr.js';
import { SipParseError, type SipParseErrorCode } from './parse-error.js';
import { requestUriDefect } from './request-uri.js';
import {
  TOKEN_BYTES,
  findParamBytes,
  hasHighByte,
  latin1Slice,
  nameAddrParamsStart,
  readHeaderName,
  type HeaderName,
  NameId,
  BranchState,
  branchStateBytes,
  parseCSeqBytes,
  utf8Slice,
} from './scan.js';
import { BRANCH_COOKIE } from './via.js';

export { SipParseError, type SipParseErrorCode } from './parse-error.js';

/**
 * Parsing a SIP message from bytes (RFC 3261 §7, §18.3, §25).
 *
 * One pass, no regex: decode the datagram once, find the end of the header section, walk the
 * lines with `indexOf`, read names, colons, trims and the few parameters every UAC needs (top
 * Via branch, From/To tags) from the bytes (a Buffer read is several times cheaper than
 * `charCodeAt`), slice only the strings that are kept, unfold continuation lines, then frame
 * the body by Content-Length. Header text is indexed like the bytes (ASCII, or read as latin1
 * with UTF-8 values decoded one by one), so error offsets are exact byte offsets. Time and
 * memory are linear in the input: every loop moves forward, nothing is searched twice.
 *
 * What is an error and what is only a problem:
 * - **Errors** (`ok: false`): the start line does not follow the grammar; a header line is not
 *   `name ":" value`; a NUL octet outside a quoted-pair; a required header (To, From, CSeq,
 *   Call-ID, Via: RFC 3261 §8.1.1) is missing or (To/From/CSeq/Call-ID) repeated; CSeq is
 *   malformed or its method differs from the request's; Content-Length is malformed,
 *   conflicting or larger than what arrived.
 * - **Problems** (`ok: true`, listed): valid but suspicious: bytes after the body, no
 *   Content-Length over UDP, the header section not closed by an empty line (tolerated on a
 *   datagram: the RFC 4475 and RFC 5118 archives carry such messages), a top Via branch
 *   without the magic cookie, a request without Max-Forwards.
 *
 * Max-Forwards: a UAC "MUST insert a Max-Forwards header field into each request it
 * originates" (RFC 3261 §8.1.1.6), so we always send it; on receive its absence is tolerated
 * and reported as the problem `missing-max-forwards`, because RFC 2543 peers omit it and
 * RFC 4475 §3.4.1 asks that such a request still be accepted.
 */
export interface ParseOptions {
  /** A stream transport (TCP/TLS): Content-Length is mandatory, a short input means "wait". */
  stream?: boolean;
}

export type ParseProblemCode =
  | 'extra-bytes'
  | 'no-content-length'
  | 'missing-empty-line'
  | 'leading-crlf'
  | 'missing-reason-phrase-sp'
  | 'no-branch'
  | 'branch-without-cookie'
  | 'branch-cookie-only'
  | 'missing-max-forwards';

/** Something valid but suspicious. */
export interface ParseProblem {
  code: ParseProblemCode;
  text: string;
}

export type ParseResult =
  | { ok: true; message: SipMessage; problems: ParseProblem[]; extraBytes: number }
  | { ok: false; error: SipParseError };

/** Everything the parser found, for `inspectMessage`: all errors, not only the first. */
export interface ParseDetail {
  /** The message, when the start line and framing allowed one to be built. */
  message: SipMessage | null;
  /** The header rows that could be read (also when the start line was bad). */
  headers: Headers | null;
  kind: 'request' | 'response' | 'unknown';
  startLine?: string;
  errors: SipParseError[];
  problems: ParseProblem[];
  extraBytes: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses one SIP message. Never throws: any input gives a message or a typed `SipParseError`.
 * Over a datagram (the default) a missing Content-Length means the body runs to the end of the
 * datagram (RFC 3261 §18.3); bytes past the Content-Length are reported in `extraBytes` (and as
 * the problem `extra-bytes`), not silently dropped. On a stream, `extraBytes` is the start of
 * the next message. `body` is a view into `bytes`, not a copy (an empty body is a shared
 * zero-length Buffer).
 */
export function parseMessage(bytes: Uint8Array, opts?: ParseOptions): ParseResult {
  try {
    const d = run(asBuffer(bytes), opts?.stream === true, false);
    if (d.errors.length > 0) return { ok: false, error: d.errors[0] };
    return { ok: true, message: d.message as SipMessage, problems: d.problems, extraBytes: d.extraBytes };
  } catch (e) {
    return { ok: false, error: new SipParseError('internal-error', `parser bug: ${String(e)}`, 0) };
  }
}

/** Like `parseMessage` but keeps going after an error where it can, collecting all of them. */
export function parseMessageDetailed(bytes: Uint8Array, opts?: ParseOptions): ParseDetail {
  try {
    return run(asBuffer(bytes), opts?.stream === true, true);
  } catch (e) {
    return {
      message: null,
      headers: null,
      kind: 'unknown',
      errors: [new SipParseError('internal-error', `parser bug: ${String(e)}`, 0)],
      problems: [],
      extraBytes: 0,
    };
  }
}

/** `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; 0 = not a version, 1 = SIP/2.0, 2 = other. */
function versionKind(text: string, s: number, e: number): 0 | 1 | 2 {
  if (e - s < 7) return 0;
  if ((text.charCodeAt(s) | 0x20) !== 0x73 || (text.charCodeAt(s + 1) | 0x20) !== 0x69) return 0;
  if ((text.charCodeAt(s + 2) | 0x20) !== 0x70 || text.charCodeAt(s + 3) !== 0x2f) return 0;
  let i = s + 4;
  const a = i;
  while (i < e && isDigit(text.charCodeAt(i))) i++;
  if (i === a || text.charCodeAt(i) !== 0x2e) return 0;
  const b = ++i;
  while (i < e && isDigit(text.charCodeAt(i))) i++;
  if (i === b || i !== e) return 0;
  return e - s === 7 && text.charCodeAt(s + 4) === 0x32 && text.charCodeAt(s + 6) === 0x30 ? 1 : 2;
}

/** `versionKind` on bytes. */
function versionKindBytes(buf: Uint8Array, s: number, e: number): 0 | 1 | 2 {
  if (e - s < 7) return 0;
  if ((buf[s] | 0x20) !== 0x73 || (buf[s + 1] | 0x20) !== 0x69 || (buf[s + 2] | 0x20) !== 0x70 || buf[s + 3] !== 0x2f) return 0;
  let i = s + 4;
  const a = i;
  while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  if (i === a || i >= e || buf[i] !== 0x2e) return 0;
  const b = ++i;
  while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  if (i === b || i !== e) return 0;
  return e - s === 7 && buf[s + 4] === 0x32 && buf[s + 6] === 0x30 ? 1 : 2;
}

const isSp = (b: number): boolean => b === 0x20 || b === 0x09;

/**
 * The string for bytes `[s, e)`: a slice of `text` (which is indexed like the bytes), or, when
 * the header section is not all ASCII and this range has bytes ≥ 0x80, their UTF-8 decoding.
 */
function str(buf: Buffer, text: string, ascii: boolean, s: number, e: number): string {
  return ascii || !hasHighByte(buf, s, e) ? text.slice(s, e) : utf8Slice(buf, s, e);
}

/** A parameter value found by `findParamBytes` (quoted-pairs resolved), null when valueless. */
function paramValue(buf: Buffer, text: string, ascii: boolean, at: Int32Array): string | null {
  if (at[0] < 0) return null;
  const v = str(buf, text, ascii, at[0], at[1]);
  return at[2] === 1 && v.includes('\\') ? v.replace(/\\([\s\S])/g, '$1') : v;
}

const BRANCH_BYTES = Buffer.from('branch', 'latin1');
const TAG_BYTES = Buffer.from('tag', 'latin1');
/** Scratch for `findParamBytes` (the parser is synchronous: one call at a time). */
const AT = new Int32Array(3);
/** Scratch for `readHeaderName`. */
const NAME: HeaderName = { name: '', key: '', id: NameId.Other };
/** The body of a message without one (shared: a zero-length view cannot be written to). */
const NO_BODY: Buffer = Buffer.alloc(0);

/** The cookie state of a branch read as a string. */
function branchStateOf(branch: string | null | undefined): BranchState {
  if (!branch) return BranchState.None;
  if (branch === BRANCH_COOKIE) return BranchState.CookieOnly;
  return branch.startsWith(BRANCH_COOKIE) ? BranchState.Cookie : BranchState.NoCookie;
}

/** The From/To tag of a one-line value at bytes `[s, e)`, as `tagOf` reads it. */
function tagAt(buf: Buffer, text: string, ascii: boolean, s: number, e: number): string | undefined {
  const ps = nameAddrParamsStart(buf, text, s, e);
  if (ps < 0 || !findParamBytes(buf, TAG_BYTES, ps, e, AT)) return undefined;
  const v = paramValue(buf, text, ascii, AT);
  return v ? v : undefined;
}

/** The byte offset of text index `i` (they are equal: the text is indexed like the bytes). */
const at = (i: number): number => i;

/** Records a start-line error; returns false (the new value of `startOk`). */
function fail(errors: SipParseError[], code: SipParseErrorCode, why: string, offset: number): false {
  errors.push(new SipParseError(code, why, offset));
  return false;
}

/** Most bad-header-line errors collected for one message (`parseMessageDetailed`). */
const MAX_LINE_ERRORS = 20;
/** Datagrams up to this size are decoded whole in one call (cheaper than searching bytes). */
const WHOLE_DECODE_MAX = 16 * 1024;

function run(buf: Buffer, stream: boolean, collect: boolean): ParseDetail {
  const errors: SipParseError[] = [];
  const problems: ParseProblem[] = [];
  const detail: ParseDetail = { message: null, headers: null, kind: 'unknown', errors, problems, extraBytes: 0 };
  const n = buf.length;

  // RFC 3261 §7.5: "Implementations processing SIP messages over stream-oriented transports
  // MUST ignore any CRLF appearing before the start-line".
  let pos = 0;
  while (pos + 1 < n && buf[pos] === 13 && buf[pos + 1] === 10) pos += 2;
  if (pos >= n) {
    errors.push(new SipParseError('empty-message', 'no start line: the input is empty or only CRLF', pos));
    return detail;
  }
  if (pos > 0 && !stream) {
    problems.push({ code: 'leading-crlf', text: `${pos / 2} CRLF before the start line (RFC 3261 §7.5)` });
  }

  // Decode once. An all-ASCII datagram (the usual case) is decoded whole, and the walk over
  // its LFs that checks every LF ends a CRLF also finds the empty line ending the header
  // section. Otherwise the header section alone is decoded after a byte search.
  let text = '';
  let ascii = false;
  let headEnd = -1;
  let lfChecked = false;
  if (n <= WHOLE_DECODE_MAX) {
    text = utf8Slice(buf, 0, n);
    ascii = text.length === n;
  }
  if (ascii) {
    let ls = pos;
    let k = text.indexOf('\n', pos);
    for (; k >= 0; k = text.indexOf('\n', k + 1)) {
      if (buf[k - 1] !== 13) break;
      if (k - 1 === ls) {
        headEnd = ls - 2;
        break;
      }
      ls = k + 1;
    }
    // A bare LF (k ≥ 0, not after CR) is reported below, after the framing errors.
    lfChecked = headEnd >= 0 || k < 0;
    if (!lfChecked) headEnd = text.indexOf('\r\n\r\n', pos);
  } else headEnd = buf.indexOf(CRLFCRLF, pos);
  let bodyStart: number;
  if (headEnd < 0) {
    if (!stream && n >= 2 && buf[n - 2] === 13 && buf[n - 1] === 10) {
      headEnd = n - 2;
      bodyStart = n;
      problems.push({
        code: 'missing-empty-line',
        text: 'the header section is not closed by an empty line; "the empty line MUST be present even if the message-body is not" (RFC 3261 §7)',
      });
    } else {
      errors.push(
        new SipParseError(
          'no-header-end',
          stream
            ? 'the header section has not ended yet (no empty line): wait for more data'
            : 'no empty line (CRLF CRLF) ends the header section (RFC 3261 §7)',
          n,
        ),
      );
      return detail;
    }
  } else bodyStart = headEnd + 4;
  /** End of the header text: after the CRLF of the last header line. */
  const end = headEnd + 2;
  if (!ascii) {
    text = utf8Slice(buf, 0, end);
    ascii = text.length === end;
    // Not ASCII: read the header section as latin1 (one char per byte, so offsets stay byte
    // offsets); values with bytes ≥ 0x80 are decoded as UTF-8 one by one (`str`).
    if (!ascii) text = latin1Slice(buf, 0, end);
  }

  // NUL is not allowed in the start line or a header field, except as a quoted-pair
  // (`quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)`, RFC 3261 §25.1; RFC 4475 §3.1.1.2).
  for (let z = buf.indexOf(0, pos); z >= 0 && z < headEnd; z = buf.indexOf(0, z + 1)) {
    if (buf[z - 1] !== 0x5c) {
      errors.push(new SipParseError('nul-in-header', 'a NUL octet in the start line or a header field (RFC 3261 §25.1)', z));
      if (!collect) return detail;
      break;
    }
  }

  // Every line ends in CRLF: refuse a bare LF anywhere in the header section (a bare CR is
  // caught where the lines are walked: every CR found there must be followed by LF).
  const le = text.indexOf('\r\n', pos);
  if (!lfChecked) {
    for (let k = text.indexOf('\n', pos); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) {
      if (buf[k - 1] !== 13) {
        errors.push(new SipParseError(k < le ? 'bad-start-line' : 'bad-header-line', 'a bare LF: lines end in CRLF (RFC 3261 §7)', at(k)));
        return detail;
      }
    }
  }
  const firstCr = text.indexOf('\r', pos);
  if (firstCr < le) {
    errors.push(new SipParseError('bad-start-line', 'a bare CR: lines end in CRLF (RFC 3261 §7)', at(firstCr)));
    return detail;
  }

  // ---- start line -------------------------------------------------------------------------
  detail.startLine = str(buf, text, ascii, pos, le);
  let isRequest = false;
  let method = '';
  let uri = '';
  let version = '';
  let status = 0;
  let reason = '';
  let startOk = true;

  const firstSp = text.indexOf(' ', pos);
  const firstTokenEnd = firstSp < 0 || firstSp > le ? le : firstSp;
  if (versionKindBytes(buf, pos, firstTokenEnd) !== 0) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§7.2, §25.1)
    detail.kind = 'response';
    const sp1 = firstTokenEnd;
    version = text.slice(pos, sp1);
    if (versionKindBytes(buf, pos, sp1) === 2) {
      startOk = fail(errors, 'bad-version', `unsupported SIP-Version "${version}": only SIP/2.0 is understood (RFC 3261 §7.1)`, at(pos));
    }
    let i = sp1 + 1;
    const ds = i;
    while (i < le && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
    const nd = i - ds;
    if (sp1 >= le || nd === 0) {
      startOk = fail(errors, 'bad-status-code', 'no Status-Code: the Status-Line is SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)', at(Math.min(ds, le)));
    } else if (nd !== 3 || (i < le && buf[i] !== 0x20)) {
      let te = i;
      while (te < le && buf[te] !== 0x20) te++;
      startOk = fail(errors, 'bad-status-code', `Status-Code "${str(buf, text, ascii, ds, te)}" is not three digits (RFC 3261 §7.2, §25.1 Status-Code = 3DIGIT)`, at(ds));
    } else {
      status = (buf[ds] - 0x30) * 100 + (buf[ds + 1] - 0x30) * 10 + (buf[ds + 2] - 0x30);
      if (status < 100 || status > 699) {
        startOk = fail(errors, 'bad-status-code', `Status-Code ${text.slice(ds, i)} is outside 100-699 (RFC 3261 §7.2, §21; RFC 4475 §3.1.2.19)`, at(ds));
      }
      if (i === le) {
        problems.push({ code: 'missing-reason-phrase-sp', text: 'no SP after the Status-Code (RFC 3261 §7.2: SP Reason-Phrase, which may be empty)' });
      } else reason = str(buf, text, ascii, i + 1, le);
    }
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1, §25.1)
    detail.kind = 'request';
    isRequest = true;
    const sp1 = firstSp;
    const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
    if (sp1 <= pos || sp1 > le) {
      startOk = fail(errors, 'bad-start-line', 'the first line is neither a Request-Line (Method SP Request-URI SP SIP-Version) nor a Status-Line (RFC 3261 §7.1, §7.2)', at(pos));
    } else if (sp2 < 0 || sp2 > le) {
      startOk = fail(errors, 'bad-start-line', 'the Request-Line has no SIP-Version (Method SP Request-URI SP SIP-Version, RFC 3261 §7.1)', at(le));
    } else if (sp2 === sp1 + 1) {
      startOk = fail(errors, 'bad-start-line', 'more than one SP between Request-Line elements: "The elements are separated by single SP characters" (RFC 3261 §7.1; RFC 4475 §3.1.2.9)', at(sp2));
    } else {
      method = str(buf, text, ascii, pos, sp1);
      for (let k = pos; k < sp1; k++) {
        if (TOKEN_BYTES[buf[k]] !== 1) {
          startOk = fail(errors, 'bad-start-line', `the Method "${method}" is not a token (RFC 3261 §25.1)`, at(k));
          break;
        }
      }
      uri = str(buf, text, ascii, sp1 + 1, sp2);
      version = str(buf, text, ascii, sp2 + 1, le);
      const vk = versionKindBytes(buf, sp2 + 1, le);
      if (vk === 0) {
        const trimmed = version.trimEnd();
        if (trimmed !== version && versionKind(trimmed, 0, trimmed.length) !== 0) {
          startOk = fail(errors, 'bad-start-line', 'whitespace after the SIP-Version: the Request-Line ends "SIP-Version CRLF" (RFC 3261 §25.1; RFC 4475 §3.1.2.10)', at(sp2 + 1 + trimmed.length));
        } else if (version.includes(' ')) {
          startOk = fail(errors, 'bad-start-line', 'whitespace inside the Request-URI: "No LWS is allowed in any of the elements" (RFC 3261 §7.1; RFC 4475 §3.1.2.8)', at(sp2));
        } else {
          startOk = fail(errors, 'bad-start-line', `"${version}" is not a SIP-Version (RFC 3261 §7.1)`, at(sp2 + 1));
        }
      } else if (vk === 2) {
        startOk = fail(errors, 'bad-version', `unsupported SIP-Version "${version}": only SIP/2.0 is understood (RFC 3261 §7.1; a UAS answers 505)`, at(sp2 + 1));
      } else {
        const why = requestUriDefect(uri);
        if (why) startOk = fail(errors, 'bad-request-uri', why, at(sp1 + 1));
      }
    }
  }
  if (!startOk && !collect) return detail;

  // ---- header fields ------------------------------------------------------------------------
  // One walk over the lines: every CR met must start a CRLF; a line starting with SP/HT
  // continues the field before it (RFC 3261 §7.3.1 LWS). The name is scanned as a token up to
  // the colon (HCOLON = *( SP / HTAB ) ":" SWS) and looked up without slicing.
  const fields: HeaderField[] = [];
  let i = le + 2;
  let viaN = 0;
  let fromN = 0;
  let toN = 0;
  let callIdN = 0;
  let cseqN = 0;
  let viaValue: string | undefined;
  let branch: string | null | undefined;
  let branchState: BranchState = BranchState.None;
  let fromValue: string | undefined;
  let fromTag: string | undefined;
  let toValue: string | undefined;
  let toTag: string | undefined;
  let cseqValue: string | undefined;
  let cseq: CSeq | null = null;
  let clValue: string | undefined;
  let clConflict = false;
  let hasMaxForwards = false;
  let lineErrors = 0;
  let nextColon = -1;
  while (i < end) {
    const lineEnd = text.indexOf('\r', i);
    if (buf[lineEnd + 1] !== 10) {
      errors.push(new SipParseError('bad-header-line', 'a bare CR: lines end in CRLF (RFC 3261 §7)', at(lineEnd)));
      return detail;
    }
    // The end of this field: continuation lines start with SP or HT.
    let next = lineEnd + 2;
    let folded = false;
    while (next < end && isSp(buf[next])) {
      const ce = text.indexOf('\r', next);
      if (buf[ce + 1] !== 10) {
        errors.push(new SipParseError('bad-header-line', 'a bare CR: lines end in CRLF (RFC 3261 §7)', at(ce)));
        return detail;
      }
      next = ce + 2;
      folded = true;
    }
    // HCOLON = *( SP / HTAB ) ":" SWS. The next colon is searched once and reused for the
    // lines before it (lines without a colon cannot make the search quadratic).
    if (nextColon < i) {
      nextColon = text.indexOf(':', i);
      if (nextColon < 0) nextColon = end;
    }
    const colon = nextColon < lineEnd ? nextColon : -1;
    let ne = colon;
    while (ne > i && isSp(buf[ne - 1])) ne--;
    // A common name is a token by construction; any other is checked byte by byte.
    let nameOk = colon > i && ne > i && readHeaderName(buf, text, i, ne, NAME);
    if (!nameOk && colon > i && ne > i) {
      let k = i;
      while (k < ne && TOKEN_BYTES[buf[k]] === 1) k++;
      nameOk = k === ne;
    }
    if (!nameOk) {
      let bad: string;
      if (isSp(buf[i])) bad = 'a continuation line (starting with whitespace) with no header field before it';
      else if (colon < 0) bad = `"${str(buf, text, ascii, i, lineEnd)}" is not a header field: no ":" (RFC 3261 §7.3)`;
      else if (ne === i) bad = 'a header field with an empty name (RFC 3261 §7.3)';
      else bad = `the header name "${str(buf, text, ascii, i, ne)}" is not a token (RFC 3261 §7.3.1)`;
      if (lineErrors++ < MAX_LINE_ERRORS) errors.push(new SipParseError('bad-header-line', bad, at(i)));
      if (!collect) return detail;
      i = next;
      continue;
    }
    let vs = colon + 1;
    while (vs < lineEnd && isSp(buf[vs])) vs++;
    let ve = lineEnd;
    while (ve > vs && isSp(buf[ve - 1])) ve--;
    let value = str(buf, text, ascii, vs, ve);
    if (folded) {
      // "replace any linear white space with a single SP" (RFC 3261 §7.3.1).
      let k = lineEnd + 2;
      while (k < next) {
        let ps = k;
        let pe = text.indexOf('\r', k);
        k = pe + 2;
        while (ps < pe && isSp(buf[ps])) ps++;
        while (pe > ps && isSp(buf[pe - 1])) pe--;
        if (pe > ps) {
          const piece = str(buf, text, ascii, ps, pe);
          value = value ? value + ' ' + piece : piece;
        }
      }
    }
    const key = NAME.key;
    switch (NAME.id) {
      case NameId.Via:
        if (viaN++ === 0) {
          viaValue = value;
          if (!folded) {
            if (findParamBytes(buf, BRANCH_BYTES, vs, ve, AT)) {
              branch = paramValue(buf, text, ascii, AT);
              branchState = AT[2] === 1 ? branchStateOf(branch) : branchStateBytes(buf, AT[0], AT[1]);
            }
          } else {
            branch = findParam(value, 'branch');
            branchState = branchStateOf(branch);
          }
        }
        break;
      case NameId.From:
        if (fromN++ === 0) {
          fromValue = value;
          fromTag = folded ? tagOfValue(value) : tagAt(buf, text, ascii, vs, ve);
        }
        break;
      case NameId.To:
        if (toN++ === 0) {
          toValue = value;
          toTag = folded ? tagOfValue(value) : tagAt(buf, text, ascii, vs, ve);
        }
        break;
      case NameId.CallId:
        callIdN++;
        break;
      case NameId.CSeq:
        if (cseqN++ === 0) {
          cseqValue = value;
          cseq = folded ? parseCSeq(value) : parseCSeqBytes(buf, text, vs, ve);
        }
        break;
      case NameId.ContentLength:
        if (clValue === undefined) clValue = value;
        else if (value !== clValue) clConflict = true;
        break;
      case NameId.MaxForwards:
        hasMaxForwards = true;
        break;
    }
    fields.push({ name: NAME.name, key, value });
    i = next;
  }

  // ---- required headers (RFC 3261 §8.1.1) --------------------------------------------------
  const headers = new Headers(fields, {
    via: viaValue,
    branch: branch ? branch : undefined,
    from: fromValue,
    fromTag,
    to: toValue,
    toTag,
    cseq: cseqValue,
    cseqParsed: cseq,
  });
  detail.headers = headers;
  if (fromN === 0 || toN === 0 || cseqN === 0 || callIdN === 0 || viaN === 0) {
    const missing = [toN === 0 && 'To', fromN === 0 && 'From', cseqN === 0 && 'CSeq', callIdN === 0 && 'Call-ID', viaN === 0 && 'Via'].filter(Boolean);
    errors.push(
      new SipParseError(
        'missing-required-header',
        `missing ${missing.join(', ')}: "a valid SIP request … MUST contain … To, From, CSeq, Call-ID, Max-Forwards, and Via" and responses carry the same (RFC 3261 §8.1.1, §8.2.6.2)`,
        pos,
      ),
    );
    if (!collect) return detail;
  }
  if (fromN > 1 || toN > 1 || cseqN > 1 || callIdN > 1) {
    const dup = [toN > 1 && 'To', fromN > 1 && 'From', cseqN > 1 && 'CSeq', callIdN > 1 && 'Call-ID'].filter(Boolean);
    errors.push(new SipParseError('duplicate-header', `${dup.join(', ')} appear more than once; each allows a single value (RFC 3261 §7.3.1, §20; RFC 4475 §3.3.8)`, pos));
    if (!collect) return detail;
  }
  if (cseqValue !== undefined) {
    if (!cseq) {
      errors.push(new SipParseError('bad-cseq', `CSeq "${cseqValue}" is not 1*DIGIT LWS Method with a number up to 2**32-1 (RFC 3261 §8.1.1.5, §20.16; RFC 4475 §3.1.2.4)`, pos));
      if (!collect) return detail;
    } else if (isRequest && startOk && cseq.method !== method) {
      errors.push(new SipParseError('cseq-method-mismatch', `CSeq method ${cseq.method} differs from the request method ${method}: "The method MUST match that of the request" (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17)`, pos));
      if (!collect) return detail;
    }
  }

  // ---- body framing (RFC 3261 §18.3, §20.14) -------------------------------------------------
  const available = n - bodyStart;
  let bodyLength = available;
  if (clConflict) {
    errors.push(new SipParseError('conflicting-content-length', 'several Content-Length values that disagree: the framing is undefined (RFC 3261 §20.14; RFC 4475 §3.3.9)', pos));
    if (!collect) return detail;
  } else if (clValue === undefined) {
    if (stream) {
      errors.push(new SipParseError('missing-content-length', 'no Content-Length: "In the case of stream-oriented transports such as TCP, the Content-Length header field … MUST be used" (RFC 3261 §18.3)', pos));
      if (!collect) return detail;
    } else {
      problems.push({ code: 'no-content-length', text: 'no Content-Length: the body runs to the end of the datagram (RFC 3261 §18.3, §20.14)' });
    }
  } else {
    const cl = parseContentLength(clValue);
    if (cl === null) {
      errors.push(new SipParseError('bad-content-length', `Content-Length "${clValue}" is not a non-negative decimal number (RFC 3261 §20.14; RFC 4475 §3.1.2.3)`, pos));
      if (!collect) return detail;
    } else if (cl > available) {
      if (stream) {
        errors.push(new SipParseError('incomplete-body', `Content-Length is ${cl} but only ${available} body bytes have arrived: wait for more data`, n));
      } else {
        errors.push(
          new SipParseError('content-length-exceeds-body', `Content-Length is ${cl} but the datagram carries only ${available} body bytes (RFC 3261 §18.3; RFC 4475 §3.1.2.2)`, n),
        );
      }
      if (!collect) return detail;
    } else bodyLength = cl;
  }
  const extraBytes = available - bodyLength;
  detail.extraBytes = extraBytes;
  if (extraBytes > 0 && !stream) {
    problems.push({
      code: 'extra-bytes',
      text: `${extraBytes} bytes after the ${bodyLength}-byte body framed by Content-Length; "the additional bytes in the transport packet beyond the end of the body MUST be discarded" (RFC 3261 §18.3)`,
    });
  }

  // ---- valid but suspicious -----------------------------------------------------------------
  if (viaN > 0) {
    if (branchState === BranchState.None) {
      problems.push({ code: 'no-branch', text: 'the top Via has no branch parameter (RFC 2543 style; RFC 3261 §8.1.1.7 requires one)' });
    } else if (branchState === BranchState.CookieOnly) {
      problems.push({ code: 'branch-cookie-only', text: 'the top Via branch is only the magic cookie "z9hG4bK": no transaction identifier (RFC 4475 §3.2.1)' });
    } else if (branchState === BranchState.NoCookie) {
      problems.push({ code: 'branch-without-cookie', text: `the top Via branch "${branch}" does not start with the magic cookie "z9hG4bK" (RFC 3261 §8.1.1.7): RFC 2543 transaction matching applies` });
    }
  }
  if (isRequest && !hasMaxForwards) {
    problems.push({ code: 'missing-max-forwards', text: 'a request without Max-Forwards; "A UAC MUST insert a Max-Forwards header field" (RFC 3261 §8.1.1.6), tolerated on receive' });
  }

  if (!startOk) return detail;
  const body = bodyLength === 0 ? NO_BODY : buf.subarray(bodyStart, bodyStart + bodyLength);
  detail.message = isRequest
    ? { kind: 'request', method, uri, version, headers, body }
    : { kind: 'response', status, reason, version, headers, body };
  return detail;
}
