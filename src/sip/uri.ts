import { HNV_CHARS, PARAM_CHARS, PASSWORD_CHARS, USER_CHARS, isDigit } from './chars.js';
import { escapeText, unescapeText } from './escape.js';
import { classifyHost, type HostType } from './host.js';
import type { Params } from './params.js';

/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966).
 *
 * ```
 * SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 * userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 * hostport = host [ ":" port ]
 * uri-parameters = *( ";" uri-parameter )
 * headers  = "?" header *( "&" header )
 * ```
 *
 * User, password, parameter and header names and values are stored **unescaped** (decoded
 * exactly once, RFC 4475 §3.1.1.3); `formatUri` escapes what the grammar requires. Parameter
 * names are stored in lower case ("parameter names … are case-insensitive", §19.1.4).
 */
export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  /** The user part (sip/sips), or the telephone-subscriber number (tel). Unescaped. */
  user?: string;
  /** The password, when the userinfo has `:` (deprecated, §19.1.1 "NOT RECOMMENDED"). */
  password?: string;
  /** The host; an IPv6 reference keeps its brackets. `''` for tel URIs. */
  host: string;
  hostType?: HostType;
  port?: number;
  /** uri-parameters (for tel: the `;par` list). Names lower case; `null` when valueless. */
  params: Params;
  /** `?h=v&…` header components in order, unescaped. */
  headers: Array<[string, string]>;
}

const SCHEMES: Readonly<Record<string, SipUri['scheme']>> = { sip: 'sip', sips: 'sips', tel: 'tel' };

/** True when every char of `text[start,end)` is in `allowed` or starts a valid `%XX` escape. */
function charsOk(text: string, start: number, end: number, allowed: Uint8Array): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && allowed[c] === 1) continue;
    if (c === 0x25 && i + 2 < end && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Parses `;a=b;c` up to `end` into `params`; false on an empty name or a bad char. */
function parseUriParams(text: string, start: number, end: number, params: Params | null): boolean {
  let i = start;
  while (i < end) {
    // text[i] === ';'
    let j = text.indexOf(';', i + 1);
    if (j < 0 || j > end) j = end;
    let nameEnd = i + 1;
    while (nameEnd < j && text.charCodeAt(nameEnd) !== 0x3d) nameEnd++;
    if (nameEnd === i + 1) return false;
    if (!charsOk(text, i + 1, nameEnd, PARAM_CHARS)) return false;
    if (nameEnd < j && !charsOk(text, nameEnd + 1, j, PARAM_CHARS)) return false;
    if (params !== null) {
      const name = unescapeText(text.slice(i + 1, nameEnd)).toLowerCase();
      params.set(name, nameEnd < j ? unescapeText(text.slice(nameEnd + 1, j)) : null);
    }
    i = j;
  }
  return true;
}

function parseUriHeaders(text: string, start: number, end: number, out: Array<[string, string]> | null): boolean {
  let i = start; // after '?'
  while (i <= end) {
    let j = text.indexOf('&', i);
    if (j < 0 || j > end) j = end;
    let eq = i;
    while (eq < j && text.charCodeAt(eq) !== 0x3d) eq++;
    if (eq >= j || eq === i) return false;
    if (!charsOk(text, i, eq, HNV_CHARS) || !charsOk(text, eq + 1, j, HNV_CHARS)) return false;
    if (out !== null) out.push([unescapeText(text.slice(i, eq)), unescapeText(text.slice(eq + 1, j))]);
    i = j + 1;
    if (j === end) break;
  }
  return true;
}

/** tel URI (RFC 3966 §3), read loosely: `tel:` number chars, then `;params`. */
function parseTel(text: string, start: number, build: boolean): SipUri | null {
  let end = text.indexOf(';', start);
  if (end < 0) end = text.length;
  if (end === start) return null;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = isHex(c) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29 || c === 0x2a || c === 0x23;
    if (!ok) return null;
  }
  const params: Params | null = build ? new Map() : null;
  if (!parseUriParams(text, end, text.length, params)) return null;
  return build ? { scheme: 'tel', user: text.slice(start, end), host: '', params: params ?? new Map(), headers: [] } : VALID;
}

