import { describe, expect, it } from 'vitest';
import {
  DTMF_FLASH_EVENT,
  DtmfStringError,
  dtmfEventCode,
  dtmfSymbol,
  isDtmfDigit,
  parseDtmfString,
} from '../../src/media/dtmf-digits.js';

describe('RFC 4733 §3.2 event codes', () => {
  it('maps 0-9, *, #, A-D and flash to 0..16 and back', () => {
    const symbols = '0123456789*#ABCD!';
    for (let event = 0; event <= 16; event++) {
      expect(dtmfEventCode(symbols[event])).toBe(event);
      expect(dtmfSymbol(event)).toBe(symbols[event]);
    }
    expect(DTMF_FLASH_EVENT).toBe(16);
  });

  it('accepts a-d, refuses everything else', () => {
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfEventCode('d')).toBe(15);
    for (const bad of ['', 'E', 'x', '10', ' ', ',']) expect(dtmfEventCode(bad)).toBeUndefined();
    for (const bad of [-1, 17, 255, 1.5, Number.NaN]) expect(dtmfSymbol(bad)).toBeUndefined();
  });

  it('isDtmfDigit is true for the 16 keys only', () => {
    expect(isDtmfDigit('5')).toBe(true);
    expect(isDtmfDigit('D')).toBe(true);
    expect(isDtmfDigit('d')).toBe(false);
    expect(isDtmfDigit('!')).toBe(false);
  });
});

describe('parseDtmfString', () => {
  it('reads 159#,,2: digits, and consecutive commas as one longer pause', () => {
    expect(parseDtmfString('159#,,2')).toEqual([
      { kind: 'digit', symbol: '1', event: 1 },
      { kind: 'digit', symbol: '5', event: 5 },
      { kind: 'digit', symbol: '9', event: 9 },
      { kind: 'digit', symbol: '#', event: 11 },
      { kind: 'pause', ms: 1000 },
      { kind: 'digit', symbol: '2', event: 2 },
    ]);
  });

  it('takes lower-case letters, star, flash, leading pauses and another pause length', () => {
    expect(parseDtmfString(',a*!', { pauseMs: 250 })).toEqual([
      { kind: 'pause', ms: 250 },
      { kind: 'digit', symbol: 'A', event: 12 },
      { kind: 'digit', symbol: '*', event: 10 },
      { kind: 'digit', symbol: '!', event: 16 },
    ]);
  });

  it('names the bad character, its position and what is accepted', () => {
    let err: unknown;
    try {
      parseDtmfString('12x4');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DtmfStringError);
    const e = err as DtmfStringError;
    expect(e.character).toBe('x');
    expect(e.position).toBe(3);
    expect(e.code).toBe('dtmf-string');
    expect(e.message).toBe(
      'invalid DTMF character "x" at position 3 of "12x4": accepted are 0-9 * # A-D (or a-d), ! (flash) and , (pause)',
    );
  });

  it('shows control characters by code point, counts positions in characters, refuses ""', () => {
    expect(() => parseDtmfString('1\t2')).toThrow(/U\+0009 at position 2/);
    expect(() => parseDtmfString('1😀E')).toThrow(/"😀" at position 2 of/);
    expect(() => parseDtmfString('1 2')).toThrow(/" " at position 2/);
    expect(() => parseDtmfString('')).toThrow(DtmfStringError);
  });
});
