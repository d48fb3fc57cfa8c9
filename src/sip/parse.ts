import { Buffer } from 'node:buffer';
import { isDigit, isTokenChar, isWsp } from './chars.js';
import { parseContentLength } from './content-length.js';
import { parseCSeq } from './cseq.js';
import { fastHeaderKey } from './header-names.js';
import { Headers, type HeaderField } from './headers.js';
import type { SipMessage } from './message.js';
import { findParam } from './params.js';
import { SipParseError, type SipParseErrorCode } from './parse-error.js';
import { requestUriDefect } from './request-uri.js';
import { BRANCH_COOKIE } from './via.js';

export { SipParseError, type SipParseErrorCode } from './parse-error.js';

/**
 * Parsing a SIP message from bytes (RFC 3261 §7, §18.3, §25).
 *
 * One pass: find the end of the header section with `Buffer.indexOf(CRLFCRLF)`, decode only
 * the header section (UTF-8), walk it line by line with `indexOf` (no regex), unfold
 * continuation lines, then frame the body by Content-Length. Time and memory are linear in
 * the input.
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
 * the next message. `body` is a view into `bytes`, not a copy.
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

const REQUIRED: ReadonlyArray<[string, string]> = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['via', 'Via'],
];

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

  let headEnd = buf.indexOf(CRLFCRLF, pos);
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

  // NUL is not allowed in the start line or a header field, except as a quoted-pair
  // (`quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)`, RFC 3261 §25.1; RFC 4475 §3.1.1.2).
  for (let z = buf.indexOf(0, pos); z >= 0 && z < headEnd; z = buf.indexOf(0, z + 1)) {
    if (buf[z - 1] !== 0x5c) {
      errors.push(new SipParseError('nul-in-header', 'a NUL octet in the start line or a header field (RFC 3261 §25.1)', z));
      if (!collect) return detail;
      break;
    }
  }

  const text = buf.toString('utf8', pos, headEnd + 2);
  const offsetOf = (i: number): number => pos + Buffer.byteLength(text.slice(0, i), 'utf8');

  // Every line ends in CRLF: refuse a bare CR or LF anywhere in the header section.
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) {
    if (text.charCodeAt(k - 1) !== 13) {
      const first = k < text.indexOf('\r\n');
      errors.push(new SipParseError(first ? 'bad-start-line' : 'bad-header-line', 'a bare LF: lines end in CRLF (RFC 3261 §7)', offsetOf(k)));
      return detail;
    }
  }
  for (let k = text.indexOf('\r'); k >= 0; k = text.indexOf('\r', k + 1)) {
    if (text.charCodeAt(k + 1) !== 10) {
      const first = k < text.indexOf('\r\n');
      errors.push(new SipParseError(first ? 'bad-start-line' : 'bad-header-line', 'a bare CR: lines end in CRLF (RFC 3261 §7)', offsetOf(k)));
      return detail;
    }
  }

  // ---- start line -------------------------------------------------------------------------
  const le = text.indexOf('\r\n');
  detail.startLine = text.slice(0, le);
  let isRequest = false;
  let method = '';
  let uri = '';
  let version = '';
  let status = 0;
  let reason = '';
  let startOk = true;
  const startError = (code: SipParseErrorCode, why: string, at: number): void => {
    errors.push(new SipParseError(code, why, offsetOf(at)));
    startOk = false;
  };

  const firstSp = text.indexOf(' ');
  const firstTokenEnd = firstSp < 0 || firstSp > le ? le : firstSp;
  if (versionKind(text, 0, firstTokenEnd) !== 0) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§7.2, §25.1)
    detail.kind = 'response';
    const sp1 = firstTokenEnd;
    version = text.slice(0, sp1);
    if (versionKind(text, 0, sp1) === 2) {
      startError('bad-version', `unsupported SIP-Version "${version}": only SIP/2.0 is understood (RFC 3261 §7.1)`, 0);
    }
    let i = sp1 + 1;
    const ds = i;
    while (i < le && isDigit(text.charCodeAt(i))) i++;
    const nd = i - ds;
    const after = text.charCodeAt(i);
    if (sp1 >= le || nd === 0) {
      startError('bad-status-code', 'no Status-Code: the Status-Line is SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)', Math.min(ds, le));
    } else if (nd !== 3 || (i < le && after !== 0x20)) {
      let te = i;
      while (te < le && text.charCodeAt(te) !== 0x20) te++;
      startError('bad-status-code', `Status-Code "${text.slice(ds, te)}" is not three digits (RFC 3261 §7.2, §25.1 Status-Code = 3DIGIT)`, ds);
    } else {
      status = Number(text.slice(ds, i));
      if (status < 100 || status > 699) {
        startError('bad-status-code', `Status-Code ${text.slice(ds, i)} is outside 100-699 (RFC 3261 §7.2, §21; RFC 4475 §3.1.2.19)`, ds);
      }
      if (i === le) {
        problems.push({ code: 'missing-reason-phrase-sp', text: 'no SP after the Status-Code (RFC 3261 §7.2: SP Reason-Phrase, which may be empty)' });
      } else reason = text.slice(i + 1, le);
    }
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1, §25.1)
    detail.kind = 'request';
    isRequest = true;
    const sp1 = firstSp;
    const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp1 > le) {
      startError('bad-start-line', 'the first line is neither a Request-Line (Method SP Request-URI SP SIP-Version) nor a Status-Line (RFC 3261 §7.1, §7.2)', 0);
    } else if (sp2 < 0 || sp2 > le) {
      startError('bad-start-line', 'the Request-Line has no SIP-Version (Method SP Request-URI SP SIP-Version, RFC 3261 §7.1)', le);
    } else if (sp2 === sp1 + 1) {
      startError('bad-start-line', 'more than one SP between Request-Line elements: "The elements are separated by single SP characters" (RFC 3261 §7.1; RFC 4475 §3.1.2.9)', sp2);
    } else {
      method = text.slice(0, sp1);
      for (let k = 0; k < sp1; k++) {
        if (!isTokenChar(text.charCodeAt(k))) {
          startError('bad-start-line', `the Method "${method}" is not a token (RFC 3261 §25.1)`, k);
          break;
        }
      }
      uri = text.slice(sp1 + 1, sp2);
      version = text.slice(sp2 + 1, le);
      const vk = versionKind(text, sp2 + 1, le);
      if (vk === 0) {
        const trimmed = version.trimEnd();
        if (trimmed !== version && versionKind(trimmed, 0, trimmed.length) !== 0) {
          startError('bad-start-line', 'whitespace after the SIP-Version: the Request-Line ends "SIP-Version CRLF" (RFC 3261 §25.1; RFC 4475 §3.1.2.10)', sp2 + 1 + trimmed.length);
        } else if (version.includes(' ')) {
          startError('bad-start-line', 'whitespace inside the Request-URI: "No LWS is allowed in any of the elements" (RFC 3261 §7.1; RFC 4475 §3.1.2.8)', sp2);
        } else {
          startError('bad-start-line', `"${version}" is not a SIP-Version (RFC 3261 §7.1)`, sp2 + 1);
        }
      } else if (vk === 2) {
        startError('bad-version', `unsupported SIP-Version "${version}": only SIP/2.0 is understood (RFC 3261 §7.1; a UAS answers 505)`, sp2 + 1);
      } else {
        const why = requestUriDefect(uri);
        if (why) startError('bad-request-uri', why, sp1 + 1);
      }
    }
  }
  if (!startOk && !collect) return detail;

  // ---- header fields ------------------------------------------------------------------------
  const fields: HeaderField[] = [];
  const end = text.length;
  let i = le + 2;
  let viaIdx = -1;
  let fromN = 0;
  let toN = 0;
  let callIdN = 0;
  let cseqN = 0;
  let cseqIdx = -1;
  let clValue: string | undefined;
  let clConflict = false;
  let hasMaxForwards = false;
  while (i < end) {
    const lineEnd = text.indexOf('\r', i);
    // The end of this field: continuation lines start with SP or HT (RFC 3261 §7.3.1 LWS).
    let next = lineEnd + 2;
    while (next < end && isWsp(text.charCodeAt(next))) next = text.indexOf('\r', next) + 2;
    const c0 = text.charCodeAt(i);
    const colon = text.indexOf(':', i);
    let bad: string | null = null;
    if (isWsp(c0)) bad = 'a continuation line (starting with whitespace) with no header field before it';
    else if (colon < 0 || colon > lineEnd) bad = `"${text.slice(i, lineEnd)}" is not a header field: no ":" (RFC 3261 §7.3)`;
    let ne = colon;
    if (!bad) {
      while (ne > i && isWsp(text.charCodeAt(ne - 1))) ne--;
      if (ne === i) bad = 'a header field with an empty name (RFC 3261 §7.3)';
      for (let k = i; k < ne && !bad; k++) {
        if (!isTokenChar(text.charCodeAt(k))) bad = `the header name "${text.slice(i, ne)}" is not a token (RFC 3261 §7.3.1)`;
      }
    }
    if (bad) {
      errors.push(new SipParseError('bad-header-line', bad, offsetOf(i)));
      if (!collect) return detail;
      i = next;
      continue;
    }
    const name = text.slice(i, ne);
    let vs = colon + 1;
    while (vs < lineEnd && isWsp(text.charCodeAt(vs))) vs++;
    let value: string;
    if (next === lineEnd + 2) {
      let ve = lineEnd;
      while (ve > vs && isWsp(text.charCodeAt(ve - 1))) ve--;
      value = text.slice(vs, ve);
    } else {
      // Folded: "replace any linear white space with a single SP" (RFC 3261 §7.3.1).
      value = text.slice(vs, lineEnd).trim();
      let k = lineEnd + 2;
      while (k < next) {
        const ke = text.indexOf('\r', k);
        const piece = text.slice(k, ke).trim();
        if (piece) value = value ? value + ' ' + piece : piece;
        k = ke + 2;
      }
    }
    const key = fastHeaderKey(name);
    switch (key) {
      case 'via':
        if (viaIdx < 0) viaIdx = fields.length;
        break;
      case 'from':
        fromN++;
        break;
      case 'to':
        toN++;
        break;
      case 'call-id':
        callIdN++;
        break;
      case 'cseq':
        if (cseqIdx < 0) cseqIdx = fields.length;
        cseqN++;
        break;
      case 'content-length':
        if (clValue === undefined) clValue = value;
        else if (value !== clValue) clConflict = true;
        break;
      case 'max-forwards':
        hasMaxForwards = true;
        break;
    }
    fields.push({ name, key, value });
    i = next;
  }
  const headers = new Headers(fields);
  detail.headers = headers;

  // ---- required headers (RFC 3261 §8.1.1) --------------------------------------------------
  const counts: Record<string, number> = { to: toN, from: fromN, cseq: cseqN, 'call-id': callIdN, via: viaIdx >= 0 ? 1 : 0 };
  const missing = REQUIRED.filter(([k]) => counts[k] === 0).map(([, v]) => v);
  if (missing.length > 0) {
    errors.push(
      new SipParseError(
        'missing-required-header',
        `missing ${missing.join(', ')}: "a valid SIP request … MUST contain … To, From, CSeq, Call-ID, Max-Forwards, and Via" and responses carry the same (RFC 3261 §8.1.1, §8.2.6.2)`,
        pos,
      ),
    );
    if (!collect) return detail;
  }
  const dup = REQUIRED.filter(([k]) => k !== 'via' && counts[k] > 1).map(([, v]) => v);
  if (dup.length > 0) {
    errors.push(new SipParseError('duplicate-header', `${dup.join(', ')} appear more than once; each allows a single value (RFC 3261 §7.3.1, §20; RFC 4475 §3.3.8)`, pos));
    if (!collect) return detail;
  }
  if (cseqIdx >= 0) {
    const cs = parseCSeq(fields[cseqIdx].value);
    if (!cs) {
      errors.push(new SipParseError('bad-cseq', `CSeq "${fields[cseqIdx].value}" is not 1*DIGIT LWS Method with a number up to 2**32-1 (RFC 3261 §8.1.1.5, §20.16; RFC 4475 §3.1.2.4)`, pos));
      if (!collect) return detail;
    } else if (isRequest && startOk && cs.method !== method) {
      errors.push(new SipParseError('cseq-method-mismatch', `CSeq method ${cs.method} differs from the request method ${method}: "The method MUST match that of the request" (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17)`, pos));
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
  if (viaIdx >= 0) {
    const branch = findParam(fields[viaIdx].value, 'branch');
    if (branch === undefined || branch === null || branch === '') {
      problems.push({ code: 'no-branch', text: 'the top Via has no branch parameter (RFC 2543 style; RFC 3261 §8.1.1.7 requires one)' });
    } else if (branch === BRANCH_COOKIE) {
      problems.push({ code: 'branch-cookie-only', text: 'the top Via branch is only the magic cookie "z9hG4bK": no transaction identifier (RFC 4475 §3.2.1)' });
    } else if (!branch.startsWith(BRANCH_COOKIE)) {
      problems.push({ code: 'branch-without-cookie', text: `the top Via branch "${branch}" does not start with the magic cookie "z9hG4bK" (RFC 3261 §8.1.1.7): RFC 2543 transaction matching applies` });
    }
  }
  if (isRequest && !hasMaxForwards) {
    problems.push({ code: 'missing-max-forwards', text: 'a request without Max-Forwards; "A UAC MUST insert a Max-Forwards header field" (RFC 3261 §8.1.1.6), tolerated on receive' });
  }

  if (!startOk) return detail;
  const body = buf.subarray(bodyStart, bodyStart + bodyLength);
  detail.message = isRequest
    ? { kind: 'request', method, uri, version, headers, body }
    : { kind: 'response', status, reason, version, headers, body };
  return detail;
}
