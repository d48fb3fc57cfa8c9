/**
 * Lands a wake-up on its deadline despite Node's millisecond timers.
 *
 * Measured here (Node 20, Linux): `setTimeout` with the fractional time left to an absolute
 * deadline wakes between about 1.7 ms early and 0.7 ms late for short waits (libuv keeps its
 * loop time in whole milliseconds) and about 0.1 % of the wait later than that for long ones
 * (the kernel's timer slack; wake-lead.ts arms such waits early). A wake-up that is early by
 * less than `MAX_SPIN_MS` finishes with a short precise wait on the monotonic clock; one
 * earlier than that re-arms a timer.
 *
 * The precise wait sleeps the thread (`Atomics.wait`, which takes fractional milliseconds and
 * wakes about 0.1 ms late, later on a busy machine) until `SPIN_TAIL_MS` before the deadline,
 * then busy-waits the rest. Only the busy wait costs CPU, and it is budgeted (`SPIN_BUDGET_MS`
 * per second of wall time, shared by everything in the process), so a thousand transactions or
 * a hundred RTP streams cannot burn a core: past the budget the wait sleeps all the way, and
 * lands about 0.1 ms late instead. Without a sleep (where `Atomics.wait` is not allowed) the
 * whole wait is a budgeted busy wait, and past the budget the wake-up runs at once, early.
 */
export const MAX_SPIN_MS = 2;
export const SPIN_BUDGET_MS = 40;
/**
 * The part of a precise wait left to the busy wait: `Atomics.wait` wakes ~0.1 ms late when the
 * machine is idle, more when it is busy; 0.5 ms of spin a wake-up is 80 wake-ups a second
 * within the budget.
 */
export const SPIN_TAIL_MS = 0.5;

/** Blocks the thread for `ms` (fractional) without running anything else. */
export type BlockingSleep = (ms: number) => void;

/** `Atomics.wait` on a private cell nobody notifies; undefined where the host forbids it. */
export function atomicsSleep(): BlockingSleep | undefined {
  try {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 0, 0);
    return (ms) => {
      Atomics.wait(cell, 0, 0, ms);
    };
  } catch {
    return undefined;
  }
}

export class SpinBudget {
  private windowStart = 0;
  private spent = 0;

  constructor(
    private readonly now: () => number,
    private readonly budgetMs = SPIN_BUDGET_MS,
    /** Sleeps all but the last `SPIN_TAIL_MS` of a wait; without it the wait is all spin. */
    private readonly sleep?: BlockingSleep,
  ) {}

  /**
   * Waits until `deadline` (at most `MAX_SPIN_MS` away) if the budget allows; returns the time
   * when it returned.
   */
  waitUntil(deadline: number): number {
    let t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.spent = 0;
    }
    const need = deadline - t;
    if (need <= 0 || need > MAX_SPIN_MS) return t;
    if (this.sleep) {
      // Past the budget, no spun tail: sleep all the way.
      const tail = this.spent + SPIN_TAIL_MS <= this.budgetMs ? SPIN_TAIL_MS : 0;
      if (need > tail) {
        this.sleep(need - tail);
        t = this.now();
      }
    }
    if (t >= deadline || this.spent + (deadline - t) > this.budgetMs) return t;
    const from = t;
    while (t < deadline) t = this.now();
    this.spent += t - from;
    return t;
  }
}
