import type { Clock, TimerHandle } from './clock.js';

/**
 * Calls `fn` at the absolute time `deadline` (ms on the clock's own timeline), not after a
 * relative delay: a periodic sender (RTP at t0 + n·20 ms) that re-arms from each deadline
 * never drifts, however late one wake-up was (mscdex/node-rtp#3: chained `setInterval`s
 * drift into gaps). Clocks that can land closer than their plain timers say so by
 * implementing `setTimerAt`; any other clock gets `setTimer(deadline − now)`.
 */
export function setTimerAt(clock: Clock, deadline: number, fn: () => void): TimerHandle {
  const precise = (clock as Partial<DeadlineClock>).setTimerAt;
  if (precise) return precise.call(clock, deadline, fn);
  return clock.setTimer(Math.max(0, deadline - clock.now()), fn);
}

/** A clock that fires timers at absolute deadlines with sub-millisecond accuracy. */
export interface DeadlineClock extends Clock {
  setTimerAt(deadline: number, fn: () => void): TimerHandle;
}
