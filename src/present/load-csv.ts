/**
 * `sipcall load --csv FILE` (docs/load.md, "CSV"): one row per interval with SIPp's
 * `-trace_stat` column names where they mean the same here, `;`-separated, each row ending in
 * `;` as SIPp's do, so scripts written for SIPp's statistics file can read it. Times are written
 * as SIPp writes them: dates `YYYY-MM-DD<TAB>HH:MM:SS.uuuuuu<TAB>epoch.uuuuuu` (UTC here),
 * durations `HH:MM:SS:uuuuuu`. `ResponseTime1` is the mean setup time (INVITE → 2xx, from the
 * intended start). sipcall's own columns follow SIPp's.
 */
import type { LoadInterval } from '../load/summary.js';

export const LOAD_CSV_COLUMNS = [
  'StartTime',
  'LastResetTime',
  'CurrentTime',
  'ElapsedTime(P)',
  'ElapsedTime(C)',
  'TargetRate',
  'CallRate(P)',
  'CallRate(C)',
  'OutgoingCall(P)',
  'OutgoingCall(C)',
  'TotalCallCreated',
  'CurrentCall',
  'SuccessfulCall(P)',
  'SuccessfulCall(C)',
  'FailedCall(P)',
  'FailedCall(C)',
  'FailedMaxUDPRetrans(P)',
  'FailedMaxUDPRetrans(C)',
  'FailedCallRejected(P)',
  'FailedCallRejected(C)',
  'Retransmissions(P)',
  'Retransmissions(C)',
  'ResponseTime1(P)',
  'ResponseTime1(C)',
  'Dropped(P)',
  'Dropped(C)',
  'SetupP99(P)',
  'LagP99(P)',
] as const;

/** The header row. */
export function loadCsvHeader(): string {
  return `${LOAD_CSV_COLUMNS.join(';')};\n`;
}

/** One row for an interval event; `startedAtMs` is the run's wall-clock start (epoch ms). */
export function loadCsvRow(ev: LoadInterval, startedAtMs: number): string {
  const tMs = ev.t * 1000;
  const rateC = tMs > 0 ? ev.total.attempted / (tMs / 1000) : 0;
  const cells = [
    date(startedAtMs),
    date(startedAtMs + tMs - ev.intervalMs),
    date(startedAtMs + tMs),
    duration(ev.intervalMs),
    duration(tMs),
    ev.targetRate.toFixed(3),
    ev.rate.toFixed(3),
    rateC.toFixed(3),
    ev.interval.attempted,
    ev.total.attempted,
    ev.total.attempted,
    ev.active,
    ev.interval.completed,
    ev.total.completed,
    ev.interval.failed,
    ev.total.failed,
    ev.interval.timeouts,
    ev.total.timeouts,
    ev.interval.rejected,
    ev.total.rejected,
    ev.interval.retransmissions,
    ev.total.retransmissions,
    duration(ev.setup.mean),
    duration(ev.setupMeanTotal),
    ev.interval.dropped,
    ev.total.dropped,
    ev.setup.p99.toFixed(3),
    ev.lag.p99.toFixed(3),
  ];
  return `${cells.join(';')};\n`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** SIPp's `formatTime(tv, with_epoch)`: date, time with µs, epoch with µs, tab-separated. */
function date(epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  const us = Math.round((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000) % 1_000_000;
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)}`;
  return `${day}\t${time}\t${Math.floor(epochMs / 1000)}.${pad(us, 6)}`;
}

/** SIPp's `msToHHMMSSus`: `HH:MM:SS:uuuuuu` (µs within the second). */
function duration(ms: number): string {
  const totalUs = Math.round(ms * 1000);
  const sec = Math.floor(totalUs / 1_000_000);
  const us = totalUs - sec * 1_000_000;
  return `${pad(Math.floor(sec / 3600))}:${pad(Math.floor((sec % 3600) / 60))}:${pad(sec % 60)}:${pad(us, 6)}`;
}
