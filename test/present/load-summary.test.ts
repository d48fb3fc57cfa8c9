import { describe, expect, it } from 'vitest';
import { mergeSummaries } from '../../src/load/merge.js';
import { evaluateThresholds, parseThreshold } from '../../src/load/threshold.js';
import { formatLoadSummary } from '../../src/present/load-summary.js';
import { runCalls, summaryOf } from '../load/fixtures.js';
import { expectGolden } from './support.js';

function run() {
  const s = summaryOf(runCalls(Array.from({ length: 2000 }, (_, g) => g)), 1, 1, 2000);
  s.thresholds = evaluateThresholds([parseThreshold('p99(setup)<50ms'), parseThreshold('failed<0.1%'), parseThreshold('p99(rrd)<1s')], s);
  return s;
}

describe('formatLoadSummary', () => {
  it('vegeta-style block: calls, rates, latencies by RFC 6076 name, statuses, thresholds', () => {
    expectGolden('load-summary', formatLoadSummary(run()));
  });

  it('shows the numbers of the summary', () => {
    const text = formatLoadSummary(run());
    expect(text).toMatch(/Calls {6}\[attempted, completed, failed, dropped\] +2000, 1979, 21, 0\n/);
    expect(text).toContain('✗ failed<0.1%  (actual 1.05 %)');
    expect(text).toContain('✗ p99(rrd)<1s  (actual 0 ms, no samples)');
    expect(text).not.toContain('RRD (REGISTER');
  });

  it('a merge shows its coverage warnings', () => {
    const a = summaryOf(runCalls([0, 2, 4]), 1, 2, 3);
    const text = formatLoadSummary(mergeSummaries([a]));
    expect(text).toContain('Merged');
    expect(text).toContain('  ! segment 2/2 missing: the planned load was not all run');
  });
});
