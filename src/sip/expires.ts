import { parseDeltaSeconds } from './delta-seconds.js';

/**
 * Expires (RFC 3261 §20.19): `Expires = "Expires" HCOLON delta-seconds`, "between 0 and
 * (2**32)-1". Null when malformed or out of range (RFC 4475 §3.1.2.4).
 */
export function parseExpires(value: string): number | null {
  return parseDeltaSeconds(value);
}

/** Min-Expires (RFC 3261 §20.23): `Min-Expires = "Min-Expires" HCOLON delta-seconds`. */
export function parseMinExpires(value: string): number | null {
  return parseDeltaSeconds(value);
}
