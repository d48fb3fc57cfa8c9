import { isDigit, isWsp } from './chars.js';

/**
 * Max-Forwards (RFC 3261 §20.22): `Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT`;
 * "The Max-Forwards value is an integer in the range 0-255". Leading zeros are allowed
 * (RFC 4475 §3.1.1.1 `0068`). Null when malformed or above 255 (RFC 4475 §3.1.2.4).
 */
export function parseMaxForwards(value: string): number | null {
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
    if (n > 255) return null;
  }
  return n;
}
