import { describe, expect, it } from 'vitest';
import { EModelInputError, MOS_LABEL, delayImpairment, estimateMos, mosFromR } from '../../src/media/emodel.js';

/** media.md §3, "Computed MOS for G.711 with PLC": loss % → MOS at d = 20, 150, 300 ms. */
const TABLE: Array<[number, [number, number, number]]> = [
  [0, [4.4, 4.33, 3.71]],
  [1, [4.32, 4.23, 3.54]],
  [5, [3.9, 3.77, 2.93]],
  [10, [3.39, 3.23, 2.34]],
];
const DELAYS = [20, 150, 300];

describe('estimateMos: the media.md table (G.711 with PLC)', () => {
  for (const [lossPct, row] of TABLE) {
    for (const [i, d] of DELAYS.entries()) {
      it(`${lossPct} % loss, ${d} ms → ${row[i]!.toFixed(2)}`, () => {
        for (const codec of ['PCMU', 'PCMA', 'pcmu']) {
          const e = estimateMos({ codec, lossPct, oneWayDelayMs: d });
          expect(e?.mos.toFixed(2)).toBe(row[i]!.toFixed(2));
        }
      });
    }
  }

  it('0 % loss at 20 ms is R 92.7, and says what it was computed from', () => {
    const e = estimateMos({ codec: 'PCMU', lossPct: 0, oneWayDelayMs: 20 })!;
    expect(e.r.toFixed(1)).toBe('92.7');
    expect(e.label).toBe('MOS-CQE (estimate)');
    expect(e.label).toBe(MOS_LABEL);
    expect(e.inputs).toEqual({ codec: 'PCMU', lossPct: 0, oneWayDelayMs: 20, plc: true, burstR: 1, ie: 0, bpl: 25.1, id: 0.48, ieEff: 0 });
  });

  it('without PLC, 1 % loss already gives 3.81; a clean call tops out at 4.41', () => {
    expect(estimateMos({ codec: 'PCMA', lossPct: 1, oneWayDelayMs: 20, plc: false })!.mos.toFixed(2)).toBe('3.81');
    expect(estimateMos({ codec: 'PCMA', lossPct: 1, oneWayDelayMs: 20, plc: false })!.inputs.bpl).toBe(4.3);
    expect(estimateMos({ codec: 'PCMU', lossPct: 0, oneWayDelayMs: 0 })!.mos.toFixed(2)).toBe('4.41');
  });

  it('bursty loss (BurstR > 1) rates lower than random loss', () => {
    const random = estimateMos({ codec: 'PCMU', lossPct: 5, oneWayDelayMs: 50 })!;
    const bursty = estimateMos({ codec: 'PCMU', lossPct: 5, oneWayDelayMs: 50, burstR: 2 })!;
    expect(bursty.mos).toBeLessThan(random.mos);
    // G.107 eq. 7-29 by hand: Ie,eff = 95 · 5 / (5/2 + 25.1).
    expect(bursty.inputs.ieEff).toBeCloseTo((95 * 5) / (2.5 + 25.1), 10);
  });
});

describe('estimateMos: clamps and refusals', () => {
  it('returns undefined for codecs the narrowband model does not cover', () => {
    for (const codec of ['G722', 'opus', 'G729', 'telephone-event', '']) {
      expect(estimateMos({ codec, lossPct: 0, oneWayDelayMs: 20 })).toBeUndefined();
    }
  });

  it('clamps loss to 0…100 % and delay to ≥ 0', () => {
    const neg = estimateMos({ codec: 'PCMU', lossPct: -5, oneWayDelayMs: -10 })!;
    expect(neg.inputs.lossPct).toBe(0);
    expect(neg.inputs.oneWayDelayMs).toBe(0);
    expect(neg.mos).toBe(estimateMos({ codec: 'PCMU', lossPct: 0, oneWayDelayMs: 0 })!.mos);
    expect(estimateMos({ codec: 'PCMU', lossPct: 250, oneWayDelayMs: 0 })!.inputs.lossPct).toBe(100);
  });

  it('clamps R to 0 and MOS to 1 when everything is lost and late', () => {
    const e = estimateMos({ codec: 'PCMU', lossPct: 100, oneWayDelayMs: 2000 })!;
    expect(e.r).toBe(0);
    expect(e.mos).toBe(1);
  });

  it('MOS from R: 1 below 0, 4.5 above 100, never below 1, rising from R 6.5', () => {
    expect(mosFromR(-10)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(100)).toBeCloseTo(4.5, 10);
    expect(mosFromR(120)).toBe(4.5);
    // The G.107 cubic itself dips to 0.994 near R = 3; the scale's bottom is 1.
    expect(1 + 0.035 * 3 + 3 * (3 - 60) * (100 - 3) * 7e-6).toBeLessThan(1);
    for (let r = 0; r <= 6.5; r += 0.5) expect(mosFromR(r)).toBe(1);
    for (let r = 7; r <= 100; r++) expect(mosFromR(r)).toBeGreaterThan(mosFromR(r - 1));
    expect(mosFromR(50).toFixed(2)).toBe('2.58');
  });

  it('Id: 0.024·d below 177.3 ms, plus 0.11·(d − 177.3) above', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4, 10);
    expect(delayImpairment(177.3)).toBeCloseTo(0.024 * 177.3, 10);
    expect(delayImpairment(300)).toBeCloseTo(7.2 + 0.11 * 122.7, 10);
  });

  it('refuses numbers it cannot use, saying which', () => {
    expect(() => estimateMos({ codec: 'PCMU', lossPct: Number.NaN, oneWayDelayMs: 20 })).toThrow(EModelInputError);
    expect(() => estimateMos({ codec: 'PCMU', lossPct: 1, oneWayDelayMs: Infinity })).toThrow(/oneWayDelayMs is Infinity; give a finite number/);
    expect(() => estimateMos({ codec: 'PCMU', lossPct: 1, oneWayDelayMs: 20, burstR: 0 })).toThrow(/burstR is 0; give 1 for random loss/);
  });
});
