import { describe, expect, it } from 'vitest';
import { DEFAULT_TONE_DBFS, PlaySpecError, ToneError, ToneSource, parsePlaySpec, type PlaySpec } from '../../src/media/tone.js';

/** `n` samples of `tone`, filled in frames of `frame` samples. */
function take(tone: ToneSource, n: number, frame = 160): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i += frame) tone.fill(out.subarray(i, Math.min(n, i + frame)));
  return out;
}

/** Amplitude of the `f` Hz component (a single DFT bin, for a whole number of cycles). */
function dftAmplitude(x: Int16Array, f: number, fs = 8000): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * f * i) / fs);
    im -= x[i]! * Math.sin((2 * Math.PI * f * i) / fs);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

function zeroCrossings(x: Int16Array): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) n++;
  return n;
}

const rmsDbfs = (x: Int16Array): number => {
  const rms = Math.sqrt(x.reduce((a, s) => a + s * s, 0) / x.length);
  return 20 * Math.log10((rms * Math.SQRT2) / 32767); // a sine's peak is √2 · RMS
};

describe('ToneSource', () => {
  for (const f of [440, 1000, 3999]) {
    it(`${f} Hz: ${2 * f} zero crossings per second and the energy in its DFT bin`, () => {
      const x = take(new ToneSource([f], -20), 8000);
      expect(Math.abs(zeroCrossings(x) - 2 * f)).toBeLessThanOrEqual(2);
      const peak = 32767 * 10 ** (-20 / 20);
      expect(dftAmplitude(x, f) / peak).toBeCloseTo(1, 2);
      if (f !== 3999) expect(dftAmplitude(x, f + 100) / peak).toBeLessThan(0.001);
    });
  }

  it('a single sine has the given level in dBFS (AES17: full-scale sine = 0 dBFS)', () => {
    for (const dbfs of [0, -3, -20, -40]) {
      const x = take(new ToneSource([1000], dbfs), 8000);
      expect(rmsDbfs(x)).toBeCloseTo(dbfs, 1);
    }
    const full = take(new ToneSource([1000], 0), 8000);
    expect(Math.max(...full)).toBeLessThanOrEqual(32767);
    expect(Math.max(...full)).toBeGreaterThanOrEqual(32767 * Math.cos(Math.PI / 8) - 1); // 1 kHz at 8 kHz: peaks sampled at ±22.5° at worst
  });

  it('a dual tone holds both frequencies at the given level each, and nothing else', () => {
    const x = take(new ToneSource([350, 440], -13), 8000);
    const peak = 32767 * 10 ** (-13 / 20);
    expect(dftAmplitude(x, 350) / peak).toBeCloseTo(1, 2);
    expect(dftAmplitude(x, 440) / peak).toBeCloseTo(1, 2);
    expect(dftAmplitude(x, 1000) / peak).toBeLessThan(0.001);
  });

  it('a dual tone at 0 dBFS each is clipped to int16, not wrapped', () => {
    const x = take(new ToneSource([350, 440], 0), 8000);
    expect(Math.max(...x)).toBe(32767);
    expect(Math.min(...x)).toBe(-32768);
    // Wrapping would show as jumps of about 65536 between neighbours.
    let maxJump = 0;
    for (let i = 1; i < x.length; i++) maxJump = Math.max(maxJump, Math.abs(x[i]! - x[i - 1]!));
    expect(maxJump).toBeLessThan(30000);
  });

  it('is phase-continuous across fill calls of any size', () => {
    const whole = take(new ToneSource([350, 440], -10), 4000, 4000);
    for (const frame of [160, 37, 1]) expect([...take(new ToneSource([350, 440], -10), 4000, frame)]).toEqual([...whole]);
  });

  it('stays in phase over a long call (an hour of 20 ms frames)', () => {
    const tone = new ToneSource([440], -20);
    const frame = new Int16Array(160);
    const frames = 180_000;
    for (let i = 0; i < frames; i++) tone.fill(frame);
    // The last frame against the closed form sin(2π·f·n/fs), reduced exactly with integers.
    const peak = 32767 * 10 ** (-20 / 20);
    const first = (frames - 1) * 160;
    for (let i = 0; i < 160; i++) {
      const n = first + i;
      const ideal = peak * Math.sin((2 * Math.PI * ((440 * n) % 8000)) / 8000);
      expect(Math.abs(frame[i]! - ideal)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('labels itself for the media.started event', () => {
    expect(new ToneSource([440], -20).label).toBe('tone 440 Hz −20 dBFS');
    expect(new ToneSource([350, 440], -13).label).toBe('tone 350+440 Hz −13 dBFS');
  });

  it('refuses what it cannot play', () => {
    expect(() => new ToneSource([], -20)).toThrow(ToneError);
    expect(() => new ToneSource([4000], -20)).toThrow(/below 4000 Hz \(Nyquist\)/);
    expect(() => new ToneSource([0], -20)).toThrow(ToneError);
    expect(() => new ToneSource([440], 1)).toThrow(/above full scale/);
    expect(() => new ToneSource([440], Number.NaN)).toThrow(ToneError);
  });
});

describe('parsePlaySpec', () => {
  const ok: Array<[string, PlaySpec]> = [
    ['tone:440', { kind: 'tone', freqsHz: [440], dbfs: DEFAULT_TONE_DBFS }],
    ['tone:350+440', { kind: 'tone', freqsHz: [350, 440], dbfs: -20 }],
    ['tone:1000@-20', { kind: 'tone', freqsHz: [1000], dbfs: -20 }],
    ['tone:350+440@-13', { kind: 'tone', freqsHz: [350, 440], dbfs: -13 }],
    ['tone:697+1209@-6.5', { kind: 'tone', freqsHz: [697, 1209], dbfs: -6.5 }],
    ['tone:437.5', { kind: 'tone', freqsHz: [437.5], dbfs: -20 }],
    ['tone:1000@0', { kind: 'tone', freqsHz: [1000], dbfs: 0 }],
    ['tone:1000@-0', { kind: 'tone', freqsHz: [1000], dbfs: 0 }],
    ['tone:3999', { kind: 'tone', freqsHz: [3999], dbfs: -20 }],
    ['TONE:440', { kind: 'tone', freqsHz: [440], dbfs: -20 }],
    ['silence', { kind: 'silence' }],
    ['prompt.wav', { kind: 'file', path: 'prompt.wav' }],
    ['/tmp/a b.wav', { kind: 'file', path: '/tmp/a b.wav' }],
    ['./tone:440', { kind: 'file', path: './tone:440' }],
    ['Silence.wav', { kind: 'file', path: 'Silence.wav' }],
  ];
  for (const [spec, expected] of ok) {
    it(`${spec} → ${JSON.stringify(expected)}`, () => {
      expect(parsePlaySpec(spec)).toEqual(expected);
    });
  }

  const ACCEPTED =
    'accepted: tone:FREQ[+FREQ…][@LEVEL] with each FREQ in Hz above 0 and below 4000 (half the 8000 Hz sample rate) ' +
    'and LEVEL in dBFS, 0 or less (default -20), e.g. tone:440, tone:350+440, tone:1000@-20; or silence; or the path of a WAV file';
  const bad: Array<[string, string]> = [
    ['tone:abc', '"abc" is not a frequency in Hz'],
    ['tone:0', '0 Hz is not a tone'],
    ['tone:5000', '5000 Hz cannot be carried at 8000 Hz sampling (it must be below 4000 Hz)'],
    ['tone:4000', '4000 Hz cannot be carried at 8000 Hz sampling (it must be below 4000 Hz)'],
    ['tone:440@3', 'level 3 dBFS is above full scale'],
    ['tone:440@+0.5', 'level +0.5 dBFS is above full scale'],
    ['tone:440@loud', '"loud" is not a level in dBFS'],
    ['tone:440@', '"" is not a level in dBFS'],
    ['tone:', 'a frequency is missing'],
    ['tone:350+', 'a frequency is missing'],
    ['tone:-440', '"-440" is not a frequency in Hz'],
    ['tone:1e3', '"1e3" is not a frequency in Hz'],
    ['tone:Infinity', '"Infinity" is not a frequency in Hz'],
    ['', 'empty value'],
  ];
  for (const [spec, why] of bad) {
    it(`${JSON.stringify(spec)} is refused: ${why}`, () => {
      let error: unknown;
      try {
        parsePlaySpec(spec);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PlaySpecError);
      expect((error as PlaySpecError).spec).toBe(spec);
      expect((error as PlaySpecError).message).toBe(`--play ${JSON.stringify(spec)}: ${why}; ${ACCEPTED}`);
    });
  }

  it('checks Nyquist against the given sample rate', () => {
    expect(parsePlaySpec('tone:5000', 16000)).toEqual({ kind: 'tone', freqsHz: [5000], dbfs: -20 });
    expect(() => parsePlaySpec('tone:8000', 16000)).toThrow(/below 8000 Hz/);
  });
});
