import { describe, expect, it } from 'vitest';
import { LoadMetrics } from '../../src/load/metrics.js';
import { LOAD_CSV_COLUMNS, loadCsvHeader, loadCsvRow } from '../../src/present/load-csv.js';

const START = Date.UTC(2026, 0, 2, 3, 4, 5, 250);

describe('load CSV (SIPp -trace_stat columns)', () => {
  it('header: SIPp names first, ;-separated, ending in ;', () => {
    expect(loadCsvHeader()).toBe(`${LOAD_CSV_COLUMNS.join(';')};\n`);
    expect(loadCsvHeader().startsWith('StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);CallRate(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedMaxUDPRetrans(P);FailedMaxUDPRetrans(C);FailedCallRejected(P);FailedCallRejected(C);Retransmissions(P);Retransmissions(C);ResponseTime1(P);ResponseTime1(C);')).toBe(true);
  });

  it('rows: periodic and cumulative values, SIPp time formats', () => {
    const m = new LoadMetrics();
    for (let k = 0; k < 500; k++) {
      m.callStarted(k * 2, k * 2);
      m.record('setup', 2500);
      m.callCompleted();
    }
    m.retransmission('INVITE');
    const first = loadCsvRow(m.interval(1000, 500), START);
    for (let k = 0; k < 400; k++) {
      m.callStarted(1000 + k * 2, 1000 + k * 2);
      m.record('setup', 4500);
      if (k < 398) m.callCompleted();
    }
    m.callFailed('timeout');
    m.callFailed('4xx');
    m.callDropped();
    const second = loadCsvRow(m.interval(2000, 500), START);
    const cells = (row: string) => {
      expect(row.endsWith(';\n')).toBe(true);
      const c = row.slice(0, -2).split(';');
      expect(c).toHaveLength(LOAD_CSV_COLUMNS.length);
      return Object.fromEntries(LOAD_CSV_COLUMNS.map((name, i) => [name, c[i]]));
    };
    const a = cells(first);
    expect(a.StartTime).toBe('2026-01-02\t03:04:05.250000\t1767323045.250000');
    expect(a.CurrentTime).toBe('2026-01-02\t03:04:06.250000\t1767323046.250000');
    expect(a['ElapsedTime(C)']).toBe('00:00:01:000000');
    expect(a['OutgoingCall(P)']).toBe('500');
    expect(a['Retransmissions(C)']).toBe('1');
    expect(a['ResponseTime1(P)']).toBe('00:00:00:002501');
    const b = cells(second);
    expect(b.LastResetTime).toBe('2026-01-02\t03:04:06.250000\t1767323046.250000');
    expect(b['ElapsedTime(P)']).toBe('00:00:01:000000');
    expect(b['ElapsedTime(C)']).toBe('00:00:02:000000');
    expect([b['CallRate(P)'], b['CallRate(C)'], b.TargetRate]).toEqual(['400.000', '450.000', '500.000']);
    expect([b['OutgoingCall(P)'], b['OutgoingCall(C)'], b.TotalCallCreated, b.CurrentCall]).toEqual(['400', '900', '900', '0']);
    expect([b['SuccessfulCall(P)'], b['SuccessfulCall(C)'], b['FailedCall(P)'], b['FailedCall(C)']]).toEqual(['398', '898', '2', '2']);
    expect([b['FailedMaxUDPRetrans(P)'], b['FailedCallRejected(C)'], b['Dropped(P)'], b['Dropped(C)']]).toEqual(['1', '1', '1', '1']);
    expect(b['ResponseTime1(P)']).toBe('00:00:00:004502');
    expect(b['SetupP99(P)']).toBe('4.503');
  });
});
