import type { Clock, TimerHandle } from './clock.js';

/**
 * Calls `fn` at the absolute time `deadline` (ms on the clock's own timeline), not after a
 * relative delay: a periodic sender (RTP at t0 + n·20 ms) that re-arms from each deadline
 * never drifts, however late one wake-up was (mscdex/node-rtp#3: chained `setInterval`s
 * drift into gaps). Clocks that can land closer than their plain timers say so by
 * implementing `setTimerAt`; any other clock gets `setTimer(deadline − now)`.
 */
export function setTimerAt(clock: Clock, deadline: number, fn: DeadlineTask): TimerHandle {
  const precise = (clock as Partial<DeadlineClock>).setTimerAt;
  if (precise) return precise.call(clock, deadline, fn);
  return clock.setTimer(Math.max(0, deadline - clock.now()), () => {
    const after = fn();
    if (after) after();
  });
}

/**
 * The work due at a deadline. It may return a follow-up: work that must happen in this packet
 * time but not at its instant (statistics, encoding the next packet). A clock with a deadline
 * queue runs the follow-ups once every task due in the same instant has run, so a hundred
 * streams due together all send first; other clocks run it at once.
 */
export type DeadlineTask = () => (() => void) | undefined | void;

/** A clock that fires timers at absolute deadlines with sub-millisecond accuracy. */
export interface DeadlineClock extends Clock {
  setTimerAt(deadline: number, fn: DeadlineTask): TimerHandle;
}
