/** What `answer --load` counts (docs/answer-load.md); read once a second by the CLI. */
export interface LoadCounters {
  /** New INVITEs (first copies). */
  invites: number;
  /** 2xx final responses sent (first copies): calls answered. */
  answered: number;
  /** Non-2xx finals to INVITEs (--respond, 487 after CANCEL, 488 for an unusable offer). */
  rejected: number;
  /** ACKs of our 2xx (first copies). */
  acks: number;
  /** BYEs answered 200 (first copies). */
  byes: number;
  cancels: number;
  /** re-INVITEs in a dialog of the load path (first copies), whatever the answer (§14.2). */
  reinvites: number;
  /**
   * Other requests in a dialog of the load path: UPDATE, INFO, OPTIONS, … (§12.2.2); a copy
   * of one is answered again and counted again (nothing is kept for them).
   */
  inDialog: number;
  /** Merged requests answered 482 Loop Detected (RFC 3261 §8.2.2.2). */
  merged: number;
  /** Re-sent requests recognised by their transaction (INVITE, BYE, CANCEL, ACK copies). */
  absorbed: number;
  /** Responses sent again: 2xx (§13.3.1.4), Timer G, and for re-sent requests. */
  resent: number;
  /** Finals never ACKed within 64·T1 (Timer H, or the 2xx give-up of §13.3.1.4). */
  noAck: number;
  /** Messages the load path left to the full parser and server transactions. */
  fullPath: number;
  /** Calls whose state is kept now (ringing, waiting for ACK, confirmed, or lingering). */
  live: number;
  /**
   * The UDP socket's SO_RCVBUF and SO_SNDBUF as the kernel granted them (Linux reports twice
   * the size it was asked for, capped at net.core.rmem_max / wmem_max); absent when unknown.
   */
  rcvbuf?: number;
  sndbuf?: number;
}

export function newCounters(): LoadCounters {
  return { invites: 0, answered: 0, rejected: 0, acks: 0, byes: 0, cancels: 0, reinvites: 0, inDialog: 0, merged: 0, absorbed: 0, resent: 0, noAck: 0, fullPath: 0, live: 0 };
}
