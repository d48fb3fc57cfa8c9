import { describe, expect, it } from 'vitest';
import { LoadInputError } from '../../src/load/errors.js';
import { LoadMetrics } from '../../src/load/metrics.js';
import { evaluateThresholds, parseThreshold, thresholdsPassed } from '../../src/load/threshold.js';

/** 1000 attempted, 998 completed, 2 failed (1 timeout), 3 dropped; setup 1..100 ms (10 each). */
function summary() {
  const m = new LoadMetrics();
  for (let i = 0; i < 1000; i++) {
    m.callStarted(i, i);
    if (i < 998) {
      m.record('setup', ((i % 100) + 1) * 1000);
      m.callCompleted();
    }
  }
  m.callFailed('timeout');
  m.callFailed('5xx');
  for (let i = 0; i < 3; i++) m.callDropped();
  m.retransmission('INVITE');
  return m.summary({ scenario: 'call', target: 't', segment: { index: 1, count: 1 }, startedAt: new Date(0), elapsedMs: 1000, schedule: { total: 1003, durationMs: 1000 } });
}

describe('parseThreshold', () => {
  it('latency forms', () => {
    expect(parseThreshold('p99(setup)<50ms')).toEqual({ kind: 'latency', expr: 'p99(setup)<50ms', aggregate: 'p99', metric: 'setup', op: '<', limit: 50 });
    expect(parseThreshold('setup.p99.9 <= 1s')).toMatchObject({ aggregate: 'p999', metric: 'setup', op: '<=', limit: 1000 });
    expect(parseThreshold('max(sdd)<1s')).toMatchObject({ aggregate: 'max', metric: 'sdd', limit: 1000 });
    expect(parseThreshold('p50(srd)<=500us')).toMatchObject({ aggregate: 'p50', metric: 'srd', limit: 0.5 });
    expect(parseThreshold('mean(rrd)<20')).toMatchObject({ aggregate: 'mean', metric: 'rrd', limit: 20 });
  });

  it('counter, share and rate forms', () => {
    expect(parseThreshold('failed<0.1%')).toMatchObject({ kind: 'counter', counter: 'failed', op: '<', limit: 0.1, percent: true });
    expect(parseThreshold('failed<=5')).toMatchObject({ kind: 'counter', counter: 'failed', op: '<=', limit: 5, percent: false });
    expect(parseThreshold('dropped==0')).toMatchObject({ kind: 'counter', counter: 'dropped', op: '==', limit: 0 });
    expect(parseThreshold('rate.achieved>=99%')).toMatchObject({ kind: 'rate', rate: 'achieved', op: '>=', limit: 99, percent: true });
  });

  it.each([
    ['p99(setup)', 'no comparison'],
    ['p98(setup)<5ms', "unknown aggregate 'p98'"],
    ['p99(ringing)<5ms', "unknown metric 'ringing'"],
    ['p99(setup)<fast', 'not a time'],
    ['p99(setup)<5%', 'not a time'],
    ['failed<lots', 'not a number'],
    ['speed<5', "unknown quantity 'speed'"],
    ['rate.peak>5', "unknown rate 'peak'"],
    ['rate.offered>=99%', 'share of itself'],
  ])('refuses %j: %s', (text, why) => {
    try {
      parseThreshold(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LoadInputError);
      expect((e as LoadInputError).message).toContain(why);
      expect((e as LoadInputError).message).toContain('--threshold');
      expect((e as LoadInputError).hint).toContain('p99(setup)<50ms');
    }
  });
});

describe('evaluateThresholds', () => {
  const s = summary();
  const run = (expr: string) => evaluateThresholds([parseThreshold(expr)], s)[0];

  it('latency: compares the percentile in ms', () => {
    expect(s.latency.setup.p99).toBeCloseTo(99, 0);
    expect(run('p99(setup)<100ms')).toMatchObject({ ok: true, unit: 'ms' });
    expect(run('p99(setup)<50ms')).toMatchObject({ ok: false, actual: s.latency.setup.p99 });
    expect(run('max(setup)<=100.1ms').ok).toBe(true);
  });

  it('a latency threshold with no samples fails', () => {
    expect(run('p99(rrd)<1s')).toEqual({ expr: 'p99(rrd)<1s', ok: false, actual: 0, unit: 'ms', note: 'no samples' });
  });

  it('counts and shares', () => {
    expect(run('failed<=2')).toMatchObject({ ok: true, actual: 2, unit: 'calls' });
    expect(run('failed<0.1%')).toMatchObject({ ok: false, actual: 0.2, unit: '%' });
    expect(run('failed<0.5%').ok).toBe(true);
    expect(run('dropped==0')).toMatchObject({ ok: false, actual: 3 });
    expect(run('dropped<1%')).toMatchObject({ ok: true, actual: 0.2991 });
    expect(run('timeouts<1')).toMatchObject({ ok: false, actual: 1 });
    expect(run('retransmissions<=1').ok).toBe(true);
  });

  it('rates: absolute or as a share of offered', () => {
    expect(s.rate.offered).toBe(1003);
    expect(s.rate.achieved).toBe(1000);
    expect(run('rate.achieved>=99%')).toMatchObject({ ok: true, actual: 99.7009, unit: '%' });
    expect(run('rate.achieved>=1001')).toMatchObject({ ok: false, unit: 'calls/s' });
  });

  it('thresholdsPassed is false when any failed', () => {
    const results = evaluateThresholds([parseThreshold('failed<=2'), parseThreshold('dropped==0')], s);
    expect(thresholdsPassed(results)).toBe(false);
    expect(thresholdsPassed(results.slice(0, 1))).toBe(true);
    expect(thresholdsPassed([])).toBe(true);
  });
});
