// Calls under loss, duplication and reordering (issue 11, "Proof under loss"): sipcall invite →
// fault relay (test/support/fault-relay.ts) → sipcall's own UAS (`answer`, on server
// transactions since RFC 3261 §17.2). Every call must end "answered, ended with BYE: 200 OK".
//
// What the RFC timers leave to chance, with T1 = 50 ms and T2 = 100 ms on both sides: the
// INVITE is sent at most 7 times before Timer B (64·T1): at 0, 50, 150, 350, 750, 1550 and
// 3150 ms. Once one copy arrives, the UAS answers 100 at once and keeps re-sending its 2xx every
// T2 until the ACK, so the call only fails when all 7 copies are lost: p⁷ per call, 10⁻⁷ at
// 10 % loss and 2.2·10⁻⁴ at 30 % (2.2 % for 100 calls). A BYE gets one send per T2 for 64·T1,
// 33 sends, each answered by the BYE's server transaction with the same 200: (1 − 0.7²)³³ ≈
// 10⁻¹⁰. So at 30 % a failed call is allowed only when the relay's log shows every INVITE of
// that call dropped, which RFC 3261 §17.1.1.2 says must end in Timer B; any other failure fails
// the test. Loss is applied to each datagram in each direction, seeded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/system-clock.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import type { SipEvent } from '../../src/events/types.js';
import { startFaultRelay, type FaultRelay } from '../support/fault-relay.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { resultOf, runJson } from './kamailio-helpers.js';
import { allowedTimerBFailures } from './loss-helpers.js';

const T = ['--t1', '50', '--t2', '100'];

usePeerCleanup();

describe('calls sipcall → sipcall answer through loss, duplication and reordering', () => {
  let uas: AutoAnswer;
  let port: number;
  const counts = new Map<string, number>();
  beforeAll(async () => {
    const clock = new SystemClock();
    uas = new AutoAnswer(
      { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 20, t1: 50, t2: 100, userAgent: 'loss-test' },
      {
        clock,
        // Counts only: a long run must not keep every event (the UAS holds up, issue 11).
        sink: (e: SipEvent) => {
          const k = e.type === 'response.sent' ? `sent ${e.status} ${e.method}${e.retransmission ? ' again' : ''}` : e.type;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        },
      },
    );
    port = (await uas.start()).port;
  });
  afterAll(async () => {
    await uas?.close();
  });

  for (const loss of [0.1, 0.3]) {
    it(`100 calls at ${loss * 100} % loss, 10 % duplication, 5 % reordering: every call answered and ended with BYE 200`, async () => {
      const relay: FaultRelay = await startFaultRelay({ host: '127.0.0.1', port }, { dropRate: loss, duplicateRate: 0.1, reorderRate: 0.05, seed: 11 + loss * 100 });
      try {
        const results: Array<{ code: number; summary: string; callId: string; byeRetransmissions: number }> = [];
        const one = async (): Promise<void> => {
          const { code, events } = await runJson(['invite', '--no-media', `sip:bob@${relay.hostPort}`, ...T, '--duration', '0']);
          const callId = events.find((e): e is Extract<SipEvent, { type: 'request.sent' }> => e.type === 'request.sent')?.callId ?? '';
          const byeRetransmissions = events.filter((e) => e.type === 'request.sent' && e.method === 'BYE' && e.retransmission).length;
          results.push({ code, summary: resultOf(events).summary, callId, byeRetransmissions });
        };
        for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 10 }, one));
        // The INVITE that timed out is the call's last (highest CSeq); nothing for it came back.
        const nothingCameBack = (callId: string) => {
          const inv = relay.log.filter((l) => l.callId === callId && l.direction === 'to-peer' && l.line.startsWith('INVITE ') && l.cseq);
          const last = inv.map((l) => l.cseq!).sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0];
          return last !== undefined && !relay.log.some((l) => l.callId === callId && l.direction === 'to-client' && l.cseq === last && l.action === 'forwarded');
        };
        const failed = results.filter((r) => r.code !== 0);
        const explained = failed.filter((r) => /Timer B/.test(r.summary) && nothingCameBack(r.callId));
        expect(explained.length, 'calls lost to Timer B with nothing coming back').toBeLessThanOrEqual(1);
        const unexplained = failed.filter((r) => !explained.includes(r));
        const story = (callId: string) => relay.log.filter((l) => l.callId === callId).map((l) => `  ${l.t} ${l.direction} ${l.action} ${l.cseq ?? ''} ${l.line}${l.why ? ` (${l.why})` : ''}`).join('\n');
        expect(unexplained.map((r) => `${r.callId}: exit ${r.code}: ${r.summary}\n${story(r.callId)}`)).toEqual([]);
        for (const r of results.filter((x) => x.code === 0)) expect(r.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
        const dropped = relay.log.filter((l) => l.action === 'dropped').length;
        // The loss really happened, and the re-sent BYEs it caused got the same 200 again (the
        // BYE server transaction), never a 481 (the bug this issue reported).
        expect(dropped / relay.log.length).toBeGreaterThan(loss / 2);
        expect(results.some((r) => r.byeRetransmissions > 0)).toBe(true);
        expect(counts.get('sent 481 BYE') ?? 0).toBe(0);
        expect(counts.get('sent 200 BYE again') ?? 0).toBeGreaterThan(0);
      } finally {
        await relay.close();
      }
    }, 120_000);
  }
});

