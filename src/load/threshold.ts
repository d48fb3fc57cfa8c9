/**
 * `--threshold EXPR` (docs/load.md, "Thresholds"): pass/fail gates on a load summary, in the
 * manner of k6's thresholds. A failed threshold makes `sipcall load` (and `load merge`) exit 7.
 *
 * Forms (spaces allowed around the operator; operators `<`, `<=`, `>`, `>=`, `==`):
 * - latency: `p99(setup)<50ms`, `p50(srd)<=10ms`, `p99.9(setup)<1s`, `max(sdd)<1s`,
 *   `mean(rrd)<20ms`, `min(lag)>=0`; also `setup.p99<50ms`. Aggregates p50 p90 p99 p99.9 (p999)
 *   mean min max; metrics srd setup sdd rrd lag (RFC 6076 names) and ord (OPTIONS); units us µs ms s (default ms);
 * - counts: `failed<=5`, `dropped==0`, `timeouts<1`, also completed, attempted, lateStarts,
 *   retransmissions;
 * - shares: `failed<0.1%` (of attempted), `dropped<1%` (of attempted + dropped), `timeouts<1%`,
 *   `completed>=99.9%` (of attempted);
 * - rates: `rate.achieved>=99%` (of offered), `rate.achieved>=9900` (calls/s), `rate.throughput`,
 *   `rate.offered`.
 * A latency threshold on a metric with no samples fails (nothing shows it was met).
 */
import { LoadInputError } from './errors.js';
import type { LatencySummary } from './histogram.js';
import { LATENCY_METRICS, type LatencyMetric, type LoadSummary, type ThresholdResult } from './summary.js';

type Op = '<' | '<=' | '>' | '>=' | '==';
type Aggregate = Exclude<keyof LatencySummary, 'count'>;
const COUNTERS = ['failed', 'dropped', 'timeouts', 'completed', 'attempted', 'lateStarts', 'retransmissions'] as const;
type Counter = (typeof COUNTERS)[number];
const RATES = ['offered', 'achieved', 'throughput'] as const;
type RateName = (typeof RATES)[number];

export type Threshold =
  | { kind: 'latency'; expr: string; aggregate: Aggregate; metric: LatencyMetric; op: Op; limit: number /* ms */ }
  | { kind: 'counter'; expr: string; counter: Counter; op: Op; limit: number; percent: boolean }
  | { kind: 'rate'; expr: string; rate: RateName; op: Op; limit: number; percent: boolean };

const HINT = "e.g. --threshold 'p99(setup)<50ms', 'failed<0.1%', 'dropped==0', 'rate.achieved>=99%'";

const AGGREGATES: Record<string, Aggregate> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  'p99.9': 'p999',
  p999: 'p999',
  mean: 'mean',
  avg: 'mean',
  min: 'min',
  max: 'max',
};

/** Parses one `--threshold` expression. */
export function parseThreshold(text: string): Threshold {
  const expr = text.trim();
  const m = /^(.+?)\s*(<=|>=|==|<|>)\s*(.+)$/.exec(expr);
  if (!m) throw fail(expr, 'has no comparison (<, <=, >, >=, ==)');
  const [, lhs, opText, rhs] = m;
  const op = opText as Op;
  const latency = /^(?:(p[\d.]+|mean|avg|min|max)\((\w+)\)|(\w+)\.(p[\d.]+|mean|avg|min|max))$/.exec(lhs);
  if (latency) {
    const aggText = latency[1] ?? latency[4];
    const metricText = latency[2] ?? latency[3];
    const aggregate = AGGREGATES[aggText];
    if (!aggregate) throw fail(expr, `has an unknown aggregate '${aggText}' (use p50, p90, p99, p99.9, mean, min or max)`);
    if (!(LATENCY_METRICS as readonly string[]).includes(metricText)) {
      throw fail(expr, `has an unknown metric '${metricText}' (use ${LATENCY_METRICS.join(', ')})`);
    }
    return { kind: 'latency', expr, aggregate, metric: metricText as LatencyMetric, op, limit: parseMs(expr, rhs) };
  }
  const rateName = /^rate\.(\w+)$/.exec(lhs);
  if (rateName) {
    if (!(RATES as readonly string[]).includes(rateName[1])) throw fail(expr, `has an unknown rate '${rateName[1]}' (use ${RATES.join(', ')})`);
    const { value, percent } = parseNumber(expr, rhs);
    if (percent && rateName[1] === 'offered') throw fail(expr, 'compares the offered rate with a share of itself');
    return { kind: 'rate', expr, rate: rateName[1] as RateName, op, limit: value, percent };
  }
  if ((COUNTERS as readonly string[]).includes(lhs)) {
    const { value, percent } = parseNumber(expr, rhs);
    return { kind: 'counter', expr, counter: lhs as Counter, op, limit: value, percent };
  }
  throw fail(expr, `has an unknown quantity '${lhs}'`);
}

/** Evaluates thresholds against a summary: one result per threshold, in order. */
export function evaluateThresholds(thresholds: readonly Threshold[], s: LoadSummary): ThresholdResult[] {
  return thresholds.map((t) => {
    const { actual, unit, empty } = measure(t, s);
    const ok = !empty && compare(actual, t.op, t.limit);
    return empty ? { expr: t.expr, ok, actual, unit, note: 'no samples' } : { expr: t.expr, ok, actual, unit };
  });
}

/** True when every threshold held (the exit code is then not 7). */
export function thresholdsPassed(results: readonly ThresholdResult[]): boolean {
  return results.every((r) => r.ok);
}

function measure(t: Threshold, s: LoadSummary): { actual: number; unit: string; empty: boolean } {
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  switch (t.kind) {
    case 'latency': {
      const l = s.latency[t.metric];
      return { actual: l[t.aggregate], unit: 'ms', empty: l.count === 0 };
    }
    case 'rate': {
      const v = s.rate[t.rate];
      if (!t.percent) return { actual: v, unit: 'calls/s', empty: false };
      return { actual: s.rate.offered > 0 ? r4((v / s.rate.offered) * 100) : 0, unit: '%', empty: false };
    }
    case 'counter': {
      const v = counterValue(t.counter, s);
      if (!t.percent) return { actual: v, unit: 'calls', empty: false };
      const base = t.counter === 'dropped' ? s.calls.attempted + s.calls.dropped : s.calls.attempted;
      return { actual: base > 0 ? r4((v / base) * 100) : 0, unit: '%', empty: false };
    }
  }
}

function counterValue(c: Counter, s: LoadSummary): number {
  switch (c) {
    case 'lateStarts':
      return s.lateStarts;
    case 'retransmissions':
      return Object.values(s.retransmissions).reduce((a, b) => a + b, 0);
    default:
      return s.calls[c];
  }
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
  }
}

function parseMs(expr: string, rhs: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s)?$/.exec(rhs.trim());
  if (!m) throw fail(expr, `has a limit '${rhs}' that is not a time (e.g. 50ms, 1s)`);
  const n = Number(m[1]);
  switch (m[2]) {
    case 'us':
    case 'µs':
      return n / 1000;
    case 's':
      return n * 1000;
    default:
      return n;
  }
}

function parseNumber(expr: string, rhs: string): { value: number; percent: boolean } {
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(rhs.trim());
  if (!m) throw fail(expr, `has a limit '${rhs}' that is not a number or a percentage`);
  return { value: Number(m[1]), percent: m[2] === '%' };
}

function fail(expr: string, what: string): LoadInputError {
  return new LoadInputError(`--threshold '${expr}' ${what}`, HINT, '--threshold');
}
