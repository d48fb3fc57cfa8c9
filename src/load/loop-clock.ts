import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../clock/clock.js';

/**
 * The clock of a load run: the monotonic time in ms (fractional) and plain Node timers. The load
 * engine drives everything from one timer at 1 ms steps and batches what is due in each step
 * (the timer wheel has 1 ms slots), so it wants neither the precise waits nor the spinning of
 * the interactive commands' SystemClock: at 10,000 calls/s they would cost a core.
 */
export class LoopClock implements Clock {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return setTimeout(fn, ms);
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
