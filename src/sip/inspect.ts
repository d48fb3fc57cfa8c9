import { Buffer } from 'node:buffer';
import { parseAuthHeaders } from './auth-header.js';
import { parseContacts } from './contact.js';
import { parseContentType } from './content-type.js';
import { parseCSeq } from './cseq.js';
import { parseSipDate } from './date.js';
import { parseExpires, parseMinExpires } from './expires.js';
import { isIPv6Address } from './host.js';
import type { Headers } from './headers.js';
import { parseMaxForwards } from './max-forwards.js';
import { checkNameAddr, tagOf } from './name-addr.js';
import { findParam, paramsDefect } from './params.js';
import { parseMessageDetailed, type ParseOptions } from './parse.js';
import { parseProductList } from './product.js';
import { parseRetryAfter } from './retry-after.js';
import { splitHeaderListKeepEmpty } from './split-list.js';
import { parseTokenList } from './token-list.js';
import { parseUri, type SipUri } from './uri.js';
import { parseVia } from './via.js';
import { parseWarning } from './warning.js';

/**
 * `sipcall explain`: everything wrong with one message, in plain words.
 *
 * Errors are what makes a message invalid: all parse errors (see `SipParseError`), plus the
 * defects a deeper reading of the typed headers finds (RFC 4475 §3.1.2: unterminated quotes,
 * display names that are not tokens, spaces inside `<>`, a Date not in GMT, headers in a
 * Request-URI, empty parameters or list elements, overlarge scalars…). Warnings are valid but
 * suspicious things (parse problems, a missing tag, an RFC 5118 §4.10 three-colon IPv6
 * address…). Status-code meanings are not this module's business (src/sip/status.ts).
 */
export interface Finding {
  code: string;
  severity: 'error' | 'warning';
  text: string;
}

export interface MessageReport {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  /** Every finding as one line: `error <code>: <text>` or `warning <code>: <text>`. */
  problems: string[];
  findings: Finding[];
  kind: 'request' | 'response' | 'unknown';
  method?: string;
  status?: number;
  reason?: string;
  callId?: string;
  /** `101 INVITE`, as written when it could not be parsed. */
  cseq?: string;
  branch?: string;
  fromTag?: string;
  toTag?: string;
  startLine?: string;
}

export type InspectOptions = ParseOptions;

