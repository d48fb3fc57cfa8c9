import type { TlsEstablishedEvent } from '../events/types.js';

/**
 * A finished TLS handshake in words (shown with -v): the first line says what was negotiated
 * and whether the certificate was verified; the others show the certificate.
 *
 *   TLS established with 127.0.0.1:5061 in 4.2 ms: TLSv1.3, TLS_AES_256_GCM_SHA384, certificate verified
 *   subject   CN=127.0.0.1
 *   issuer    CN=sipcall test CA
 *   valid     Nov 23 06:00:00 2026 GMT … Nov 25 06:00:00 2026 GMT
 */
export function describeTls(e: TlsEstablishedEvent): string[] {
  const over = e.transport === 'TLS' ? 'TLS' : `TLS (under ${e.transport})`;
  const check = e.verified ? 'certificate verified' : `certificate NOT verified (--insecure)${e.verifyError ? `: ${e.verifyError}` : ''}`;
  const sni = e.servername ? `, SNI ${e.servername}` : '';
  const lines = [`${over} established with ${e.peer} in ${e.handshakeMs} ms: ${e.protocol}, ${e.cipher}${sni}, ${check}`];
  const c = e.certificate;
  if (c) {
    const field = (k: string, v: string) => `${k.padEnd(10)}${v}`;
    lines.push(field('subject', c.subject), field('issuer', c.issuer), field('valid', `${c.validFrom} … ${c.validTo}`));
    if (c.subjectAltName) lines.push(field('names', c.subjectAltName));
    lines.push(field('sha-256', c.fingerprint256));
  }
  return lines;
}
