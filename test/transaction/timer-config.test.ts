import { describe, expect, it } from 'vitest';
import { nextInterval } from '../../src/transaction/backoff.js';
import { forTransport, timerConfig, TimerConfigError } from '../../src/transaction/timer-config.js';

describe('timerConfig', () => {
  it('defaults to T1 500, T2 4000, T4 5000 and derives every timer for UDP', () => {
    expect(timerConfig()).toEqual({
      t1: 500,
      t2: 4000,
      t4: 5000,
      reliable: false,
      timerA: 500,
      timerB: 32000,
      timerD: 32000,
      timerE: 500,
      timerF: 32000,
      timerK: 5000,
      timerM: 32000,
      timerG: 500,
      timerH: 32000,
      timerI: 5000,
      timerJ: 32000,
      timerL: 32000,
    });
  });

  it('server timers (RFC 3261 §17.2, RFC 6026 §8.7): reliable transport: I = J = 0; G, H, L as on UDP', () => {
    const c = timerConfig({ reliable: true });
    expect([c.timerG, c.timerH, c.timerI, c.timerJ, c.timerL]).toEqual([500, 32000, 0, 0, 32000]);
    const s = timerConfig({ t1: 50, t4: 700 });
    expect([s.timerG, s.timerH, s.timerI, s.timerJ, s.timerL]).toEqual([50, 3200, 700, 3200, 3200]);
  });

  it('reliable transport: D = K = 0, B, F, M unchanged', () => {
    const c = timerConfig({ reliable: true });
    expect([c.timerB, c.timerD, c.timerF, c.timerK, c.timerM]).toEqual([32000, 0, 32000, 0, 32000]);
  });

  it('B, D, F, M scale as 64·T1; K follows T4', () => {
    const c = timerConfig({ t1: 50, t2: 400, t4: 700 });
    expect([c.timerA, c.timerB, c.timerD, c.timerE, c.timerF, c.timerK, c.timerM]).toEqual([50, 3200, 3200, 50, 3200, 700, 3200]);
  });

  it('accepts T2 equal to T1', () => {
    expect(timerConfig({ t1: 100, t2: 100 }).t2).toBe(100);
  });

  it.each([
    [{ t1: 0 }, 't1'],
    [{ t1: -5 }, 't1'],
    [{ t1: Number.NaN }, 't1'],
    [{ t1: Number.POSITIVE_INFINITY }, 't1'],
    [{ t2: 0 }, 't2'],
    [{ t4: -1 }, 't4'],
    [{ t1: 500, t2: 499 }, 't2'],
    [{ t1: 5000 }, 't2'], // T2 default 4000 < T1
  ] as const)('rejects %o with a TimerConfigError on %s', (opts, field) => {
    let caught: unknown;
    try {
      timerConfig(opts);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TimerConfigError);
    expect((caught as TimerConfigError).field).toBe(field);
    expect((caught as TimerConfigError).name).toBe('TimerConfigError');
  });

  it('forTransport re-derives D and K, keeps T1, T2, T4', () => {
    const udp = timerConfig({ t1: 100, t2: 800, t4: 900 });
    const tcp = forTransport(udp, true);
    expect([tcp.t1, tcp.t2, tcp.t4, tcp.timerD, tcp.timerK, tcp.reliable]).toEqual([100, 800, 900, 0, 0, true]);
    expect(forTransport(udp, false)).toBe(udp);
  });
});

describe('nextInterval (the one backoff)', () => {
  it('doubles with no cap (Timer A)', () => {
    const seq = [500];
    for (let i = 0; i < 6; i++) seq.push(nextInterval(seq[seq.length - 1]));
    expect(seq).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000]);
  });

  it('doubles up to the cap (Timer E, cap T2)', () => {
    const seq = [500];
    for (let i = 0; i < 5; i++) seq.push(nextInterval(seq[seq.length - 1], 4000));
    expect(seq).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
});
