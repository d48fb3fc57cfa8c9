import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadInputError } from '../../src/load/errors.js';
import { ArrivalSchedule, type LoadPlan } from '../../src/load/schedule.js';
import { buildLoadPlan, parseRamp } from '../../src/load/schedule-spec.js';

const constant = (rate: number, durationMs: number, calls?: number): LoadPlan => ({
  stages: [{ startRate: rate, endRate: rate, durationMs }],
  ...(calls === undefined ? {} : { calls }),
});

function times(s: ArrivalSchedule): number[] {
  return Array.from({ length: s.total }, (_, k) => s.timeOf(k));
}

describe('ArrivalSchedule: constant rate', () => {
  it('1,000 calls/s: call k at exactly k ms, 10,000 calls in 10 s', () => {
    const s = new ArrivalSchedule(constant(1000, 10_000));
    expect(s.total).toBe(10_000);
    expect(s.durationMs).toBe(10_000);
    for (let k = 0; k < s.total; k++) expect(s.timeOf(k)).toBe(k);
  });

  it('3 calls/s: times from the integral, no accumulated error', () => {
    const s = new ArrivalSchedule(constant(3, 1_000_000));
    expect(s.total).toBe(3000);
    expect(s.timeOf(3)).toBe(1000);
    expect(s.timeOf(2999)).toBe((2999 * 1000) / 3);
    expect(s.timeOf(1)).toBeCloseTo(333.3333333, 6);
  });

  it('a rate that does not divide the duration rounds the count up (call at t < end)', () => {
    const s = new ArrivalSchedule(constant(3, 1000));
    expect(s.total).toBe(3);
    expect(times(s).every((t) => t < 1000)).toBe(true);
  });

  it('dueBy counts the calls whose intended start is ≤ t', () => {
    const s = new ArrivalSchedule(constant(1000, 10_000));
    expect(s.dueBy(-1)).toBe(0);
    expect(s.dueBy(0)).toBe(1);
    expect(s.dueBy(0.999)).toBe(1);
    expect(s.dueBy(1)).toBe(2);
    expect(s.dueBy(9999)).toBe(10_000);
    expect(s.dueBy(1e9)).toBe(10_000);
  });

  it('--calls caps the plan and shortens its duration', () => {
    const s = new ArrivalSchedule(constant(100, 60_000, 250));
    expect(s.total).toBe(250);
    expect(s.durationMs).toBe(2500);
    expect(s.dueBy(1e9)).toBe(250);
    expect(s.offeredRate()).toBe(100);
  });

  it('offered rate: the plan average, and the instantaneous rate', () => {
    const s = new ArrivalSchedule(constant(500, 3000));
    expect(s.offeredRate()).toBe(500);
    expect(s.offeredRate(1500)).toBe(500);
    expect(s.offeredRate(3000)).toBe(0);
  });
});

describe('ArrivalSchedule: ramps', () => {
  it('0 → 1000 calls/s over 10 s: 5,000 calls, t_n = sqrt(2n/a)', () => {
    const s = new ArrivalSchedule({ stages: parseRamp('1000/10s') });
    expect(s.total).toBe(5000);
    const a = 1000 / 10; // calls/s²
    for (const n of [0, 1, 2, 50, 1234, 4999]) {
      expect(s.timeOf(n)).toBeCloseTo(Math.sqrt((2 * n) / a) * 1000, 6);
    }
    expect(s.offeredRate(5000)).toBeCloseTo(500, 9);
  });

  it('ramp then hold then ramp down: stage boundaries at the integral', () => {
    const s = new ArrivalSchedule({ stages: parseRamp('1000/10s,=1000/5s,0/10s') });
    // 5000 + 5000 + 5000 calls
    expect(s.total).toBe(15_000);
    expect(s.durationMs).toBe(25_000);
    expect(s.timeOf(5000)).toBeCloseTo(10_000, 9);
    expect(s.timeOf(5001)).toBeCloseTo(10_001, 9);
    expect(s.timeOf(10_000)).toBeCloseTo(15_000, 9);
    // ramp down from 1000 to 0 over 10 s: Λ(τ) = 1000τ − 50τ²
    const x = 2500;
    const tau = (1000 - Math.sqrt(1000 * 1000 - 4 * 50 * x)) / (2 * 50);
    expect(s.timeOf(10_000 + x)).toBeCloseTo(15_000 + tau * 1000, 6);
  });

  it('a ramp starts from --rate when given', () => {
    const stages = parseRamp('2000/10s', 1000);
    expect(stages).toEqual([{ startRate: 1000, endRate: 2000, durationMs: 10_000 }]);
    expect(new ArrivalSchedule({ stages }).total).toBe(15_000);
  });

  it('a pause (=0) has no calls and shifts the next ones', () => {
    const s = new ArrivalSchedule({ stages: parseRamp('=10/1s,=0/2s,=10/1s') });
    expect(times(s)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 3000, 3100, 3200, 3300, 3400, 3500, 3600, 3700, 3800, 3900]);
  });

  it('times are non-decreasing and dueBy(timeOf(k)) counts k', () => {
    const s = new ArrivalSchedule({ stages: parseRamp('777/3s,=1234/2.5s,10/4s') });
    let prev = -Infinity;
    for (let k = 0; k < s.total; k++) {
      const t = s.timeOf(k);
      expect(t).toBeGreaterThanOrEqual(prev);
      expect(s.dueBy(t)).toBeGreaterThanOrEqual(k + 1);
      prev = t;
    }
  });
});

