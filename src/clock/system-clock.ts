import type { Clock, TimerHandle } from './clock.js';
import type { DeadlineClock } from './deadline.js';
import { MAX_SPIN_MS, SpinBudget } from './precise-wait.js';

/** The one adapter from `Clock` to Node's timers; time 0 is when it was created. */
export class SystemClock implements Clock, DeadlineClock {
  // process.hrtime rather than perf_hooks: the same monotonic clock, without loading perf_hooks
  // at start-up.
  private readonly origin = process.hrtime.bigint();
  private readonly spin = new SpinBudget(() => this.now());

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1e6;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return setTimeout(fn, Math.max(0, ms));
  }

  clearTimer(handle: TimerHandle): void {
    const h = handle as { current?: ReturnType<typeof setTimeout> } | ReturnType<typeof setTimeout>;
    if (h && typeof h === 'object' && 'current' in h && h.current !== undefined) clearTimeout(h.current);
    else clearTimeout(h as ReturnType<typeof setTimeout>);
  }

  /**
   * Fires at the absolute `deadline` (src/clock/precise-wait.ts): a timer for the time left,
   * re-armed while more than MAX_SPIN_MS remain, then a budgeted short busy wait.
   */
  setTimerAt(deadline: number, fn: () => void): TimerHandle {
    const handle: { current?: ReturnType<typeof setTimeout> } = {};
    const wake = (): void => {
      const left = deadline - this.now();
      if (left > MAX_SPIN_MS) {
        handle.current = setTimeout(wake, left - MAX_SPIN_MS / 2);
        return;
      }
      handle.current = undefined;
      this.spin.waitUntil(deadline);
      fn();
    };
    handle.current = setTimeout(wake, Math.max(0, deadline - this.now()));
    return handle;
  }
}
