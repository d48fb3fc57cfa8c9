// Each way a TLS handshake fails, against a real Kamailio (test/kamailio/kamailio-tls.cfg)
// that shows a different certificate on each TLS port (test/support/peers/certs.ts):
// unknown CA (no --ca), hostname mismatch, expired, a handshake that never starts (a plain
// TCP port), and --insecure getting through with its warning. Each failure is a `tls-failed`
// verdict that carries its reason, exit 4, and nothing sent.
import { describe, expect, it } from 'vitest';
import { requireTlsPeers, useKamailioTls } from '../support/peers/kamailio-tls.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { finals, ofType, resultOf, runJson } from './kamailio-helpers.js';

usePeerCleanup();

describe.skipIf(requireTlsPeers().skip)('TLS handshake failures, said in words', () => {
  const peer = useKamailioTls();

  /** Runs OPTIONS and checks the common shape of a TLS failure; returns the verdict. */
  async function failing(argv: string[], reason: string) {
    const { code, events } = await runJson(argv);
    const r = resultOf(events);
    expect(code, r.summary).toBe(4);
    expect(r.outcome).toBe('transport-error');
    expect(r.statusLocal).toBe(true);
    expect(r.verdict?.id).toBe('tls-failed');
    expect(r.verdict?.reason).toBe(reason);
    expect(ofType(events, 'request.sent')).toEqual([]);
    expect(ofType(events, 'tls.established')).toEqual([]);
    const [err] = ofType(events, 'transport.error');
    expect(err!.transport).toBe('TLS');
    return { verdict: r.verdict!, error: err!, events };
  }

  it('unknown CA: the test CA is not among the system CAs (no --ca)', async () => {
    const { verdict, error } = await failing(['options', `sips:127.0.0.1:${peer.k.tls.valid}`], 'unknown-ca');
    expect(error.code).toBe('TLS_UNKNOWN_CA');
    expect(verdict.text).toContain('unknown CA');
    expect(verdict.text).toContain('(CN=127.0.0.1, issued by CN=sipcall test CA)');
    expect(verdict.text).toContain('--ca FILE');
    expect(verdict.next.join('\n')).toContain('--ca');
  });

  it('hostname mismatch: a certificate for wrong-name.example, reached as 127.0.0.1', async () => {
    const { verdict, error } = await failing(['options', `sips:127.0.0.1:${peer.k.tls.wrongName}`, '--ca', peer.pki.ca], 'hostname-mismatch');
    expect(error.code).toBe('TLS_HOSTNAME_MISMATCH');
    expect(verdict.text).toContain('hostname mismatch');
    expect(verdict.text).toContain('is not for 127.0.0.1; it names DNS:wrong-name.example');
  });

  it('hostname mismatch by name: SNI and the check use the target name (localhost is in the valid cert, wrong-name is not)', async () => {
    // a sips: target with a name (resolved through /etc/hosts; -4: Kamailio listens on 127.0.0.1).
    // Kamailio does not take "localhost" as itself, so it challenges the OPTIONS: any SIP answer
    // shows the handshake with SNI localhost went through.
    const good = await runJson(['options', `sips:localhost:${peer.k.tls.valid}`, '--ca', peer.pki.ca, '-4']);
    expect(finals(good.events, 'OPTIONS'), resultOf(good.events).summary).toEqual([407]);
    expect(ofType(good.events, 'tls.established')[0]).toMatchObject({ servername: 'localhost', verified: true });
    const { verdict } = await failing(['options', `sips:localhost:${peer.k.tls.wrongName}`, '--ca', peer.pki.ca, '-4'], 'hostname-mismatch');
    expect(verdict.text).toContain('is not for localhost');
  });

  it('expired: signed by the trusted CA, but valid only in January 2020', async () => {
    const { verdict, error } = await failing(['options', `sips:127.0.0.1:${peer.k.tls.expired}`, '--ca', peer.pki.ca], 'expired');
    expect(error.code).toBe('TLS_EXPIRED');
    expect(verdict.text).toMatch(/certificate \(CN=127\.0\.0\.1, issued by CN=sipcall test CA\) expired on Jan +2 00:00:00 2020 GMT/);
  });

  it('handshake timeout: a plain SIP-over-TCP port never answers the ClientHello (64·T1 = 640 ms)', async () => {
    const started = Date.now();
    const { verdict, error } = await failing(['options', `sips:127.0.0.1:${peer.k.port}`, '--ca', peer.pki.ca, '--t1', '10'], 'handshake-timeout');
    const took = Date.now() - started;
    expect(error.code).toBe('TLS_HANDSHAKE_TIMEOUT');
    expect(verdict.text).toContain('timed out');
    expect(verdict.text).toContain('640 ms');
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(5000);
  });

  it('--insecure: the unknown CA is let through, with a warning on the run and verified=false', async () => {
    const { code, events } = await runJson(['options', `sips:127.0.0.1:${peer.k.tls.valid}`, '--insecure']);
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'OPTIONS')).toEqual([200]);
    const warn = ofType(events, 'note').filter((n) => n.level === 'warn' && n.code === 'tls-insecure');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.text).toMatch(/--insecure: the server certificate of 127\.0\.0\.1:\d+ is NOT verified/);
    const [tls] = ofType(events, 'tls.established');
    expect(tls!.verified).toBe(false);
    expect(tls!.verifyError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // the warning comes before anything is sent
    expect(events.indexOf(warn[0]!)).toBeLessThan(events.findIndex((e) => e.type === 'request.sent'));
  });

  it('--insecure also gets past an expired certificate, and says why it would have failed', async () => {
    const { code, events } = await runJson(['options', `sips:127.0.0.1:${peer.k.tls.expired}`, '--insecure', '--ca', peer.pki.ca]);
    expect(code, resultOf(events).summary).toBe(0);
    expect(ofType(events, 'tls.established')[0]!.verifyError).toBe('CERT_HAS_EXPIRED');
  });

  it('nothing listening on the TLS port: tcp-refused, not a TLS failure', async () => {
    const { code, events } = await runJson(['options', 'sips:127.0.0.1:1', '--ca', peer.pki.ca]);
    expect(code).toBe(4);
    expect(resultOf(events).verdict?.id).toBe('tcp-refused');
  });
});