describe('ArrivalSchedule: segments (k6 execution segments, equal parts)', () => {
  it('segment 2/4 takes global calls 1, 5, 9, …', () => {
    const s = new ArrivalSchedule(constant(1000, 10), { index: 2, count: 4 });
    expect(s.total).toBe(3);
    expect(times(s)).toEqual([1, 5, 9]);
    expect(s.globalIndexOf(2)).toBe(9);
    expect(s.dueBy(5)).toBe(2);
    expect(s.offeredRate(0)).toBe(250);
  });

  it('the union of all segments is exactly the whole schedule, same times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rate: fc.integer({ min: 0, max: 3000 }), ms: fc.integer({ min: 1, max: 3000 }), hold: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
        (raw, count, calls) => {
          const spec = raw.map((r) => `${r.hold ? '=' : ''}${r.rate}/${r.ms}ms`).join(',');
          const plan: LoadPlan = { stages: parseRamp(spec), ...(calls === undefined ? {} : { calls }) };
          const whole = new ArrivalSchedule(plan);
          const all: [number, number][] = [];
          for (let i = 1; i <= count; i++) {
            const seg = new ArrivalSchedule(plan, { index: i, count });
            for (let k = 0; k < seg.total; k++) all.push([seg.globalIndexOf(k), seg.timeOf(k)]);
            // each segment's dueBy agrees with its own times
            const probe = whole.durationMs / 2;
            expect(seg.dueBy(probe)).toBe(times(seg).filter((t) => t <= probe).length);
          }
          all.sort((a, b) => a[0] - b[0]);
          expect(all.map((x) => x[0])).toEqual(Array.from({ length: whole.total }, (_, n) => n));
          expect(all.map((x) => x[1])).toEqual(times(whole));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a segment outside 1..n', () => {
    expect(() => new ArrivalSchedule(constant(1, 1000), { index: 5, count: 4 })).toThrow(LoadInputError);
    expect(() => new ArrivalSchedule(constant(1, 1000), { index: 0, count: 4 })).toThrow(/segment 0\/4/);
  });
});

describe('buildLoadPlan', () => {
  it('--rate with --duration', () => {
    expect(buildLoadPlan({ rate: 500, durationMs: 3000 })).toEqual({ stages: [{ startRate: 500, endRate: 500, durationMs: 3000 }] });
  });

  it('--rate with --calls: duration = calls / rate', () => {
    const plan = buildLoadPlan({ rate: 3, calls: 100 });
    const s = new ArrivalSchedule(plan);
    expect(s.total).toBe(100);
    expect(s.timeOf(99)).toBeCloseTo(33_000, 6);
  });

  it('errors name the flag and say how to fix it', () => {
    const cases: [Parameters<typeof buildLoadPlan>[0], string][] = [
      [{}, '--rate'],
      [{ rate: 10 }, '--duration'],
      [{ rate: -1, durationMs: 1000 }, '--rate'],
      [{ rate: 10, calls: 1.5 }, '--calls'],
      [{ ramp: '1000/10s', durationMs: 1000 }, '--duration'],
    ];
    for (const [opts, flag] of cases) {
      try {
        buildLoadPlan(opts);
        expect.unreachable(`accepted ${JSON.stringify(opts)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(LoadInputError);
        expect((e as LoadInputError).flag).toBe(flag);
        expect((e as LoadInputError).hint.length).toBeGreaterThan(10);
      }
    }
  });
});
