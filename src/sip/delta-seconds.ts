import { parseDigits } from './digits.js';

/** The largest delta-seconds value: Expires is "an integral number of seconds (in decimal)
 *  between 0 and (2**32)-1" (RFC 3261 §20.19). */
export const DELTA_SECONDS_MAX = 2 ** 32 - 1;

/**
 * `delta-seconds = 1*DIGIT` (RFC 3261 §25.1) in `[start, end)`, surrounding whitespace
 * allowed. Null when not digits or above 2**32-1 (RFC 4475 §3.1.2.4 treats larger values as
 * invalid).
 */
export function parseDeltaSeconds(text: string, start = 0, end = text.length): number | null {
  return parseDigits(text, DELTA_SECONDS_MAX, start, end);
}