/** Inspects one message (bytes of a datagram or a paste). Never throws. */
export function inspectMessage(bytes: Uint8Array, opts?: InspectOptions): MessageReport {
  const findings: Finding[] = [];
  let buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A paste from a log often lost its CRs: read it as if they were there, and say so.
  if (buf.indexOf(13) < 0 && buf.indexOf(10) >= 0) {
    buf = Buffer.from(buf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    findings.push({ code: 'bare-lf-line-ends', severity: 'warning', text: 'lines end in LF only; read as CRLF (RFC 3261 §7 requires CRLF)' });
  }
  const d = parseMessageDetailed(buf, opts);
  for (const e of d.errors) findings.push({ code: e.code, severity: 'error', text: `${e.reason} (byte ${e.offset})` });
  for (const p of d.problems) findings.push({ code: p.code, severity: 'warning', text: p.text });

  const report: MessageReport = { valid: false, problems: [], findings, kind: d.kind };
  if (d.startLine !== undefined) report.startLine = d.startLine;
  const msg = d.message;
  if (msg) {
    if (msg.kind === 'request') report.method = msg.method;
    else {
      report.status = msg.status;
      report.reason = msg.reason;
    }
  }
  const h = d.headers;
  if (h) {
    const get = (k: string): string | undefined => h.fields.find((f) => f.key === k)?.value;
    const cid = get('call-id');
    if (cid !== undefined) report.callId = cid;
    const cs = get('cseq');
    if (cs !== undefined) {
      const p = parseCSeq(cs);
      report.cseq = p ? `${p.seq} ${p.method}` : cs;
    }
    const via = get('via');
    if (via !== undefined) {
      const b = findParam(via, 'branch');
      if (b) report.branch = b;
    }
    const from = get('from');
    const ft = from === undefined ? undefined : tagOf(from);
    if (ft) report.fromTag = ft;
    const to = get('to');
    const tt = to === undefined ? undefined : tagOf(to);
    if (tt) report.toTag = tt;

    checkHeaders(h, findings);
    if (msg?.kind === 'request') {
      checkRequestUri(msg.uri, findings);
      if (from !== undefined && !ft) {
        findings.push({ code: 'no-from-tag', severity: 'warning', text: 'From has no tag: "The From field MUST contain a new "tag" parameter" (RFC 3261 §8.1.1.3); RFC 2543 peers omit it' });
      }
    }
    if (msg?.kind === 'response') {
      if (msg.status > 100 && to !== undefined && !tt) {
        findings.push({ code: 'no-to-tag', severity: 'warning', text: `a ${msg.status} without a To tag: the UAS "MUST add a tag to the To header field in the response" except for 100 (RFC 3261 §8.2.6.2)` });
      }
      if (from !== undefined && !ft) {
        findings.push({ code: 'no-from-tag', severity: 'warning', text: 'From has no tag (RFC 3261 §8.1.1.3)' });
      }
    }
    if (msg && msg.body.length > 0 && !h.has('content-type')) {
      findings.push({ code: 'missing-content-type', severity: 'error', text: 'a body without Content-Type: "The Content-Type header field MUST be present if the body is not empty" (RFC 3261 §20.15)' });
    }
  }

  report.valid = msg !== null && !findings.some((f) => f.severity === 'error');
  report.problems = findings.map((f) => `${f.severity} ${f.code}: ${f.text}`);
  return report;
}

function checkUriHost(where: string, uri: SipUri, findings: Finding[]): void {
  if (uri.hostType === 'ipv6' && !isIPv6Address(uri.host.slice(1, -1))) {
    findings.push({
      code: 'ipv6-abnf-bug',
      severity: 'warning',
      text: `${where}: ${uri.host} is not a valid IPv6 address (RFC 4291) though the RFC 3261 ABNF admits it; tolerated as RFC 5118 §4.10 asks`,
    });
  }
}

function checkRequestUri(text: string, findings: Finding[]): void {
  const uri = parseUri(text);
  if (!uri) return;
  if (uri.headers.length > 0) {
    findings.push({
      code: 'headers-in-request-uri',
      severity: 'error',
      text: 'the Request-URI carries "?header" components, which are not allowed there (RFC 3261 §19.1.1 table; RFC 4475 §3.1.2.11)',
    });
  }
  checkUriHost('Request-URI', uri, findings);
}

/** From, To, Contact, Route, Record-Route and the scalar headers, read with their typed parsers. */
function checkHeaders(h: Headers, findings: Finding[]): void {
  const err = (code: string, text: string): void => {
    findings.push({ code, severity: 'error', text });
  };
  const rows = (k: string): string[] => h.fields.filter((f) => f.key === k).map((f) => f.value);
  const elements = (name: string, k: string): string[] => {
    const out: string[] = [];
    for (const row of rows(k)) {
      const parts = splitHeaderListKeepEmpty(row);
      if (parts.some((p) => p === '')) err('empty-list-element', `${name}: an empty element between commas in "${row}" (RFC 3261 §7.3.1; RFC 4475 §3.1.2.1)`);
      for (const p of parts) if (p !== '') out.push(p);
    }
    return out;
  };

  for (const v of elements('Via', 'via')) {
    const via = parseVia(v);
    if (!via) {
      err('bad-via', `Via "${v}" is not sent-protocol LWS sent-by *(SEMI via-params) (RFC 3261 §20.42)`);
      continue;
    }
    const semi = v.indexOf(';');
    const pd = semi < 0 ? null : paramsDefect(v, semi);
    if (pd) err('bad-via', `Via "${v}": ${pd} (RFC 3261 §25.1 via-params; RFC 4475 §3.1.2.1)`);
    if (via.protocol !== 'SIP/2.0') err('bad-version', `Via "${v}" has protocol ${via.protocol}; only SIP/2.0 is understood (RFC 3261 §20.42)`);
  }

  for (const [name, k] of [['From', 'from'], ['To', 'to']] as const) {
    for (const v of rows(k)) {
      const { value, defects } = checkNameAddr(v);
      for (const d of defects) err(d.code, `${name}: ${d.text}`);
      if (value?.uri) checkUriHost(name, value.uri, findings);
    }
  }
  for (const [name, k] of [['Route', 'route'], ['Record-Route', 'record-route']] as const) {
    for (const v of elements(name, k)) {
      const { value, defects } = checkNameAddr(v);
      for (const d of defects) err(d.code, `${name}: ${d.text}`);
      if (value && !value.bracketed) err('addr-spec-needs-brackets', `${name} "${v}" must be a name-addr in "<>" (RFC 3261 §20.30, §20.34)`);
    }
  }
  const contacts = parseContacts(elements('Contact', 'contact'));
  for (const p of contacts.problems) err(p.code, p.text);
  for (const c of contacts.contacts) if (c.uri) checkUriHost('Contact', c.uri, findings);

  const mf = rows('max-forwards');
  if (mf.length > 1) err('duplicate-header', 'Max-Forwards appears more than once (RFC 3261 §20.22; RFC 4475 §3.3.8)');
  for (const v of mf) if (parseMaxForwards(v) === null) err('bad-max-forwards', `Max-Forwards "${v}" is not an integer 0-255 (RFC 3261 §20.22; RFC 4475 §3.1.2.4)`);
  for (const v of rows('expires')) if (parseExpires(v) === null) err('bad-expires', `Expires "${v}" is not delta-seconds 0-(2**32)-1 (RFC 3261 §20.19; RFC 4475 §3.1.2.4)`);
  for (const v of rows('min-expires')) if (parseMinExpires(v) === null) err('bad-min-expires', `Min-Expires "${v}" is not delta-seconds (RFC 3261 §20.23)`);
  for (const v of rows('retry-after')) if (parseRetryAfter(v) === null) err('bad-retry-after', `Retry-After "${v}" is not delta-seconds [comment] *(;param) with values up to 2**32-1 (RFC 3261 §20.33; RFC 4475 §3.1.2.5)`);
  for (const v of elements('Warning', 'warning')) if (parseWarning(v) === null) err('bad-warning', `Warning "${v}" is not 3DIGIT SP agent SP "text" (RFC 3261 §20.43; RFC 4475 §3.1.2.5)`);
  for (const v of rows('date')) if (parseSipDate(v) === null) err('bad-date', `Date "${v}" is not an RFC 1123 date in GMT: "SIP-date … restricts the time zone … to GMT" (RFC 3261 §20.17; RFC 4475 §3.1.2.12)`);
  const ct = rows('content-type');
  if (ct.length > 1) err('duplicate-header', 'Content-Type appears more than once (RFC 3261 §20.15)');
  for (const v of ct) if (parseContentType(v) === null) err('bad-content-type', `Content-Type "${v}" is not type/subtype *(;param) (RFC 3261 §20.15)`);
  for (const [name, k] of [['Allow', 'allow'], ['Supported', 'supported'], ['Require', 'require'], ['Proxy-Require', 'proxy-require']] as const) {
    const r = rows(k);
    if (r.length > 0 && parseTokenList(r) === null) err('bad-token-list', `${name} "${r.join(', ')}" is not a comma-separated list of tokens (RFC 3261 §25.1)`);
  }
  for (const [name, k] of [['Server', 'server'], ['User-Agent', 'user-agent']] as const) {
    for (const v of rows(k)) {
      if (parseProductList(v) === null) findings.push({ code: 'bad-product', severity: 'warning', text: `${name} "${v}" is not product[/version] or (comment) (RFC 3261 §20.35, §20.41)` });
    }
  }
  for (const [name, k] of [
    ['WWW-Authenticate', 'www-authenticate'],
    ['Proxy-Authenticate', 'proxy-authenticate'],
    ['Authorization', 'authorization'],
    ['Proxy-Authorization', 'proxy-authorization'],
  ] as const) {
    for (const v of rows(k)) if (parseAuthHeaders(v) === null) err('bad-auth-header', `${name} "${v}" is not scheme LWS param=value *(, param=value) (RFC 3261 §25.1)`);
  }
}

/**
 * Splits several messages pasted from a log into one buffer each. Messages are separated by
 * blank lines; when a message has a Content-Length (and CRLF line ends), that many body bytes
 * are taken even if they contain blank lines. Without one, the body runs to the next blank
 * line or to a line that looks like a start line. Leading blank lines are skipped. A
 * Content-Length larger than what follows takes the rest of the text.
 */
export function splitMessages(text: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const n = text.length;
  let pos = 0;
  const isBlankByte = (b: number): boolean => b === 13 || b === 10 || b === 32 || b === 9;
  while (pos < n) {
    // skip blank lines (and stray whitespace between messages)
    while (pos < n && isBlankByte(text[pos])) pos++;
    if (pos >= n) break;
    let he = text.indexOf('\r\n\r\n', pos);
    let sep = 4;
    const he2 = text.indexOf('\n\n', pos);
    if (he2 >= 0 && (he < 0 || he2 < he)) {
      he = he2;
      sep = 2;
    }
    if (he < 0) {
      out.push(text.subarray(pos));
      break;
    }
    const bodyStart = he + sep;
    const cl = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r?$/im.exec(text.toString('latin1', pos, he));
    let end: number;
    if (cl && sep === 4) {
      end = Math.min(n, bodyStart + Number(cl[1]));
    } else {
      end = bodyStart;
      while (end < n) {
        let le = text.indexOf(10, end);
        if (le < 0) le = n - 1;
        const line = text.toString('latin1', end, le + 1).replace(/\r?\n$/, '');
        if (line.trim() === '' || looksLikeStartLine(line)) break;
        end = le + 1;
      }
    }
    out.push(text.subarray(pos, end));
    pos = Math.max(end, pos + 1);
  }
  return out;
}

function looksLikeStartLine(line: string): boolean {
  return /^SIP\/\d+\.\d+ \d{3}( |$)/i.test(line) || /^[A-Za-z][A-Za-z0-9\-.!%*_+`'~]* \S+ SIP\/\d+\.\d+$/i.test(line);
}
