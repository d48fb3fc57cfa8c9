/**
 * The only source of time for the protocol code. The transaction core and the engine read the
 * time and arm timers through this interface, never through `Date`, `setTimeout` or
 * `performance` directly, so tests drive them with a manual clock to the millisecond.
 */
export interface Clock {
  /** Milliseconds since this clock's origin (the start of the run). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Cancels a timer; a no-op for one that already fired or was cleared. */
  clearTimer(handle: TimerHandle): void;
}

/** Opaque handle of an armed timer. */
export type TimerHandle = { readonly __timer: true } | object;
