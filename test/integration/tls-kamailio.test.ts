// SIP over TLS (RFC 3261 §26.2) against a real Kamailio with its tls module
// (test/kamailio/kamailio-tls.cfg) and a test CA made with openssl at setup
// (test/support/peers/certs.ts): OPTIONS with the certificate verified, what -v shows of the
// handshake, a full call through the 407 to a SIPp UAS behind the proxy (over UDP), sips:
// Contact, no retransmissions (reliable: no Timer A/E, D = K = 0), and a client certificate
// for a server that requires one. In process (run(argv, fakeIo) with --json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { requireTlsPeers, startKamailioTls, type KamailioTlsPeer } from '../support/peers/kamailio-tls.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { fakeIo } from '../support/fake-io.js';
import { run } from '../../src/cli/main.js';
import { finals, headerIn, ofType, resultOf, runJson, sent } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

describe.skipIf(requireTlsPeers('sipp').skip)('SIP over TLS through Kamailio', () => {
  let pki: TestPki;
  let k: KamailioTlsPeer;
  let uas: SippPeer;
  beforeAll(async () => {
    pki = await makeTestPki();
    [k, uas] = await Promise.all([startKamailioTls({ pki }), startSipp({ scenario: 'uas-full.xml' })]);
  });
  afterAll(async () => {
    await Promise.all([uas?.stop(), k?.stop()]);
    await pki?.remove();
  });

  it('OPTIONS to sips:127.0.0.1:PORT with --ca: verified, tls.established says protocol, cipher and certificate', async () => {
    const started = Date.now();
    const { code, events } = await runJson(['options', `sips:127.0.0.1:${k.tls.valid}`, '--ca', pki.ca, '-v']);
    expect(code, resultOf(events).summary).toBe(0);
    const [tls] = ofType(events, 'tls.established');
    expect(tls).toMatchObject({ transport: 'TLS', peer: `127.0.0.1:${k.tls.valid}`, verified: true });
    expect(tls!.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tls!.cipher).toMatch(/^TLS_/);
    expect(tls!.servername).toBeUndefined(); // no SNI for an IP address (RFC 6066 §3)
    expect(tls!.certificate).toMatchObject({ subject: 'CN=127.0.0.1', issuer: 'CN=sipcall test CA' });
    expect(tls!.certificate!.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(tls!.handshakeMs).toBeGreaterThan(0);
    expect(tls!.handshakeMs).toBeLessThan(Date.now() - started);
    // the handshake comes before the first request
    expect(events.indexOf(tls!)).toBeLessThan(events.findIndex((e) => e.type === 'request.sent'));
    const req = sent(events, 'OPTIONS')[0]!;
    expect(req.transport).toBe('TLS');
    const wire = ofType(events, 'wire').find((w) => w.direction === 'out')!.text;
    expect(headerIn(wire, 'Via')).toMatch(/^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;branch=z9hG4bK/);
    // reliable: Timer F only, no Timer E; Timer K is zero
    const started1 = ofType(events, 'timer.started').map((t) => t.timer);
    expect(started1).not.toContain('E');
    expect(ofType(events, 'timer.started').filter((t) => t.timer === 'K').every((t) => t.ms === 0)).toBe(true);
  });

  it('pretty -v output shows the handshake: version, cipher, subject, issuer, validity', async () => {
    const io = fakeIo();
    const code = await run(['options', `sips:127.0.0.1:${k.tls.valid}`, '--ca', pki.ca, '-v', '--no-color'], io);
    expect(code).toBe(0);
    expect(io.out.text).toMatch(/TLS established with 127\.0\.0\.1:\d+ in [\d.]+ ms: TLSv1\.[23], TLS_\w+, certificate verified/);
    expect(io.out.text).toMatch(/subject {3}CN=127\.0\.0\.1/);
    expect(io.out.text).toMatch(/issuer {4}CN=sipcall test CA/);
    expect(io.out.text).toMatch(/valid {5}\w{3} +\d+ [\d:]+ \d{4} GMT … \w{3} +\d+ [\d:]+ \d{4} GMT/);
    // without -v it is not shown
    const quiet = fakeIo();
    expect(await run(['options', `sips:127.0.0.1:${k.tls.valid}`, '--ca', pki.ca, '--no-color'], quiet)).toBe(0);
    expect(quiet.out.text).not.toContain('TLS established');
  });

  it('a full call over TLS: INVITE → 407 → INVITE with credentials → 200 → ACK → BYE, via Kamailio to SIPp over UDP', async () => {
    const { code, events } = await runJson(
      ['invite', '--no-media', `sips:port-${uas.port}@127.0.0.1:${k.tls.valid}`, '--ca', pki.ca, '--user', 'alice', '--duration', '0', '-v'],
      PASSWORD,
    );
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'INVITE')).toEqual([407, 200]);
    expect(finals(events, 'BYE')).toEqual([200]);
    expect(ofType(events, 'request.sent').every((e) => e.transport === 'TLS')).toBe(true);
    // one send each: no retransmissions over a reliable transport
    expect(ofType(events, 'request.sent').filter((e) => e.retransmission)).toEqual([]);
    const invite = ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('INVITE'))!.text;
    // RFC 3261 §8.1.1.8: a sips Request-URI needs a sips Contact
    expect(headerIn(invite, 'Contact')).toMatch(/^<sips:sipcall@127\.0\.0\.1:\d+>$/);
    expect(headerIn(invite, 'Via')).toMatch(/^SIP\/2\.0\/TLS /);
    const [dialog] = ofType(events, 'dialog.established');
    expect(dialog!.routeSet.length).toBeGreaterThan(0);
    expect(resultOf(events).summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
    const log = await uas.messageLog('BYE');
    expect(log).toMatch(/^INVITE sips:port-\d+@127\.0\.0\.1:\d+ SIP\/2\.0/m);
    expect(log).toMatch(/^BYE /m);
  });

  it('sip: target with --transport tls: Contact sip:…;transport=tls', async () => {
    const { code, events } = await runJson(['options', `127.0.0.1:${k.tls.valid}`, '--transport', 'tls', '--ca', pki.ca, '-v']);
    expect(code, resultOf(events).summary).toBe(0);
    expect(sent(events, 'OPTIONS')[0]!.uri).toBe(`sip:127.0.0.1:${k.tls.valid}`);
    expect(ofType(events, 'tls.established')).toHaveLength(1);
  });

  it('a server that requires a client certificate: refused without --cert, accepted with --cert/--key', async () => {
    const without = await runJson(['options', `sips:127.0.0.1:${k.tls.mutual}`, '--ca', pki.ca, '--t1', '50']);
    expect(without.code).toBe(4);
    const v = resultOf(without.events).verdict!;
    expect(v.id).toBe('tls-failed');
    expect(v.reason).toBe('handshake-failed');
    expect(v.text).toMatch(/client certificate/);

    const withCert = await runJson(['options', `sips:127.0.0.1:${k.tls.mutual}`, '--ca', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key]);
    expect(withCert.code, resultOf(withCert.events).summary).toBe(0);
    expect(finals(withCert.events, 'OPTIONS')).toEqual([200]);
  });
});
