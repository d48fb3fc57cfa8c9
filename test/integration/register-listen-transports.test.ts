// `sipcall register bob --listen` over every connection transport, at a real Kamailio
// (test/kamailio/kamailio-tls.cfg: registrar + proxy with digest auth, TLS, WebSocket): bob
// registers over TCP, TLS, WS or WSS; alice (`sipcall invite`, over UDP, through the 407)
// calls bob at Kamailio, and the INVITE reaches bob on the connection his REGISTER opened
// (RFC 5626 §3.2 flow reuse: Kamailio finds it by the Contact's address, or for WebSocket by
// the received connection); both sides exit as they should (alice 0, bob 130 after Ctrl-C,
// which unregisters). Then over IPv6 ([::1], TCP) at a Kamailio listening there. And the
// CRLF keep-alives of RFC 5626 §4.4.1 on the wire, at a plain TCP registrar of our own that
// counts the bytes (`--keepalive 1`). In process (run(argv, fakeIo) with --json).
// Missing peers fail the tests (they are not skipped).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTlsPeers, useKamailioTls } from '../support/peers/kamailio-tls.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { finals, notes, ofType, resultOf, runJson, startJson } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

it('the peers are installed (Kamailio with its tls and websocket modules, openssl): a missing peer is a failure', () => {
  const check = requireTlsPeers();
  expect(check.skip, check.reason).toBe(false);
});

describe('register --listen at Kamailio over TCP, TLS, WS and WSS takes a call on its own connection', () => {
  const peer = useKamailioTls();

  const cases = [
    { transport: 'tcp', name: 'TCP', port: () => peer.k.port, extra: () => [] as string[] },
    { transport: 'tls', name: 'TLS', port: () => peer.k.tls.valid, extra: () => ['--ca', peer.pki.ca] },
    { transport: 'ws', name: 'WS', port: () => peer.k.port, extra: () => [] as string[] },
    { transport: 'wss', name: 'WSS', port: () => peer.k.tls.valid, extra: () => ['--ca', peer.pki.ca] },
  ] as const;

  for (const c of cases) {
    it(`over ${c.name}: alice's call through Kamailio reaches bob on the REGISTER's connection; alice exits 0, bob 130 after Ctrl-C`, async () => {
      const server = `127.0.0.1:${c.port()}`;
      const bob = startJson(['register', `bob@127.0.0.1`, '--registrar', `sip:${server}`, '--transport', c.transport, ...c.extra(), '--listen', '--auto-answer', '0.2', '--user', 'bob', '--expires', '60', '-v'], PASSWORD);
      try {
        await bob.until((ev) => finals(ev, 'REGISTER').includes(200), 10_000);
        const alice = await runJson(['invite', `bob@${peer.k.host}:${peer.k.port}`, '--user', 'alice', '--duration', '1', '-v'], PASSWORD);
        const ar = resultOf(alice.events);
        expect(alice.code, `${ar.summary}\n${notes(bob.events()).join('\n')}`).toBe(0);
        expect(ar.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
        expect(ar.media!.received.packets).toBeGreaterThan(20); // bob's audio came back (RTP over UDP, direct)
        await bob.until((ev) => ofType(ev, 'response.sent').some((e) => e.method === 'BYE' && e.status === 200), 10_000);
        const received = ofType(bob.events(), 'request.received');
        const invite = received.find((e) => e.method === 'INVITE')!;
        expect(invite.transport).toBe(c.name);
        // one flow: everything bob received came over it, from the registrar's port
        expect(new Set(received.map((e) => e.transport))).toEqual(new Set([c.name]));
        expect(new Set(received.map((e) => e.from))).toEqual(new Set([server]));
        expect(ofType(bob.events(), 'response.sent').filter((e) => e.method === 'INVITE' && e.status === 200 && !e.retransmission)).toHaveLength(1);
      } finally {
        bob.io.interrupt();
      }
      expect(await bob.done).toBe(130);
      expect(resultOf(bob.events()).summary).toMatch(/took 1 call \(1 with media\)/);
    });
  }
});

describe('register --listen at Kamailio over IPv6 [::1]', () => {
  let k: KamailioPeer;
  beforeAll(async () => {
    k = await startKamailio({ ipv6: true });
  }, 30_000);
  afterAll(async () => {
    await k?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport.toUpperCase()}: bob at [::1] takes alice's call from [::1] through Kamailio`, async () => {
      const v6 = `[::1]:${k.port}`;
      const bob = startJson(['register', `bob@${v6}`, '--transport', transport, '--listen', '--auto-answer', '0.2', '--user', 'bob', '--expires', '60', '-v'], PASSWORD);
      try {
        await bob.until((ev) => finals(ev, 'REGISTER').includes(200), 10_000);
        const alice = await runJson(['invite', `bob@${v6}`, '--user', 'alice', '--duration', '1', '-v'], PASSWORD);
        const ar = resultOf(alice.events);
        expect(alice.code, ar.summary).toBe(0);
        expect(ar.media!.received.packets).toBeGreaterThan(20);
        await bob.until((ev) => ofType(ev, 'response.sent').some((e) => e.method === 'BYE' && e.status === 200), 10_000);
        const invite = ofType(bob.events(), 'request.received').find((e) => e.method === 'INVITE')!;
        expect(invite.transport).toBe(transport.toUpperCase());
        expect(invite.from).toBe(v6);
      } finally {
        bob.io.interrupt();
      }
      expect(await bob.done).toBe(130);
    });
  }
});

