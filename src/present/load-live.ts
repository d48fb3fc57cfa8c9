/**
 * The `sipcall load` status line, one per second on a TTY (docs/load.md, "Live line"): elapsed
 * time, achieved / planned rate, calls in progress, completed, failed, dropped, and the p99 setup
 * time of the last second. Pure: the CLI rewrites the line in place.
 */
import type { LoadInterval } from '../load/summary.js';

const n = (x: number): string => x.toLocaleString('en-US');

export function formatLoadLive(ev: LoadInterval): string {
  const p99 = ev.setup.count > 0 ? `${ev.setup.p99.toFixed(3)} ms` : '—';
  return [
    `${ev.t.toFixed(1).padStart(6)}s`,
    `rate ${ev.rate.toFixed(0)}/${ev.targetRate.toFixed(0)} cps`,
    `active ${n(ev.active)}`,
    `completed ${n(ev.total.completed)}`,
    `failed ${n(ev.total.failed)}`,
    `dropped ${n(ev.total.dropped)}`,
    `p99 setup ${p99}`,
  ].join('  ');
}
