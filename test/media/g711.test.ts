import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALAW_TO_LINEAR,
  G711BufferError,
  G711_SILENCE,
  ULAW_TO_LINEAR,
  alawToLinear,
  decodeG711,
  encodeG711,
  linearToAlaw,
  linearToUlaw,
  ulawToLinear,
} from '../../src/media/g711.js';

/**
 * An independent transcription of the reference: Sun Microsystems' g711.c as ITU-T G.191 and
 * CPython's audioop carry it, in its table-search form (`seg_uend`, `seg_aend`, `search()`),
 * with C `short` arithmetic spelled out. It deliberately shares no code and no formulation
 * with src/media/g711.ts (which finds the segment with clz32).
 */
namespace SunG711 {
  const SIGN_BIT = 0x80;
  const QUANT_MASK = 0xf;
  const SEG_SHIFT = 4;
  const SEG_MASK = 0x70;
  const BIAS = 0x84;
  const CLIP = 8159;
  const seg_aend = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  const seg_uend = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
  const short = (x: number): number => (x << 16) >> 16;
  const uchar = (x: number): number => x & 0xff;

  function search(val: number, table: number[], size: number): number {
    for (let i = 0; i < size; i++) if (val <= table[i]!) return i;
    return size;
  }

  export function linear2alaw(pcm_val: number): number {
    let mask: number;
    pcm_val = short(pcm_val >> 3);
    if (pcm_val >= 0) {
      mask = 0xd5;
    } else {
      mask = 0x55;
      pcm_val = short(-pcm_val - 1);
    }
    const seg = search(pcm_val, seg_aend, 8);
    if (seg >= 8) return uchar(0x7f ^ mask);
    let aval = uchar(seg << SEG_SHIFT);
    if (seg < 2) aval |= (pcm_val >> 1) & QUANT_MASK;
    else aval |= (pcm_val >> seg) & QUANT_MASK;
    return uchar(aval ^ mask);
  }

  export function alaw2linear(a_val: number): number {
    a_val = uchar(a_val ^ 0x55);
    let t = short((a_val & QUANT_MASK) << 4);
    const seg = (a_val & SEG_MASK) >>> SEG_SHIFT;
    switch (seg) {
      case 0:
        t = short(t + 8);
        break;
      case 1:
        t = short(t + 0x108);
        break;
      default:
        t = short(t + 0x108);
        t = short(t << (seg - 1));
    }
    return a_val & SIGN_BIT ? t : -t;
  }

  export function linear2ulaw(pcm_val: number): number {
    let mask: number;
    pcm_val = short(pcm_val >> 2);
    if (pcm_val < 0) {
      pcm_val = short(-pcm_val);
      mask = 0x7f;
    } else {
      mask = 0xff;
    }
    if (pcm_val > CLIP) pcm_val = CLIP;
    pcm_val = short(pcm_val + (BIAS >> 2));
    const seg = search(pcm_val, seg_uend, 8);
    if (seg >= 8) return uchar(0x7f ^ mask);
    const uval = uchar((seg << 4) | ((pcm_val >> (seg + 1)) & 0xf));
    return uchar(uval ^ mask);
  }

  export function ulaw2linear(u_val: number): number {
    u_val = uchar(~u_val);
    let t = short(((u_val & QUANT_MASK) << 3) + BIAS);
    t = short(t << ((u_val & SEG_MASK) >>> SEG_SHIFT));
    return u_val & SIGN_BIT ? BIAS - t : t - BIAS;
  }
}

/** Quantisation step (on the int16 scale) of the segment a code lies in. */
const ulawStep = (code: number): number => 8 << ((~code & 0x70) >> 4);
const alawStep = (code: number): number => {
  const seg = ((code ^ 0x55) & 0x70) >> 4;
  return seg === 0 ? 16 : 16 << (seg - 1);
};

const INT16 = Array.from({ length: 65536 }, (_, i) => i - 32768);
const CODES = Array.from({ length: 256 }, (_, i) => i);

/** Inputs where `actual` and `expected` disagree, as "input→actual≠expected" (empty when bit-exact). */
function mismatches(inputs: number[], actual: (x: number) => number, expected: (x: number) => number): string[] {
  return inputs.filter((x) => actual(x) !== expected(x)).map((x) => `${x}→${actual(x)}≠${expected(x)}`);
}

