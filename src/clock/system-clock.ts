import type { Clock, TimerHandle } from './clock.js';

/** The one adapter from `Clock` to Node's timers; time 0 is when it was created. */
export class SystemClock implements Clock {
  // process.hrtime rather than perf_hooks: the same monotonic clock, without loading perf_hooks
  // at start-up.
  private readonly origin = process.hrtime.bigint();

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1e6;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return setTimeout(fn, Math.max(0, ms));
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
