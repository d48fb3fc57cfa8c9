import { isTokenChar } from './chars.js';

/**
 * Generic parameters: `;name=value` lists as used by Via, From/To, Contact and URIs
 * (RFC 3261 §25.1 `generic-param`, `uri-parameter`). Names are case-insensitive and stored in
 * lower case; a value may be a token, a host or a quoted string (kept with its quotes removed
 * and quoted-pairs resolved). A parameter without `=` has the value `null`.
 */
export type Params = Map<string, string | null>;

/**
 * Parses `;a=1;b;c="x;y"` (the leading `;` optional). Linear; never throws; a stray `;` is
 * skipped. Whitespace around `;` and `=` is allowed (RFC 3261 §7.3.1 LWS/SWS).
 */
export function parseParams(text: string, start = 0, end = text.length): Params {
  const params: Params = new Map();
  let i = start;
  while (i < end) {
    while (i < end && (text[i] === ';' || text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= end) break;
    const nameStart = i;
    while (i < end && text[i] !== '=' && text[i] !== ';') i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    let value: string | null = null;
    if (i < end && text[i] === '=') {
      i++;
      while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] === '"') {
        i++;
        let v = '';
        while (i < end && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < end) i++;
          v += text[i];
          i++;
        }
        i++; // closing quote
        value = v;
        while (i < end && text[i] !== ';') i++;
      } else {
        const vs = i;
        while (i < end && text[i] !== ';') i++;
        value = text.slice(vs, i).trim();
      }
    }
    if (name) params.set(name, value);
  }
  return params;
}

/** Writes params back as `;a=1;b` (values that need it are quoted). */
export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) {
    if (v === null) out += `;${k}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~:\[\]]*$/.test(v)) out += `;${k}=${v}`;
    else out += `;${k}="${v.replace(/(["\\])/g, '\\$1')}"`;
  }
  return out;
}

/**
 * Finds one parameter without building the whole map: scans `text` from `from` for
 * `;name[=value]` (name compared case-insensitively; pass it in lower case), stopping at the
 * end of the list element (a `,` outside quotes). Returns the value (quotes removed), `null`
 * when the parameter has no value, `undefined` when it is absent. Linear; never throws.
 * Used on hot paths (top Via branch, From/To tag).
 */
export function findParam(text: string, name: string, from = 0): string | null | undefined {
  const n = text.length;
  let i = from;
  // Skip to the first ';' of this element (nothing before it is quoted in Via/From/To).
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x3b) break;
    if (c === 0x2c) return undefined;
    i++;
  }
  while (i < n) {
    // text[i] === ';'
    i++;
    while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const ns = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x3d || c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
      i++;
    }
    let match = i - ns === name.length;
    for (let k = 0; match && k < name.length; k++) {
      let c = text.charCodeAt(ns + k);
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== name.charCodeAt(k)) match = false;
    }
    while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    let value: string | null = null;
    if (i < n && text.charCodeAt(i) === 0x3d) {
      i++;
      while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
      if (text.charCodeAt(i) === 0x22) {
        // quoted-string: resolve quoted-pairs only for the parameter asked for
        let v = '';
        let s = ++i;
        while (i < n && text.charCodeAt(i) !== 0x22) {
          if (text.charCodeAt(i) === 0x5c && i + 1 < n) {
            if (match) v += text.slice(s, i);
            s = ++i;
          }
          i++;
        }
        if (match) value = v + text.slice(s, i);
        i++;
      } else {
        const vs = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
          i++;
        }
        if (match) value = text.slice(vs, i);
      }
    }
    if (match) return value;
    // to the next ';' of this element
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x3b) break;
      if (c === 0x2c) return undefined;
      if (c === 0x22) {
        i++;
        while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      }
      i++;
    }
  }
  return undefined;
}

/**
 * Strict check of a `*( SEMI generic-param )` tail (RFC 3261 §25.1): every parameter needs a
 * token name; `;;` or a trailing `;` is an empty parameter (RFC 4475 §3.1.2.1). Returns a
 * description of the first defect, or null when the tail is well-formed.
 */
export function paramsDefect(text: string, start = 0, end = text.length): string | null {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (c !== 0x3b) return `unexpected "${text[i]}" where ";" should start a parameter`;
    i++;
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const ns = i;
    while (i < end && isTokenChar(text.charCodeAt(i))) i++;
    if (i === ns) return 'empty parameter (";" not followed by a name)';
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    if (i < end && text.charCodeAt(i) === 0x3d) {
      i++;
      while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
      if (text.charCodeAt(i) === 0x22) {
        i++;
        while (i < end && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
        if (i >= end) return 'unterminated quoted string in a parameter value';
        i++;
      } else {
        const vs = i;
        while (i < end && text.charCodeAt(i) !== 0x3b && text.charCodeAt(i) !== 0x20 && text.charCodeAt(i) !== 0x09) i++;
        if (i === vs) return 'parameter with "=" but no value';
      }
    }
  }
  return null;
}
