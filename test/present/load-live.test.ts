import { describe, expect, it } from 'vitest';
import { LoadMetrics } from '../../src/load/metrics.js';
import { formatLoadLive } from '../../src/present/load-live.js';

describe('formatLoadLive', () => {
  it('one line: elapsed, rate achieved/planned, active, completed, failed, dropped, p99 setup', () => {
    const m = new LoadMetrics();
    for (let k = 0; k < 1000; k++) {
      m.callStarted(k, k);
      m.record('setup', 3210);
      if (k < 990) m.callCompleted();
    }
    m.callFailed('timeout');
    m.callDropped();
    expect(formatLoadLive(m.interval(1000, 1000))).toBe(
      '   1.0s  rate 1000/1000 cps  active 9  completed 990  failed 1  dropped 1  p99 setup 3.211 ms',
    );
    expect(formatLoadLive(m.interval(2000, 1000))).toBe('   2.0s  rate 0/1000 cps  active 9  completed 990  failed 1  dropped 1  p99 setup —');
  });
});
