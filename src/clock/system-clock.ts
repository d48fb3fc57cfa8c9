import os from 'node:os';
import type { Clock, TimerHandle } from './clock.js';
import type { DeadlineClock, DeadlineTask } from './deadline.js';
import { DeadlineQueue, type DeadlineEntry } from './deadline-queue.js';
import { SPIN_BUDGET_MS, SpinBudget, atomicsSleep } from './precise-wait.js';
import { LongTimeout, MAX_HOST_DELAY_MS } from './long-timeout.js';
import { KERNEL_SLACK_RATIO, KERNEL_SLACK_RATIO_NICED, WakeLead } from './wake-lead.js';

/** The process's monotonic time origin: every clock's deadlines share this timeline. */
const PROCESS_ORIGIN = process.hrtime.bigint();
const processNow = (): number => Number(process.hrtime.bigint() - PROCESS_ORIGIN) / 1e6;
let processQueue: DeadlineQueue | undefined;

/**
 * The one deadline queue of the process, made on first use. Every `SystemClock` puts its
 * absolute deadlines here, so two clocks in one process (a library user's, or a bench running
 * two transactions side by side) share one heap, one wake-up and one spin budget: two queues
 * due at the same instant would each wait and spin, and the second would run only after the
 * first had finished its wait.
 */
export function processDeadlines(): DeadlineQueue {
  processQueue ??= new DeadlineQueue(
    processNow,
    // Any delay, however long (long-timeout.ts: Node fires a delay over 2^31 − 1 ms after 1 ms);
    // 0 is the next loop turn (setImmediate: setTimeout(0) waits 1 ms).
    {
      set: (ms, fn) => (ms <= 0 ? new NextTurn(fn) : ms <= MAX_HOST_DELAY_MS ? setTimeout(fn, ms) : new LongTimeout(ms, fn)),
      clear: (h) => {
        if (h instanceof LongTimeout || h instanceof NextTurn) h.cancel();
        else clearTimeout(h as ReturnType<typeof setTimeout>);
      },
    },
    new SpinBudget(processNow, SPIN_BUDGET_MS, atomicsSleep()),
    // Long waits are armed early by the kernel's timer slack (wake-lead.ts); a niced process
    // gets five times the slack.
    new WakeLead(niceness() > 0 ? KERNEL_SLACK_RATIO_NICED : KERNEL_SLACK_RATIO),
  );
  return processQueue;
}

/** The one adapter from `Clock` to Node's timers; time 0 is when it was created. */
export class SystemClock implements Clock, DeadlineClock {
  // process.hrtime rather than perf_hooks: the same monotonic clock, without loading perf_hooks
  // at start-up.
  private readonly origin = process.hrtime.bigint();
  /** This clock's time 0 on the process queue's timeline (ms). */
  private readonly offset = Number(this.origin - PROCESS_ORIGIN) / 1e6;

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
    else if (isDeadlineEntry(handle)) processDeadlines().cancel(handle);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  }

  /**
   * Fires at the absolute `deadline`: one heap for every such timer of the process, under one
   * Node timer armed a learnt lead early (wake-lead.ts), finished with a short precise wait
   * (precise-wait.ts, deadline-queue.ts).
   */
  setTimerAt(deadline: number, fn: DeadlineTask): TimerHandle {
    return processDeadlines().add(deadline + this.offset, fn);
  }
}

/** `setImmediate` as a handle the wake timer can cancel. */
class NextTurn {
  private readonly handle: ReturnType<typeof setImmediate>;
  constructor(fn: () => void) {
    this.handle = setImmediate(fn);
  }
  cancel(): void {
    clearImmediate(this.handle);
  }
}

/** This process's nice value (Linux: positive = lower priority, more timer slack); 0 if unknown. */
function niceness(): number {
  try {
    return os.getPriority();
  } catch {
    return 0;
  }
}

function isDeadlineEntry(h: TimerHandle): h is DeadlineEntry {
  return typeof h === 'object' && h !== null && 'due' in h && 'seq' in h && 'fn' in h;
}
