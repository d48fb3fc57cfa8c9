import type { Clock, TimerHandle } from '../clock/clock.js';
import { setTimerAt } from '../clock/deadline.js';
import type { EventInput, TimerName } from '../events/types.js';

/** The timers that re-send a message when they fire (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1). */
const SENDING_TIMERS: ReadonlySet<TimerName> = new Set<TimerName>(['A', 'E', 'G']);

/**
 * The RFC timers one transaction has armed, on its clock, for both drivers (client and server
 * transactions): start (from the due time of the firing being processed, so lateness of one
 * firing does not push back the next), stop, and fire, each with its `timer.*` event. A timer
 * cleared or replaced before it fires does nothing.
 *
 * A timer whose firing puts a datagram on the wire (A, E, G: RFC 3261 §17.1.1.2 "retransmit
 * the request at an interval of 2*T1", §17.1.2.2, §17.2.1) is armed for its absolute due time
 * (`setTimerAt`): on the system clock it then lands within a fraction of a millisecond, where a
 * relative `setTimeout` fires about 0.1 % of the wait plus 1 ms late (the seventh INVITE, 31.5 s
 * in, several milliseconds after its schedule). The others (B, D, F, H, I, J, K, L, M) bound a
 * wait "at least" that long and keep the host's plain timer, computed from the same due time:
 * a few milliseconds late is harmless there, and they cost the event loop no precise wait (a
 * UAS at thousands of requests a second has a Timer J or H per request).
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
    const fire = (): void => {
      if (this.timers[timer] !== armed) return; // cleared or replaced meanwhile
      delete this.timers[timer];
      this.onFire(timer, armed.due);
    };
    armed.handle = SENDING_TIMERS.has(timer) ? setTimerAt(this.clock, due, fire) : this.clock.setTimer(due - now, fire);
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
