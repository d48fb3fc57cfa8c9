import type { TransportName } from '../events/types.js';
import type { AddressPort } from './endpoint.js';
import { formatEndpoint } from './endpoint.js';
import { fromSystemError, TransportError } from './errors.js';
import type { TransportErrorCode, TransportErrorInit } from './errors.js';

/**
 * Why a TLS handshake failed, as a stable code. RFC 3261 §26.3.1 has a client "validate the
 * certificate" of the server it reaches with sips; RFC 5922 §7.2 says how the name is
 * matched (subjectAltName, then the CN). Each code says what was wrong with it in words.
 */
export type TlsFailureCode =
  /** The chain ends at a CA we do not trust (give it with --ca). */
  | 'TLS_UNKNOWN_CA'
  /** The server's certificate signs itself, and nobody trusts it. */
  | 'TLS_SELF_SIGNED'
  /** The certificate is not for the host we asked for (RFC 5922 §7.2). */
  | 'TLS_HOSTNAME_MISMATCH'
  | 'TLS_EXPIRED'
  | 'TLS_NOT_YET_VALID'
  /** The connection was made but the handshake did not finish in time. */
  | 'TLS_HANDSHAKE_TIMEOUT'
  /** The peer broke off the handshake (an alert, a reset, no TLS on that port). */
  | 'TLS_HANDSHAKE';

/** The short reason a verdict carries (`tls-failed`), one per code. */
export const TLS_REASON: Readonly<Record<TlsFailureCode, string>> = {
  TLS_UNKNOWN_CA: 'unknown-ca',
  TLS_SELF_SIGNED: 'self-signed',
  TLS_HOSTNAME_MISMATCH: 'hostname-mismatch',
  TLS_EXPIRED: 'expired',
  TLS_NOT_YET_VALID: 'not-yet-valid',
  TLS_HANDSHAKE_TIMEOUT: 'handshake-timeout',
  TLS_HANDSHAKE: 'handshake-failed',
};

export function isTlsFailureCode(code: string): code is TlsFailureCode {
  return Object.hasOwn(TLS_REASON, code);
}

/** OpenSSL's verification error names (as Node reports them in `err.code`) → our codes. */
const VERIFY_CODES: Readonly<Record<string, TlsFailureCode>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_UNKNOWN_CA',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS_UNKNOWN_CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_UNKNOWN_CA',
  CERT_UNTRUSTED: 'TLS_UNKNOWN_CA',
  CERT_CHAIN_TOO_LONG: 'TLS_UNKNOWN_CA',
  INVALID_CA: 'TLS_UNKNOWN_CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_SELF_SIGNED',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_SELF_SIGNED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_HOSTNAME_MISMATCH',
  HOSTNAME_MISMATCH: 'TLS_HOSTNAME_MISMATCH',
  CERT_HAS_EXPIRED: 'TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'TLS_NOT_YET_VALID',
};

/** What we know of the certificate the server showed, for the wording. */
export interface SeenCertificate {
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  subjectAltName?: string;
}

export interface TlsFailureContext {
  transport: TransportName;
  remote: AddressPort;
  /** The name checked against the certificate (the SNI), when the target is a name. */
  servername?: string;
  /** The server's certificate, when the handshake got that far. */
  certificate?: SeenCertificate;
  /** Did the TCP connection get made? A system error before it is not a TLS failure. */
  connected: boolean;
  /** For TLS_HANDSHAKE_TIMEOUT. */
  timeoutMs?: number;
}

/** The words for each failure. */
function explain(code: TlsFailureCode, ctx: TlsFailureContext, detail: string): string {
  const peer = formatEndpoint(ctx.remote);
  const name = ctx.servername ?? ctx.remote.address;
  const cert = ctx.certificate;
  const who = cert?.subject ? ` (${cert.subject}, issued by ${cert.issuer ?? 'an unknown issuer'})` : '';
  switch (code) {
    case 'TLS_UNKNOWN_CA':
      return `TLS handshake with ${peer} failed: unknown CA — the server's certificate${who} was issued by a certificate authority this machine does not trust; give the CA with --ca FILE (${detail})`;
    case 'TLS_SELF_SIGNED':
      return `TLS handshake with ${peer} failed: self-signed certificate — the server's certificate${who} (or the root of its chain) signs itself and is not trusted here; give it with --ca FILE, or --insecure for a lab (${detail})`;
    case 'TLS_HOSTNAME_MISMATCH':
      return `TLS handshake with ${peer} failed: hostname mismatch — the certificate${who} is not for ${name}${cert?.subjectAltName ? `; it names ${cert.subjectAltName}` : ''} (RFC 5922 §7.2) (${detail})`;
    case 'TLS_EXPIRED':
      return `TLS handshake with ${peer} failed: the server's certificate${who} expired${cert?.validTo ? ` on ${cert.validTo}` : ''} (${detail})`;
    case 'TLS_NOT_YET_VALID':
      return `TLS handshake with ${peer} failed: the server's certificate${who} is not valid yet${cert?.validFrom ? ` (from ${cert.validFrom})` : ''}; check this machine's clock (${detail})`;
    case 'TLS_HANDSHAKE_TIMEOUT':
      return `TLS handshake with ${peer} timed out: the TCP connection was made, but no TLS answer came within ${ctx.timeoutMs ?? '?'} ms (is it a TLS port? plain SIP over TCP does not answer a ClientHello)`;
    case 'TLS_HANDSHAKE':
      return `TLS handshake with ${peer} failed: ${detail}`;
  }
}

/** OpenSSL alert names and friends, said in words. */
function handshakeDetail(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const text = err.message;
  if (/CERTIFICATE_REQUIRED/.test(code) || /certificate required/i.test(text)) return `the server requires a client certificate (give one with --cert FILE --key FILE) [${code}]`;
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|DECRYPT_ERROR)/.test(code)) {
    return `the server rejected our client certificate [${code}]`;
  }
  if (/ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE/.test(code)) {
    return `no TLS version both sides accept (sipcall offers TLS 1.2 and 1.3) [${code}]`;
  }
  if (/ALERT_HANDSHAKE_FAILURE|NO_SHARED_CIPHER/.test(code)) return `the server found no cipher or parameters both sides accept [${code}]`;
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL/.test(code)) {
    return `the peer does not speak TLS on this port (a plain TCP or HTTP port?) [${code}]`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket disconnected/i.test(text)) {
    return `the server closed the connection during the handshake (it may require a client certificate, or refuse our TLS versions) [${code || 'closed'}]`;
  }
  return `${text}${code ? ` [${code}]` : ''}`;
}

/**
 * Turns an error from a TLS connection attempt into a TransportError. Errors before the TCP
 * connection was made (refused, unreachable, timeout) keep their system codes; everything
 * after is a TLS failure with its reason.
 */
export function tlsFailure(err: unknown, ctx: TlsFailureContext): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const init: TransportErrorInit = { transport: ctx.transport, remote: ctx.remote, errno: e?.code, cause: err };
  const verify = e?.code !== undefined ? VERIFY_CODES[e.code] : undefined;
  if (verify) return tlsError(verify, ctx, init, e.code);
  if (!ctx.connected) return fromSystemError(err, init);
  return tlsError('TLS_HANDSHAKE', ctx, init, handshakeDetail(e ?? new Error(String(err))));
}

/** A TLS failure with its wording; `detail` is the underlying error. */
export function tlsError(code: TlsFailureCode, ctx: TlsFailureContext, init: TransportErrorInit, detail = ''): TransportError {
  return new TransportError(code as TransportErrorCode, explain(code, ctx, detail), init);
}
