import { isTokenChar, isWsp } from './chars.js';
import { findParam, parseParams, paramsDefect, type Params } from './params.js';
import { parseUri, type SipUri } from './uri.js';

/**
 * name-addr and addr-spec with header parameters: the value shape of From, To, Contact,
 * Route, Record-Route, Reply-To (RFC 3261 §20.10, §20.20, §20.39, §25.1).
 *
 * ```
 * from-spec    = ( name-addr / addr-spec ) *( SEMI from-param )
 * name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 * display-name = *(token LWS) / quoted-string
 * ```
 *
 * > "Even if the "display-name" is empty, the "name-addr" form MUST be used if the
 * > "addr-spec" contains a comma, semicolon, or question mark." (RFC 3261 §20.10)
 *
 * In the addr-spec form every `;param` after the URI belongs to the header, not the URI
 * (RFC 3261 §20.10; RFC 4475 §3.3.12). `parseNameAddr` is tolerant: it accepts a display name
 * glued to `<` (RFC 4475 §3.1.1.6 says to) and, like a liberal element may, spaces inside the
 * brackets or a comma in an unquoted display name; `checkNameAddr` names those defects.
 */
export interface NameAddr {
  /** Unquoted display name (quoted-pairs resolved), when one was written. */
  displayName?: string;
  /** The URI text as written (without `<>` and surrounding whitespace). */
  uriText: string;
  /** The parsed URI for sip/sips/tel; null for other schemes or a malformed URI. */
  uri: SipUri | null;
  /** True when written in name-addr form (`<…>`). */
  bracketed: boolean;
  /** Header parameters (tag, expires, q, …): names lower case. */
  params: Params;
  /** The `tag` parameter (RFC 3261 §19.3), when present with a value. */
  tag?: string;
}

export type NameAddrDefectCode =
  | 'empty'
  | 'unterminated-quote'
  | 'missing-laquot'
  | 'missing-raquot'
  | 'display-name-not-token'
  | 'lws-in-addr-spec'
  | 'addr-spec-needs-brackets'
  | 'bad-parameter'
  | 'bad-uri';

export interface NameAddrDefect {
  code: NameAddrDefectCode;
  text: string;
}

/** Reads a quoted-string starting at `text[i] === '"'`; returns [value, index after] or null. */
function readQuoted(text: string, i: number): [string, number] | null {
  let out = '';
  let s = ++i;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      out += text.slice(s, i);
      s = i + 1;
      i += 2;
      continue;
    }
    if (c === 0x22) return [out + text.slice(s, i), i + 1];
    i++;
  }
  return null;
}

