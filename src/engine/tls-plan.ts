/**
 * TLS settings of a run (TLS and WSS): how the server is authenticated, and how we are.
 * The CLI reads the files; the plan carries their PEM text, so the engine does no file I/O.
 */
export interface TlsPlan {
  /** `--ca FILE`: extra trusted CA certificates (PEM), added to the system roots. */
  ca?: string[];
  /** `--cert FILE` / `--key FILE`: our client certificate and key (PEM). */
  cert?: string;
  key?: string;
  /** `--insecure`: do not verify the server certificate (a warning on every run). */
  insecure: boolean;
  /**
   * The name sent in SNI (RFC 6066 §3) and matched against the certificate (RFC 5922 §7.2):
   * the target's host when it is a name; undefined for an IP address (the certificate must
   * then name the address).
   */
  servername?: string;
}

/** Transports sipcall can send requests over (RFC 3261 §18, RFC 7118). */
export type UacTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
