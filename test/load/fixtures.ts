import { LoadMetrics } from '../../src/load/metrics.js';
import type { LoadSummary } from '../../src/load/summary.js';

/** A deterministic stand-in for a load run: call g (plan-wide) and its latencies (µs). */
export function callOf(g: number): { ok: boolean; setupUs: number; srdUs: number; sddUs: number; lagUs: number; status: number } {
  const x = (g * 2654435761) % 4294967296;
  const u = x / 4294967296;
  const ok = g % 97 !== 13;
  return { ok, setupUs: 2000 + u * 40_000 + (g % 500 === 0 ? 900_000 : 0), srdUs: 500 + u * 3000, sddUs: 300 + u * 1500, lagUs: (g % 7) * 40, status: ok ? 200 : 486 };
}

/** Runs calls `globals` (plan-wide numbers) through a LoadMetrics as the engine would. */
export function runCalls(globals: number[], intervalHook?: (m: LoadMetrics) => void): LoadMetrics {
  const m = new LoadMetrics();
  for (const g of globals) {
    const c = callOf(g);
    m.callStarted(g, g + c.lagUs / 1000);
    m.status(100);
    m.status(180);
    m.record('srd', c.srdUs);
    if (g % 50 === 0) m.retransmission('INVITE');
    if (c.ok) {
      m.status(200);
      m.record('setup', c.setupUs);
      m.record('sdd', c.sddUs);
      m.callCompleted();
    } else {
      m.status(c.status);
      m.callFailed('4xx');
    }
    intervalHook?.(m);
  }
  return m;
}

export function summaryOf(m: LoadMetrics, index: number, count: number, total: number): LoadSummary {
  return m.summary({
    scenario: 'call',
    target: 'sip:uas@127.0.0.1:5070',
    segment: { index, count },
    startedAt: '2026-01-02T03:04:05.000Z',
    elapsedMs: 10_500,
    schedule: { total, durationMs: 10_000 },
    kernel: { rcvbufErrors: 0, rcvbuf: 4_194_304, sndbuf: 4_194_304 },
  });
}
