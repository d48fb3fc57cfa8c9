/**
 * The default of `--max-concurrent` (docs/load.md, "Dropped calls"). Without a cap, a target that
 * answers nothing keeps every call in progress until Timer B (64·T1 = 32 s): at 10,000 calls/s
 * that is 320,000 calls and ~1 GB. SIPp's default (`-l`) is 3 × call duration × rate; sipcall's
 * is twice the calls a healthy run holds (peak rate × (hold + 4 s)), at least 1,000: enough that
 * a run whose far end answers within seconds never drops a call, small enough to bound memory
 * (~3.3 KiB per call in progress). A due call that finds the cap reached is dropped and counted,
 * never started late; `-l` raises or lowers it.
 */
import type { LoadPlan } from './schedule.js';

export const MIN_DEFAULT_MAX_CONCURRENT = 1000;

/** @param holdMs `--hold` in ms; @param segments `--segment i/n`'s n (each process runs 1/n of the rate) */
export function defaultMaxConcurrent(plan: LoadPlan, holdMs: number, segments = 1): number {
  const peak = plan.stages.reduce((m, s) => Math.max(m, s.startRate, s.endRate), 0) / Math.max(1, segments);
  return Math.max(MIN_DEFAULT_MAX_CONCURRENT, Math.ceil(peak * (holdMs / 1000 + 4) * 2));
}
