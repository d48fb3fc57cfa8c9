/**
 * The `sipcall load` flags that shape the schedule, turned into a {@link LoadPlan}:
 * `--rate N` (`-r`), `--duration S`, `--calls N` (`-m`), `--ramp SPEC`, `--segment i/n`.
 *
 * `--ramp` is a comma-separated list of stages, each `RATE/DURATION`:
 * - `1000/10s` ramps linearly from the previous rate to 1,000 calls/s over 10 s;
 * - `=1000/10s` holds 1,000 calls/s for 10 s (a step, then constant).
 * The first stage starts from `--rate` when given, else from 0. So
 * `--ramp 1000/10s,=1000/30s,0/5s` ramps up, holds, ramps down.
 */
import { parseDurationText as parseLoadDuration } from '../clock/duration-text.js';
import { LoadInputError } from './errors.js';
import type { LoadPlan, Segment, Stage } from './schedule.js';

const RAMP_HINT = 'write --ramp RATE/DURATION[,…], e.g. --ramp 1000/10s,=5000/30s (=: hold, else ramp)';

/** Parses `--ramp`, starting from `initialRate` (calls/s). */
export function parseRamp(spec: string, initialRate = 0): Stage[] {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new LoadInputError(`--ramp '${spec}' has an empty stage`, RAMP_HINT, '--ramp');
  }
  const stages: Stage[] = [];
  let previous = initialRate;
  for (const part of parts) {
    const m = /^(=?)\s*(\d+(?:\.\d+)?)\s*\/\s*(.+)$/.exec(part);
    if (!m) throw new LoadInputError(`--ramp stage '${part}' is not RATE/DURATION`, RAMP_HINT, '--ramp');
    const rate = Number(m[2]);
    const durationMs = parseLoadDuration(m[3]);
    if (durationMs === undefined || durationMs <= 0) {
      throw new LoadInputError(`--ramp stage '${part}' has no valid duration`, RAMP_HINT, '--ramp');
    }
    stages.push({ startRate: m[1] === '=' ? rate : previous, endRate: rate, durationMs });
    previous = rate;
  }
  return stages;
}

/** Parses `--segment i/n` (1-based i). */
export function parseSegment(text: string): Segment {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new LoadInputError(
      `--segment '${text}' is not i/n with 1 ≤ i ≤ n`,
      'write --segment i/n, e.g. --segment 2/4 for the second of four processes',
      '--segment',
    );
  }
  return { index, count };
}

/** The schedule flags as given (already number-parsed by the CLI; `durationMs` from `--duration`). */
export interface ScheduleOptions {
  readonly rate?: number;
  readonly durationMs?: number;
  readonly calls?: number;
  readonly ramp?: string;
}

/**
 * Builds the plan: `--ramp` gives the stages (from `--rate` or 0) and `--calls` may cap them;
 * otherwise `--rate` with `--duration` (and `--calls` as a cap) or with `--calls` alone (the
 * duration is then calls / rate). `--duration` together with `--ramp` is refused: the ramp's
 * stages already say how long (add a hold stage `=RATE/S`).
 */
export function buildLoadPlan(o: ScheduleOptions): LoadPlan {
  if (o.rate !== undefined && !(Number.isFinite(o.rate) && o.rate > 0)) {
    throw new LoadInputError(`--rate ${o.rate} is not a positive number of calls/s`, 'give --rate (-r) calls per second, e.g. -r 500', '--rate');
  }
  if (o.calls !== undefined && !(Number.isInteger(o.calls) && o.calls > 0)) {
    throw new LoadInputError(`--calls ${o.calls} is not a positive whole number`, 'give --calls (-m) a whole number, e.g. -m 10000', '--calls');
  }
  if (o.durationMs !== undefined && !(Number.isFinite(o.durationMs) && o.durationMs > 0)) {
    throw new LoadInputError(`--duration ${o.durationMs} ms is not a positive duration`, 'give --duration a time, e.g. --duration 10s', '--duration');
  }
  if (o.ramp !== undefined) {
    if (o.durationMs !== undefined) {
      throw new LoadInputError('--duration cannot be combined with --ramp', 'the ramp sets the duration: add a hold stage, e.g. --ramp 1000/10s,=1000/30s', '--duration');
    }
    return withCalls({ stages: parseRamp(o.ramp, o.rate ?? 0) }, o.calls);
  }
  if (o.rate === undefined) {
    throw new LoadInputError('no call rate given', 'give --rate N (-r N) with --duration S or --calls N, or a --ramp', '--rate');
  }
  const durationMs = o.durationMs ?? (o.calls !== undefined ? (o.calls / o.rate) * 1000 : undefined);
  if (durationMs === undefined) {
    throw new LoadInputError('the run has no end', 'give --duration S or --calls N (-m N) with --rate', '--duration');
  }
  return withCalls({ stages: [{ startRate: o.rate, endRate: o.rate, durationMs }] }, o.calls);
}

function withCalls(plan: LoadPlan, calls: number | undefined): LoadPlan {
  return calls === undefined ? plan : { ...plan, calls };
}
