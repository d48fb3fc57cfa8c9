import { describe, expect, it } from 'vitest';
import { DtmfInfoError, buildDtmfRelay, parseDtmfInfo } from '../../src/media/dtmf-info.js';

describe('buildDtmfRelay (application/dtmf-relay)', () => {
  it('writes Signal and Duration lines, CRLF-terminated', () => {
    expect(buildDtmfRelay('5', 160)).toBe('Signal=5\r\nDuration=160\r\n');
    expect(buildDtmfRelay('#', 250)).toBe('Signal=#\r\nDuration=250\r\n');
    expect(buildDtmfRelay('b', 99.6)).toBe('Signal=B\r\nDuration=100\r\n');
    expect(buildDtmfRelay('!', 500)).toBe('Signal=16\r\nDuration=500\r\n');
  });

  it('refuses what is not a key, and durations that are not positive', () => {
    expect(() => buildDtmfRelay('E', 160)).toThrow(DtmfInfoError);
    expect(() => buildDtmfRelay('12', 160)).toThrow(/not a DTMF key/);
    expect(() => buildDtmfRelay('1', 0)).toThrow(/not a positive number/);
    expect(() => buildDtmfRelay('1', Number.NaN)).toThrow(DtmfInfoError);
  });

  it('round-trips every key through parseDtmfInfo', () => {
    for (const key of '0123456789*#ABCD!') {
      expect(parseDtmfInfo('application/dtmf-relay', buildDtmfRelay(key, 200))).toEqual({
        digit: key,
        event: '0123456789*#ABCD!'.indexOf(key),
        durationMs: 200,
      });
    }
  });
});

describe('parseDtmfInfo', () => {
  it('reads dtmf-relay bodies as peers write them', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toEqual({
      digit: '5',
      event: 5,
      durationMs: 160,
    });
    // Spaces, LF only, case, parameters on the Content-Type, event codes, no Duration.
    expect(parseDtmfInfo('Application/DTMF-Relay; charset=utf-8', 'signal = 11\nduration= 250\n')).toEqual({
      digit: '#',
      event: 11,
      durationMs: 250,
    });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=*')).toEqual({ digit: '*', event: 10 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=c\r\nDuration=100\r\nX-Other=1\r\n')).toEqual({
      digit: 'C',
      event: 14,
      durationMs: 100,
    });
  });

  it('reads application/dtmf bodies holding the key or its event code', () => {
    expect(parseDtmfInfo('application/dtmf', '7')).toEqual({ digit: '7', event: 7 });
    expect(parseDtmfInfo('application/dtmf', ' 10\r\n')).toEqual({ digit: '*', event: 10 });
    expect(parseDtmfInfo('application/dtmf', '#')).toEqual({ digit: '#', event: 11 });
  });

  it('says what is wrong instead of throwing', () => {
    expect(parseDtmfInfo('text/plain', 'Signal=5')).toEqual({
      error: 'Content-Type "text/plain" is not application/dtmf-relay or application/dtmf',
    });
    expect(parseDtmfInfo('application/dtmf-relay', 'Duration=160')).toEqual({
      error: 'application/dtmf-relay body has no Signal= line',
    });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=17')).toHaveProperty('error');
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=E')).toHaveProperty('error');
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=abc')).toEqual({
      error: 'application/dtmf-relay Duration=abc is not a whole number of ms',
    });
    expect(parseDtmfInfo('application/dtmf-relay', 'garbage')).toHaveProperty('error');
    expect(parseDtmfInfo('application/dtmf', '')).toHaveProperty('error');
    expect(parseDtmfInfo('application/dtmf', '55')).toHaveProperty('error');
  });
});
