import { afterEach, describe, expect, it, vi } from 'vitest';
import { LongTimeout, MAX_HOST_DELAY_MS, type HostTimer } from '../../src/clock/long-timeout.js';
import { SystemClock } from '../../src/clock/system-clock.js';

/** A host timer that records every delay asked and fires only when told. */
function recordingHost(): HostTimer & { delays: number[]; fire(): void; pending: number } {
  let armed: Array<{ fn: () => void; live: boolean }> = [];
  const delays: number[] = [];
  return {
    delays,
    set(ms, fn) {
      delays.push(ms);
      const h = { fn, live: true };
      armed.push(h);
      return h;
    },
    clear(h) {
      (h as { live: boolean }).live = false;
    },
    fire() {
      const due = armed.filter((h) => h.live);
      armed = [];
      for (const h of due) h.fn();
    },
    get pending() {
      return armed.filter((h) => h.live).length;
    },
  };
}

describe('LongTimeout (delays over 2^31 − 1 ms)', () => {
  it('asks the host for no delay above 2^31 − 1 ms and fires only after the whole chain', () => {
    const host = recordingHost();
    const fn = vi.fn();
    // A registrar granting expires=3000000: 3·10⁹ ms.
    new LongTimeout(3_000_000_000, fn, host);
    expect(host.delays).toEqual([MAX_HOST_DELAY_MS]);
    host.fire();
    expect(fn).not.toHaveBeenCalled();
    expect(host.delays).toEqual([MAX_HOST_DELAY_MS, 3_000_000_000 - MAX_HOST_DELAY_MS]);
    host.fire();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(host.pending).toBe(0);
  });

  it('a short delay is one host wait', () => {
    const host = recordingHost();
    const fn = vi.fn();
    new LongTimeout(500, fn, host);
    expect(host.delays).toEqual([500]);
    host.fire();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('negative and NaN delays wait 0 ms; Infinity never fires', () => {
    const host = recordingHost();
    const fn = vi.fn();
    new LongTimeout(-5, fn, host);
    new LongTimeout(Number.NaN, fn, host);
    expect(host.delays).toEqual([0, 0]);
    host.fire();
    expect(fn).toHaveBeenCalledTimes(2);
    const never = vi.fn();
    const t = new LongTimeout(Infinity, never, host);
    for (let i = 0; i < 5; i++) host.fire();
    expect(never).not.toHaveBeenCalled();
    expect(host.delays.slice(2)).toEqual(Array(6).fill(MAX_HOST_DELAY_MS));
    t.cancel();
    expect(host.pending).toBe(0);
  });

  it('cancel in the middle of a chain stops it', () => {
    const host = recordingHost();
    const fn = vi.fn();
    const t = new LongTimeout(5_000_000_000, fn, host);
    host.fire();
    t.cancel();
    expect(t.finished).toBe(true);
    expect(host.pending).toBe(0);
    host.fire();
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('SystemClock with long delays (fake Node timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a 3·10⁹ ms timer does not fire after 1 ms (Node clamps such a delay), but after 3·10⁹ ms', () => {
    vi.useFakeTimers();
    const clock = new SystemClock();
    const fn = vi.fn();
    clock.setTimer(3_000_000_000, fn);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_HOST_DELAY_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3_000_000_000 - MAX_HOST_DELAY_MS - 1000 - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('clearTimer cancels a long timer', () => {
    vi.useFakeTimers();
    const clock = new SystemClock();
    const fn = vi.fn();
    const h = clock.setTimer(4_000_000_000, fn);
    vi.advanceTimersByTime(MAX_HOST_DELAY_MS + 10);
    clock.clearTimer(h);
    vi.advanceTimersByTime(4_000_000_000);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('short timers still fire on time', () => {
    vi.useFakeTimers();
    const clock = new SystemClock();
    const fn = vi.fn();
    clock.setTimer(500, fn);
    vi.advanceTimersByTime(499);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
