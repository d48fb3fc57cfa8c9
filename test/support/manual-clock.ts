import type { Clock, TimerHandle } from '../../src/clock/clock.js';
import { TimerHeap } from '../../src/clock/timer-heap.js';

interface ManualTimer {
  readonly due: number;
  /** Arming order, to break ties. */
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A `Clock` that only moves when told. `advance(ms)` / `advanceTo(t)` fire the due timers in
 * time order (ties in arming order), each with `now()` equal to its due time, including timers
 * armed by those callbacks if they fall due before the target. Deterministic to the
 * millisecond: schedule tests compare exact times.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  /** Binary min-heap on (due, seq). Cancelled timers are skipped when they surface. */
  private readonly heap = new TimerHeap<ManualTimer>();
  private live = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.heap.push(timer);
    this.live++;
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    const timer = handle as ManualTimer;
    if (timer.cancelled) return;
    timer.cancelled = true;
    // A timer that already fired is marked cancelled when it fires, so this only counts
    // timers still pending.
    this.live--;
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.live;
  }

  /** When the next pending timer is due, or undefined. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap.peek()?.due;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time to `t` (not backwards), firing every timer due on the way. */
  advanceTo(t: number): void {
    if (t < this.current) throw new RangeError(`ManualClock cannot go back from ${this.current} to ${t}`);
    for (;;) {
      this.dropCancelled();
      const next = this.heap.peek();
      if (!next || next.due > t) break;
      this.heap.pop();
      next.cancelled = true;
      this.live--;
      this.current = next.due;
      next.fn();
    }
    this.current = t;
  }

  /** Fires timers until none is left (or `limit` firings, against runaway loops). */
  runAll(limit = 100_000): void {
    for (let i = 0; i < limit; i++) {
      const due = this.nextDue();
      if (due === undefined) return;
      this.advanceTo(due);
    }
    throw new Error(`ManualClock.runAll: more than ${limit} timer firings`);
  }

  private dropCancelled(): void {
    while (this.heap.size > 0 && this.heap.peek()!.cancelled) this.heap.pop();
  }
}
