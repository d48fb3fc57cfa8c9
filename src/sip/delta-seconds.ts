import { isDigit, isWsp } from './chars.js';

/** The largest delta-seconds value: Expires is "an integral number of seconds (in decimal)
 *  between 0 and (2**32)-1" (RFC 3261 §20.19). */
export const DELTA_SECONDS_MAX = 2 ** 32 - 1;

/**
 * `delta-seconds = 1*DIGIT` (RFC 3261 §25.1) in `[start, end)`, surrounding whitespace
 * allowed. Null when not digits or above 2**32-1 (RFC 4475 §3.1.2.4 treats larger values as
 * invalid).
 */
export function parseDeltaSeconds(text: string, start = 0, end = text.length): number | null {
  let s = start;
  let e = end;
  while (s < e && isWsp(text.charCodeAt(s))) s++;
  while (e > s && isWsp(text.charCodeAt(e - 1))) e--;
  if (s === e) return null;
  while (s < e - 1 && text.charCodeAt(s) === 0x30) s++;
  if (e - s > 10) return null;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return null;
    n = n * 10 + (c - 0x30);
  }
  return n <= DELTA_SECONDS_MAX ? n : null;
}
