// sipcall → sipcall over every transport and both IP families (issue 11: "Everything here works
// over UDP, TCP, TLS and WS/WSS, IPv4 and IPv6"). Per case, one `sipcall answer` listening on
// that transport and address (TLS/WSS with a certificate from the test CA,
// test/support/peers/certs.ts) takes two calls from `sipcall invite` at once:
//   A. the caller holds and resumes (re-INVITE a=sendonly, then a=sendrecv, RFC 3264 §8.4),
//      sends DTMF 1 and 2 by SIP INFO, and hangs up (BYE from the caller);
//   B. the callee hangs up (`answer --bye-after`: BYE from the callee, on the INVITE's flow).
// Both calls: established, RTP (UDP, loopback) both ways, invite exits 0; answer exits 0 on
// Ctrl-C and served 2 calls with media. All in process (run(argv, fakeIo) with --json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { findCommand } from '../support/peers/require-peer.js';
import { ofType, resultOf, runCli, startCli, type CliRun } from './uac-helpers.js';

const TRANSPORTS = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;
const FAMILIES = [
  { family: 'IPv4', address: '127.0.0.1', host: '127.0.0.1' },
  { family: 'IPv6', address: '::1', host: '[::1]' },
] as const;

const notesOf = (events: SipEvent[]) => ofType(events, 'note');

describe('sipcall invite → sipcall answer: transport × IP family', () => {
  let pki: TestPki;
  beforeAll(async () => {
    // openssl makes the test CA: without it TLS and WSS cannot be proven, which is a failure
    expect(findCommand('openssl'), 'openssl is needed for the TLS/WSS certificates').toBeTruthy();
    pki = await makeTestPki();
  });
  afterAll(async () => {
    await pki?.remove();
  });

  for (const transport of TRANSPORTS) {
    for (const f of FAMILIES) {
      const secure = transport === 'tls' || transport === 'wss';
      const name = transport.toUpperCase();
      it.concurrent(`${name} over ${f.family}: two calls, hold/resume + DTMF INFO + BYE from the caller, and a BYE from the callee; audio both ways; exit 0 on both sides`, async () => {
        const cert = secure ? ['--cert', pki.valid.cert, '--key', pki.valid.key] : [];
        const answer: CliRun = startCli(['answer', '--transport', transport, '--address', f.address, '--port', '0', '--ring', '100', '--bye-after', '3', '--no-input', ...cert]);
        let answerCode: number | undefined;
        try {
          const listening = await answer.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
          const m = /^answering on (\S+):(\d+) \((\w+)\)/.exec(listening.type === 'note' ? listening.text : '');
          expect(m?.[1]).toBe(f.host);
          expect(m?.[3]).toBe(name);
          const target = `sip:bob@${f.host}:${m![2]}`;
          const ca = secure ? ['--ca', pki.ca] : [];
          const [a, b] = await Promise.all([
            // A: the caller ends it after 2 s (before the callee's 3 s)
            runCli(['invite', target, '--transport', transport, ...ca, '--duration', '2', '--hold-after', '0.4', '--hold-for', '0.6', '--dtmf', '12', '--dtmf-mode', 'info', '-v']),
            // B: held longer than --bye-after: the callee ends it
            runCli(['invite', target, '--transport', transport, ...ca, '--duration', '8', '-v']),
          ]);

          // --- call A: caller's view
          const ra = resultOf(a.events);
          expect(a.code, `${ra.summary}\n${a.stderr}`).toBe(0);
          expect(ra.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
          const invitesA = ofType(a.events, 'request.sent').filter((e) => e.method === 'INVITE' && !e.retransmission);
          expect(invitesA).toHaveLength(3); // the call, the hold, the resume
          expect(ofType(a.events, 'response.received').filter((e) => e.method === 'INVITE' && e.status === 200 && !e.retransmission)).toHaveLength(3);
          expect(ofType(a.events, 'request.sent').filter((e) => e.method === 'INFO' && !e.retransmission)).toHaveLength(2);
          for (const e of ofType(a.events, 'request.sent')) expect(e.transport).toBe(name);
          expect(ra.media!.received.packets).toBeGreaterThan(40);
          expect(ra.media!.sent.packets).toBeGreaterThan(80);
          expect(ra.verdict).toBeUndefined();

          // --- call B: the callee hung up
          const rb = resultOf(b.events);
          expect(b.code, `${rb.summary}\n${b.stderr}`).toBe(0);
          expect(rb.summary).toMatch(/call answered \(200 OK\).*the peer hung up/);
          expect(ofType(b.events, 'request.sent').some((e) => e.method === 'BYE')).toBe(false);
          expect(rb.media!.received.packets).toBeGreaterThan(80);

          // --- answer's view
          await answer.waitFor((e) => e.type === 'note' && e.code === 'we-hung-up');
        } finally {
          answer.io.interrupt();
          answerCode = await answer.done;
        }
        expect(answerCode).toBe(0);
        const ev = answer.events();
        const received = ofType(ev, 'request.received').filter((e) => !e.retransmission);
        for (const e of received) expect(e.transport).toBe(name);
        expect(received.filter((e) => e.method === 'INVITE')).toHaveLength(4);
        expect(received.filter((e) => e.method === 'BYE')).toHaveLength(1); // A's
        expect(notesOf(ev).filter((n) => n.code === 'peer-hold')).toHaveLength(1);
        expect(ofType(ev, 'media.dtmf').filter((d) => d.direction === 'received' && d.method === 'info').map((d) => d.digit)).toEqual(['1', '2']);
        // our BYE (call B) went out on the same transport and was answered 200
        const bye = ofType(ev, 'request.sent').filter((e) => e.method === 'BYE' && !e.retransmission);
        expect(bye).toHaveLength(1);
        expect(bye[0]!.transport).toBe(name);
        expect(notesOf(ev).find((n) => n.code === 'we-hung-up')!.text).toMatch(/^we hung up after 3\.\d s \(--bye-after\): BYE answered 200 OK$/);
        // audio both ways, as the callee saw it
        const stopped = ofType(ev, 'media.stopped');
        expect(stopped.map((s) => s.reason).sort()).toEqual(['the caller hung up (BYE)', 'we hung up (BYE)']);
        for (const s of stopped) {
          expect(s.summary.received.packets).toBeGreaterThan(40);
          expect(s.summary.sent.packets).toBeGreaterThan(40);
          expect(s.summary.received.sources.map((x) => x.address)).toEqual([f.address]);
        }
        expect(resultOf(ev).summary).toMatch(/served 2 calls \(2 with media\)/);
      }, 30_000);
    }
  }
});
