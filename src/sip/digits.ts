import { isDigit, isWsp } from './chars.js';

/**
 * `1*DIGIT` in `text[start, end)`, surrounding whitespace allowed, leading zeros allowed
 * (RFC 4475 §3.1.1.1). Null when empty, not all digits, or above `max`. One pass, stops as soon
 * as the value passes `max`, so a huge digit string costs nothing more.
 */
export function parseDigits(text: string, max: number, start = 0, end = text.length): number | null {
  let s = start;
  let e = end;
  while (s < e && isWsp(text.charCodeAt(s))) s++;
  while (e > s && isWsp(text.charCodeAt(e - 1))) e--;
  if (s === e) return null;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return null;
    n = n * 10 + (c - 0x30);
    if (n > max) return null;
  }
  return n;
}
