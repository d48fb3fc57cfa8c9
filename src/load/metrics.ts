/**
 * What `sipcall load` counts and times (docs/load.md, "Metrics"). The engine calls the small
 * hooks below as things happen; nothing here allocates per call (counters are numbers and typed
 * arrays, latencies go into HdrHistograms).
 *
 * Latencies, RFC 6076 §4 names, each measured from the call's **intended** start when the
 * request is the call's first (so a stall of the sender or of the far end is paid in full, not
 * hidden: no coordinated omission), and from the actual send otherwise:
 * - `srd`, Session Request Delay (RFC 6076 §4.2): INVITE → first non-100 response;
 * - `setup`, session setup time: INVITE → 2xx;
 * - `sdd`, Session Disconnect Delay (RFC 6076 §4.4): BYE → its final response;
 * - `rrd`, Registration Request Delay (RFC 6076 §4.1): REGISTER → final response;
 * - `ord`, OPTIONS → final response (by analogy with RRD; RFC 6076 has no OPTIONS metric);
 * - `lag`, schedule lag: actual send of the first request − intended start.
 */
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { Segment } from './schedule.js';
import {
  LATENCY_METRICS,
  type FailureCause,
  type KernelCounters,
  type LatencyMetric,
  type LoadInterval,
  type LoadSummary,
  type ThresholdResult,
} from './summary.js';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const rate = (n: number, ms: number): number => (ms > 0 ? r3(n / (ms / 1000)) : 0);

/** What the run knows that the counters do not, for {@link LoadMetrics.summary}. */
export interface SummaryContext {
  scenario: string;
  target: string;
  segment: Segment;
  startedAt: Date | string;
  /** From t0 to the end of the last call, ms. */
  elapsedMs: number;
  /** The schedule of this process: calls planned and planned duration. */
  schedule: { total: number; durationMs: number };
  kernel?: KernelCounters;
  thresholds?: ThresholdResult[];
}

export interface LoadMetricsOptions {
  /** A call that starts later than this after its intended time is a late start (µs; default 10 ms). */
  lateStartUs?: number;
  /** Encode each interval's histograms into the interval event (for `--hdr`). */
  encodeIntervals?: boolean;
}

interface Counts {
  attempted: number;
  completed: number;
  failed: number;
  dropped: number;
  timeouts: number;
  retransmissions: number;
  rejected: number;
}

const zero = (): Counts => ({ attempted: 0, completed: 0, failed: 0, dropped: 0, timeouts: 0, retransmissions: 0, rejected: 0 });

export class LoadMetrics {
  attempted = 0;
  completed = 0;
  failed = 0;
  dropped = 0;
  timeouts = 0;
  lateStarts = 0;
  /** Calls started and not yet ended. */
  active = 0;
  retransmissionsTotal = 0;
  /** Failed calls whose cause was a final 3xx–6xx (SIPp's FailedCallRejected). */
  rejected = 0;
  readonly retransmissions: Record<string, number> = {};
  readonly errors: Partial<Record<FailureCause, number>> = {};
  /** Responses received by status code (index = code). */
  readonly statusCounts = new Float64Array(700);
  /** Whole-run histograms, µs. */
  readonly latency: Record<LatencyMetric, LatencyHistogram>;
  /** Per-interval histograms, µs (emptied by {@link interval}). */
  readonly intervalLatency: Record<LatencyMetric, LatencyHistogram>;
  /** The latest actual start (ms since t0): the end of the send window. */
  lastStartMs = 0;

  readonly #lateStartUs: number;
  readonly #encodeIntervals: boolean;
  #previous: Counts = zero();
  #previousT = 0;

  constructor(options: LoadMetricsOptions = {}) {
    this.#lateStartUs = options.lateStartUs ?? 10_000;
    this.#encodeIntervals = options.encodeIntervals ?? false;
    this.latency = histograms();
    this.intervalLatency = histograms();
  }

  /** A call's first request was sent at `actualMs`; it was due at `intendedMs` (both ms since t0). */
  callStarted(intendedMs: number, actualMs: number): void {
    this.attempted++;
    this.active++;
    if (actualMs > this.lastStartMs) this.lastStartMs = actualMs;
    const lagUs = (actualMs - intendedMs) * 1000;
    if (lagUs > this.#lateStartUs) this.lateStarts++;
    this.record('lag', lagUs);
  }

  /** A due call could not start (`--max-concurrent` reached): counted, never skipped silently. */
  callDropped(): void {
    this.dropped++;
  }

  callCompleted(): void {
    this.completed++;
    this.active--;
  }

  callFailed(cause: FailureCause): void {
    this.failed++;
    this.active--;
    this.errors[cause] = (this.errors[cause] ?? 0) + 1;
    if (cause === 'timeout') this.timeouts++;
    else if (cause === '3xx' || cause === '4xx' || cause === '5xx' || cause === '6xx') this.rejected++;
  }

  /** A response with this status arrived (once per response passed up, not per retransmission). */
  status(code: number): void {
    if (code >= 100 && code < 700) this.statusCounts[code]++;
  }

  /** A request was retransmitted (Timer A or E). */
  retransmission(method: string): void {
    this.retransmissions[method] = (this.retransmissions[method] ?? 0) + 1;
    this.retransmissionsTotal++;
  }

  /** Records a latency in µs into the run's and the interval's histogram. */
  record(metric: LatencyMetric, us: number): void {
    this.latency[metric].record(us);
    this.intervalLatency[metric].record(us);
  }

  /** Status counts as a record keyed by code (only codes seen). */
  statuses(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let c = 100; c < 700; c++) if (this.statusCounts[c] > 0) out[String(c)] = this.statusCounts[c];
    return out;
  }

