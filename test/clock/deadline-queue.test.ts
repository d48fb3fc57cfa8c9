// The deadline queue with a wake lead (src/clock/deadline-queue.ts, as the system clock builds
// it): driven by a fake host timer that fires late the way Node's does on Linux (the kernel's
// 0.1 % timer slack plus about a millisecond), a fake monotonic time and a fake sleep.
// (test/media/deadline-queue.test.ts covers the queue without a lead.)
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/clock/deadline-queue.js';
import { MAX_SPIN_MS, SPIN_BUDGET_MS, SpinBudget } from '../../src/clock/precise-wait.js';
import { WakeLead } from '../../src/clock/wake-lead.js';

/** RFC 3261 §17.1.1.2 at T1 = 500 ms: the INVITE sends after the first, and Timer B. */
const INVITE_RETRANSMITS = [500, 1500, 3500, 7500, 15500, 31500];

function rig(opts: { lead?: WakeLead; late?: (ms: number) => number } = {}) {
  let t = 0;
  const late = opts.late ?? ((ms: number) => Math.min(100, ms * 0.001) + 1.2);
  const armed: Array<{ at: number; ms: number; fn: () => void; live: boolean }> = [];
  const timer = {
    set(ms: number, fn: () => void) {
      // 0: the next loop turn, a few µs on
      const h = { at: ms === 0 ? t + 0.02 : t + ms + late(ms), ms, fn, live: true };
      armed.push(h);
      return h;
    },
    clear(h: unknown) {
      (h as { live: boolean }).live = false;
    },
  };
  let spinning = false;
  const now = () => (spinning ? (t += 0.01) : t);
  const spin = new SpinBudget(now, SPIN_BUDGET_MS, (ms) => {
    t += ms + 0.1; // Atomics.wait wakes ~0.1 ms late
  });
  let waitsThisWake = 0;
  let maxWaitsPerWake = 0;
  const q = new DeadlineQueue(
    () => t,
    timer,
    {
      waitUntil(deadline: number) {
        waitsThisWake++;
        spinning = true;
        try {
          return spin.waitUntil(deadline);
        } finally {
          spinning = false;
        }
      },
    } as SpinBudget,
    opts.lead,
  );
  return {
    q,
    armed,
    live: () => armed.filter((h) => h.live),
    time: () => t,
    maxWaitsPerWake: () => maxWaitsPerWake,
    /** Fires the host timers due by `to`, in order, and moves the time there. */
    advance(to: number) {
      for (;;) {
        const due = armed.filter((h) => h.live && h.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        due.live = false;
        t = Math.max(t, due.at);
        waitsThisWake = 0;
        due.fn();
        maxWaitsPerWake = Math.max(maxWaitsPerWake, waitsThisWake);
      }
      t = Math.max(t, to);
    },
  };
}

/** One INVITE client transaction's Timer A, re-armed from each due time; the send times. */
function inviteSchedule(r: ReturnType<typeof rig>): number[] {
  const sent: number[] = [];
  const arm = (k: number) => {
    const due = INVITE_RETRANSMITS[k]!;
    r.q.add(due, () => {
      sent.push(r.time() - due);
      if (k + 1 < INVITE_RETRANSMITS.length) arm(k + 1);
    });
  };
  arm(0);
  r.advance(40_000);
  return sent;
}

describe('DeadlineQueue with a WakeLead', () => {
  it('without a lead, a host timer with kernel slack makes every long wait late (the old behaviour)', () => {
    const errors = inviteSchedule(rig());
    expect(errors).toHaveLength(6);
    // 16 s wait: 16 ms slack + 1.2 ms
    expect(errors[5]!).toBeGreaterThan(10);
  });

  it('with one, every send of a 32 s INVITE transaction lands on its schedule, none early', () => {
    const errors = inviteSchedule(rig({ lead: new WakeLead() }));
    expect(errors).toHaveLength(6);
    for (const e of errors) {
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThan(0.05);
    }
  });

  it('arms the host timer the lead early: 8 s away, 8 ms + base before', () => {
    const lead = new WakeLead(0.001, 1.9, 1.5);
    const r = rig({ lead });
    r.q.add(8000, () => {});
    expect(r.live()).toHaveLength(1);
    expect(r.live()[0]!.ms).toBeCloseTo(8000 - 8 - 1.5, 9);
  });

  it('a deadline nearer than the lead + 1 ms wakes at the next loop turn (Node would wait 1 ms)', () => {
    const r = rig({ lead: new WakeLead(0.001, 1.9, 1.5) });
    r.q.add(2, () => {});
    expect(r.live()[0]!.ms).toBe(0);
    // farther than MAX_SPIN_MS but within lead + 1 ms: 1 ms, not a spin through loop turns
    const s = rig({ lead: new WakeLead(0.001, 1.9, 1.5) });
    s.q.add(MAX_SPIN_MS + 0.3, () => {});
    expect(s.live()[0]!.ms).toBe(1);
  });

  it('a host timer later than the initial lead teaches the lead, and the next wait lands', () => {
    const lead = new WakeLead(0.001, 1.9, 0.5);
    // Node 1.7 ms late on top of the kernel slack
    const r = rig({ lead, late: (ms) => Math.min(100, ms * 0.001) + 1.7 });
    const errs: number[] = [];
    const tick = (due: number) => {
      errs.push(r.time() - due);
      if (errs.length < 100) r.q.add(due + 100, () => tick(due + 100));
    };
    r.q.add(100, () => tick(100));
    r.advance(100 * 101);
    expect(errs).toHaveLength(100);
    expect(errs[0]!).toBeGreaterThan(1); // the first one was late
    expect(lead.base).toBeGreaterThan(1.5);
    for (const e of errs.slice(30)) expect(e).toBeLessThan(0.05);
  });

  it('1,000 deadlines 1 ms apart: each wake-up waits at most once and returns between them', () => {
    const r = rig({ lead: new WakeLead() });
    const errs: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const due = 500 + i;
      r.q.add(due, () => {
        errs.push(r.time() - due);
      });
    }
    r.advance(2000);
    expect(errs).toHaveLength(1000);
    expect(r.maxWaitsPerWake()).toBe(1);
    // one host wake-up per deadline: the event loop turns between sends
    expect(r.armed.length).toBeGreaterThanOrEqual(1000);
    // past the spin budget (a spun tail each for the first ~100) the waits sleep all the way
    // and land as late as the sleep (0.1 ms here), never early
    for (const e of errs) {
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThan(0.15);
    }
  });

  it('deadlines due within the same quarter millisecond share one wake-up and one wait', () => {
    const r = rig({ lead: new WakeLead() });
    let ran = 0;
    for (let i = 0; i < 100; i++) r.q.add(500 + (i % 5) * 0.04, () => { ran++; });
    r.advance(600);
    expect(ran).toBe(100);
    expect(r.armed).toHaveLength(1); // one host wake-up
    expect(r.maxWaitsPerWake()).toBe(1);
  });
});
