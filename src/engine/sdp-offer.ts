/**
 * The minimal SDP offer sipcall sends with an INVITE (RFC 3264 §5, RFC 4566 §5): one audio
 * stream offering PCMU (0), PCMA (8) and telephone-event (101, RFC 4733).
 *
 * sipcall does not carry media yet: the offer names a port that nothing listens on, so a peer
 * that sends RTP gets nothing back. This is said in docs/engine.md; `--no-sdp` sends no body.
 */
export interface SdpOfferOptions {
  /** The address for `o=` and `c=`: an IPv4 or IPv6 literal (no brackets). */
  address: string;
  /** The RTP port for `m=audio` (even, RFC 3550 §11). */
  port: number;
  /** Session id and version for `o=` (RFC 4566 §5.2: "a numeric string"). */
  sessionId: string;
}

export function sdpOffer(opts: SdpOfferOptions): string {
  const family = opts.address.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=sipcall ${opts.sessionId} ${opts.sessionId} IN ${family} ${opts.address}`,
    's=sipcall',
    `c=IN ${family} ${opts.address}`,
    't=0 0',
    `m=audio ${opts.port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
  ];
  return lines.join('\r\n') + '\r\n';
}
