// The precise wait that finishes an early wake-up (src/clock/precise-wait.ts): it sleeps all but
// the last SPIN_TAIL_MS and busy-waits only that tail, which alone counts against the budget.
import { describe, expect, it } from 'vitest';
import { MAX_SPIN_MS, SPIN_BUDGET_MS, SPIN_TAIL_MS, SpinBudget, atomicsSleep } from '../../src/clock/precise-wait.js';

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
  it('sleeps until SPIN_TAIL_MS before the deadline, then spins the rest, never returning early', () => {
    const r = rig();
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    const deadline = 1.5;
    const at = b.waitUntil(deadline);
    expect(r.slept).toHaveLength(1);
    expect(r.slept[0]!).toBeCloseTo(deadline - 0.01 - SPIN_TAIL_MS, 9);
    expect(at).toBeGreaterThanOrEqual(deadline);
    expect(at - deadline).toBeLessThan(0.02);
  });

  it('a sleep that overshoots returns at once (late, never early)', () => {
    const r = rig(0.5);
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    const reads = r.reads();
    const at = b.waitUntil(1);
    expect(at).toBeGreaterThan(1);
    expect(r.reads() - reads).toBe(2); // before and after the sleep: no spin
  });

  it('only the spun tail counts against the budget; past it the wait sleeps all the way, late, never early', () => {
    // (all spin, 500 waits of 1.5 ms would need 750 ms of the 40 ms budget)
    const r = rig(0.12);
    const b = new SpinBudget(r.now, SPIN_BUDGET_MS, r.sleep);
    let landed = 0;
    for (let i = 0; i < 500; i++) {
      const deadline = r.time() + 1.5;
      if (b.waitUntil(deadline) >= deadline) landed++;
    }
    expect(landed).toBe(500);
    const full = r.slept.filter((ms) => ms > 1.4).length; // slept the whole 1.49 ms
    const tailed = r.slept.filter((ms) => Math.abs(ms - (1.49 - SPIN_TAIL_MS)) < 1e-9).length;
    // spun tails of ~SPIN_TAIL_MS − 0.12 ms until the budget is spent
    expect(tailed).toBeGreaterThanOrEqual(Math.floor(SPIN_BUDGET_MS / SPIN_TAIL_MS));
    expect(tailed).toBeLessThanOrEqual(Math.ceil(SPIN_BUDGET_MS / (SPIN_TAIL_MS - 0.15)));
    expect(full + tailed).toBe(500);
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