/** Parses and checks one value; `value` is null only when no URI can be found at all. */
export function checkNameAddr(text: string): { value: NameAddr | null; defects: NameAddrDefect[] } {
  const defects: NameAddrDefect[] = [];
  let s = 0;
  let e = text.length;
  while (s < e && isWsp(text.charCodeAt(s))) s++;
  while (e > s && isWsp(text.charCodeAt(e - 1))) e--;
  if (s === e) return { value: null, defects: [{ code: 'empty', text: 'empty value' }] };

  let displayName: string | undefined;
  let uriText: string;
  let paramsStart: number;
  let bracketed = false;
  let lt = -1;
  if (text.charCodeAt(s) === 0x22) {
    const q = readQuoted(text, s);
    if (!q || q[1] > e) {
      defects.push({ code: 'unterminated-quote', text: 'the display name opens a quote that is never closed (RFC 3261 §25.1 quoted-string)' });
      return { value: null, defects };
    }
    displayName = q[0];
    let i = q[1];
    while (i < e && isWsp(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3c) {
      defects.push({ code: 'missing-laquot', text: 'a quoted display name must be followed by "<" addr-spec ">" (RFC 3261 §20.10)' });
      return { value: null, defects };
    }
    lt = i;
  } else {
    const i = text.indexOf('<', s);
    if (i >= 0 && i < e) {
      const colon = text.indexOf(':', s);
      if (colon < 0 || colon > i) lt = i;
    }
    if (lt > s) {
      let de = lt;
      while (de > s && isWsp(text.charCodeAt(de - 1))) de--;
      displayName = text.slice(s, de);
      for (let k = s; k < de; k++) {
        const c = text.charCodeAt(k);
        if (!isTokenChar(c) && !isWsp(c)) {
          defects.push({
            code: 'display-name-not-token',
            text: `unquoted display name "${displayName}" contains "${text[k]}", which is not a token character; it must be a quoted-string (RFC 3261 §25.1 display-name)`,
          });
          break;
        }
      }
    }
  }

  if (lt >= 0) {
    bracketed = true;
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0 || gt >= e) {
      defects.push({ code: 'missing-raquot', text: 'no ">" closes the addr-spec (RFC 3261 §25.1 name-addr)' });
      return { value: null, defects };
    }
    const raw = text.slice(lt + 1, gt);
    uriText = raw.trim();
    if (uriText !== raw) {
      defects.push({ code: 'lws-in-addr-spec', text: 'whitespace inside "<" ">" around the addr-spec is not allowed (RFC 3261 §25.1; RFC 4475 §3.1.2.14)' });
    }
    paramsStart = gt + 1;
  } else {
    let semi = text.indexOf(';', s);
    if (semi < 0 || semi > e) semi = e;
    uriText = text.slice(s, semi).trim();
    paramsStart = semi;
    for (let k = 0; k < uriText.length; k++) {
      const c = uriText.charCodeAt(k);
      if (c === 0x3f || c === 0x2c) {
        defects.push({
          code: 'addr-spec-needs-brackets',
          text: `the URI contains "${uriText[k]}" so it must be written in name-addr form "<…>" (RFC 3261 §20.10; RFC 4475 §3.1.2.13)`,
        });
        break;
      }
      if (isWsp(c)) {
        defects.push({ code: 'lws-in-addr-spec', text: 'whitespace inside the addr-spec (RFC 3261 §25.1)' });
        break;
      }
    }
  }

  if (uriText.length === 0) {
    defects.push({ code: 'empty', text: 'no URI' });
    return { value: null, defects };
  }
  const pd = paramsDefect(text, paramsStart, e);
  if (pd) defects.push({ code: 'bad-parameter', text: `${pd} (RFC 3261 §25.1 generic-param)` });
  const params = parseParams(text, paramsStart, e);
  const uri = parseUri(uriText);
  if (!uri && /^(sips?|tel):/i.test(uriText)) {
    defects.push({ code: 'bad-uri', text: `"${uriText}" is not a well-formed ${uriText.slice(0, uriText.indexOf(':')).toLowerCase()} URI (RFC 3261 §19.1)` });
  }
  const value: NameAddr = { uriText, uri, bracketed, params };
  if (displayName !== undefined && displayName !== '') value.displayName = displayName;
  const tag = params.get('tag');
  if (tag) value.tag = tag;
  return { value, defects };
}

/** Parses a From/To/Contact/Route value (tolerant; see `checkNameAddr` for the defects). */
export function parseNameAddr(text: string): NameAddr | null {
  return checkNameAddr(text).value;
}

/** Writes a name-addr back, always in `<…>` form, display name quoted when not a token list. */
export function formatNameAddr(na: Pick<NameAddr, 'displayName' | 'uriText' | 'params'>): string {
  let out = '';
  if (na.displayName !== undefined && na.displayName !== '') {
    out += `"${na.displayName.replace(/(["\\])/g, '\\$1')}" `;
  }
  out += `<${na.uriText}>`;
  for (const [k, v] of na.params) {
    if (v === null) out += `;${k}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~:\[\]]+$/.test(v)) out += `;${k}=${v}`;
    else out += `;${k}="${v.replace(/(["\\])/g, '\\$1')}"`;
  }
  return out;
}

/**
 * The `tag` of a From/To value, fast (no URI parse): params start after the `>` of the
 * name-addr, or at the first `;` of an addr-spec. Undefined when absent or empty.
 */
export function tagOf(value: string): string | undefined {
  let from = 0;
  let i = 0;
  const n = value.length;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  if (value.charCodeAt(i) === 0x22) {
    // skip the quoted display name (quoted-pairs included) without building it
    i++;
    while (i < n && value.charCodeAt(i) !== 0x22) i += value.charCodeAt(i) === 0x5c ? 2 : 1;
    if (i >= n) return undefined;
    i++;
  }
  const lt = value.indexOf('<', i);
  if (lt >= 0) {
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    from = gt + 1;
  } else from = i;
  const tag = findParam(value, 'tag', from);
  return tag ? tag : undefined;
}
