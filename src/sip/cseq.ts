import { isDigit, isTokenChar, isWsp } from './chars.js';

/** CSeq (RFC 3261 §20.16): a sequence number and the request method. */
export interface CSeq {
  seq: number;
  method: string;
}

/** The largest CSeq number we send: "MUST be expressible as a 32-bit unsigned integer and MUST
 *  be less than 2**31" (RFC 3261 §8.1.1.5). */
export const CSEQ_MAX = 2 ** 31 - 1;

/** The largest CSeq number we accept on receive: "The sequence number MUST be expressible as a
 *  32-bit unsigned integer" (RFC 3261 §8.1.1.5); the 2**31 bound is on the *initial* value
 *  only, and later requests of a dialog may count past it. RFC 4475 §3.1.2.4/§3.1.2.5: a value
 *  above 2**32-1 makes the message invalid. */
export const CSEQ_RECEIVE_MAX = 2 ** 32 - 1;

/**
 * Parses `4711 INVITE` (`CSeq = "CSeq" HCOLON 1*DIGIT LWS Method`); `null` when malformed or
 * above 2**32-1. Leading zeros are allowed (RFC 4475 §3.1.1.1 `cseq: 0009`). One pass, no regex.
 */
export function parseCSeq(value: string): CSeq | null {
  const n = value.length;
  let i = 0;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  const ds = i;
  while (i < n && value.charCodeAt(i) === 0x30) i++; // leading zeros
  const sig = i;
  while (i < n && isDigit(value.charCodeAt(i))) i++;
  if (i === ds || i - sig > 10) return null;
  const seq = sig === i ? 0 : Number(value.slice(sig, i));
  if (seq > CSEQ_RECEIVE_MAX) return null;
  const ws = i;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  if (i === ws) return null;
  const ms = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  if (i === ms) return null;
  const me = i;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  if (i !== n) return null;
  return { seq, method: value.slice(ms, me) };
}
