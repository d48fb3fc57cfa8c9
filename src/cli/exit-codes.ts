/** Exit codes: the contract with scripts (README, docs/DESIGN.md). */
export const EXIT = {
  /** A 2xx final (a call answered, ACKed and ended cleanly), or every --expect met; `answer` stopped by Ctrl-C or --duration. */
  OK: 0,
  /** A final 3xx–6xx response arrived and no --expect said that was wanted. */
  FAILURE_RESPONSE: 1,
  /** Bad or missing argument, invalid URI, forbidden header value. */
  USAGE: 2,
  /** No final response (Timer B/F, ring timeout). */
  TIMEOUT: 3,
  /** ICMP unreachable, connection refused, TLS or DNS failure. */
  TRANSPORT: 4,
  /** An --expect was not met. */
  EXPECTATION: 5,
  /** The call was answered but its media failed (no RTP, one-way audio, no common codec…; docs/media.md). */
  MEDIA: 6,
  /** A bug in sipcall. */
  INTERNAL: 70,
  /** Ctrl-C, after CANCEL or BYE was sent as due. Not `answer`: Ctrl-C is how it stops (OK). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
