// ArmedTimers arms the timers that re-send (A, E, G) for their absolute due time (`setTimerAt`)
// when the clock can, computed from the due time of the firing that restarts them, never from
// when that firing ran; the timeouts keep a relative timer for the same due time.
import { describe, expect, it } from 'vitest';
import type { TimerHandle } from '../../src/clock/clock.js';
import type { DeadlineClock, DeadlineTask } from '../../src/clock/deadline.js';
import type { EventInput, TimerName } from '../../src/events/types.js';
import { ArmedTimers } from '../../src/transaction/armed-timers.js';
import { ManualClock } from '../support/manual-clock.js';

/** A manual clock with `setTimerAt` that runs every timer `late` ms after its deadline. */
class LateDeadlineClock extends ManualClock implements DeadlineClock {
  readonly at: number[] = [];
  relative = 0;
  constructor(private readonly late: number) {
    super();
  }
  override setTimer(ms: number, fn: () => void): TimerHandle {
    this.relative++;
    return super.setTimer(ms, fn);
  }
  setTimerAt(deadline: number, fn: DeadlineTask): TimerHandle {
    this.at.push(deadline);
    return super.setTimer(deadline - this.now() + this.late, () => {
      const after = fn();
      if (after) after();
    });
  }
}

function armedOn(clock: ManualClock) {
  const fired: Array<[TimerName, number, number]> = [];
  const events: EventInput[] = [];
  const timers: ArmedTimers = new ArmedTimers(clock, (e) => events.push(e), 'z9hG4bKx', 'INVITE', (timer, due) => {
    fired.push([timer, due, clock.now()]);
    // Timer A doubles (RFC 3261 §17.1.1.2), restarted from the due time of this firing
    if (timer === 'A' && fired.length < 4) timers.start('A', 500 * 2 ** fired.length, due);
  });
  return { timers, fired, events };
}

describe('ArmedTimers', () => {
  it('arms at absolute deadlines: a firing 7 ms late does not push back the next', () => {
    const clock = new LateDeadlineClock(7);
    const { timers, fired } = armedOn(clock);
    timers.start('A', 500, undefined);
    clock.advanceTo(10_000);
    expect(clock.at).toEqual([500, 1500, 3500, 7500]);
    expect(clock.relative).toBe(0); // only through setTimerAt, never a relative setTimer
    expect(fired.map(([, due, ran]) => [due, ran])).toEqual([
      [500, 507],
      [1500, 1507],
      [3500, 3507],
      [7500, 7507],
    ]);
  });

  it('the timeouts (B here) keep a relative timer, armed for their due time', () => {
    const clock = new LateDeadlineClock(0);
    const { timers, fired } = armedOn(clock);
    clock.advanceTo(100);
    timers.start('B', 32_000, undefined);
    expect(clock.at).toEqual([]);
    expect(clock.relative).toBe(1);
    timers.start('E', 500, undefined);
    expect(clock.at).toEqual([600]);
    clock.advanceTo(40_000);
    expect(fired.filter(([t]) => t === 'B').map(([, due, ran]) => [due, ran])).toEqual([[32_100, 32_100]]);
  });

  it('a stopped or replaced timer never fires', () => {
    const clock = new LateDeadlineClock(0);
    const { timers, fired, events } = armedOn(clock);
    timers.start('B', 32_000, undefined);
    timers.start('A', 500, undefined);
    timers.start('A', 800, undefined); // replaces the first A
    timers.stop('B', 'a final response');
    clock.advanceTo(40_000);
    expect(fired.map(([t, due]) => `${t}@${due}`)).toEqual(['A@800', 'A@1800', 'A@3800', 'A@7800']);
    expect(events.filter((e) => e.type === 'timer.stopped')).toHaveLength(1);
    expect(timers.count).toBe(0);
  });

  it('on a clock without setTimerAt it arms relative timers for the same due times', () => {
    const clock = new ManualClock();
    const { timers, fired } = armedOn(clock);
    timers.start('A', 500, undefined);
    clock.advanceTo(10_000);
    expect(fired.map(([, due, ran]) => [due, ran])).toEqual([
      [500, 500],
      [1500, 1500],
      [3500, 3500],
      [7500, 7500],
    ]);
  });
});
