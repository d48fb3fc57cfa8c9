/**
 * The `code` of the `note` events the engine emits for findings the verdict analysis reads
 * (docs/verdicts.md). Stable: programs may match on them.
 */
export const NOTE_CODE = {
  /** A response arrived at the Via sent-by port, not at the port the request left from. */
  rportIgnored: 'rport-ignored',
  /** A response reached our source port from another address or port than the target. */
  replyFromOtherAddress: 'reply-from-other-address',
  /** A request over 1300 bytes went out on UDP because the user forced UDP. */
  oversizeUdp: 'oversize-udp',
  /** A request over 1300 bytes made sipcall switch from UDP to TCP (RFC 3261 §18.1.1). */
  oversizeSwitch: 'oversize-switch',
  /** With --keep-trying, an ICMP error that did not end the transaction. */
  icmpKeepTrying: 'icmp-keep-trying',
  /** A 2xx to our INVITE whose Contact cannot be the remote target (RFC 3261 §12.1.2). */
  badContact: 'bad-contact',
  /** A 2xx to our INVITE whose Record-Route cannot be the route set (RFC 3261 §12.1.2). */
  badRecordRoute: 'bad-record-route',
  /** A 2xx for our INVITE that matched no transaction: ignored, no dialog (RFC 6026). */
  strayTwoHundred: 'stray-2xx',
} as const;
