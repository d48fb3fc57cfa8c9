/**
 * What the UDP and the stream runs share around the engine (udp-run.ts, stream-run.ts): the JIT
 * warm-up with the run's own options, and the result of a finished run.
 */
import type { EngineCounters } from './call-responses.js';
import type { LoadEngine } from './engine.js';
import type { LoadEngineOptions } from './engine-options.js';
import type { LoadMetrics } from './metrics.js';
import type { ArrivalSchedule } from './schedule.js';
import type { KernelCounters, LoadSummary, ThresholdResult } from './summary.js';
import { warmUp, warmUpCallsFor } from './warm-up.js';

/** What a finished run knows beyond the metrics. */
export interface LoadRunResult {
  summary: LoadSummary;
  counters: EngineCounters;
  /** Socket errors seen (e.g. ECONNREFUSED from an ICMP port unreachable), by code. */
  socketErrors: Record<string, number>;
  /** Planned calls that were not started because the run was stopped. */
  notStarted: number;
}

/** The options of a run that the engine and its warm-up both take. */
type RunEngineOptions = Omit<LoadEngineOptions, 'send' | 'onCallStart' | 'onCallEnd'> & { warmUp?: boolean };

/** Warms the JIT up (warm-up.ts) with the run's engine options, unless `warmUp` is false; CPU ms. */
export function warmUpRun(o: RunEngineOptions): number {
  if (o.warmUp === false) return 0;
  const { schedule, metrics: _m, clock: _c, onInterval: _i, ...rest } = o;
  return warmUp(rest, warmUpCallsFor(schedule.offeredRate())).cpuMs;
}

/** The result of a run whose engine has finished. */
export function runResult(
  o: { scenario: LoadEngineOptions['scenario']; target: string; schedule: ArrivalSchedule; metrics: LoadMetrics },
  engine: LoadEngine,
  run: { startedAt: Date; endedAt: number; kernel: KernelCounters; socketErrors: Record<string, number> },
  thresholds?: (s: LoadSummary) => ThresholdResult[],
): LoadRunResult {
  const summary = o.metrics.summary({
    scenario: o.scenario,
    target: o.target,
    segment: o.schedule.segment,
    startedAt: run.startedAt,
    elapsedMs: run.endedAt - engine.t0,
    schedule: { total: o.schedule.total, durationMs: o.schedule.durationMs },
    kernel: run.kernel,
  });
  summary.responses = { ...engine.counters };
  summary.socketErrors = { ...run.socketErrors };
  if (thresholds) summary.thresholds = thresholds(summary);
  return { summary, counters: { ...engine.counters }, socketErrors: { ...run.socketErrors }, notStarted: engine.notStarted };
}
