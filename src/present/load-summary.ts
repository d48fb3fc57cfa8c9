/**
 * The closing block of `sipcall load`, in the manner of vegeta's text report (docs/load.md,
 * "Summary"): calls, rates, durations, latencies by RFC 6076 name, status codes,
 * retransmissions, errors, the kernel's counters, thresholds and merge warnings. Pure text
 * (no colour): the CLI prints it.
 */
import type { LatencySummary } from '../load/histogram.js';
import type { LatencyMetric, LoadSummary } from '../load/summary.js';

const LABEL = 50;
const row = (label: string, value: string): string => `${label.padEnd(LABEL)} ${value}`;
const f3 = (x: number): string => x.toFixed(3);
const f2 = (x: number): string => x.toFixed(2);
const secs = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`;

/** The RFC 6076 names as shown. */
const NAMES: Record<LatencyMetric, string> = {
  srd: 'SRD (INVITE → first non-100)',
  setup: 'setup (INVITE → 2xx)',
  sdd: 'SDD (BYE → final)',
  rrd: 'RRD (REGISTER → final)',
  ord: 'OPTIONS → final',
  lag: 'schedule lag',
};
const ORDER: LatencyMetric[] = ['srd', 'setup', 'sdd', 'rrd', 'ord', 'lag'];

function latencyRow(l: LatencySummary): string {
  return [l.min, l.mean, l.p50, l.p90, l.p99, l.p999, l.max].map(f3).join(', ');
}

function pairs(r: Record<string, number>): string {
  const entries = Object.entries(r).filter(([, v]) => v > 0);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k}:${v}`).join('  ');
}

export function formatLoadSummary(s: LoadSummary): string {
  const lines: string[] = [];
  const seg = s.segment.count > 1 ? ` (segment ${s.segment.index}/${s.segment.count})` : '';
  lines.push(`sipcall load ${s.scenario} → ${s.target}${seg}`);
  lines.push(row('Calls      [attempted, completed, failed, dropped]', `${s.calls.attempted}, ${s.calls.completed}, ${s.calls.failed}, ${s.calls.dropped}`));
  lines.push(row('Rate       [offered, achieved, throughput]', `${f2(s.rate.offered)}, ${f2(s.rate.achieved)}, ${f2(s.rate.throughput)} calls/s`));
  lines.push(row('Duration   [planned, send window, elapsed]', `${secs(s.plannedMs)}, ${secs(s.sendWindowMs)}, ${secs(s.elapsedMs)}`));
  lines.push(row('Latencies  [min, mean, 50, 90, 99, 99.9, max]', 'ms, from the intended start'));
  for (const m of ORDER) {
    const l = s.latency[m];
    if (l.count === 0) continue;
    lines.push(row(`  ${NAMES[m]}`, `${latencyRow(l)}  (n=${l.count})`));
  }
  lines.push(row('Late starts', `${s.lateStarts}`));
  lines.push(row('Timeouts', `${s.calls.timeouts}`));
  lines.push(row('Status codes  [code:count]', pairs(s.statuses)));
  lines.push(row('Retransmissions  [method:count]', pairs(s.retransmissions)));
  lines.push(row('Errors  [cause:count]', pairs(s.errors)));
  if (s.responses) {
    const r = s.responses;
    lines.push(row('Unused     [unparseable, stray, late, bad target]', `${r.unparseable}, ${r.stray}, ${r.late}, ${r.badTarget}`));
  }
  if (s.socketErrors && Object.keys(s.socketErrors).length > 0) lines.push(row('Socket errors  [code:count]', pairs(s.socketErrors)));
  lines.push(row('Kernel', kernelLine(s)));
  if (s.merge) {
    lines.push(row('Merged', `${s.merge.inputs} results, ${s.merge.count} segment${s.merge.count > 1 ? 's' : ''}`));
    for (const w of s.merge.warnings) lines.push(`  ! ${w}`);
  }
  if (s.thresholds.length > 0) {
    lines.push('Thresholds');
    for (const t of s.thresholds) {
      const note = t.note ? `, ${t.note}` : '';
      lines.push(`  ${t.ok ? '✓' : '✗'} ${t.expr}  (actual ${Number(t.actual.toFixed(4))} ${t.unit}${note})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function kernelLine(s: LoadSummary): string {
  const k = s.kernel;
  const parts: string[] = [];
  parts.push(k.rcvbufErrors === undefined ? 'UDP RcvbufErrors n/a' : `UDP RcvbufErrors +${k.rcvbufErrors}`);
  if (k.sndbufErrors !== undefined) parts.push(`SndbufErrors +${k.sndbufErrors}`);
  if (k.rcvbuf !== undefined) parts.push(`SO_RCVBUF ${k.rcvbuf} B`);
  if (k.sndbuf !== undefined) parts.push(`SO_SNDBUF ${k.sndbuf} B`);
  return parts.join(', ');
}
