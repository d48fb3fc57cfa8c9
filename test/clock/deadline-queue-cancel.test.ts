// Cancelling the deadline the host timer is armed for (src/clock/deadline-queue.ts): the host
// timer is re-armed for the next live deadline, or cleared when none is left, so that a cleared
// timer neither wakes the process for nothing nor keeps it alive (issue 14 §5: `answer` stopped
// by Ctrl-C waited out a 32 s Timer H it had already cleared).
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/clock/deadline-queue.js';
import type { SpinBudget } from '../../src/clock/precise-wait.js';

function rig() {
  const armed: Array<{ ms: number; live: boolean }> = [];
  const timer = {
    set(ms: number) {
      const h = { ms, live: true };
      armed.push(h);
      return h;
    },
    clear(h: unknown) {
      (h as { live: boolean }).live = false;
    },
  };
  const q = new DeadlineQueue(() => 0, timer, { waitUntil: () => undefined } as unknown as SpinBudget);
  return { q, live: () => armed.filter((h) => h.live).map((h) => h.ms) };
}

describe('DeadlineQueue.cancel', () => {
  it('the only deadline cancelled: no host timer is left armed', () => {
    const { q, live } = rig();
    const h = q.add(32_000, () => undefined);
    expect(live()).toEqual([32_000]);
    q.cancel(h);
    expect(live()).toEqual([]);
    expect(q.size).toBe(0);
  });

  it('the first of two cancelled: the host timer is re-armed for the second', () => {
    const { q, live } = rig();
    const first = q.add(500, () => undefined);
    q.add(4_000, () => undefined);
    expect(live()).toEqual([500]);
    q.cancel(first);
    expect(live()).toEqual([4_000]);
  });

  it('a later deadline cancelled: the host timer stays as it was', () => {
    const { q, live } = rig();
    q.add(500, () => undefined);
    const later = q.add(4_000, () => undefined);
    q.cancel(later);
    expect(live()).toEqual([500]);
  });
});