  /**
   * Closes the interval ending at `tMs` (ms since t0) and returns its event: this interval's
   * deltas and rates, totals since t0, and this interval's setup time and lag. Then empties the
   * interval histograms.
   */
  interval(tMs: number, targetRate: number): LoadInterval {
    const now = this.#counts();
    const p = this.#previous;
    const intervalMs = tMs - this.#previousT;
    const delta: Counts = {
      attempted: now.attempted - p.attempted,
      completed: now.completed - p.completed,
      failed: now.failed - p.failed,
      dropped: now.dropped - p.dropped,
      timeouts: now.timeouts - p.timeouts,
      retransmissions: now.retransmissions - p.retransmissions,
      rejected: now.rejected - p.rejected,
    };
    const event: LoadInterval = {
      type: 'load.interval',
      t: r3(tMs / 1000),
      intervalMs: r3(intervalMs),
      targetRate: r3(targetRate),
      rate: rate(delta.attempted, intervalMs),
      throughput: rate(delta.completed, intervalMs),
      active: this.active,
      interval: delta,
      total: now,
      setup: this.intervalLatency.setup.summary(),
      lag: this.intervalLatency.lag.summary(),
      setupMeanTotal: this.latency.setup.mean,
    };
    if (this.#encodeIntervals) {
      const encoded: Partial<Record<LatencyMetric, string>> = {};
      const maxes: Partial<Record<LatencyMetric, number>> = {};
      for (const m of LATENCY_METRICS) {
        const h = this.intervalLatency[m];
        if (h.count === 0) continue;
        encoded[m] = h.encode();
        maxes[m] = h.max;
      }
      event.histograms = encoded;
      event.intervalMax = maxes;
    }
    for (const m of LATENCY_METRICS) this.intervalLatency[m].reset();
    this.#previous = now;
    this.#previousT = tMs;
    return event;
  }

  /**
   * The final `load.summary` event. Rates, calls/s:
   * - offered = calls planned (this segment) / planned duration;
   * - achieved = calls started / send window, the window being t0 → the later of the planned
   *   duration and the last actual start (so a sender that falls behind, or drops calls, shows
   *   achieved < offered);
   * - throughput = calls completed / elapsed (t0 → end of the last call).
   */
  summary(ctx: SummaryContext): LoadSummary {
    const sendWindowMs = Math.max(ctx.schedule.durationMs, this.lastStartMs);
    const latency = {} as Record<LatencyMetric, LatencySummary>;
    const encoded = {} as Record<LatencyMetric, string>;
    for (const m of LATENCY_METRICS) {
      latency[m] = this.latency[m].summary();
      encoded[m] = this.latency[m].encode();
    }
    return {
      type: 'load.summary',
      version: 1,
      scenario: ctx.scenario,
      target: ctx.target,
      segment: { index: ctx.segment.index, count: ctx.segment.count },
      startedAt: typeof ctx.startedAt === 'string' ? ctx.startedAt : ctx.startedAt.toISOString(),
      elapsedMs: r3(ctx.elapsedMs),
      sendWindowMs: r3(sendWindowMs),
      plannedMs: r3(ctx.schedule.durationMs),
      planned: ctx.schedule.total,
      calls: { attempted: this.attempted, completed: this.completed, failed: this.failed, dropped: this.dropped, timeouts: this.timeouts },
      rate: {
        offered: rate(ctx.schedule.total, ctx.schedule.durationMs),
        achieved: rate(this.attempted, sendWindowMs),
        throughput: rate(this.completed, ctx.elapsedMs),
      },
      latency,
      lateStarts: this.lateStarts,
      statuses: this.statuses(),
      retransmissions: { ...this.retransmissions },
      errors: { ...this.errors },
      kernel: { ...(ctx.kernel ?? {}) },
      histograms: encoded,
      thresholds: ctx.thresholds ?? [],
    };
  }

  #counts(): Counts {
    return {
      attempted: this.attempted,
      completed: this.completed,
      failed: this.failed,
      dropped: this.dropped,
      timeouts: this.timeouts,
      retransmissions: this.retransmissionsTotal,
      rejected: this.rejected,
    };
  }
}

function histograms(): Record<LatencyMetric, LatencyHistogram> {
  const out = {} as Record<LatencyMetric, LatencyHistogram>;
  for (const m of LATENCY_METRICS) out[m] = new LatencyHistogram();
  return out;
}
