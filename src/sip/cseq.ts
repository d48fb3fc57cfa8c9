/** CSeq (RFC 3261 §20.16): a sequence number and the request method. */
export interface CSeq {
  seq: number;
  method: string;
}

/** The largest CSeq number: "MUST be expressible as a 32-bit unsigned integer and MUST be less
 *  than 2**31" (RFC 3261 §8.1.1.5). */
export const CSEQ_MAX = 2 ** 31 - 1;

/** Parses `4711 INVITE`; `null` when malformed or out of range. Leading zeros are allowed. */
export function parseCSeq(value: string): CSeq | null {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (!m) return null;
  const seq = Number(m[1]);
  if (seq > CSEQ_MAX) return null;
  return { seq, method: m[2] };
}
