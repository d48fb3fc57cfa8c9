import type { DeadlineTask } from './deadline.js';
import { MAX_SPIN_MS, type SpinBudget } from './precise-wait.js';
import { TimerHeap } from './timer-heap.js';
import type { WakeLead } from './wake-lead.js';

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

/**
 * The host's plain millisecond timer, injected so tests can drive the queue. `set(0, …)` is
 * "at the next turn of the event loop" (Node: `setImmediate`; `setTimeout` would wait 1 ms).
 */
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
 * Each wake-up waits at most once, for the first deadline due, then runs everything due within
 * `EARLY_OK_MS` of it and returns: the event loop turns before the next deadline (Node sends a
 * UDP datagram only after the callback that asked for it has returned), and a thousand
 * transactions due a millisecond apart do not hold the loop in one long chain of waits.
 *
 * With a `WakeLead` (the system clock) the host timer is armed that much before the deadline,
 * so that a long wait, which the kernel lets fire 0.1 % late, still wakes early; a deadline
 * nearer than the lead plus 1 ms wakes at the next loop turn. Every wake-up tells the lead how
 * late it was. Without one (tests), the host timer is armed for the time left.
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
  /** When the host timer was armed and for how long (to tell the lead how late it fired). */
  private armedAt = 0;
  private armedMs = 0;

  constructor(
    private readonly now: () => number,
    private readonly timer: WakeTimer,
    private readonly spin: SpinBudget,
    private readonly lead?: WakeLead,
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
    // The host timer armed for it would wake for nothing and, a ref'd Node timer, keep the
    // process alive until then (`answer` stopped by Ctrl-C waited out a 32 s Timer H it had
    // cleared): re-armed for the next live deadline, or for none.
    if (!this.running && e.due === this.wakeFor) this.schedule();
  }

  /**
   * Runs what is due: one precise wait for the first deadline (if it is near), then every entry
   * due by then, follow-ups once nothing else is due; then re-arms for the rest.
   */
  private readonly wake = (): void => {
    this.wakeHandle = undefined;
    this.wakeFor = Infinity;
    this.lead?.observe(this.armedMs, this.now() - this.armedAt - this.armedMs);
    this.running = true;
    const after: Array<() => void> = [];
    let waited = false;
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
        if (!top || left > MAX_SPIN_MS || (left > EARLY_OK_MS && waited)) break;
        // Taken off the heap before the wait, so that the wait is the last thing before the
        // task runs (the first pop of a quiet process compiles code: measured 0.1 ms).
        this.heap.pop();
        if (left > EARLY_OK_MS) {
          this.spin.waitUntil(top.due);
          waited = true;
        }
        // Past the spin budget a deadline less than MAX_SPIN_MS away runs now, a little early.
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
    // Without a lead, armed for the time left: Node's timer then wakes from about 1.7 ms early
    // to 0.7 ms late for short waits (precise-wait.ts), later for long ones; an early wake-up
    // finishes with the precise wait, one more than MAX_SPIN_MS early re-arms.
    const left = top.due - this.now();
    let ms = Math.max(0, left);
    if (this.lead) {
      ms = left - this.lead.lead(left);
      // Node runs any delay under 1 ms as 1 ms: a deadline within the precise wait's reach wakes
      // at the next loop turn instead; a farther one waits the 1 ms.
      if (ms < 1) ms = left <= MAX_SPIN_MS ? 0 : 1;
    }
    this.wakeFor = top.due;
    this.armedAt = this.now();
    this.armedMs = ms;
    this.wakeHandle = this.timer.set(ms, this.wake);
  }
}
