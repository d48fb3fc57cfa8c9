// The precise wait that finishes an early wake-up (src/clock/precise-wait.ts): sparse waits are
// spun all the way; past FULL_SPIN_MS a second it sleeps all but a learnt tail and busy-waits
// only that tail; only busy waiting counts against the budget.
import { describe, expect, it } from 'vitest';
import {
  FULL_SPIN_MS,
  INITIAL_TAIL_MS,
  MAX_SPIN_MS,
  MIN_TAIL_MS,
  SPIN_BUDGET_MS,
  SPIN_TAIL_MS,
  SpinBudget,
  TAIL_STEP_MS,
  atomicsSleep,
} from '../../src/clock/precise-wait.js';

/** Fake time: each read while spinning moves it 0.01 ms; a sleep moves it as asked plus `over`. */
function rig(over = 0.09) {
  let t = 0;
  let reads = 0;
  const slept: number[] = [];
  const now = () => {
    reads++;
    return (t += 0.01);
  };
  const sleep = (ms: number) => {
    slept.push(ms);
    t += ms + over;
  };
  return { now, sleep, slept, reads: () => reads, time: () => t, set: (v: number) => (t = v) };
}

describe('SpinBudget with a sleep', () => {
  it('a sparse wait (little spun this second) is spun all the way: no sleep, never early', () => {
    const r = rig();
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    const deadline = 1.5;
    const at = b.waitUntil(deadline);
    expect(r.slept).toEqual([]);
    expect(at).toBeGreaterThanOrEqual(deadline);
    expect(at - deadline).toBeLessThan(0.02);
  });

  it('past FULL_SPIN_MS of spin this second, sleeps until the learnt tail before the deadline, then spins the rest', () => {
    const r = rig();
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    let spun = 0;
    while (r.slept.length === 0) {
      const deadline = r.time() + 1.5;
      const at = b.waitUntil(deadline);
      expect(at).toBeGreaterThanOrEqual(deadline);
      if (r.slept.length === 0) spun++;
    }
    // whole waits of ~1.49 ms until FULL_SPIN_MS is spent
    expect(spun).toBe(Math.floor(FULL_SPIN_MS / 1.49));
    expect(r.slept[0]!).toBeCloseTo(1.49 - INITIAL_TAIL_MS, 9);
  });

  it('the tail follows how late the sleep wakes (its 95th percentile), within [MIN_TAIL_MS, SPIN_TAIL_MS]', () => {
    const quick = rig(0.03);
    const b = new SpinBudget(quick.now, SPIN_BUDGET_MS, quick.sleep, 0);
    for (let i = 0; i < 500; i++) b.waitUntil(quick.time() + 1.5);
    expect(b.tail).toBe(MIN_TAIL_MS);

    const slow = rig(0.3);
    const c = new SpinBudget(slow.now, SPIN_BUDGET_MS, slow.sleep, 0);
    for (let i = 0; i < 100; i++) c.waitUntil(slow.time() + 1.5);
    expect(c.tail).toBeGreaterThan(0.3);
    expect(c.tail).toBeLessThan(0.3 + 2 * TAIL_STEP_MS);

    const awful = rig(1.5);
    const d = new SpinBudget(awful.now, SPIN_BUDGET_MS, awful.sleep, 0);
    for (let i = 0; i < 100; i++) d.waitUntil(awful.time() + 1.9);
    expect(d.tail).toBe(SPIN_TAIL_MS);
  });

  it('one slow wake-up in twenty does not move the tail past it', () => {
    let i = 0;
    const r = rig(0.05);
    const sleep = (ms: number) => r.sleep(ms + (++i % 20 === 0 ? 1 : 0));
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, sleep, 0);
    for (let k = 0; k < 2000; k++) b.waitUntil(r.time() + 1.5);
    expect(b.tail).toBeLessThan(0.3);
  });

  it('a sleep that overshoots returns at once (late, never early)', () => {
    const r = rig(0.5);
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep, 0);
    const reads = r.reads();
    const at = b.waitUntil(1);
    expect(at).toBeGreaterThan(1);
    expect(r.reads() - reads).toBe(2); // before and after the sleep: no spin
  });

  it('only busy waiting counts against the budget; past it the wait sleeps all the way, late, never early', () => {
    // (all spin, 500 waits of 1.5 ms would need 750 ms; here the budget is 5 ms a second)
    const r = rig(0.12);
    const b = new SpinBudget(r.now, 5, r.sleep);
    let landed = 0;
    for (let i = 0; i < 500; i++) {
      const deadline = r.time() + 1.5;
      if (b.waitUntil(deadline) >= deadline) landed++;
    }
    expect(landed).toBe(500);
    const whole = r.slept.filter((ms) => ms > 1.48).length; // slept the whole 1.49 ms
    const tailed = r.slept.length - whole;
    expect(500 - r.slept.length).toBe(Math.floor(5 / 1.49)); // spun from start to end
    // each tail spins at most SPIN_TAIL_MS − 0.12 ms of what is left of the 5 ms
    expect(tailed).toBeGreaterThanOrEqual(Math.floor((5 - 3 * 1.49) / (SPIN_TAIL_MS - 0.12)));
    expect(whole).toBeGreaterThan(300);
  });

  it('with the default budget, 600 waits in 0.9 s (overshoot 0.12 ms) all land with a spun tail', () => {
    const r = rig(0.12);
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    let landed = 0;
    for (let i = 0; i < 600; i++) {
      const deadline = r.time() + 1.5;
      if (b.waitUntil(deadline) - deadline < 0.02) landed++;
    }
    expect(landed).toBe(600);
    expect(r.slept.filter((ms) => ms > 1.48)).toEqual([]);
  });

  it('nothing to do for a deadline past or farther than MAX_SPIN_MS', () => {
    const r = rig();
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    r.set(10);
    expect(b.waitUntil(5)).toBeLessThan(10.1);
    expect(b.waitUntil(r.time() + MAX_SPIN_MS + 1)).toBeLessThan(10.1);
    expect(r.slept).toEqual([]);
  });
});

describe('atomicsSleep (real clock)', () => {
  it('exists in Node and blocks for about the time asked, never less', () => {
    const sleep = atomicsSleep();
    expect(sleep).toBeDefined();
    const from = process.hrtime.bigint();
    sleep!(3);
    const ms = Number(process.hrtime.bigint() - from) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(2.9);
    expect(ms).toBeLessThan(1000); // a busy machine may add a lot; only "it slept" is tested
  });
});
