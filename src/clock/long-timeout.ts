/**
 * Waits of any length on a host timer that only takes 32-bit delays.
 *
 * Node's `setTimeout` stores the delay as a signed 32-bit integer: "When delay is larger than
 * 2147483647 or less than 1, the delay will be set to 1" (Node.js docs, timers). A registrar
 * that grants `expires=3000000` (3·10⁹ ms to the refresh) would make such a timer fire after
 * 1 ms, again and again. Every wait longer than {@link MAX_HOST_DELAY_MS} is therefore a chain
 * of host waits of at most that length; the callback runs only when the whole delay has passed.
 */

/** The longest delay Node's timers honour: 2^31 − 1 ms (about 24.8 days). */
export const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

/** The host's plain millisecond timer (Node's `setTimeout`), injected so tests can drive it. */
export interface HostTimer {
  set(ms: number, fn: () => void): unknown;
  clear(handle: unknown): void;
}

/** Node's own timers. */
export const NODE_TIMER: HostTimer = {
  set: (ms, fn) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** One wait, possibly made of several host waits; also the handle that cancels it. */
export class LongTimeout {
  private handle: unknown;
  private remaining: number;
  private done = false;

  /**
   * `ms` below 0 or NaN waits 0 ms; `Infinity` never fires (it re-arms every 24.8 days until
   * cancelled).
   */
  constructor(
    ms: number,
    private readonly fn: () => void,
    private readonly host: HostTimer = NODE_TIMER,
  ) {
    this.remaining = ms > 0 ? ms : 0;
    this.arm();
  }

  /** True once the callback ran or the wait was cancelled. */
  get finished(): boolean {
    return this.done;
  }

  /** Stops the wait; a no-op once it fired or was cancelled. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.host.clear(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const step = Math.min(this.remaining, MAX_HOST_DELAY_MS);
    this.handle = this.host.set(step, () => {
      if (this.done) return;
      this.remaining -= step;
      if (this.remaining > 0) {
        this.arm();
        return;
      }
      this.done = true;
      this.handle = undefined;
      this.fn();
    });
  }
}
