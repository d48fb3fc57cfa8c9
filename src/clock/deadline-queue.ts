import type { DeadlineTask } from './deadline.js';
import { MAX_SPIN_MS, type SpinBudget } from './precise-wait.js';
import { TimerHeap } from './timer-heap.js';

/**
 * A deadline this close when its turn comes runs at once, without a busy wait: the wait would
 * cost more (in spin budget, which then runs out for the deadlines that need it) than the
 * quarter millisecond it corrects.
 */
export const EARLY_OK_MS = 0.25;

/** One armed deadline; also the handle `clearTimer` takes. */
export interface DeadlineEntry {
  /** The absolute deadline (ms on the clock's timeline). */
  readonly due: number;
  /** Tie-break: entries with the same deadline run in the order they were armed. */
  readonly seq: number;
  fn: DeadlineTask | undefined;
}

/** The host's plain millisecond timer, injected so tests can drive the queue. */
export interface WakeTimer {
  set(ms: number, fn: () => void): unknown;
  clear(handle: unknown): void;
}

/**
 * Every absolute-deadline timer of the process (`setTimerAt`) in one binary heap under one host
 * timer. A hundred RTP streams are a hundred deadlines every 20 ms; with a timer each, every
 * wake-up pays its own early-wake busy wait and the spin budget (precise-wait.ts) runs out, so
 * most packets leave up to 1.7 ms early. One queue wakes once for all deadlines that fall
 * together, pays one short wait for them, and runs them back to back in deadline order.
 * A task's follow-up (deadline.ts) waits until nothing else is due, so the sends of streams due
 * together are not held up by each other's statistics and encoding.
 *
 * Cancelled entries stay in the heap with no function (lazy deletion) and are dropped when they
 * reach the top.
 */
export class DeadlineQueue {
  private readonly heap = new TimerHeap<DeadlineEntry>();
  private seq = 0;
  private wakeHandle: unknown;
  /** The deadline the host timer is armed for, or Infinity when none is armed. */
  private wakeFor = Infinity;
  private running = false;

  constructor(
    private readonly now: () => number,
    private readonly timer: WakeTimer,
    private readonly spin: SpinBudget,
  ) {}

  /** Number of live and cancelled entries still held (for tests). */
  get size(): number {
    return this.heap.size;
  }

  add(deadline: number, fn: DeadlineTask): DeadlineEntry {
    const e: DeadlineEntry = { due: deadline, seq: this.seq++, fn };
    this.heap.push(e);
    if (!this.running && deadline < this.wakeFor) this.schedule();
    return e;
  }

  cancel(e: DeadlineEntry): void {
    e.fn = undefined;
  }

  /** Runs everything due, finishing the last stretch with a budgeted busy wait. */
  private readonly wake = (): void => {
    this.wakeHandle = undefined;
    this.wakeFor = Infinity;
    this.running = true;
    const after: Array<() => void> = [];
    try {
      for (;;) {
        const top = this.heap.peek();
        if (top && !top.fn) {
          this.heap.pop();
          continue;
        }
        const left = top ? top.due - this.now() : Infinity;
        if (left > EARLY_OK_MS && after.length > 0) {
          // Nothing is due this instant: the follow-ups of what just ran, in order.
          for (let i = 0; i < after.length; i++) after[i]!();
          after.length = 0;
          continue;
        }
        if (!top || left > MAX_SPIN_MS) break;
        if (left > EARLY_OK_MS) this.spin.waitUntil(top.due);
        // Past the spin budget a deadline less than MAX_SPIN_MS away runs now, a little early.
        this.heap.pop();
        const fn = top.fn!;
        top.fn = undefined;
        const next = fn();
        if (next) after.push(next);
      }
    } finally {
      this.running = false;
      this.schedule();
    }
  };

  private schedule(): void {
    while (this.heap.size > 0 && !this.heap.peek()!.fn) this.heap.pop();
    const top = this.heap.peek();
    if (this.wakeHandle !== undefined) {
      this.timer.clear(this.wakeHandle);
      this.wakeHandle = undefined;
      this.wakeFor = Infinity;
    }
    if (!top) return;
    // Armed for the time left: Node's timer then wakes from about 1.7 ms early to 0.7 ms late,
    // median 0.2 ms early (precise-wait.ts); an early wake-up finishes with the spin, one more
    // than MAX_SPIN_MS early re-arms.
    this.wakeFor = top.due;
    this.wakeHandle = this.timer.set(Math.max(0, top.due - this.now()), this.wake);
  }
}