/**
 * Parses a sip:, sips: or tel: URI. Returns null for any other scheme or when the text does
 * not follow the grammar (e.g. `sip:2001:db8::10`, an IPv6 address without brackets, RFC 5118
 * §4.2). Never throws; linear.
 */
export function parseUri(text: string): SipUri | null {
  return readUri(text, true);
}

/** True when `text` is a well-formed sip:, sips: or tel: URI (`parseUri` without building it). */
export function isValidUri(text: string): boolean {
  return readUri(text, false) !== null;
}

/** What `readUri` returns for a valid URI when asked not to build it. */
const VALID: SipUri = { scheme: 'sip', host: '', params: new Map(), headers: [] };

function readUri(text: string, build: boolean): SipUri | null {
  const colon = text.indexOf(':');
  if (colon < 3 || colon > 4) return null;
  const scheme = SCHEMES[text.slice(0, colon).toLowerCase()];
  if (!scheme) return null;
  const start = colon + 1;
  if (scheme === 'tel') return parseTel(text, start, build);

  // '@' cannot occur unescaped anywhere after the userinfo (§25.1), so the first one ends it.
  const at = text.indexOf('@', start);
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = start;
  if (at >= 0) {
    let pw = text.indexOf(':', start);
    if (pw > at) pw = -1;
    const userEnd = pw >= 0 ? pw : at;
    if (userEnd === start) return null;
    if (!charsOk(text, start, userEnd, USER_CHARS)) return null;
    if (build) user = unescapeText(text.slice(start, userEnd));
    if (pw >= 0) {
      if (!charsOk(text, pw + 1, at, PASSWORD_CHARS)) return null;
      if (build) password = unescapeText(text.slice(pw + 1, at));
    }
    hostStart = at + 1;
  }

  // hostport ends at ';' or '?' (an IPv6 reference first runs to its ']').
  let i = hostStart;
  if (text.charCodeAt(i) === 0x5b) {
    const close = text.indexOf(']', i);
    if (close < 0) return null;
    i = close + 1;
  } else {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x3a || c === 0x3b || c === 0x3f) break;
      i++;
    }
  }
  const host = text.slice(hostStart, i);
  const hostType = classifyHost(host);
  if (!hostType) return null;
  let port: number | undefined;
  if (text.charCodeAt(i) === 0x3a) {
    const ps = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === ps || i - ps > 5) return null;
    port = Number(text.slice(ps, i));
    if (port > 65535) return null;
  }
  const params: Params | null = build ? new Map() : null;
  const headers: Array<[string, string]> | null = build ? [] : null;
  if (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x3b && c !== 0x3f) return null;
    let q = text.indexOf('?', i);
    if (q < 0) q = text.length;
    if (!parseUriParams(text, i, q, params)) return null;
    if (q < text.length && !parseUriHeaders(text, q + 1, text.length, headers)) return null;
  }
  if (params === null || headers === null) return VALID;
  const uri: SipUri = { scheme, host, hostType, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  return uri;
}

/** Writes a URI back, escaping user, password, parameters and headers as §25.1 requires. */
export function formatUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.scheme === 'tel') {
    out += uri.user ?? '';
  } else {
    if (uri.user !== undefined) {
      out += escapeText(uri.user, USER_CHARS);
      if (uri.password !== undefined) out += ':' + escapeText(uri.password, PASSWORD_CHARS);
      out += '@';
    }
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
  }
  for (const [k, v] of uri.params) {
    out += ';' + escapeText(k, PARAM_CHARS);
    if (v !== null) out += '=' + escapeText(v, PARAM_CHARS);
  }
  if (uri.headers.length > 0) {
    out += '?' + uri.headers.map(([k, v]) => `${escapeText(k, HNV_CHARS)}=${escapeText(v, HNV_CHARS)}`).join('&');
  }
  return out;
}
