// The per-connection guard (src/transport/connection-guard.ts) on a manual clock: the idle
// timeout (a connection with nothing in progress and nothing of ours bound to it is closed),
// and the incomplete-message timeout, to the millisecond.
import { describe, expect, it } from 'vitest';
import { ConnectionGuard } from '../../src/transport/connection-guard.js';
import { DEFAULT_IDLE_TIMEOUT_MS, type ConnectionLimit } from '../../src/transport/connection-limits.js';
import { ManualClock } from '../support/manual-clock.js';

const LIMITS = { idleTimeoutMs: 1000, incompleteMessageTimeoutMs: 300, maxBufferedBytes: 100 };

function guarded(inUse?: () => boolean, limits: Partial<typeof LIMITS> = {}) {
  const clock = new ManualClock();
  const trips: Array<{ t: number; limit: ConnectionLimit; held: number; max: number }> = [];
  const guard = new ConnectionGuard({ ...LIMITS, ...limits }, (limit, held, max) => trips.push({ t: clock.now(), limit, held, max }), clock, inUse);
  return { clock, trips, guard };
}

describe('ConnectionGuard on the clock', () => {
  it('defaults to 120 s idle (Kamailio tcp_connection_lifetime), over 64·T1 (RFC 3261 §18)', () => {
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBe(120_000);
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBeGreaterThan(64 * 500);
  });

  it('a connection that never sends a byte trips idle-timeout exactly idleTimeoutMs after it was accepted', () => {
    const { clock, trips } = guarded();
    clock.advanceTo(999);
    expect(trips).toEqual([]);
    clock.advanceTo(1000);
    expect(trips).toEqual([{ t: 1000, limit: 'idle-timeout', held: 0, max: 1000 }]);
    expect(clock.pending).toBe(0);
  });

  it('each complete message, ping or reply starts the idle period again', () => {
    const { clock, trips, guard } = guarded();
    clock.advanceTo(600);
    guard.afterData(0, 0, 1); // a complete message at 600
    clock.advanceTo(1500);
    guard.afterWrite(0); // a reply at 1500
    clock.advanceTo(2499);
    expect(trips).toEqual([]);
    clock.advanceTo(2500);
    expect(trips.map((x) => [x.t, x.limit])).toEqual([[2500, 'idle-timeout']]);
  });

  it('while part of a message is held the idle timer does not run: the incomplete-message timeout does', () => {
    const { clock, trips, guard } = guarded();
    clock.advanceTo(100);
    guard.afterData(10, 0, 0);
    clock.advanceTo(399);
    expect(trips).toEqual([]);
    clock.advanceTo(400);
    expect(trips).toEqual([{ t: 400, limit: 'incomplete-message-timeout', held: 10, max: 300 }]);
    expect(clock.pending).toBe(0);
  });

  it('a message completed in time: the idle period starts from then', () => {
    const { clock, trips, guard } = guarded();
    clock.advanceTo(100);
    guard.afterData(10, 0, 0);
    clock.advanceTo(200);
    guard.afterData(0, 0, 1);
    clock.advanceTo(1199);
    expect(trips).toEqual([]);
    clock.advanceTo(1200);
    expect(trips.map((x) => [x.t, x.limit])).toEqual([[1200, 'idle-timeout']]);
  });

  it('inUse (a transaction or dialog of ours on it) keeps an idle connection another period each time it says so', () => {
    let used = 2;
    const asked: number[] = [];
    const { clock, trips } = guarded(() => {
      asked.push(clock.now());
      return used-- > 0;
    });
    clock.advanceTo(10_000);
    expect(asked).toEqual([1000, 2000, 3000]);
    expect(trips).toEqual([{ t: 3000, limit: 'idle-timeout', held: 0, max: 1000 }]);
  });

  it('stop() leaves no timer behind; without idleTimeoutMs no idle timer runs', () => {
    const a = guarded();
    a.guard.stop();
    expect(a.clock.pending).toBe(0);
    a.clock.advanceTo(5000);
    expect(a.trips).toEqual([]);
    const clock = new ManualClock();
    new ConnectionGuard({ incompleteMessageTimeoutMs: 300, maxBufferedBytes: 100 }, () => {}, clock);
    expect(clock.pending).toBe(0);
  });

  it('max-buffered-bytes still trips at once, and only one limit is ever reported', () => {
    const { clock, trips, guard } = guarded();
    expect(guard.afterData(0, 101, 0)).toBe(false);
    clock.advanceTo(5000);
    expect(trips).toEqual([{ t: 0, limit: 'max-buffered-bytes', held: 101, max: 100 }]);
  });
});
