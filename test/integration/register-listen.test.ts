// Reachable (issue 11 §2): `sipcall register bob --listen` at a real Kamailio (registrar and
// proxy with digest auth, test/kamailio) takes the calls its binding brings, on the same flow:
// a call from sipcall (alice) and one from SIPp, both through Kamailio; both sides exit 0; then
// Ctrl-C unregisters and exits 130. In process (run(argv, fakeIo) with --json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { startSipp } from '../support/peers/sipp.js';
import { startFaultRelay } from '../support/fault-relay.js';
import { finals, notes, ofType, resultOf, runJson, startJson } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('register --listen at Kamailio takes calls', () => {
  let k: KamailioPeer;
  beforeAll(async () => {
    k = await startKamailio();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('bob registers with --listen; a call from sipcall (alice) and one from SIPp reach him through Kamailio; Ctrl-C unregisters', async () => {
    const bob = startJson(['register', `bob@${k.hostPort}`, '--listen', '--auto-answer', '0.2', '--user', 'bob', '--expires', '60', '-v'], PASSWORD);
    try {
      await bob.until((ev) => finals(ev, 'REGISTER').includes(200), 10_000);

      // 1. sipcall as alice → Kamailio (407, digest) → bob's flow
      const alice = await runJson(['invite', `bob@${k.hostPort}`, '--user', 'alice', '--duration', '1', '-v'], PASSWORD);
      const ar = resultOf(alice.events);
      expect(alice.code, ar.summary).toBe(0);
      expect(ar.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
      expect(ar.media!.received.packets).toBeGreaterThan(30); // bob's tone came back through no proxy: RTP is direct

      // 2. SIPp as a caller through Kamailio, with digest auth
      const sipp = await startSipp({ scenario: 'uac-call-auth.xml', remote: k.hostPort, rtpEcho: true, extraArgs: ['-s', 'bob', '-au', 'alice', '-ap', 'secret', '-m', '1'] });
      const status = await sipp.exited;
      expect(status, sipp.stderr() + (await sipp.errorLog())).toEqual({ code: 0, signal: null });

      await bob.until((ev) => ofType(ev, 'response.sent').filter((e) => e.method === 'BYE' && e.status === 200).length >= 2, 10_000);
      const incoming = notes(bob.events()).filter((n) => n.startsWith('incoming call from'));
      expect(incoming).toHaveLength(2);
      // both INVITEs came on the registration's flow: from Kamailio to the socket that registered
      const invites = ofType(bob.events(), 'request.received').filter((e) => e.method === 'INVITE' && !e.retransmission);
      expect(invites.map((e) => e.from)).toEqual([k.hostPort, k.hostPort]);
      expect(ofType(bob.events(), 'response.sent').filter((e) => e.method === 'INVITE' && e.status === 200 && !e.retransmission)).toHaveLength(2);
    } finally {
      bob.io.interrupt();
    }
    const code = await bob.done;
    expect(code).toBe(130);
    const events = bob.events();
    // the last REGISTER removed the binding (Expires: 0), and the result names the calls taken
    const lastRegister = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER ')).at(-1)!.text;
    expect(lastRegister).toMatch(/\r\nExpires: 0\r\n/);
    expect(resultOf(events).summary).toMatch(/took 2 calls \(2 with media\)/);
  });
});

describe.skipIf(requirePeers('kamailio').skip)('register --listen over TCP', () => {
  let k: KamailioPeer;
  beforeAll(async () => {
    k = await startKamailio();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('the call comes on the same TCP connection the REGISTER opened (RFC 5626 §3.2 flow reuse)', async () => {
    const bob = startJson(['register', `bob@${k.hostPort}`, '--transport', 'tcp', '--listen', '--no-media', '--user', 'bob', '--expires', '60', '-v'], PASSWORD);
    try {
      await bob.until((ev) => finals(ev, 'REGISTER').includes(200), 10_000);
      const alice = await runJson(['invite', '--no-media', `bob@${k.hostPort}`, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
      expect(alice.code, resultOf(alice.events).summary).toBe(0);
      await bob.until((ev) => ofType(ev, 'response.sent').some((e) => e.method === 'BYE' && e.status === 200), 10_000);
      const inv = ofType(bob.events(), 'request.received').find((e) => e.method === 'INVITE')!;
      expect(inv.transport).toBe('TCP');
      // one connection: every request bob received came from the peer the REGISTER went to
      expect(new Set(ofType(bob.events(), 'request.received').map((e) => e.from))).toEqual(new Set([k.hostPort]));
    } finally {
      bob.io.interrupt();
    }
    expect(await bob.done).toBe(130);
  });
});

describe.skipIf(requirePeers('kamailio').skip)('register --listen behind a NAT-like relay', () => {
  let k: KamailioPeer;
  beforeAll(async () => {
    k = await startKamailio();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('the registrar sees us at the relay (Via received/rport): the Contact is corrected, and the call comes through the relay', async () => {
    // sipcall → relay (one back socket per client, like a NAT mapping) → Kamailio
    const relay = await startFaultRelay({ host: k.host, port: k.port }, {});
    const bob = startJson(['register', `bob@${relay.hostPort}`, '--listen', '--no-media', '--user', 'bob', '--expires', '60', '-v'], PASSWORD);
    try {
      await bob.until((ev) => notes(ev).some((n) => n.startsWith('the registrar saw us at')) && finals(ev, 'REGISTER').filter((x) => x === 200).length >= 3, 10_000);
      const regs = ofType(bob.events(), 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER ')).map((w) => w.text);
      const contactOf = (t: string) => /\r\nContact: (<[^>]+>)/.exec(t)![1];
      const mapped = contactOf(regs.at(-1)!);
      expect(mapped).not.toBe(contactOf(regs[0]!));
      // the old binding was removed (Expires 0 on the first Contact)
      expect(regs.some((t) => contactOf(t) === contactOf(regs[0]!) && /\r\nExpires: 0\r\n/.test(t))).toBe(true);
      // alice calls bob at Kamailio directly: the INVITE reaches bob through the relay's mapping
      const alice = await runJson(['invite', '--no-media', `bob@${k.hostPort}`, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
      expect(alice.code, resultOf(alice.events).summary).toBe(0);
      expect(relay.log.some((l) => l.direction === 'to-client' && l.line.startsWith('INVITE '))).toBe(true);
    } finally {
      bob.io.interrupt();
    }
    expect(await bob.done).toBe(130);
    await relay.close();
  });
});
