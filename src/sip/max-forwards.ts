import { parseDigits } from './digits.js';

/**
 * Max-Forwards (RFC 3261 §20.22): `Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT`;
 * "The Max-Forwards value is an integer in the range 0-255". Leading zeros are allowed
 * (RFC 4475 §3.1.1.1 `0068`). Null when malformed or above 255 (RFC 4475 §3.1.2.4).
 */
export function parseMaxForwards(value: string): number | null {
  return parseDigits(value, 255);
}