describe('G.711 against the Sun / ITU-T G.191 reference', () => {
  it('µ-law encode is bit-exact on all 65,536 int16 inputs', () => {
    expect(mismatches(INT16, linearToUlaw, SunG711.linear2ulaw)).toEqual([]);
  });

  it('A-law encode is bit-exact on all 65,536 int16 inputs', () => {
    expect(mismatches(INT16, linearToAlaw, SunG711.linear2alaw)).toEqual([]);
  });

  it('µ-law decode matches the reference decoder on all 256 codes', () => {
    expect(mismatches(CODES, ulawToLinear, SunG711.ulaw2linear)).toEqual([]);
    expect(mismatches(CODES, (c) => ULAW_TO_LINEAR[c]!, SunG711.ulaw2linear)).toEqual([]);
  });

  it('A-law decode matches the reference decoder on all 256 codes', () => {
    expect(mismatches(CODES, alawToLinear, SunG711.alaw2linear)).toEqual([]);
    expect(mismatches(CODES, (c) => ALAW_TO_LINEAR[c]!, SunG711.alaw2linear)).toEqual([]);
  });

  it('decodes to the documented extremes (±32124 µ-law, ±32256 A-law)', () => {
    expect(Math.max(...ULAW_TO_LINEAR)).toBe(32124);
    expect(Math.min(...ULAW_TO_LINEAR)).toBe(-32124);
    expect(Math.max(...ALAW_TO_LINEAR)).toBe(32256);
    expect(Math.min(...ALAW_TO_LINEAR)).toBe(-32256);
  });
});

describe('G.711 round trips', () => {
  it('encode(decode(c)) == c for every µ-law code except 0x7F', () => {
    // µ-law has two zeros: 0xFF ("+0") and 0x7F ("−0") both decode to 0, and the encoder
    // codes 0 as 0xFF (a zero has no sign). So 0x7F is the one code an encoder never emits.
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0xff)).toBe(0);
    expect(linearToUlaw(0)).toBe(0xff);
    expect(CODES.filter((c) => linearToUlaw(ulawToLinear(c)) !== c)).toEqual([0x7f]);
  });

  it('encode(decode(c)) == c for every A-law code', () => {
    expect(CODES.filter((c) => linearToAlaw(alawToLinear(c)) !== c)).toEqual([]);
  });

  it('bounds the round-trip error by the segment step', () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
        const u = linearToUlaw(x);
        const a = linearToAlaw(x);
        const eu = Math.abs(ulawToLinear(u) - x);
        const ea = Math.abs(alawToLinear(a) - x);
        // Everywhere (including the clipped ends beyond the top decision value): within one step.
        expect(eu).toBeLessThanOrEqual(ulawStep(u));
        expect(ea).toBeLessThanOrEqual(alawStep(a));
        // Within the decoder's range: half a step (the decoder returns the interval centre);
        // µ-law also drops the two lowest bits first (14-bit), which can add up to 3.
        if (Math.abs(x) <= 32124) expect(eu).toBeLessThanOrEqual(ulawStep(u) / 2 + 3);
        if (Math.abs(x) <= 32256) expect(ea).toBeLessThanOrEqual(alawStep(a) / 2);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('encodeG711 / decodeG711', () => {
  it('silence codes decode to (near) zero and a zero sample encodes to them', () => {
    expect(G711_SILENCE).toEqual({ PCMU: 0xff, PCMA: 0xd5 });
    expect(ulawToLinear(G711_SILENCE.PCMU)).toBe(0);
    expect(alawToLinear(G711_SILENCE.PCMA)).toBe(8);
    expect(linearToUlaw(0)).toBe(G711_SILENCE.PCMU);
    expect(linearToAlaw(0)).toBe(G711_SILENCE.PCMA);
  });

  it('encodes into a buffer at an offset (after an RTP header) and decodes back', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768, 12345]);
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const out = new Uint8Array(12 + pcm.length).fill(0xaa);
      encodeG711(codec, pcm, out, 12);
      expect([...out.subarray(0, 12)]).toEqual(new Array(12).fill(0xaa));
      const enc = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
      expect([...out.subarray(12)]).toEqual([...pcm].map(enc));
      const back = new Int16Array(pcm.length);
      decodeG711(codec, out.subarray(12), back);
      const dec = codec === 'PCMU' ? ulawToLinear : alawToLinear;
      expect([...back]).toEqual([...out.subarray(12)].map(dec));
    }
  });

  it('decodes only `count` samples and leaves the rest of `out` alone', () => {
    const out = new Int16Array(4).fill(7);
    decodeG711('PCMU', Uint8Array.from([0x00, 0x80, 0xff, 0x7f]), out, 2);
    expect([...out]).toEqual([-32124, 32124, 7, 7]);
  });

  it('refuses buffers too small, saying what was asked', () => {
    expect(() => encodeG711('PCMU', new Int16Array(160), new Uint8Array(170), 12)).toThrow(G711BufferError);
    expect(() => encodeG711('PCMU', new Int16Array(160), new Uint8Array(170), 12)).toThrow(/at least 172 bytes/);
    expect(() => decodeG711('PCMA', new Uint8Array(160), new Int16Array(80))).toThrow(G711BufferError);
    expect(() => decodeG711('PCMA', new Uint8Array(10), new Int16Array(80), 11)).toThrow(/11 samples from a 10-byte payload/);
  });
});
