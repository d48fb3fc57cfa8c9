// The loss suite against Kamailio (issue 14 §4): sipcall → fault relay → Kamailio (test/kamailio:
// registrar with digest, stateful proxy) at 10 % and 30 % loss in each direction, with 10 %
// duplication and 5 % reordering, T1 = 50 ms and T2 = 100 ms on sipcall's side:
//
// - OPTIONS to Kamailio itself (R-URI its own address, sent through the relay as the outbound
//   proxy: Kamailio keeps the Route, sees the R-URI is itself and answers 200 statelessly);
// - REGISTER with digest: 401 (stateless, a fresh nonce per copy), then the REGISTER with
//   credentials, 200 (RFC 3261 §22.2, §10.3): two transactions per run;
// - calls through Kamailio to a SIPp UAS (R-URI user port-NNNN): INVITE → 407, ACK, INVITE with
//   credentials → 100 (Kamailio's transaction), 180, 200 (SIPp, relayed), ACK and BYE along the
//   Record-Route. The loss is on sipcall's leg; Kamailio's transactions absorb retransmissions.
//
// Every transaction must end as RFC 3261 says, with 0 failures the loss does not explain, and
// sends per transaction as the loss predicts (loss-helpers.ts derives the bound). A call may fail
// only when every copy of one of its INVITEs before Timer B, or every answer to them, was lost:
// Kamailio answers each copy of the first INVITE with one stateless 407, so that is 0.5⁷ ≈ 0.8 %
// per INVITE at 30 % (2·10⁻⁵ at 10 %). Such a failure must show in the relay's log (nothing
// answering that INVITE reached sipcall), and there may not be more of them than that rate makes
// likely (allowedTimerBFailures, P < 10⁻⁴). OPTIONS and REGISTER (33 attempts) never fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRelay } from '../support/fault-relay.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { ofType, resultOf, runJson } from './kamailio-helpers.js';
import { allowedTimerBFailures, clientTransactions, expectEndedOnFinal, expectLossHappened, expectNoSendsAfterAnswer, expectPlausibleSends, inBatches, lossRules, TIMERS } from './loss-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };
const LOSSES = [0.1, 0.3] as const;

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('loss suite: sipcall → relay → Kamailio', () => {
  let k: KamailioPeer;
  let sipp: SippPeer;
  beforeAll(async () => {
    [k, sipp] = await Promise.all([startKamailio(), startSipp({ scenario: 'uas-full-lossy.xml' })]);
  });
  afterAll(async () => {
    await Promise.all([sipp?.stop(), k?.stop()]);
  });

  for (const p of LOSSES) {
    it(`OPTIONS to Kamailio × 150 at ${p * 100} % loss: every one 200 OK from Kamailio, sends as the loss predicts`, async () => {
      const relay = await startFaultRelay({ host: k.host, port: k.port }, lossRules(p, 404));
      try {
        const runs = await inBatches(150, 25, () => runJson(['options', `sip:${k.hostPort}`, '--proxy', `sip:${relay.hostPort}`, ...TIMERS]));
        expect(runs.filter((r) => r.code !== 0).map((r) => resultOf(r.events).summary)).toEqual([]);
        const txs = runs.flatMap((r) => clientTransactions(r.events));
        expect(txs).toHaveLength(150);
        expectEndedOnFinal(txs, 'OPTIONS');
        expectPlausibleSends(txs, p, false, `OPTIONS at ${p * 100} %`);
        expectNoSendsAfterAnswer(relay.log, 'OPTIONS');
        expectLossHappened(relay, p);
      } finally {
        await relay.close();
      }
    });

    it(`REGISTER with digest × 100 at ${p * 100} % loss: 401 then 200 every time, sends as the loss predicts`, async () => {
      const relay = await startFaultRelay({ host: k.host, port: k.port }, lossRules(p, 505));
      try {
        const runs = await inBatches(100, 25, () => runJson(['register', `alice@${relay.hostPort}`, '--expires', '60', ...TIMERS], PASSWORD));
        expect(runs.filter((r) => r.code !== 0).map((r) => resultOf(r.events).summary)).toEqual([]);
        const txs = runs.flatMap((r) => clientTransactions(r.events));
        // Two transactions per run: the challenge and the answer to it (RFC 3261 §22.2).
        expect(runs.map((r) => clientTransactions(r.events).map((t) => `${t.method} ${t.finals.join(',')}`).join(' | '))).toEqual(Array(100).fill('REGISTER 401 | REGISTER 200'));
        expectEndedOnFinal(txs, 'REGISTER');
        expectPlausibleSends(txs, p, false, `REGISTER at ${p * 100} %`);
        expectNoSendsAfterAnswer(relay.log, 'REGISTER');
        expectLossHappened(relay, p);
      } finally {
        await relay.close();
      }
    });

    it(`50 calls through Kamailio's 407 at ${p * 100} % loss: answered, ended with BYE 200; INVITE and BYE sends as the loss predicts`, async () => {
      const relay = await startFaultRelay({ host: k.host, port: k.port }, lossRules(p, 606));
      try {
        const runs = await inBatches(50, 10, () => runJson(['invite', '--no-media', `port-${sipp.port}@${relay.hostPort}`, '--user', 'alice', ...TIMERS, '--duration', '0'], PASSWORD));
        const calls = runs.map((r) => ({ code: r.code, summary: resultOf(r.events).summary, callId: ofType(r.events, 'request.sent')[0]?.callId ?? '', txs: clientTransactions(r.events) }));
        // The INVITE that timed out is the call's last (highest CSeq); nothing for it came back.
        const nothingCameBack = (callId: string, txs: typeof calls[number]['txs']) => {
          const last = txs.filter((t) => t.method === 'INVITE').length;
          return !relay.log.some((l) => l.callId === callId && l.direction === 'to-client' && l.action === 'forwarded' && l.cseq === `${last} INVITE`);
        };
        const failed = calls.filter((c) => c.code !== 0);
        const explained = failed.filter((c) => /Timer B/.test(c.summary) && nothingCameBack(c.callId, c.txs));
        expect(explained.length, 'calls lost to Timer B with nothing coming back').toBeLessThanOrEqual(allowedTimerBFailures(50, p, 2));
        expect(failed.filter((c) => !explained.includes(c)).map((c) => `${c.callId}: exit ${c.code}: ${c.summary}`)).toEqual([]);
        const ok = calls.filter((c) => c.code === 0);
        for (const c of ok) expect(c.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
        const txs = ok.flatMap((c) => c.txs);
        // INVITE → 407, INVITE → 200, BYE → 200.
        expect(ok.map((c) => c.txs.map((t) => `${t.method} ${t.finals.join(',')}`).join(' | '))).toEqual(Array(ok.length).fill('INVITE 407 | INVITE 200 | BYE 200'));
        expectEndedOnFinal(txs, 'INVITE and BYE');
        expectPlausibleSends(txs.filter((t) => t.method === 'INVITE'), p, true, `INVITE at ${p * 100} %`);
        expectPlausibleSends(txs.filter((t) => t.method === 'BYE'), p, false, `BYE at ${p * 100} %`);
        expectNoSendsAfterAnswer(relay.log, 'INVITE and BYE');
        expectLossHappened(relay, p);
      } finally {
        await relay.close();
      }
    });
  }
});
