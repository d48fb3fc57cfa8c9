/**
 * Property tests: whatever responses arrive, whenever, duplicated or out of order, the
 * invariants of RFC 3261 §17.1 hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Harness } from './helpers.js';

const STATUSES = [100, 180, 183, 200, 202, 404, 486, 503, 603] as const;

type Arrival = { at: number; what: number | 'transport-error'; copies: number };

const scenario = fc.record({
  method: fc.constantFrom('INVITE', 'OPTIONS', 'REGISTER'),
  transport: fc.constantFrom('UDP' as const, 'UDP' as const, 'TCP' as const),
  t1: fc.constantFrom(50, 100, 500),
  t2Factor: fc.constantFrom(1, 2, 8),
  t4Factor: fc.constantFrom(1, 10),
  arrivals: fc.array(
    fc.record({
      // Up to 80·T1 (as a fraction, scaled below) so some arrive after the end.
      at: fc.double({ min: 0, max: 80, noNaN: true }),
      what: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...STATUSES) },
        { weight: 1, arbitrary: fc.constant('transport-error' as const) },
      ),
      copies: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 8 },
  ),
});

describe('client transaction invariants (fast-check)', () => {
  it('hold for random arrival times, kinds, duplicates and reordering', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const { method, transport, t1 } = sc;
        const t2 = t1 * sc.t2Factor;
        const t4 = t1 * sc.t4Factor;
        const h = new Harness();
        h.start(method, { transport, timers: { t1, t2, t4 } });
        const invite = method === 'INVITE';

        // Deliver each copy in time order; ties keep the generated (random) order.
        const deliveries: Arrival[] = [];
        for (const a of sc.arrivals) {
          for (let c = 0; c < a.copies; c++) deliveries.push({ ...a, at: Math.round(a.at * t1) + c * t1 });
        }
        deliveries.sort((x, y) => x.at - y.at);

        let requestSendsAtFirstResponse: number | undefined;
        let finalsPassedUpInCompleted = 0;
        for (const d of deliveries) {
          h.clock.advanceTo(d.at);
          const tx = h.layer.get('z9hG4bKtest1', method);
          const before = tx?.state ?? 'Terminated';
          const acksBefore = h.sendTimes('ACK').length;
          const upBefore = h.responses.length;
          if (d.what === 'transport-error') {
            h.layer.transportError('z9hG4bKtest1', { code: 'ECONNRESET', message: 'reset' });
            continue;
          }
          const matched = h.respond(d.at, d.what);
          expect(matched).toBe(before !== 'Terminated');
          if (matched) requestSendsAtFirstResponse ??= h.sendTimes(method).length;
          const acks = h.sendTimes('ACK').length - acksBefore;
          const up = h.responses.length - upBefore;
          if (invite && d.what >= 300 && ['Calling', 'Proceeding', 'Completed'].includes(before)) {
            // Every non-2xx final (first or re-sent) is answered by exactly one ACK.
            expect(acks).toBe(1);
            if (before === 'Completed') finalsPassedUpInCompleted += up;
          } else {
            expect(acks).toBe(0);
          }
          if (invite && before === 'Accepted') expect(up).toBe(d.what >= 200 && d.what < 300 ? 1 : 0);
          if (before === 'Completed') expect(up).toBe(0);
        }
        h.clock.runAll();
        const stuck = h.layer.get('z9hG4bKtest1', method);
        if (stuck) {
          // Only an INVITE in Proceeding waits with no timer: Timer B acts only in Calling
          // (Figure 5), so the engine's ring timeout and CANCEL end it; here a 487 does.
          expect([method, stuck.state, h.clock.pending]).toEqual(['INVITE', 'Proceeding', 0]);
          h.respond(h.clock.now(), 487);
          h.clock.runAll();
        }

        const sends = h.sendTimes(method);
        if (invite) {
          // Never more than 7 INVITE transmissions (0 … 63·T1 < 64·T1), none after a response.
          expect(sends.length).toBeLessThanOrEqual(transport === 'UDP' ? 7 : 1);
          if (requestSendsAtFirstResponse !== undefined) expect(sends.length).toBe(requestSendsAtFirstResponse);
        } else {
          expect(h.sendTimes('ACK')).toEqual([]);
          for (let i = 1; i < sends.length; i++) {
            const gap = sends[i] - sends[i - 1];
            // Non-INVITE intervals are never above T2 (nor below T1).
            expect(gap).toBeLessThanOrEqual(t2);
            expect(gap).toBeGreaterThanOrEqual(t1);
          }
          expect(sends.length).toBeLessThanOrEqual(transport === 'UDP' ? 64 : 1);
        }
        expect(finalsPassedUpInCompleted).toBe(0);
        // Exactly one termination, with no timer and no entry left behind at that moment.
        expect(h.ends).toHaveLength(1);
        expect(h.of('transaction.terminated')).toHaveLength(1);
        expect(h.leftAtEnd).toEqual([{ timers: 0, live: 0 }]);
        const end = h.ends[0].end;
        if (end.outcome === 'final') expect(end.local).toBe(false);
        else expect([end.status, end.local]).toEqual([end.outcome === 'timeout' ? 408 : 503, true]);
        // Every timer started was later fired or stopped.
        expect(h.of('timer.started').length).toBe(h.of('timer.fired').length + h.of('timer.stopped').length);
      }),
      { numRuns: 400 },
    );
  });

  it('retransmitted INVITE schedules are exactly T1·(2^k − 1) until the first response', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 70, noNaN: true }), (t1, answerAt) => {
        const h = new Harness();
        h.start('INVITE', { timers: { t1, t2: Math.max(t1, 4000) } });
        const at = Math.round(answerAt * t1);
        h.clock.advanceTo(at);
        h.layer.get('z9hG4bKtest1', 'INVITE') && h.respond(at, 180);
        h.clock.runAll();
        const expected = [0, 1, 3, 7, 15, 31, 63].map((k) => k * t1).filter((x) => x <= at && x < 64 * t1);
        expect(h.sendTimes('INVITE')).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
