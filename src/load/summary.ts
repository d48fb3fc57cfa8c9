/**
 * The JSON shapes `sipcall load --json` writes (docs/load.md, "JSON"): one `load.interval` event
 * per second and one `load.summary` at the end. A summary carries its histograms encoded, so
 * `sipcall load merge` can add the results of several segments exactly.
 */
import type { LatencySummary } from './histogram.js';

/** RFC 6076 metric names, the OPTIONS round trip (`ord`, by analogy with RRD; not in RFC 6076), and the schedule lag. */
export type LatencyMetric = 'srd' | 'setup' | 'sdd' | 'rrd' | 'ord' | 'lag';
export const LATENCY_METRICS: readonly LatencyMetric[] = ['srd', 'setup', 'sdd', 'rrd', 'ord', 'lag'];

/** Why a call failed (one per failed call). */
export type FailureCause = 'timeout' | '3xx' | '4xx' | '5xx' | '6xx' | 'transport' | 'unexpected';

export interface CallCounts {
  attempted: number;
  completed: number;
  failed: number;
  dropped: number;
  timeouts: number;
}

export interface KernelCounters {
  /** Delta of Udp RcvbufErrors over the run (Linux), datagrams the kernel dropped for want of buffer. */
  rcvbufErrors?: number;
  inErrors?: number;
  sndbufErrors?: number;
  /** The receive / send buffer sizes the kernel granted, bytes. */
  rcvbuf?: number;
  sndbuf?: number;
}

export interface ThresholdResult {
  expr: string;
  ok: boolean;
  /** The measured value, in the unit of the expression (ms, %, count, calls/s). */
  actual: number;
  /** The unit of `actual` ('ms', '%', 'calls', 'calls/s'). */
  unit: string;
  /** Why it failed when the value is missing, e.g. 'no samples'. */
  note?: string;
}

export interface LoadSummary {
  type: 'load.summary';
  version: 1;
  scenario: string;
  target: string;
  segment: { index: number; count: number };
  /** ISO 8601 wall-clock start of the run. */
  startedAt: string;
  /** From the run's t0 to the last call's end, ms. */
  elapsedMs: number;
  /** From t0 to the last call's actual start, ms (the send window). */
  sendWindowMs: number;
  /** The planned duration, ms. */
  plannedMs: number;
  /** Calls of the plan (this segment). */
  planned: number;
  calls: CallCounts;
  rate: {
    /** planned calls / planned duration (calls/s). */
    offered: number;
    /** calls started / send window (calls/s). */
    achieved: number;
    /** calls completed / elapsed (calls/s). */
    throughput: number;
  };
  latency: Record<LatencyMetric, LatencySummary>;
  /** Count of calls that started more than the late-start bound after their intended time. */
  lateStarts: number;
  statuses: Record<string, number>;
  retransmissions: Record<string, number>;
  errors: Record<string, number>;
  kernel: KernelCounters;
  /** HdrHistogram V2 compressed, base64, µs. */
  histograms: Record<LatencyMetric, string>;
  thresholds: ThresholdResult[];
  /**
   * What came back that no call could use (absent in results of older versions):
   * `unparseable` (not a SIP response), `stray` (not this run's branch), `late` (a retransmitted
   * final of a call that had ended: ACKed again or absorbed), `badTarget` (a 2xx whose Contact or
   * Record-Route could not be used).
   */
  responses?: { unparseable: number; stray: number; late: number; badTarget: number };
  /** Socket errors by code, e.g. ECONNREFUSED (an ICMP port unreachable). */
  socketErrors?: Record<string, number>;
  /** Only in the output of `sipcall load merge`: segment coverage. */
  merge?: MergeInfo;
}

export interface MergeInfo {
  inputs: number;
  /** Segment count of the inputs (they must agree). */
  count: number;
  /** Segments that no input covers (1-based). */
  missing: number[];
  /** Segments covered more than once. */
  duplicated: number[];
  /** Empty when the inputs cover each segment exactly once. */
  warnings: string[];
}

export interface LoadInterval {
  type: 'load.interval';
  /** End of the interval, seconds since t0 (3 decimals). */
  t: number;
  intervalMs: number;
  /** Planned rate at the end of the interval, calls/s. */
  targetRate: number;
  /** Calls started per second in this interval. */
  rate: number;
  /** Calls completed per second in this interval. */
  throughput: number;
  active: number;
  /** Counts in this interval. */
  interval: CallCounts & { retransmissions: number; rejected: number };
  /** Counts since t0. */
  total: CallCounts & { retransmissions: number; rejected: number };
  /** This interval's setup time and schedule lag (ms). */
  setup: LatencySummary;
  lag: LatencySummary;
  /** Mean setup time since t0, ms. */
  setupMeanTotal: number;
  /** This interval's histograms, encoded (only when the metrics were built with `encodeIntervals`: for `--hdr`). */
  histograms?: Partial<Record<LatencyMetric, string>>;
  /** This interval's max per metric, ms (with `histograms`). */
  intervalMax?: Partial<Record<LatencyMetric, number>>;
}
