import { describe, expect, it } from 'vitest';
import { defaultMaxConcurrent } from '../../src/load/limits.js';

describe('defaultMaxConcurrent', () => {
  it('is twice peak rate × (hold + 4 s), at least 1,000, and per segment', () => {
    expect(defaultMaxConcurrent({ stages: [{ startRate: 10_000, endRate: 10_000, durationMs: 10_000 }] }, 0)).toBe(80_000);
    expect(defaultMaxConcurrent({ stages: [{ startRate: 0, endRate: 1000, durationMs: 1 }, { startRate: 1000, endRate: 100, durationMs: 1 }] }, 60_000)).toBe(128_000);
    expect(defaultMaxConcurrent({ stages: [{ startRate: 10, endRate: 10, durationMs: 1000 }] }, 0)).toBe(1000);
    expect(defaultMaxConcurrent({ stages: [{ startRate: 10_000, endRate: 10_000, durationMs: 1000 }] }, 0, 4)).toBe(20_000);
  });
});
