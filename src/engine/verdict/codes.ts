/**
 * The `code` of the `note` events the engine emits for findings the verdict analysis reads
 * (docs/verdicts.md). Stable: programs may match on them.
 */
export const NOTE_CODE = {
  /** A response arrived at the Via sent-by port, not at the port the request left from. */
  rportIgnored: 'rport-ignored',
  /** A request over 1300 bytes went out on UDP because the user forced UDP. */
  oversizeUdp: 'oversize-udp',
  /** A request over 1300 bytes made sipcall switch from UDP to TCP (RFC 3261 §18.1.1). */
  oversizeSwitch: 'oversize-switch',
  /** With --keep-trying, an ICMP error that did not end the transaction. */
  icmpKeepTrying: 'icmp-keep-trying',
} as const;
