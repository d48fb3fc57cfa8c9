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
 * The precise wait is one of two kinds, both on the monotonic clock:
 * - **All spin**, while this second has spent less than `FULL_SPIN_MS` of busy waiting. A
 *   sparse timer (one command's transaction: a wake-up every 0.5 to 16 s) always gets this kind.
 *   Measured here: a thread that sleeps lets its (virtual) CPU go idle, and waking it again
 *   after a long quiet spell took 0.6 to 2.2 ms in one wake-up of five; a thread that spins is
 *   never descheduled that way.
 * - **Sleep, then spin the tail**: `Atomics.wait` (fractional milliseconds) until `tail` before
 *   the deadline, then a busy wait for the rest. `tail` is learnt (`SleepOvershoot`): the 95th
 *   percentile of how late the sleep wakes, measured here 0.09 ms median and 0.2 ms p99 on an
 *   idle machine, more on a busy one. A fixed 0.5 ms tail had cost 0.4 ms of spin a wake-up, so
 *   the budget ran out after 80 wake-ups a second and a thousand transactions' sends then slept
 *   all the way and landed late.
 * Only the busy wait costs CPU, and it is budgeted (`SPIN_BUDGET_MS` per second of wall time,
 * shared by everything in the process), so a thousand transactions or a hundred RTP streams
 * cannot burn a core: past the budget the wait sleeps all the way, and lands about 0.1 ms late
 * instead. Without a sleep (where `Atomics.wait` is not allowed) the whole wait is a budgeted
 * busy wait, and past the budget the wake-up runs at once, early.
 */
export const MAX_SPIN_MS = 2;
export const SPIN_BUDGET_MS = 40;
/** The part of each second's spin budget that may go to waits spun from start to end. */
export const FULL_SPIN_MS = 10;
/** The largest tail a sleep leaves to the busy wait (and where the learnt tail stops). */
export const SPIN_TAIL_MS = 0.5;
/** Where the learnt tail starts, and its floor (ms). */
export const INITIAL_TAIL_MS = 0.2;
export const MIN_TAIL_MS = 0.05;
/** How far one observation moves the learnt tail up (down: a nineteenth of it). */
export const TAIL_STEP_MS = 0.02;

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

/**
 * The 95th percentile of how late a blocking sleep wakes, learnt one sleep at a time (a
 * stochastic quantile estimate, as wake-lead.ts: up by a step when a sleep overshot by more,
 * down by a nineteenth of a step otherwise), within [`MIN_TAIL_MS`, `SPIN_TAIL_MS`].
 */
export class SleepOvershoot {
  private learnt = INITIAL_TAIL_MS;

  get tail(): number {
    return this.learnt;
  }

  observe(over: number): void {
    if (!Number.isFinite(over)) return;
    const next = over > this.learnt ? this.learnt + TAIL_STEP_MS : this.learnt - TAIL_STEP_MS / 19;
    this.learnt = Math.min(SPIN_TAIL_MS, Math.max(MIN_TAIL_MS, next));
  }
}

export class SpinBudget {
  private windowStart = 0;
  private spent = 0;
  private readonly overshoot = new SleepOvershoot();

  constructor(
    private readonly now: () => number,
    private readonly budgetMs = SPIN_BUDGET_MS,
    /** Sleeps all but the learnt tail of a wait; without it the wait is all spin. */
    private readonly sleep?: BlockingSleep,
    /** Busy waiting this second below which a wait is spun from start to end. */
    private readonly fullSpinMs = Math.min(FULL_SPIN_MS, budgetMs),
  ) {}

  /** The tail a sleep leaves to the busy wait now (ms). */
  get tail(): number {
    return this.overshoot.tail;
  }

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
    if (this.sleep && this.spent + need > this.fullSpinMs) {
      // Past the budget, no spun tail: sleep all the way.
      const tail = this.spent + this.overshoot.tail <= this.budgetMs ? this.overshoot.tail : 0;
      if (need > tail) {
        const ms = need - tail;
        this.sleep(ms);
        const woke = this.now();
        this.overshoot.observe(woke - t - ms);
        t = woke;
      }
    }
    if (t >= deadline || this.spent + (deadline - t) > this.budgetMs) return t;
    const from = t;
    while (t < deadline) {
      pause();
      t = this.now();
    }
    this.spent += t - from;
    return t;
  }
}

/** Written by `pause` so that the compiler cannot drop its loop. */
let pauseSink = 0;

/**
 * About 5 µs of arithmetic between two clock reads of a busy wait. Each read of the monotonic
 * clock allocates (`process.hrtime.bigint()`: two BigInts). Read back to back, 500 waits of
 * 1.5 ms set off 296 scavenges (measured here); with this pause 2,000 such waits set off 13, and
 * a wait lands 5 µs late at the median. A scavenge during a wait costs its length when it
 * straddles the deadline: in a quiet process 0.25 to 1.5 ms, which was the worst send of a
 * single transaction.
 */
function pause(): void {
  let x = pauseSink;
  for (let i = 0; i < 2000; i++) x = (x * 33 + i) | 0;
  pauseSink = x;
}
