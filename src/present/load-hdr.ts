/**
 * `sipcall load --hdr FILE` (docs/load.md, "HdrHistogram log"): the interval histograms in the
 * HdrHistogram log format (v1.3), readable by HdrHistogram's HistogramLogProcessor, the
 * HdrHistogram plotter and hdr-histogram-js's HistogramLogReader. One line per metric and
 * interval, tagged with the RFC 6076 name (`Tag=setup,…`); values are µs, `Interval_Max` is in
 * ms (value unit ratio 1000); timestamps are seconds from BaseTime, the run's start.
 */
import { LATENCY_METRICS, type LoadInterval } from '../load/summary.js';

/** The log's header; `startedAtMs` is the run's wall-clock start (epoch ms). */
export function hdrLogHeader(startedAtMs: number): string {
  const sec = (startedAtMs / 1000).toFixed(3);
  return [
    '#[Logged with sipcall load; values in microseconds, Interval_Max in milliseconds]',
    '#[Histogram log format version 1.3]',
    `#[StartTime: ${sec} (seconds since epoch), ${new Date(startedAtMs).toISOString()}]`,
    `#[BaseTime: ${sec} (seconds since epoch)]`,
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
    '',
  ].join('\n');
}

/** The lines of one interval (empty when the metrics were not built with `encodeIntervals`). */
export function hdrLogLines(ev: LoadInterval): string {
  const start = ((ev.t * 1000 - ev.intervalMs) / 1000).toFixed(3);
  const length = (ev.intervalMs / 1000).toFixed(3);
  let out = '';
  for (const m of LATENCY_METRICS) {
    const h = ev.histograms?.[m];
    if (!h) continue;
    out += `Tag=${m},${start},${length},${(ev.intervalMax?.[m] ?? 0).toFixed(3)},${h}\n`;
  }
  return out;
}
