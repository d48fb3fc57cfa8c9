/**
 * The open-model arrival schedule of `sipcall load` (docs/load.md, "Schedule").
 *
 * Calls arrive on a planned rate r(t), calls/s, piecewise linear over stages; call n (0-based,
 * over the whole plan) is due at the time t_n where the integral of the rate reaches n:
 * Λ(t_n) = n. So at a constant 1,000 calls/s call n is due at n ms; over a linear ramp from r0
 * to r1 in T s, t_n is the root of r0·τ + (r1 − r0)·τ²/(2T) = n − Λ(stage start). Every time is
 * computed from the integral, never by adding intervals, so there is no accumulated error and
 * no drift: the schedule is the *intended* start of each call, the origin of every latency
 * (which keeps it free of coordinated omission).
 *
 * Segments follow k6's execution segments for equal parts: with `--segment i/n`, global call
 * `g` belongs to segment `(g mod n) + 1`, so the segments together are exactly the whole
 * schedule, each call at the same time, and any orchestrator can start the n processes.
 */
import { LoadInputError } from './errors.js';

/** One stage of the plan: the rate goes linearly from `startRate` to `endRate` (calls/s) over `durationMs`. */
export interface Stage {
  readonly startRate: number;
  readonly endRate: number;
  readonly durationMs: number;
}

/** The whole planned load: the stages, and optionally a cap on the number of calls (`--calls`). */
export interface LoadPlan {
  readonly stages: readonly Stage[];
  readonly calls?: number;
}

/** `--segment i/n`: this process runs part `index` (1-based) of `count` equal parts. */
export interface Segment {
  readonly index: number;
  readonly count: number;
}

/** Tolerance for the floating-point integral: a call counts as due when Λ(t) ≥ n − EPS. */
const EPS = 1e-9;

export class ArrivalSchedule {
  /** Calls in this segment. */
  readonly total: number;
  /** Calls in the whole plan (all segments). */
  readonly globalTotal: number;
  /** Planned duration in ms: the end of the last stage, or earlier when `calls` caps the plan. */
  readonly durationMs: number;
  readonly segment: Segment;

  readonly #stages: readonly Stage[];
  /** Λ at the start of each stage, and Λ at the end of the plan as the last entry. */
  readonly #cumulative: number[];
  /** Start time (ms) of each stage, and the end of the plan as the last entry. */
  readonly #startMs: number[];
  #lastStage = 0;

