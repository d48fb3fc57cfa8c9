/**
 * How long before a deadline to arm the host timer so that it wakes a little early, never late;
 * the last stretch is then a short precise wait (precise-wait.ts).
 *
 * Measured here (Node 20, Linux): `setTimeout(ms)` fires about 0.1 % of `ms` plus 1 ms late —
 * 500 ms: +1.2 ms, 4 s: +5.1 ms, 8 s: +9.5 ms. The proportional part is the kernel's timer
 * slack: Linux lets a poll with a timeout fire up to 0.1 % of it late (0.5 % for a niced
 * process; `select_estimate_accuracy`, capped at 100 ms), so that wake-ups can be coalesced.
 * The constant part is Node's: libuv keeps its loop time in whole milliseconds and rounds the
 * delay.
 *
 * The lead is `slackRatio·left + base`, measured here 1.5 ms for 500 ms and 9.5 ms for 8 s. `slackRatio` follows the kernel's rule; `base` is learnt:
 * after each wake-up the owner reports how late it was against what it asked for, and `base`
 * tracks the 95th percentile of the lateness the slack does not explain (a stochastic quantile
 * estimate: up by a step when a wake-up was later than `base`, down by a nineteenth of a step
 * otherwise), so one stall on a busy machine moves it by one step only.
 */
export const KERNEL_SLACK_RATIO = 0.001;
/** For a process with a positive nice value (Linux: 0.5 %). */
export const KERNEL_SLACK_RATIO_NICED = 0.005;
/** Linux caps the slack of a poll at 100 ms. */
export const MAX_KERNEL_SLACK_MS = 100;

/** Where `base` starts: measured here, Node wakes 1.1 to 1.5 ms after the kernel's slack. */
export const INITIAL_BASE_MS = 1.5;
/** How far one observation moves `base` up (down: a nineteenth of it). */
export const BASE_STEP_MS = 0.1;
const QUANTILE = 0.95;

export class WakeLead {
  private learnt: number;

  constructor(
    private readonly slackRatio = KERNEL_SLACK_RATIO,
    /** `base` stays within [0, maxBase]: a wake-up more than this early costs a second wake-up. */
    private readonly maxBase = 1.9,
    initial = INITIAL_BASE_MS,
  ) {
    this.learnt = Math.min(Math.max(0, initial), maxBase);
  }

  /** The learnt constant part of the lead (ms). */
  get base(): number {
    return this.learnt;
  }

  /** How many ms before a deadline `left` ms away the host timer should fire. */
  lead(left: number): number {
    return Math.min(MAX_KERNEL_SLACK_MS, this.slackRatio * left) + this.learnt;
  }

  /**
   * A host timer armed for `armedMs` fired `late` ms after that (negative: early). Waits of
   * under 2 ms teach nothing (Node runs every delay below 1 ms as 1 ms).
   */
  observe(armedMs: number, late: number): void {
    if (!(armedMs >= 2) || !Number.isFinite(late)) return;
    const residual = late - Math.min(MAX_KERNEL_SLACK_MS, this.slackRatio * armedMs);
    const next = residual > this.learnt ? this.learnt + BASE_STEP_MS : this.learnt - (BASE_STEP_MS * (1 - QUANTILE)) / QUANTILE;
    this.learnt = Math.min(this.maxBase, Math.max(0, next));
  }
}
