import { describe, expect, it } from 'vitest';
import { HIGHEST_US, HistogramDecodeError, LatencyHistogram } from '../../src/load/histogram.js';

/** A deterministic spread of latencies (µs): mostly 1–20 ms, a tail to 2 s. */
function values(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    out.push(u < 0.99 ? 1000 + u * 19_000 : 20_000 + (u - 0.99) * 198_000_000);
  }
  return out;
}

function of(vs: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of vs) h.record(v);
  return h;
}

describe('LatencyHistogram', () => {
  it('records µs and reports ms to 3 significant digits', () => {
    const h = of([1000, 2000, 3000, 4000, 100_000]);
    expect(h.count).toBe(5);
    expect(h.min).toBe(1);
    // HdrHistogram reports the highest value equivalent to the recorded one (3 digits: ≤ 0.1 % above)
    expect(h.percentile(50)).toBe(3.001);
    expect(h.max).toBeGreaterThanOrEqual(100);
    expect(Math.abs(h.max - 100) / 100).toBeLessThan(0.001);
    expect(h.mean).toBeCloseTo(22, 1);
  });

  it('is empty-safe', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('percentiles are within 0.1 % of the exact ones', () => {
    const vs = values(20_000, 7);
    const h = of(vs);
    const sorted = [...vs].sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1] / 1000;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.001);
    }
  });

  it('summary (one pass) agrees with the library percentile, min, mean and max', () => {
    for (const seed of [1, 2, 3]) {
      const h = of(values(10_000 * seed, seed));
      expect(h.summary()).toEqual({ count: h.count, min: h.min, mean: h.mean, p50: h.percentile(50), p90: h.percentile(90), p99: h.percentile(99), p999: h.percentile(99.9), max: h.max });
    }
    const one = of([7000]);
    expect(one.summary()).toEqual({ count: 1, min: 7, mean: one.mean, p50: 7.003, p90: 7.003, p99: 7.003, p999: 7.003, max: 7.003 });
  });

  it('merges exactly: a + b == one histogram of all values', () => {
    const a = values(5000, 1);
    const b = values(7000, 2);
    const merged = of(a);
    merged.add(of(b));
    const whole = of([...a, ...b]);
    expect(merged.count).toBe(12_000);
    expect(merged.summary()).toEqual(whole.summary());
    for (const p of [1, 10, 25, 75, 95, 99.99]) expect(merged.percentile(p)).toBe(whole.percentile(p));
  });

  it('encode/decode round-trips (V2 compressed base64) and still merges exactly', () => {
    const a = of(values(3000, 3));
    const text = a.encode();
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // V2 compressed cookie 0x1c849314 → base64 starts "HISTF"
    expect(text.startsWith('HISTF')).toBe(true);
    const back = LatencyHistogram.decode(text);
    expect(back.summary()).toEqual(a.summary());
    const b = of(values(3000, 4));
    back.add(LatencyHistogram.decode(b.encode()));
    const whole = of([...values(3000, 3), ...values(3000, 4)]);
    expect(back.summary()).toEqual(whole.summary());
  });

  it('clamps values above the range and counts them', () => {
    const h = of([HIGHEST_US * 2, 5, -3]);
    expect(h.count).toBe(3);
    expect(h.overflow).toBe(1);
    expect(h.min).toBe(0);
    expect(h.max).toBeGreaterThanOrEqual(HIGHEST_US / 1000);
  });

  it('reset empties it', () => {
    const h = of([1, 2, 3]);
    h.reset();
    expect(h.count).toBe(0);
  });

  it('decode refuses what is not a histogram', () => {
    expect(() => LatencyHistogram.decode('aGVsbG8gd29ybGQ=')).toThrow(HistogramDecodeError);
    expect(() => LatencyHistogram.decode('HISTFAAAACB4nJNpmSzMwMDAwQABjCACAHYcBr0=')).toThrow(HistogramDecodeError);
  });
});
