import { describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';

describe('ManualClock', () => {
  it('fires in time order, ties in arming order, with now() at the due time', () => {
    const c = new ManualClock();
    const log: string[] = [];
    c.setTimer(30, () => log.push(`a@${c.now()}`));
    c.setTimer(10, () => log.push(`b@${c.now()}`));
    c.setTimer(30, () => log.push(`c@${c.now()}`));
    c.setTimer(10, () => log.push(`d@${c.now()}`));
    c.advance(25);
    expect(log).toEqual(['b@10', 'd@10']);
    expect(c.now()).toBe(25);
    c.advanceTo(30);
    expect(log).toEqual(['b@10', 'd@10', 'a@30', 'c@30']);
    expect(c.pending).toBe(0);
  });

  it('fires timers armed by callbacks when they fall due before the target', () => {
    const c = new ManualClock();
    const log: number[] = [];
    const tick = (): void => {
      log.push(c.now());
      if (log.length < 5) c.setTimer(7, tick);
    };
    c.setTimer(7, tick);
    c.advanceTo(30);
    expect(log).toEqual([7, 14, 21, 28]);
    expect(c.pending).toBe(1);
    c.runAll();
    expect(log).toEqual([7, 14, 21, 28, 35]);
  });

  it('cleared timers do not fire and do not count; clearing twice is a no-op', () => {
    const c = new ManualClock();
    const log: string[] = [];
    const h = c.setTimer(5, () => log.push('x'));
    c.setTimer(6, () => log.push('y'));
    c.clearTimer(h);
    c.clearTimer(h);
    expect(c.pending).toBe(1);
    c.advance(10);
    expect(log).toEqual(['y']);
    expect(c.pending).toBe(0);
  });

  it('refuses to go back in time', () => {
    const c = new ManualClock(100);
    expect(() => c.advanceTo(99)).toThrow(RangeError);
  });
});
