import { describe, expect, it } from 'vitest';
import { LoadMetrics } from '../../src/load/metrics.js';
import { runCalls, summaryOf } from './fixtures.js';

describe('LoadMetrics', () => {
  it('counts calls, statuses, retransmissions and causes', () => {
    const m = runCalls(Array.from({ length: 1000 }, (_, g) => g));
    m.callDropped();
    const s = summaryOf(m, 1, 1, 1001);
    expect(s.type).toBe('load.summary');
    expect(s.version).toBe(1);
    const failed = Array.from({ length: 1000 }, (_, g) => g).filter((g) => g % 97 === 13).length;
    expect(s.calls).toEqual({ attempted: 1000, completed: 1000 - failed, failed, dropped: 1, timeouts: 0 });
    expect(s.statuses).toEqual({ '100': 1000, '180': 1000, '200': 1000 - failed, '486': failed });
    expect(s.retransmissions).toEqual({ INVITE: 20 });
    expect(s.errors).toEqual({ '4xx': failed });
    expect(m.active).toBe(0);
    expect(s.latency.setup.count).toBe(1000 - failed);
    expect(s.latency.lag.count).toBe(1000);
    expect(s.latency.rrd.count).toBe(0);
    expect(Object.keys(s.histograms).sort()).toEqual(['lag', 'ord', 'rrd', 'sdd', 'setup', 'srd']);
    expect(s.kernel).toEqual({ rcvbufErrors: 0, rcvbuf: 4_194_304, sndbuf: 4_194_304 });
  });

  it('rates: offered = planned / planned duration, achieved = started / send window, throughput = completed / elapsed', () => {
    const m = new LoadMetrics();
    for (let k = 0; k < 900; k++) {
      m.callStarted(k * 10, k * 10 + 0.5);
      m.callCompleted();
    }
    for (let k = 0; k < 100; k++) m.callDropped();
    const s = m.summary({ scenario: 'options', target: 't', segment: { index: 1, count: 1 }, startedAt: new Date(0), elapsedMs: 12_000, schedule: { total: 1000, durationMs: 10_000 } });
    expect(s.rate).toEqual({ offered: 100, achieved: 90, throughput: 75 });
    expect(s.startedAt).toBe('1970-01-01T00:00:00.000Z');
  });

  it('a sender that falls behind widens the send window', () => {
    const m = new LoadMetrics();
    for (let k = 0; k < 100; k++) m.callStarted(k * 10, k * 20);
    const s = m.summary({ scenario: 'call', target: 't', segment: { index: 1, count: 1 }, startedAt: new Date(0), elapsedMs: 2000, schedule: { total: 100, durationMs: 1000 } });
    expect(s.sendWindowMs).toBe(1980);
    expect(s.rate.achieved).toBeCloseTo(50.505, 3);
    expect(s.lateStarts).toBe(98); // lag = k·10 ms, late when > 10 ms: k = 2…99
  });

  it('interval events: deltas, totals, and the interval p99 of setup', () => {
    const m = new LoadMetrics({ encodeIntervals: true });
    for (let k = 0; k < 100; k++) {
      m.callStarted(k * 10, k * 10);
      m.record('setup', 5000);
      m.callCompleted();
    }
    const first = m.interval(1000, 100);
    expect(first).toMatchObject({ type: 'load.interval', t: 1, intervalMs: 1000, targetRate: 100, rate: 100, throughput: 100, active: 0 });
    expect(first.setup.p99).toBeCloseTo(5, 2);
    expect(first.histograms?.setup).toMatch(/^HISTF/);
    for (let k = 0; k < 50; k++) {
      m.callStarted(1000 + k * 10, 1000 + k * 10);
      m.record('setup', 80_000);
    }
    m.callFailed('timeout');
    const second = m.interval(2000, 100);
    expect(second.interval).toEqual({ attempted: 50, completed: 0, failed: 1, dropped: 0, timeouts: 1, retransmissions: 0, rejected: 0 });
    expect(second.total.attempted).toBe(150);
    expect(second.active).toBe(49);
    expect(second.setup.p99).toBeCloseTo(80, 0);
    expect(second.setup.count).toBe(50);
    expect(m.latency.setup.count).toBe(150);
  });

  it('rejected counts the failures by a final 3xx–6xx', () => {
    const m = new LoadMetrics();
    for (const c of ['3xx', '4xx', '5xx', '6xx', 'timeout', 'transport', 'unexpected'] as const) {
      m.callStarted(0, 0);
      m.callFailed(c);
    }
    expect(m.rejected).toBe(4);
    expect(m.timeouts).toBe(1);
    expect(m.failed).toBe(7);
  });
});