// The same through Kamailio (a stateful proxy with digest auth, test/kamailio) to a SIPp UAS:
// sipcall → relay → Kamailio → SIPp. The loss is on sipcall's leg; Kamailio's transactions
// absorb and answer retransmissions on its side, as RFC 3261 §16 and §17 say. SIPp plays
// test/scenarios/uas-full-lossy.xml (its ACK is optional: a BYE may overtake every lost ACK).
// Here a copy of an INVITE that reaches Kamailio is answered by Kamailio (100, or the 407 again),
// so Timer B fires only if, for each of the ≤ 7 copies, the copy or its answer was lost, and the
// 2xx SIPp re-sends (0, 0.5, 1.5 s) were lost too: about 0.51⁷ · 0.3³ ≈ 2·10⁻⁵ per call at 30 %.
// On a starved machine (seen with both cores busy) fewer copies go out before Timer B. A failed
// call is therefore accepted only when the relay's log shows that nothing answering the INVITE
// that timed out (its CSeq) reached sipcall, and no more such calls than the loss makes likely
// (allowedTimerBFailures, P < 10⁻⁴); anything else fails.
describe.skipIf(requirePeers('kamailio', 'sipp').skip)('calls sipcall → Kamailio → SIPp through loss, duplication and reordering', () => {
  let k: KamailioPeer;
  let sipp: SippPeer;
  beforeAll(async () => {
    [k, sipp] = await Promise.all([startKamailio(), startSipp({ scenario: 'uas-full-lossy.xml' })]);
  });
  afterAll(async () => {
    await Promise.all([sipp?.stop(), k?.stop()]);
  });

  for (const loss of [0.1, 0.3]) {
    it(`50 calls at ${loss * 100} % loss through the 407: every call answered and ended with BYE 200`, async () => {
      const relay = await startFaultRelay({ host: k.host, port: k.port }, { dropRate: loss, duplicateRate: 0.1, reorderRate: 0.05, seed: 7 + loss * 100 });
      try {
        const results: Array<{ code: number; summary: string; callId: string }> = [];
        const one = async (): Promise<void> => {
          const { code, events } = await runJson(['invite', '--no-media', `port-${sipp.port}@${relay.hostPort}`, '--user', 'alice', ...T, '--duration', '0'], { SIPCALL_PASSWORD: 'secret' });
          const callId = events.find((e): e is Extract<SipEvent, { type: 'request.sent' }> => e.type === 'request.sent')?.callId ?? '';
          results.push({ code, summary: resultOf(events).summary, callId });
        };
        for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 5 }, one));
        // The INVITE that timed out is the call's last (highest CSeq); nothing for it came back.
        const nothingCameBack = (callId: string) => {
          const inv = relay.log.filter((l) => l.callId === callId && l.direction === 'to-peer' && l.line.startsWith('INVITE ') && l.cseq);
          const last = inv.map((l) => l.cseq!).sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0];
          return last !== undefined && !relay.log.some((l) => l.callId === callId && l.direction === 'to-client' && l.cseq === last && l.action === 'forwarded');
        };
        const failed = results.filter((r) => r.code !== 0);
        const explained = failed.filter((r) => /Timer B/.test(r.summary) && nothingCameBack(r.callId));
        // Both INVITEs of a call (before and after the 407) can be lost to Timer B: the bound is
        // the Poisson count that more failures than this have P < 10⁻⁴ (loss-helpers.ts).
        expect(explained.length, 'calls lost to Timer B with nothing coming back').toBeLessThanOrEqual(allowedTimerBFailures(50, loss, 2));
        const unexplained = failed.filter((r) => !explained.includes(r));
        const story = (callId: string) => relay.log.filter((l) => l.callId === callId).map((l) => `  ${l.t} ${l.direction} ${l.action} ${l.cseq ?? ''} ${l.line}${l.why ? ` (${l.why})` : ''}`).join('\n');
        expect(unexplained.map((r) => `${r.callId}: exit ${r.code}: ${r.summary}\n${story(r.callId)}`)).toEqual([]);
        expect(relay.log.filter((l) => l.action === 'dropped').length / relay.log.length).toBeGreaterThan(loss / 2);
      } finally {
        await relay.close();
      }
    }, 180_000);
  }
});
