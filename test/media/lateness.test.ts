import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatenessHistogram, MAX_TRACKED_US } from '../../src/media/lateness.js';

/** The nearest-rank percentile of a sorted list. */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('LatenessHistogram', () => {
  it('is all zeros when empty', () => {
    const h = new LatenessHistogram();
    expect([h.count, h.mean, h.max, h.median, h.percentile(99)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('is exact to the microsecond below 128 µs', () => {
    const h = new LatenessHistogram();
    for (let us = 0; us < 100; us++) h.record(us / 1000);
    expect(h.count).toBe(100);
    expect(h.median).toBeCloseTo(0.049, 12);
    expect(h.percentile(99)).toBeCloseTo(0.098, 12);
    expect(h.percentile(0)).toBe(0);
    expect(h.max).toBeCloseTo(0.099, 12);
    expect(h.mean).toBeCloseTo(0.0495, 12);
  });

  it('keeps count, mean and max exact; a percentile within 1/64 of the true nearest-rank value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 2000, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (values, p) => {
        const h = new LatenessHistogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        expect(h.count).toBe(values.length);
        expect(h.max).toBe(sorted[sorted.length - 1]);
        expect(h.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
        const exact = nearestRank(sorted, p);
        const got = h.percentile(p);
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact / 64 + 0.001);
        expect(got).toBeLessThanOrEqual(h.max);
      }),
    );
  });

  it('is monotonic in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const h = new LatenessHistogram();
        for (const v of values) h.record(v);
        let last = -1;
        for (let p = 0; p <= 100; p += 5) {
          const q = h.percentile(p);
          expect(q).toBeGreaterThanOrEqual(last);
          last = q;
        }
      }),
    );
  });

  it('counts early sends as 0 and ignores NaN', () => {
    const h = new LatenessHistogram();
    h.record(-3);
    h.record(Number.NaN);
    expect([h.count, h.max, h.median]).toEqual([1, 0, 0]);
  });

  it('keeps values beyond the tracked range in count, mean and max', () => {
    const h = new LatenessHistogram();
    h.record(1);
    h.record(MAX_TRACKED_US / 1000 + 5000);
    expect(h.count).toBe(2);
    expect(h.max).toBe(MAX_TRACKED_US / 1000 + 5000);
    expect(h.percentile(99)).toBe(h.max);
    expect(h.percentile(50)).toBeCloseTo(1, 1);
  });

  it('merges and resets', () => {
    const a = new LatenessHistogram();
    const b = new LatenessHistogram();
    const all = new LatenessHistogram();
    for (let i = 0; i < 100; i++) {
      (i % 3 ? a : b).record(i * 0.37);
      all.record(i * 0.37);
    }
    a.merge(b);
    expect([a.count, a.max, a.median, a.percentile(90)]).toEqual([all.count, all.max, all.median, all.percentile(90)]);
    expect(a.mean).toBeCloseTo(all.mean, 9);
    a.reset();
    expect([a.count, a.max, a.mean, a.percentile(50)]).toEqual([0, 0, 0, 0]);
  });
});
