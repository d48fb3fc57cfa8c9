import { describe, expect, it } from 'vitest';
import type { TlsEstablishedEvent } from '../../src/events/types.js';
import { describeTls } from '../../src/present/tls.js';
import { present } from './support.js';

const event: TlsEstablishedEvent = {
  type: 'tls.established',
  t: 4,
  transport: 'TLS',
  peer: '127.0.0.1:5061',
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  servername: 'sip.example.com',
  verified: true,
  handshakeMs: 3.9,
  certificate: {
    subject: 'CN=sip.example.com',
    issuer: 'CN=Example CA',
    validFrom: 'Jan  1 00:00:00 2026 GMT',
    validTo: 'Jan  1 00:00:00 2027 GMT',
    subjectAltName: 'DNS:sip.example.com',
    fingerprint256: 'AB:CD',
  },
};

describe('tls.established in words', () => {
  it('protocol, cipher, SNI, verification, then the certificate', () => {
    expect(describeTls(event)).toEqual([
      'TLS established with 127.0.0.1:5061 in 3.9 ms: TLSv1.3, TLS_AES_256_GCM_SHA384, SNI sip.example.com, certificate verified',
      'subject   CN=sip.example.com',
      'issuer    CN=Example CA',
      'valid     Jan  1 00:00:00 2026 GMT … Jan  1 00:00:00 2027 GMT',
      'names     DNS:sip.example.com',
      'sha-256   AB:CD',
    ]);
  });

  it('--insecure says the certificate was not verified, and why it would have failed; WSS says so', () => {
    const [line] = describeTls({ ...event, transport: 'WSS', verified: false, verifyError: 'CERT_HAS_EXPIRED' });
    expect(line).toBe('TLS (under WSS) established with 127.0.0.1:5061 in 3.9 ms: TLSv1.3, TLS_AES_256_GCM_SHA384, SNI sip.example.com, certificate NOT verified (--insecure): CERT_HAS_EXPIRED');
  });

  it('shown with -v only, in the lines and in the ladder margin', () => {
    expect(present([event]).out).not.toContain('TLS established');
    const lines = present([event], { verbose: true }).out;
    expect(lines).toMatch(/0\.004  · TLS established with 127\.0\.0\.1:5061/);
    expect(lines).toContain('issuer    CN=Example CA');
    expect(present([event], { ladder: true }).out).not.toContain('TLS established');
    expect(present([event], { ladder: true, verbose: true }).out).toMatch(/\|\s+\|  TLS established with 127\.0\.0\.1:5061/);
  });
});
