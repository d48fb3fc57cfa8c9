import type { Clock, TimerHandle } from './clock.js';
import type { DeadlineClock, DeadlineTask } from './deadline.js';
import { DeadlineQueue, type DeadlineEntry } from './deadline-queue.js';
import { SpinBudget } from './precise-wait.js';
import { LongTimeout, MAX_HOST_DELAY_MS } from './long-timeout.js';

/** The one adapter from `Clock` to Node's timers; time 0 is when it was created. */
export class SystemClock implements Clock, DeadlineClock {
  // process.hrtime rather than perf_hooks: the same monotonic clock, without loading perf_hooks
  // at start-up.
  private readonly origin = process.hrtime.bigint();
  private readonly deadlines = new DeadlineQueue(
    () => this.now(),
    // Any delay, however long (long-timeout.ts: Node fires a delay over 2^31 − 1 ms after 1 ms).
    {
      set: (ms, fn) => (ms <= MAX_HOST_DELAY_MS ? setTimeout(fn, Math.max(0, ms)) : new LongTimeout(ms, fn)),
      clear: (h) => (h instanceof LongTimeout ? h.cancel() : clearTimeout(h as ReturnType<typeof setTimeout>)),
    },
    new SpinBudget(() => this.now()),
  );

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1e6;
  }

  /**
   * Any delay: one longer than Node's 2^31 − 1 ms (or NaN) is a chain of shorter waits
   * (long-timeout.ts); the common short one stays a plain Node timer.
   */
  setTimer(ms: number, fn: () => void): TimerHandle {
    return ms <= MAX_HOST_DELAY_MS ? setTimeout(fn, Math.max(0, ms)) : new LongTimeout(ms, fn);
  }

  clearTimer(handle: TimerHandle): void {
    if (handle instanceof LongTimeout) handle.cancel();
    else if (isDeadlineEntry(handle)) this.deadlines.cancel(handle);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  }

  /**
   * Fires at the absolute `deadline`: one heap for every such timer of the clock, under one
   * Node timer, finished with a budgeted short busy wait (src/clock/deadline-queue.ts).
   */
  setTimerAt(deadline: number, fn: DeadlineTask): TimerHandle {
    return this.deadlines.add(deadline, fn);
  }
}

function isDeadlineEntry(h: TimerHandle): h is DeadlineEntry {
  return typeof h === 'object' && h !== null && 'due' in h && 'seq' in h && 'fn' in h;
}
