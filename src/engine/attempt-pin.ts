/**
 * What one attempt of a run is pinned to when RFC 3263 chose the target (src/engine/failover.ts):
 * the address and port to send to, and the ids that stay the same from one target to the next.
 * RFC 3263 §4.3: "the client SHOULD create a new request, which is identical to the previous,
 * but has a different value of the Via branch ID than the previous (and therefore constitutes
 * a new SIP transaction)": same Call-ID and From tag, a new branch (each context makes its own).
 */
export interface AttemptPin {
  /** An IP literal, without brackets. */
  address: string;
  port: number;
  callId: string;
  localTag: string;
}
