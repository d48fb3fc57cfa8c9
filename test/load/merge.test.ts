import { describe, expect, it } from 'vitest';
import { LoadInputError } from '../../src/load/errors.js';
import { mergeSummaries, readSummary } from '../../src/load/merge.js';
import { ArrivalSchedule } from '../../src/load/schedule.js';
import { parseThreshold } from '../../src/load/threshold.js';
import { runCalls, summaryOf } from './fixtures.js';

const plan = { stages: [{ startRate: 1000, endRate: 1000, durationMs: 10_000 }] };

function segmentSummary(index: number, count: number) {
  const s = new ArrivalSchedule(plan, { index, count });
  const globals = Array.from({ length: s.total }, (_, k) => s.globalIndexOf(k));
  return summaryOf(runCalls(globals), index, count, s.total);
}

describe('mergeSummaries', () => {
  it('segments 1/2 + 2/2 == one run of all calls (counts, statuses, percentiles, histograms)', () => {
    const whole = segmentSummary(1, 1);
    const merged = mergeSummaries([segmentSummary(1, 2), segmentSummary(2, 2)]);
    expect(merged.calls).toEqual(whole.calls);
    expect(merged.planned).toBe(whole.planned);
    expect(merged.latency).toEqual(whole.latency);
    expect(merged.histograms).toEqual(whole.histograms);
    expect(merged.statuses).toEqual(whole.statuses);
    expect(merged.retransmissions).toEqual(whole.retransmissions);
    expect(merged.errors).toEqual(whole.errors);
    expect(merged.rate.offered).toBe(whole.rate.offered);
    expect(merged.rate.achieved).toBeCloseTo(whole.rate.achieved, 2);
    expect(merged.lateStarts).toBe(whole.lateStarts);
    expect(merged.merge).toEqual({ inputs: 2, count: 2, missing: [], duplicated: [], warnings: [] });
    // the tail (900 ms stalls on every 500th call) is kept, not averaged away
    expect(merged.latency.setup.max).toBeGreaterThan(900);
  });

  it('four segments merge to the whole too', () => {
    const whole = segmentSummary(1, 1);
    const merged = mergeSummaries([4, 2, 3, 1].map((i) => segmentSummary(i, 4)));
    expect(merged.calls).toEqual(whole.calls);
    expect(merged.latency).toEqual(whole.latency);
  });

  it('reports missing and duplicated segments', () => {
    const a = segmentSummary(1, 3);
    const merged = mergeSummaries([a, a]);
    expect(merged.merge?.missing).toEqual([2, 3]);
    expect(merged.merge?.duplicated).toEqual([1]);
    expect(merged.merge?.warnings).toHaveLength(2);
    expect(merged.merge?.warnings[0]).toContain('2/3, 3/3 missing');
  });

  it('applies thresholds to the merged result', () => {
    const merged = mergeSummaries([segmentSummary(1, 2), segmentSummary(2, 2)], [parseThreshold('failed<0.1%'), parseThreshold('p50(setup)<50ms')]);
    expect(merged.thresholds.map((t) => t.ok)).toEqual([false, true]);
  });

  it('refuses an empty list', () => {
    expect(() => mergeSummaries([])).toThrow(LoadInputError);
  });
});

describe('readSummary', () => {
  it('takes the load.summary line of JSON-lines output', () => {
    const s = segmentSummary(1, 2);
    const text = `${JSON.stringify({ type: 'load.interval', t: 1 })}\n${JSON.stringify(s)}\n`;
    expect(readSummary(text, 'seg-0.json')).toEqual(s);
    expect(readSummary(JSON.stringify(s, null, 2), 'pretty.json')).toEqual(s);
  });

  it('says which file holds no summary', () => {
    expect(() => readSummary('{"type":"load.interval"}\n', 'seg-3.json')).toThrow(/seg-3.json holds no load.summary/);
    expect(() => readSummary('{"type":"load.summary","version":2}', 'new.json')).toThrow(/cannot read/);
  });
});
