import { parseDigits } from './digits.js';

/**
 * Content-Length (RFC 3261 §20.14): `Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT`.
 * Returns the length, or null when the value is not digits (e.g. `-999`, RFC 4475 §3.1.2.3)
 * or too large to be a byte count (more than 15 digits; such a body can never have arrived).
 */
export function parseContentLength(value: string): number | null {
  return parseDigits(value, Number.MAX_SAFE_INTEGER);
}
