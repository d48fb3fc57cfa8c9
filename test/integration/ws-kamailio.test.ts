// SIP over WebSocket (RFC 7118) against a real Kamailio with xhttp + websocket
// (test/kamailio/kamailio-tls.cfg): ws:// on its TCP port, wss:// on its TLS port (test CA from
// test/support/peers/certs.ts). REGISTER through the 401 and a call through the 407 to a SIPp
// UAS behind the proxy (over UDP), over WSS and over WS; Via WS/WSS with an .invalid sent-by
// (RFC 7118 §5.2); no retransmissions (reliable: no Timer A/E, D = K = 0); a WSS certificate
// failure. In process (run(argv, fakeIo) with --json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { requireTlsPeers, startKamailioTls, type KamailioTlsPeer } from '../support/peers/kamailio-tls.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { finals, headerIn, ofType, resultOf, runJson, sent } from './kamailio-helpers.js';
import type { SipEvent } from '../../src/events/types.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

function outgoing(events: SipEvent[], method: string): string[] {
  return ofType(events, 'wire')
    .filter((w) => w.direction === 'out' && w.text.startsWith(`${method} `))
    .map((w) => w.text);
}

/** Reliable transport: one transmission per request, no Timer A/E, Timer D/K zero. */
function expectReliable(events: SipEvent[]): void {
  expect(ofType(events, 'request.sent').filter((e) => e.retransmission)).toEqual([]);
  const timers = ofType(events, 'timer.started');
  expect(timers.filter((t) => t.timer === 'A' || t.timer === 'E')).toEqual([]);
  expect(timers.filter((t) => (t.timer === 'D' || t.timer === 'K') && t.ms !== 0)).toEqual([]);
}

describe.skipIf(requireTlsPeers('sipp').skip)('SIP over WebSocket through Kamailio', () => {
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

  for (const secure of [true, false]) {
    const name = secure ? 'WSS' : 'WS';
    const url = () => (secure ? `wss://127.0.0.1:${k.tls.valid}/` : `ws://127.0.0.1:${k.port}/`);
    const tlsArgs = () => (secure ? ['--ca', pki.ca] : []);

    it(`REGISTER over ${name} through the 401: Via ${name} with an .invalid sent-by, Contact ;transport=ws`, async () => {
      const { code, events } = await runJson(['register', 'alice@127.0.0.1', '--ws-url', url(), ...tlsArgs(), '--user', 'alice', '--expires', '60', '-v'], PASSWORD);
      expect(code, resultOf(events).summary).toBe(0);
      expect(finals(events, 'REGISTER')).toEqual([401, 200]);
      expect(sent(events, 'REGISTER').every((e) => e.transport === name)).toBe(true);
      const [first, second] = outgoing(events, 'REGISTER');
      // RFC 7118 §5.2: sent-by may be an invalid domain; one per run, the same in every request
      const via = headerIn(first!, 'Via')!;
      expect(via).toMatch(new RegExp(`^SIP/2\\.0/${name} [a-z0-9]{12}\\.invalid;branch=z9hG4bK\\w+;rport$`));
      const host = /\s(\S+\.invalid)/.exec(via)![1];
      expect(headerIn(second!, 'Via')).toContain(host);
      expect(headerIn(first!, 'Contact')).toBe(`<sip:alice@${host};transport=ws>`);
      expect(headerIn(second!, 'Authorization')).toMatch(/^Digest username="alice", realm="127\.0\.0\.1"/);
      // Kamailio answered over the same WebSocket: rport/received filled in
      const resp = ofType(events, 'wire').find((w) => w.direction === 'in' && w.text.startsWith('SIP/2.0 200'))!.text;
      expect(headerIn(resp, 'Via')).toMatch(/;rport=\d+;received=127\.0\.0\.1/);
      expect(headerIn(resp, 'Contact')).toContain(`sip:alice@${host};transport=ws`);
      expect(ofType(events, 'tls.established')).toHaveLength(secure ? 1 : 0);
      expectReliable(events);
    });

    it(`a call over ${name}: INVITE → 407 → INVITE → 200 → ACK → BYE, via Kamailio to SIPp over UDP`, async () => {
      const { code, events } = await runJson(
        ['invite', '--no-media', `sip:port-${uas.port}@127.0.0.1`, '--ws-url', url(), ...tlsArgs(), '--user', 'alice', '--duration', '0', '-v'],
        PASSWORD,
      );
      expect(code, resultOf(events).summary).toBe(0);
      expect(finals(events, 'INVITE')).toEqual([407, 200]);
      expect(finals(events, 'BYE')).toEqual([200]);
      expect(sent(events, 'ACK').length).toBeGreaterThanOrEqual(2); // for the 407 and for the 200
      expect(ofType(events, 'request.sent').every((e) => e.transport === name)).toBe(true);
      const invite = outgoing(events, 'INVITE')[1]!;
      expect(headerIn(invite, 'Via')).toMatch(new RegExp(`^SIP/2\\.0/${name} [a-z0-9]{12}\\.invalid;`));
      expect(headerIn(invite, 'Contact')).toMatch(/^<sip:sipcall@[a-z0-9]{12}\.invalid;transport=ws>$/);
      // the .invalid sent-by is no address for SDP: c= names the socket's own IP
      expect(invite).toMatch(/\r\nc=IN IP4 127\.0\.0\.1\r\n/);
      expect(resultOf(events).summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
      expectReliable(events);
    });
  }

  it('--transport ws without --ws-url: ws://HOST:PORT/ of the target', async () => {
    const { code, events } = await runJson(['options', `127.0.0.1:${k.port}`, '--transport', 'ws']);
    expect(code, resultOf(events).summary).toBe(0);
    expect(sent(events, 'OPTIONS')[0]).toMatchObject({ transport: 'WS', to: `127.0.0.1:${k.port}` });
  });

  it('WSS to a port with an expired certificate: tls-failed (expired) over WSS, exit 4', async () => {
    const { code, events } = await runJson(['options', 'sip:127.0.0.1', '--ws-url', `wss://127.0.0.1:${k.tls.expired}/`, '--ca', pki.ca]);
    expect(code).toBe(4);
    const r = resultOf(events);
    expect(r.verdict).toMatchObject({ id: 'tls-failed', reason: 'expired' });
    expect(ofType(events, 'transport.error')[0]).toMatchObject({ transport: 'WSS', code: 'TLS_EXPIRED' });
  });

  it('WS to a port where nothing listens: tcp-refused', async () => {
    const { code, events } = await runJson(['options', 'sip:127.0.0.1', '--ws-url', 'ws://127.0.0.1:1/']);
    expect(code).toBe(4);
    expect(resultOf(events).verdict?.id).toBe('tcp-refused');
  });
});
