import type { TransportErrorEvent, Verdict } from '../../events/types.js';
import { isTlsFailureCode, TLS_REASON, type TlsFailureCode } from '../../transport/tls-errors.js';

/** The `code` of the warning note `--insecure` gives on every run. */
export const NOTE_CODE_TLS_INSECURE = 'tls-insecure';

/** What to check next, per reason. */
const NEXT: Readonly<Record<TlsFailureCode, (e: TransportErrorEvent, host: string) => string[]>> = {
  TLS_UNKNOWN_CA: (e) => [
    'give the CA that issued the server certificate: --ca ca.pem (it is added to the system CAs)',
    `see the chain the server sends: openssl s_client -connect ${e.to} -showcerts`,
    'a server should send its intermediate certificates too; a missing intermediate looks the same',
  ],
  TLS_SELF_SIGNED: (e) => [
    'trust that certificate explicitly: save it and pass --ca cert.pem',
    `see it: openssl s_client -connect ${e.to} -showcerts`,
    'for a lab only: --insecure skips verification (and warns on every run)',
  ],
  TLS_HOSTNAME_MISMATCH: (_e, host) => [
    `use the name the certificate was issued for (see "names" in the evidence) instead of ${host}`,
    'or have the server present a certificate whose subjectAltName contains this name or address (RFC 5922 §7.2)',
  ],
  TLS_EXPIRED: () => ['the server must renew its certificate', "check this machine's clock too (date -u)"],
  TLS_NOT_YET_VALID: () => ["check this machine's clock (date -u): the certificate's start date is in the future", 'or the server installed a certificate too early'],
  TLS_HANDSHAKE_TIMEOUT: (e) => [
    `is ${e.to} a TLS port? SIP over TLS is usually 5061; 5060 speaks plain SIP and never answers a ClientHello`,
    'try --transport tcp on the same port to see whether plain SIP answers there',
  ],
  TLS_HANDSHAKE: (e) => [
    'read the reason in the evidence: a client certificate asked for (--cert/--key), TLS versions or ciphers, or no TLS on that port',
    `compare with: openssl s_client -connect ${e.to}`,
  ],
};

/**
 * The verdict `tls-failed` (docs/verdicts.md) for a transport error whose code is one of the
 * `TLS_*` codes of src/transport/tls-errors.ts; it carries the reason (`unknown-ca`,
 * `self-signed`, `hostname-mismatch`, `expired`, `not-yet-valid`, `handshake-timeout`,
 * `handshake-failed`). RFC 3261 §26.3.1: the client validates the server's certificate; a
 * failed validation ends the connection before any SIP was sent.
 */
export function tlsFailed(e: TransportErrorEvent, evidence: string[], sends: number): Verdict | undefined {
  if (!isTlsFailureCode(e.code)) return undefined;
  const host = e.to.replace(/:\d+$/, '');
  const reason = TLS_REASON[e.code];
  const said = e.message.replace(/^TLS handshake with \S+ (failed: |timed out: )?/, '').replace(/ \([A-Z_]+(: .*)?\)$/, '');
  return {
    id: 'tls-failed',
    reason,
    text: `the TLS handshake with ${e.to} ${e.code === 'TLS_HANDSHAKE_TIMEOUT' ? 'timed out' : 'failed'}: ${said}`,
    evidence: [
      ...evidence,
      sends === 0
        ? 'no SIP message was sent: the run stopped at the handshake (a transport error, exit 4)'
        : 'the server broke the connection off after the handshake, when the first request went out (TLS 1.3 servers check a client certificate then, RFC 8446 §4.4.2)',
    ],
    next: NEXT[e.code](e, host),
  };
}
