import type { Clock, TimerHandle } from './clock.js';
import type { DeadlineClock, DeadlineTask } from './deadline.js';
import { DeadlineQueue, type DeadlineEntry } from './deadline-queue.js';
import { SpinBudget } from './precise-wait.js';

/** The one adapter from `Clock` to Node's timers; time 0 is when it was created. */
export class SystemClock implements Clock, DeadlineClock {
  // process.hrtime rather than perf_hooks: the same monotonic clock, without loading perf_hooks
  // at start-up.
  private readonly origin = process.hrtime.bigint();
  private readonly deadlines = new DeadlineQueue(
    () => this.now(),
    { set: (ms, fn) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    new SpinBudget(() => this.now()),
  );

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1e6;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return setTimeout(fn, Math.max(0, ms));
  }

  clearTimer(handle: TimerHandle): void {
    if (isDeadlineEntry(handle)) this.deadlines.cancel(handle);
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
