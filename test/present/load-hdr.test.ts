import { HistogramLogReader } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LoadMetrics } from '../../src/load/metrics.js';
import { hdrLogHeader, hdrLogLines } from '../../src/present/load-hdr.js';

const START = Date.UTC(2026, 0, 2, 3, 4, 5, 250);

describe('HdrHistogram log', () => {
  it('header and tagged interval lines', () => {
    expect(hdrLogHeader(START)).toBe(
      [
        '#[Logged with sipcall load; values in microseconds, Interval_Max in milliseconds]',
        '#[Histogram log format version 1.3]',
        '#[StartTime: 1767323045.250 (seconds since epoch), 2026-01-02T03:04:05.250Z]',
        '#[BaseTime: 1767323045.250 (seconds since epoch)]',
        '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
        '',
      ].join('\n'),
    );
    const m = new LoadMetrics({ encodeIntervals: true });
    m.callStarted(0, 0.5);
    m.record('setup', 12_000);
    const lines = hdrLogLines(m.interval(1000, 1)).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Tag=setup,0\.000,1\.000,12\.007,HISTF[A-Za-z0-9+/=]+$/);
    expect(lines[1]).toMatch(/^Tag=lag,0\.000,1\.000,0\.500,HISTF/);
    expect(hdrLogLines(new LoadMetrics().interval(1000, 1))).toBe('');
  });

  it('is read back by hdr-histogram-js HistogramLogReader', () => {
    const m = new LoadMetrics({ encodeIntervals: true });
    let log = hdrLogHeader(START);
    for (let s = 0; s < 3; s++) {
      for (let k = 0; k < 100; k++) m.record('setup', (s + 1) * 1000 + k);
      log += hdrLogLines(m.interval((s + 1) * 1000, 100));
    }
    const reader = new HistogramLogReader(log);
    const counts: number[] = [];
    const tags: string[] = [];
    for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
      counts.push(h.totalCount);
      tags.push(h.tag);
      expect(h.maxValue).toBeGreaterThanOrEqual(1000);
    }
    expect(counts).toEqual([100, 100, 100]);
    expect(tags).toEqual(['setup', 'setup', 'setup']);
    expect(reader.startTimeSec).toBeCloseTo(1767323045.25, 3);
  });
});
