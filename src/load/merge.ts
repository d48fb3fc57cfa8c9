/**
 * `sipcall load merge a.json b.json …` (docs/load.md, "Beyond one machine"): adds the results of
 * the segments of one plan, run concurrently by several processes, into one summary.
 *
 * Exact: counts, statuses, retransmissions and errors are summed; latency histograms are decoded,
 * added bucket by bucket and the percentiles computed again from the sum (never averaged);
 * rates are summed, since the segments ran at the same time. Segment coverage is checked: a
 * segment no input covers, or one covered twice, is reported in `merge.warnings`.
 */
import { LoadInputError } from './errors.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import { LATENCY_METRICS, type KernelCounters, type LatencyMetric, type LoadSummary } from './summary.js';
import { evaluateThresholds, type Threshold } from './threshold.js';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Merges summaries (at least one); re-evaluates `thresholds` on the result. */
export function mergeSummaries(summaries: readonly LoadSummary[], thresholds: readonly Threshold[] = []): LoadSummary {
  if (summaries.length === 0) {
    throw new LoadInputError('nothing to merge', 'give the JSON results of each segment: sipcall load merge seg-0.json seg-1.json …');
  }
  const first = summaries[0];
  const sum = (f: (s: LoadSummary) => number): number => summaries.reduce((a, s) => a + f(s), 0);
  const max = (f: (s: LoadSummary) => number): number => Math.max(...summaries.map(f));

  const latency = {} as Record<LatencyMetric, LatencySummary>;
  const histograms = {} as Record<LatencyMetric, string>;
  for (const m of LATENCY_METRICS) {
    const h = new LatencyHistogram();
    for (const s of summaries) if (s.histograms?.[m]) h.add(LatencyHistogram.decode(s.histograms[m]));
    latency[m] = h.summary();
    histograms[m] = h.encode();
  }

  const merged: LoadSummary = {
    type: 'load.summary',
    version: 1,
    scenario: first.scenario,
    target: first.target,
    segment: { index: 1, count: 1 },
    startedAt: summaries.map((s) => s.startedAt).sort()[0],
    elapsedMs: max((s) => s.elapsedMs),
    sendWindowMs: max((s) => s.sendWindowMs),
    plannedMs: max((s) => s.plannedMs),
    planned: sum((s) => s.planned),
    calls: {
      attempted: sum((s) => s.calls.attempted),
      completed: sum((s) => s.calls.completed),
      failed: sum((s) => s.calls.failed),
      dropped: sum((s) => s.calls.dropped),
      timeouts: sum((s) => s.calls.timeouts),
    },
    rate: {
      offered: r3(sum((s) => s.rate.offered)),
      achieved: r3(sum((s) => s.rate.achieved)),
      throughput: r3(sum((s) => s.rate.throughput)),
    },
    latency,
    lateStarts: sum((s) => s.lateStarts),
    statuses: addRecords(summaries.map((s) => s.statuses)),
    retransmissions: addRecords(summaries.map((s) => s.retransmissions)),
    errors: addRecords(summaries.map((s) => s.errors)),
    kernel: mergeKernel(summaries.map((s) => s.kernel ?? {})),
    responses: {
      unparseable: sum((s) => s.responses?.unparseable ?? 0),
      stray: sum((s) => s.responses?.stray ?? 0),
      late: sum((s) => s.responses?.late ?? 0),
      badTarget: sum((s) => s.responses?.badTarget ?? 0),
    },
    socketErrors: addRecords(summaries.map((s) => s.socketErrors ?? {})),
    histograms,
    thresholds: [],
    merge: coverage(summaries),
  };
  merged.thresholds = evaluateThresholds(thresholds, merged);
  return merged;
}

/**
 * Reads one results file's text: the `load.summary` event of `sipcall load --json` (JSON lines;
 * the last summary wins) or a file holding just the summary object.
 */
export function readSummary(text: string, source: string): LoadSummary {
  let found: LoadSummary | undefined;
  for (const line of [text, ...text.split('\n')]) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const v = JSON.parse(trimmed) as { type?: unknown };
      if (v && v.type === 'load.summary') found = v as LoadSummary;
    } catch {
      // an interrupted line: not a summary
    }
  }
  if (!found) {
    throw new LoadInputError(`${source} holds no load.summary event`, 'give the output of sipcall load --json (one file per segment)');
  }
  if (found.version !== 1 || !found.calls || !found.histograms || !found.segment) {
    throw new LoadInputError(`${source} has a load.summary this version cannot read (version ${String(found.version)})`, 'merge results written by the same sipcall version');
  }
  return found;
}

function addRecords(records: readonly Record<string, number | undefined>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r ?? {})) out[k] = (out[k] ?? 0) + (v ?? 0);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** Error counters add up; buffer sizes are each process's own: the smallest granted is kept. */
function mergeKernel(ks: readonly KernelCounters[]): KernelCounters {
  const out: KernelCounters = {};
  for (const key of ['rcvbufErrors', 'inErrors', 'sndbufErrors'] as const) {
    const vs = ks.map((k) => k[key]).filter((v): v is number => v !== undefined);
    if (vs.length > 0) out[key] = vs.reduce((a, b) => a + b, 0);
  }
  for (const key of ['rcvbuf', 'sndbuf'] as const) {
    const vs = ks.map((k) => k[key]).filter((v): v is number => v !== undefined);
    if (vs.length > 0) out[key] = Math.min(...vs);
  }
  return out;
}

function coverage(summaries: readonly LoadSummary[]): NonNullable<LoadSummary['merge']> {
  const warnings: string[] = [];
  const counts = new Set(summaries.map((s) => s.segment.count));
  const count = Math.max(...counts);
  if (counts.size > 1) warnings.push(`the inputs disagree on the number of segments (${[...counts].sort((a, b) => a - b).join(', ')})`);
  const seen = new Map<number, number>();
  for (const s of summaries) seen.set(s.segment.index, (seen.get(s.segment.index) ?? 0) + 1);
  const missing: number[] = [];
  const duplicated: number[] = [];
  for (let i = 1; i <= count; i++) {
    const n = seen.get(i) ?? 0;
    if (n === 0) missing.push(i);
    if (n > 1) duplicated.push(i);
  }
  if (missing.length > 0) warnings.push(`segment${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the planned load was not all run`);
  if (duplicated.length > 0) warnings.push(`segment${duplicated.length > 1 ? 's' : ''} ${duplicated.map((i) => `${i}/${count}`).join(', ')} given more than once: calls counted twice`);
  const scenarios = new Set(summaries.map((s) => `${s.scenario} ${s.target}`));
  if (scenarios.size > 1) warnings.push(`the inputs ran different scenarios or targets: ${[...scenarios].join('; ')}`);
  return { inputs: summaries.length, count, missing, duplicated, warnings };
}
