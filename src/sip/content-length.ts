import { isDigit, isWsp } from './chars.js';

/**
 * Content-Length (RFC 3261 §20.14): `Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT`.
 * Returns the length, or null when the value is not digits (e.g. `-999`, RFC 4475 §3.1.2.3)
 * or too large to be a byte count (more than 15 digits; such a body can never have arrived).
 */
export function parseContentLength(value: string): number | null {
  let s = 0;
  let e = value.length;
  while (s < e && isWsp(value.charCodeAt(s))) s++;
  while (e > s && isWsp(value.charCodeAt(e - 1))) e--;
  if (s === e) return null;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = value.charCodeAt(i);
    if (!isDigit(c)) return null;
    n = n * 10 + (c - 0x30);
  }
  return Number.isSafeInteger(n) ? n : null;
}
