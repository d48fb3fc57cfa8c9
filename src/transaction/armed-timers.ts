import type { Clock, TimerHandle } from '../clock/clock.js';
import type { EventInput, TimerName } from '../events/types.js';

/**
 * The RFC timers one transaction has armed, on its clock, for both drivers (client and server
 * transactions): start (from the due time of the firing being processed, so lateness of one
 * firing does not push back the next), stop, and fire, each with its `timer.*` event. A timer
 * cleared or replaced before it fires does nothing.
 */
export class ArmedTimers {
  private readonly timers: Partial<Record<TimerName, { handle: TimerHandle; due: number }>> = {};

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: EventInput) => void,
    private readonly branch: string,
    private readonly method: string,
    /** The firing: `due` is when the timer was due, for timers the step restarts. */
    private readonly onFire: (timer: TimerName, due: number) => void,
  ) {}

  get count(): number {
    return Object.keys(this.timers).length;
  }

  start(timer: TimerName, ms: number, firedDue: number | undefined): void {
    const now = this.clock.now();
    const due = (firedDue ?? now) + ms;
    const old = this.timers[timer];
    if (old) this.clock.clearTimer(old.handle);
    const armed = { handle: undefined as unknown as TimerHandle, due };
    armed.handle = this.clock.setTimer(due - now, () => {
      if (this.timers[timer] !== armed) return; // cleared or replaced meanwhile
      delete this.timers[timer];
      this.onFire(timer, armed.due);
    });
    this.timers[timer] = armed;
    this.emit({ type: 'timer.started', timer, ms, branch: this.branch, method: this.method });
  }

  stop(timer: TimerName, reason: string): void {
    const armed = this.timers[timer];
    if (!armed) return;
    this.clock.clearTimer(armed.handle);
    delete this.timers[timer];
    this.emit({ type: 'timer.stopped', timer, branch: this.branch, method: this.method, reason });
  }

  stopAll(reason: string): void {
    for (const name of Object.keys(this.timers) as TimerName[]) this.stop(name, reason);
  }
}
