// The process-wide queue of absolute-deadline timers (src/clock/deadline-queue.ts), driven by a
// fake host timer and a fake monotonic time, and the spin budget it finishes with.
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/clock/deadline-queue.js';
import { MAX_SPIN_MS, SPIN_BUDGET_MS, SpinBudget } from '../../src/clock/precise-wait.js';

/**
 * A host timer that fires `early` ms before it was asked to (Node's fire up to 1.7 ms early),
 * at most half the time it was set for, when the test moves the time, and a time the test moves.
 */
function rig(early = 0.3) {
  let t = 0;
  const armed: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const timer = {
    set(ms: number, fn: () => void) {
      const h = { at: t + ms - Math.min(early, ms / 2), fn, live: true };
      armed.push(h);
      return h;
    },
    clear(h: unknown) {
      (h as { live: boolean }).live = false;
    },
  };
  // Busy waiting advances the fake time in 0.05 ms steps, as reading a real clock would.
  const now = () => t;
  let spinning = false;
  let waits = 0;
  const spinNow = () => {
    if (spinning) t += 0.05;
    return t;
  };
  const spin = new SpinBudget(spinNow);
  const q = new DeadlineQueue(now, timer, {
    waitUntil(deadline: number) {
      waits++;
      spinning = true;
      try {
        return spin.waitUntil(deadline);
      } finally {
        spinning = false;
      }
    },
  } as SpinBudget);
  return {
    q,
    live: () => armed.filter((h) => h.live),
    /** Moves time to `to` and fires the host timers due by then, in order. */
    advance(to: number) {
      for (;;) {
        const due = armed.filter((h) => h.live && h.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        due.live = false;
        t = Math.max(t, due.at);
        due.fn();
      }
      t = Math.max(t, to);
    },
    time: () => t,
    waits: () => waits,
  };
}

describe('DeadlineQueue', () => {
  it('one host timer for many deadlines, armed for the earliest', () => {
    const r = rig(0);
    for (let i = 0; i < 100; i++) r.q.add(20 + (i % 4), () => {});
    expect(r.live()).toHaveLength(1);
    expect(r.live()[0]!.at).toBe(20);
  });

  it('runs entries in deadline order, equal deadlines in the order they were armed, none early by the spin', () => {
    const r = rig();
    const ran: Array<[string, number]> = [];
    r.q.add(30, () => { ran.push(['c', r.time()]); });
    r.q.add(10, () => { ran.push(['a1', r.time()]); });
    r.q.add(10, () => { ran.push(['a2', r.time()]); });
    r.q.add(20, () => { ran.push(['b', r.time()]); });
    r.advance(40);
    expect(ran.map(([n]) => n)).toEqual(['a1', 'a2', 'b', 'c']);
    for (const [name, at] of ran) {
      const due = { a1: 10, a2: 10, b: 20, c: 30 }[name]!;
      expect(at).toBeGreaterThanOrEqual(due);
      expect(at - due).toBeLessThan(0.1);
    }
  });

  it('a cancelled entry never runs, and an emptied queue arms no timer', () => {
    const r = rig();
    let ran = 0;
    const e = r.q.add(10, () => { ran++; });
    r.q.cancel(e);
    r.advance(20);
    expect(ran).toBe(0);
    expect(r.live()).toHaveLength(0);
    expect(r.q.size).toBe(0);
  });

  it('an earlier deadline re-arms the host timer; a later one leaves it', () => {
    const r = rig(0);
    r.q.add(50, () => {});
    expect(r.live().map((h) => h.at)).toEqual([50]);
    r.q.add(80, () => {});
    expect(r.live().map((h) => h.at)).toEqual([50]);
    r.q.add(10, () => {});
    expect(r.live().map((h) => h.at)).toEqual([10]);
  });

  it('a periodic sender that re-arms from its own deadline runs every period, with no drift', () => {
    const r = rig();
    const at: number[] = [];
    const tick = (deadline: number) => {
      at.push(r.time() - deadline);
      if (at.length < 500) r.q.add(deadline + 20, () => tick(deadline + 20));
    };
    r.q.add(20, () => tick(20));
    r.advance(20 * 600);
    expect(at).toHaveLength(500);
    expect(Math.max(...at)).toBeLessThan(0.1);
    expect(Math.min(...at)).toBeGreaterThanOrEqual(0);
  });

  it('a host timer far too early (more than MAX_SPIN_MS) re-arms instead of running the entry', () => {
    const r = rig(MAX_SPIN_MS + 3);
    const at: number[] = [];
    r.q.add(20, () => { at.push(r.time()); });
    r.advance(30);
    expect(at).toHaveLength(1);
    expect(at[0]! - 20).toBeGreaterThan(-MAX_SPIN_MS);
  });

  it('past the spin budget an entry runs early, by no more than the timer was early', () => {
    const r = rig(1.5); // 50 wake-ups a second × 1.5 ms > the 40 ms budget
    const err: number[] = [];
    const tick = (deadline: number) => {
      err.push(r.time() - deadline);
      if (err.length < 200) r.q.add(deadline + 20, () => tick(deadline + 20));
    };
    r.q.add(20, () => tick(20));
    r.advance(20 * 300);
    expect(err).toHaveLength(200);
    expect(err.filter((e) => e < -0.01).length).toBeGreaterThan(0);
    expect(Math.min(...err)).toBeGreaterThanOrEqual(-1.5);
    expect(Math.max(...err)).toBeLessThan(0.1);
  });

  it('follow-ups run once every task due in the same instant has run, and before a wait for the next', () => {
    const r = rig();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      r.q.add(20, () => {
        log.push(`send ${name}`);
        return () => {
          log.push(`after ${name}`);
        };
      });
    }
    r.q.add(21, () => {
      log.push('send d');
    });
    r.advance(30);
    expect(log).toEqual(['send a', 'send b', 'send c', 'after a', 'after b', 'after c', 'send d']);
  });

  it('deadlines that fall together share one wake-up: the whole group costs one busy wait', () => {
    const r = rig();
    let ran = 0;
    for (let i = 0; i < 100; i++) r.q.add(20, () => { ran++; });
    r.advance(25);
    expect(ran).toBe(100);
    expect(r.waits()).toBe(1);
    expect(r.live()).toHaveLength(0);
  });
});

describe('SpinBudget', () => {
  it('waits only for less than MAX_SPIN_MS, and stops waiting when the budget for this second is spent', () => {
    let t = 0;
    const b = new SpinBudget(() => (t += 0.1));
    const far = t + MAX_SPIN_MS + 1;
    expect(b.waitUntil(far)).toBeLessThan(far - 1); // too far: returns at once
    let waited = 0;
    for (let i = 0; i < 100; i++) {
      const deadline = t + 1.5;
      if (b.waitUntil(deadline) >= deadline) waited++;
    }
    // 1.5 ms each: the 40 ms budget covers 26 of them, then none until the next second
    // (each read of this clock moves it 0.1 ms, so a wait is 1.4 to 1.5 ms)
    expect(waited).toBeGreaterThanOrEqual(Math.floor(SPIN_BUDGET_MS / 1.5));
    expect(waited).toBeLessThanOrEqual(Math.ceil(SPIN_BUDGET_MS / 1.4));
  });
});
