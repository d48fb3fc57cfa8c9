import { describe, expect, it } from 'vitest';
import { LoadInputError } from '../../src/load/errors.js';
import { parseRamp, parseSegment } from '../../src/load/schedule-spec.js';

describe('parseRamp', () => {
  it('ramps from the previous rate; = holds', () => {
    expect(parseRamp('1000/10s,=5000/30s,0/500ms')).toEqual([
      { startRate: 0, endRate: 1000, durationMs: 10_000 },
      { startRate: 5000, endRate: 5000, durationMs: 30_000 },
      { startRate: 5000, endRate: 0, durationMs: 500 },
    ]);
  });

  it('accepts minutes, fractions and bare seconds', () => {
    expect(parseRamp('10/1m, 20/1.5s ,=30/2').map((s) => s.durationMs)).toEqual([60_000, 1500, 2000]);
  });

  it.each(['', '1000', '1000/', '/10s', 'abc/10s', '1000/10x', '1000/10s,', '-5/10s', '1000/0s'])('refuses %j with a typed error', (spec) => {
    expect(() => parseRamp(spec)).toThrow(LoadInputError);
  });
});

describe('parseSegment', () => {
  it('parses i/n', () => {
    expect(parseSegment('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseSegment(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '2', '2/0', 'a/b', '1/2/3', '-1/2'])('refuses %j', (text) => {
    expect(() => parseSegment(text)).toThrow(/--segment/);
  });
});