describe('CRLF keep-alives on the registration connection (RFC 5626 §4.4.1)', () => {
  it('--keepalive 1: CRLFCRLF pings arrive at the registrar every 0.8–1 s between the REGISTERs', async () => {
    // A registrar of our own that answers REGISTER 200 and records every byte and when.
    const chunks: Array<{ at: number; bytes: Buffer }> = [];
    const server = net.createServer((sock) => {
      let buf = '';
      sock.on('data', (d) => {
        chunks.push({ at: Date.now(), bytes: d });
        buf += d.toString('latin1');
        for (;;) {
          buf = buf.replace(/^(\r\n)+/, '');
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = buf.slice(0, end);
          const len = Number(/\r\nContent-Length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 4 + len) break;
          buf = buf.slice(end + 4 + len);
          const h = (name: string) => new RegExp(`\\r\\n${name}:[^\\r]*`, 'i').exec(head)?.[0].slice(2) ?? '';
          const toTag = /;tag=/.test(h('To')) ? '' : ';tag=reg1';
          sock.write([`SIP/2.0 200 OK`, h('Via'), h('From'), `${h('To')}${toTag}`, h('Call-ID'), h('CSeq'), `${h('Contact')};expires=60`, 'Content-Length: 0', '', ''].join('\r\n'));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const bob = startJson(['register', `bob@127.0.0.1:${port}`, '--transport', 'tcp', '--listen', '--no-media', '--keepalive', '1', '--expires', '60', '-v']);
    try {
      await bob.until((ev) => finals(ev, 'REGISTER').includes(200), 10_000);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 3_300));
      const pings = chunks.filter((c) => c.at >= t0 && c.bytes.toString('latin1') === '\r\n\r\n');
      // every chunk after the REGISTER is a ping: nothing else went on the wire
      expect(chunks.filter((c) => c.at >= t0).length).toBe(pings.length);
      expect(pings.length).toBeGreaterThanOrEqual(3);
      expect(pings.length).toBeLessThanOrEqual(5);
      for (let i = 1; i < pings.length; i++) {
        const gap = pings[i]!.at - pings[i - 1]!.at;
        expect(gap).toBeGreaterThanOrEqual(750);
        expect(gap).toBeLessThanOrEqual(1100);
      }
      expect(notes(bob.events()).some((n) => /keep-alive: a CRLFCRLF ping on this TCP connection every 0\.8–1 s/.test(n))).toBe(true);
    } finally {
      bob.io.interrupt();
      await bob.done;
      server.close();
    }
  });
});
