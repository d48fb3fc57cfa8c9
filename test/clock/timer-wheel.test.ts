import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerWheel } from '../../src/clock/timer-wheel.js';

/** Advances ms by ms and records when each id fired. */
function run(wheel: TimerWheel, from: number, to: number, fired: Array<[number, number]>, onFire?: (id: number, t: number) => void): void {
  for (let t = from; t <= to; t++) {
    wheel.advance(t, (id) => {
      fired.push([id, t]);
      onFire?.(id, t);
    });
  }
}

describe('TimerWheel', () => {
  it('fires each timer at the first millisecond at or after its due time, never early', () => {
    const w = new TimerWheel(0);
    w.schedule(500, 1);
    w.schedule(499.2, 2);
    w.schedule(32000, 3);
    w.schedule(70000, 4); // beyond one turn (65,536 ms): waits for a later round
    const fired: Array<[number, number]> = [];
    run(w, 1, 80000, fired);
    expect(fired).toEqual([
      [1, 500],
      [2, 500], // 499.2 rounds up (never early); same millisecond: scheduling order
      [3, 32000],
      [4, 70000],
    ]);
    expect(w.size).toBe(0);
  });

  it('fires everything due when advanced over a gap, in due order', () => {
    const w = new TimerWheel(0);
    w.schedule(30, 1);
    w.schedule(10, 2);
    w.schedule(20, 3);
    const ids: number[] = [];
    w.advance(1000, (id) => ids.push(id));
    expect(ids).toEqual([2, 3, 1]);
  });

  it('cancel disarms; a stale handle (fired, cancelled or reused entry) does nothing', () => {
    const w = new TimerWheel(0, 16);
    const a = w.schedule(10, 1);
    w.cancel(a);
    const b = w.schedule(10, 2); // reuses the entry of a
    w.cancel(a); // stale: must not cancel b
    const ids: number[] = [];
    w.advance(10, (id) => ids.push(id));
    expect(ids).toEqual([2]);
    w.cancel(b); // already fired
    expect(w.size).toBe(0);
  });

  it('a timer scheduled from fire for a time already reached fires in the next step; fire may cancel a timer due in the same step', () => {
    const w = new TimerWheel(0);
    const handles: number[] = [];
    handles.push(w.schedule(5, 1));
    handles.push(w.schedule(5, 2));
    const fired: Array<[number, number]> = [];
    run(w, 1, 10, fired, (id) => {
      if (id === 1) {
        w.cancel(handles[1]!);
        w.schedule(0, 3);
      }
    });
    expect(fired).toEqual([
      [1, 5],
      [3, 6],
    ]);
  });

  it('grows past its initial capacity and reports nextDue', () => {
    const w = new TimerWheel(100, 16);
    expect(w.nextDue()).toBeUndefined();
    for (let i = 0; i < 1000; i++) w.schedule(200 + (i % 50), i);
    expect(w.size).toBe(1000);
    expect(w.nextDue()).toBe(200);
    let n = 0;
    w.advance(300, () => n++);
    expect(n).toBe(1000);
  });

  it('matches a reference model for random schedules and cancels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 140000 }), cancel: fc.boolean() }), { maxLength: 60 }),
        (ops) => {
          const w = new TimerWheel(0, 4);
          const expected: Array<[number, number]> = [];
          ops.forEach((op, id) => {
            const h = w.schedule(op.at, id);
            if (op.cancel) w.cancel(h);
            else expected.push([id, Math.max(1, op.at)]);
          });
          expected.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
          const fired: Array<[number, number]> = [];
          let t = 0;
          // Uneven steps: every timer must still fire at max(due, step end) in due order.
          while (t < 141000) {
            t += 1 + (t % 7) * 97;
            w.advance(t, (id) => fired.push([id, t]));
          }
          expect(fired.map((f) => f[0])).toEqual(expected.map((e) => e[0]));
          for (const [id, at] of fired) expect(at).toBeGreaterThanOrEqual(Math.max(1, ops[id]!.at));
          expect(w.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