  constructor(plan: LoadPlan, segment: Segment = { index: 1, count: 1 }) {
    validateSegment(segment);
    validateStages(plan.stages);
    this.segment = segment;
    this.#stages = plan.stages;
    this.#cumulative = [0];
    this.#startMs = [0];
    for (const s of plan.stages) {
      const last = this.#cumulative.length - 1;
      this.#cumulative.push(this.#cumulative[last] + ((s.startRate + s.endRate) / 2) * (s.durationMs / 1000));
      this.#startMs.push(this.#startMs[last] + s.durationMs);
    }
    const planned = this.#cumulative[this.#cumulative.length - 1];
    const byRate = Math.max(0, Math.ceil(planned - EPS));
    if (plan.calls !== undefined && (!Number.isInteger(plan.calls) || plan.calls < 0)) {
      throw new LoadInputError(`--calls ${plan.calls} is not a whole number of calls`, 'give --calls (-m) a whole number, e.g. -m 10000', '--calls');
    }
    this.globalTotal = plan.calls === undefined ? byRate : Math.min(plan.calls, byRate);
    const endMs = this.#startMs[this.#startMs.length - 1];
    this.durationMs = this.globalTotal < planned - EPS ? Math.min(endMs, this.#globalTime(this.globalTotal)) : endMs;
    const first = segment.index - 1;
    this.total = Math.max(0, Math.ceil((this.globalTotal - first) / segment.count));
  }

  /** Intended start, in ms from t0, of the k-th call (0-based) of this segment. */
  timeOf(k: number): number {
    return this.#globalTime(this.globalIndexOf(k));
  }

  /** The plan-wide number of this segment's k-th call (for Call-IDs and logs). */
  globalIndexOf(k: number): number {
    return k * this.segment.count + (this.segment.index - 1);
  }

  /** How many calls of this segment are due by `tMs` (intended start ≤ tMs), capped at `total`. */
  dueBy(tMs: number): number {
    if (tMs < 0 || this.globalTotal === 0) return 0;
    let g = Math.min(this.globalTotal, Math.floor(this.#lambda(tMs) + EPS) + 1);
    // The integral and its inverse agree to ~1e-12; settle the boundary with the inverse itself,
    // so that dueBy(timeOf(k)) always counts call k.
    while (g < this.globalTotal && this.#globalTime(g) <= tMs) g++;
    while (g > 0 && this.#globalTime(g - 1) > tMs) g--;
    const first = this.segment.index - 1;
    return Math.max(0, Math.ceil((g - first) / this.segment.count));
  }

  /**
   * Planned rate of this segment in calls/s. Without `tMs`: the average over the plan, calls of
   * this segment / planned duration (the `offered` rate of the summary). With `tMs`: the
   * instantaneous planned rate at that time (0 after the end), this segment's share.
   */
  offeredRate(tMs?: number): number {
    if (tMs === undefined) return this.durationMs > 0 ? this.total / (this.durationMs / 1000) : 0;
    if (tMs < 0 || tMs >= this.durationMs) return 0;
    const i = this.#stageAtTime(tMs);
    const s = this.#stages[i];
    const f = s.durationMs > 0 ? (tMs - this.#startMs[i]) / s.durationMs : 0;
    return (s.startRate + (s.endRate - s.startRate) * f) / this.segment.count;
  }

  /** Λ(t): planned calls (plan-wide, fractional) due in [0, t]. */
  #lambda(tMs: number): number {
    const i = this.#stageAtTime(tMs);
    if (i >= this.#stages.length) return this.#cumulative[i];
    const s = this.#stages[i];
    const tau = (tMs - this.#startMs[i]) / 1000;
    const T = s.durationMs / 1000;
    return this.#cumulative[i] + s.startRate * tau + ((s.endRate - s.startRate) * tau * tau) / (2 * T);
  }

  /** Λ⁻¹(n): intended start (ms) of plan-wide call n. */
  #globalTime(n: number): number {
    const i = this.#stageOfCall(n);
    if (i >= this.#stages.length) return this.#startMs[i];
    const s = this.#stages[i];
    const x = n - this.#cumulative[i];
    if (x <= 0) return this.#startMs[i];
    const r0 = s.startRate;
    const r1 = s.endRate;
    if (r0 === r1) return this.#startMs[i] + (x * 1000) / r0;
    const a = (r1 - r0) / (s.durationMs / 1000);
    // τ = (−r0 + √(r0² + 2ax)) / a, written without the cancellation: τ = 2x / (r0 + √(r0² + 2ax)).
    const tau = (2 * x) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * a * x)));
    return this.#startMs[i] + Math.min(tau * 1000, s.durationMs);
  }

  /** The stage whose integral range [C_i, C_i+1) holds n; stages with no calls are skipped. */
  #stageOfCall(n: number): number {
    const c = this.#cumulative;
    const last = this.#stages.length;
    let i = this.#lastStage;
    if (!(c[i] <= n && n < c[i + 1])) {
      i = 0;
      while (i < last && !(n < c[i + 1])) i++;
      if (i < last) this.#lastStage = i;
    }
    return i;
  }

  #stageAtTime(tMs: number): number {
    const last = this.#stages.length;
    let i = 0;
    while (i < last && tMs >= this.#startMs[i + 1]) i++;
    return i;
  }
}

function validateSegment(segment: Segment): void {
  const { index, count } = segment;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new LoadInputError(
      `segment ${index}/${count} is not a part of the schedule`,
      'write --segment i/n with whole numbers 1 ≤ i ≤ n, e.g. --segment 2/4',
      '--segment',
    );
  }
}

function validateStages(stages: readonly Stage[]): void {
  if (stages.length === 0) {
    throw new LoadInputError('the load plan has no stage', 'give --rate N with --duration S or --calls N, or a --ramp', '--rate');
  }
  for (const s of stages) {
    const ok = [s.startRate, s.endRate, s.durationMs].every((v) => Number.isFinite(v) && v >= 0) && s.durationMs > 0;
    if (!ok) {
      throw new LoadInputError(
        `stage ${s.startRate}→${s.endRate} calls/s over ${s.durationMs} ms is not a valid stage`,
        'rates must be ≥ 0 and durations > 0, e.g. --ramp 1000/10s,=1000/30s',
        '--ramp',
      );
    }
  }
}
