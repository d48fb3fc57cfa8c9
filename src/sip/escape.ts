import { Buffer, isUtf8 } from 'node:buffer';
import { hexValue } from './chars.js';

/**
 * `%HEX HEX` escaping in SIP URIs (RFC 3261 §19.1.2, §25.1 `escaped = "%" HEXDIG HEXDIG`).
 *
 * > "the characters … when not used for their reserved purpose … MUST be escaped"
 * > (RFC 3261 §19.1.2, via RFC 2396). Comparison decodes escapes (§19.1.4).
 *
 * Decoding is done exactly once (RFC 4475 §3.1.1.3: `%25%34%31` decodes to `%41`, not `A`).
 * Escaped octets are read as UTF-8 when they form valid UTF-8, otherwise one char per octet
 * (latin1), so nothing is lost; `%00` gives a NUL char and never truncates (RFC 4475 §3.1.1.4).
 */

/** True when every `%` in `text[start, end)` starts a valid `%XX` escape. */
export function validEscapes(text: string, start = 0, end = text.length): boolean {
  for (let i = text.indexOf('%', start); i >= 0 && i < end; i = text.indexOf('%', i + 1)) {
    if (i + 2 >= end) return false;
    if (hexValue(text.charCodeAt(i + 1)) < 0 || hexValue(text.charCodeAt(i + 2)) < 0) return false;
  }
  return true;
}

/** Decodes `%XX` escapes. Assumes `validEscapes`; an invalid `%` is kept literally. */
export function unescapeText(text: string): string {
  if (text.indexOf('%') < 0) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length) {
      const h = hexValue(text.charCodeAt(i + 1));
      const l = hexValue(text.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        bytes.push(h * 16 + l);
        i += 2;
        continue;
      }
    }
    if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(text[i], 'utf8')) bytes.push(b);
  }
  const buf = Buffer.from(bytes);
  return isUtf8(buf) ? buf.toString('utf8') : buf.toString('latin1');
}

const HEX = '0123456789ABCDEF';

/** Escapes every char of `text` whose code is not marked in `allowed` (UTF-8 octets). */
export function escapeText(text: string, allowed: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || allowed[c] !== 1) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    if (b < 128 && allowed[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}
