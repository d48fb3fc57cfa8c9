import type { Clock, TimerHandle } from '../../src/clock/clock.js';

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
  private readonly heap: ManualTimer[] = [];
  private live = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
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
    return this.heap[0]?.due;
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
      const next = this.heap[0];
      if (!next || next.due > t) break;
      this.pop();
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
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }

  private less(a: ManualTimer, b: ManualTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: ManualTimer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || last === undefined) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
