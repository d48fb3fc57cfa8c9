import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { SeenCertificate } from './tls-errors.js';

/** The server certificate as shown to the user. */
export interface CertificateInfo {
  /** `CN=sip.example.com, O=Example` */
  subject: string;
  issuer: string;
  /** As OpenSSL prints it, e.g. `Jan  1 00:00:00 2026 GMT`. */
  validFrom: string;
  validTo: string;
  /** `DNS:sip.example.com, IP Address:192.0.2.1` */
  subjectAltName?: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
}

/** What a finished TLS handshake negotiated (RFC 8446 / RFC 5246). */
export interface TlsSessionInfo {
  /** `TLSv1.3` */
  protocol: string;
  /** IANA/OpenSSL cipher suite name, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher: string;
  /** The server name sent in SNI (RFC 6066 §3) and checked in the certificate; none for an IP target. */
  servername?: string;
  /** True when the certificate chain and name were verified. */
  verified: boolean;
  /** Why it would have failed verification (with --insecure). */
  verifyError?: string;
  /** From the start of the TCP connect to the end of the handshake, in ms. */
  handshakeMs: number;
  certificate?: CertificateInfo;
}

type Dn = PeerCertificate['subject'];

/** `CN=…, O=…` from Node's parsed distinguished name. */
export function formatDn(dn: Dn | undefined): string {
  if (!dn) return '';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** The peer certificate of a socket, if it sent one. */
export function certificateOf(socket: TLSSocket): CertificateInfo | undefined {
  let c: PeerCertificate | undefined;
  try {
    c = socket.getPeerCertificate();
  } catch {
    return undefined;
  }
  if (!c || Object.keys(c).length === 0) return undefined;
  return {
    subject: formatDn(c.subject),
    issuer: formatDn(c.issuer),
    validFrom: c.valid_from,
    validTo: c.valid_to,
    subjectAltName: c.subjectaltname || undefined,
    fingerprint256: c.fingerprint256,
  };
}

/** The certificate as the failure wording uses it. */
export function seenCertificate(socket: TLSSocket): SeenCertificate | undefined {
  const c = certificateOf(socket);
  return c && { subject: c.subject, issuer: c.issuer, validFrom: c.validFrom, validTo: c.validTo, subjectAltName: c.subjectAltName };
}

/** What a connected TLS socket negotiated. */
export function sessionInfo(socket: TLSSocket, servername: string | undefined, handshakeMs: number): TlsSessionInfo {
  const cipher = socket.getCipher();
  const verifyError = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    servername,
    verified: socket.authorized,
    verifyError: verifyError === null || verifyError === undefined ? undefined : String(verifyError),
    handshakeMs,
    certificate: certificateOf(socket),
  };
}
