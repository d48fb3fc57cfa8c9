import { describe, expect, it } from 'vitest';
import { DtmfDetector, DtmfInbandError, DtmfToneGenerator, dtmfTonePair, type DtmfHit } from '../../src/media/dtmf-inband.js';
import { parseDtmfString } from '../../src/media/dtmf-digits.js';
import { prng } from '../support/prng.js';
import { concat, mix, noise, tones, ulawRoundTrip } from '../support/signals.js';

const KEYS = '123A456B789C*0#D';

/** Plays `keys` through a generator into one buffer: `lead` samples of silence first. */
function play(keys: string, toneMs = 100, gapMs = 100, lead = 0): Int16Array {
  const g = new DtmfToneGenerator({ toneMs, gapMs });
  g.enqueue(keys);
  const pcm = new Int16Array(lead + Math.ceil(((keys.length * (toneMs + gapMs)) / 1000) * 8000) + 800);
  g.fill(pcm, lead);
  return pcm;
}

/** Feeds PCM in 20 ms packets (or `packet` samples) stamped from 0 ms. */
function detect(pcm: Int16Array, packet = 160, options = {}): DtmfHit[] {
  const d = new DtmfDetector(options);
  for (let i = 0; i < pcm.length; i += packet) d.push(pcm.subarray(i, i + packet), (i / 8000) * 1000);
  return d.digits;
}

const keysOf = (hits: DtmfHit[]): string => hits.map((h) => h.digit).join('');

/** Voiced-speech-like: 30 harmonics of a gliding f0 under two formant bumps, with some noise. */
function speechLike(f0a: number, f0b: number, ms: number, seed: number): Int16Array {
  const n = (ms * 8000) / 1000;
  const out = new Int16Array(n);
  const rand = prng(seed);
  const phases = Array.from({ length: 30 }, () => rand() * 2 * Math.PI);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f0 = f0a + ((f0b - f0a) * i) / n;
    phase += (2 * Math.PI * f0) / 8000;
    let v = 0;
    for (let k = 1; k <= 30; k++) {
      const f = k * f0;
      if (f >= 3800) break;
      const envelope = Math.exp(-(((f - 700) / 300) ** 2)) + 0.6 * Math.exp(-(((f - 1250) / 250) ** 2)) + 0.1;
      v += envelope * Math.sin(k * phase + phases[k - 1]);
    }
    out[i] = Math.round(v * 3000);
  }
  return mix(out, noise(n, -45, seed));
}

describe('dtmfTonePair (ITU-T Q.23)', () => {
  it('gives each key its row and column', () => {
    expect(dtmfTonePair('1')).toEqual({ rowHz: 697, columnHz: 1209 });
    expect(dtmfTonePair('0')).toEqual({ rowHz: 941, columnHz: 1336 });
    expect(dtmfTonePair('#')).toEqual({ rowHz: 941, columnHz: 1477 });
    expect(dtmfTonePair('d')).toEqual({ rowHz: 941, columnHz: 1633 });
    expect(dtmfTonePair('!')).toBeUndefined();
  });
});

describe('DtmfToneGenerator', () => {
  it('writes the same samples whatever the block size (phase-continuous)', () => {
    const whole = play('5#', 100, 50);
    const g = new DtmfToneGenerator({ toneMs: 100, gapMs: 50 });
    g.enqueue('5#');
    const pieces = new Int16Array(whole.length);
    for (let i = 0; i < pieces.length; i += 37) g.fill(pieces, i, i + 37);
    expect(pieces).toEqual(whole);
  });

  it('puts −10 dBFS in each tone, silence in gaps and pauses, silence when idle', () => {
    const g = new DtmfToneGenerator();
    expect(g.busy).toBe(false);
    g.enqueue(parseDtmfString('1,'));
    expect(g.busy).toBe(true);
    const pcm = new Int16Array(8000).fill(123);
    g.fill(pcm);
    expect(g.busy).toBe(false);
    const tone = pcm.subarray(0, 800);
    const rms = Math.sqrt(tone.reduce((s, x) => s + x * x, 0) / tone.length);
    expect(20 * Math.log10((rms * Math.SQRT2) / 32767)).toBeCloseTo(-10 + 10 * Math.log10(2), 1);
    expect(pcm.subarray(800).every((x) => x === 0)).toBe(true);
    // 100 ms tone, 100 ms gap, 500 ms pause: nothing after 700 ms, and the generator is idle.
    const next = new Int16Array(160).fill(9);
    g.fill(next);
    expect(next.every((x) => x === 0)).toBe(true);
  });

  it('queues after what is still playing and refuses a flash and clipping levels', () => {
    const g = new DtmfToneGenerator({ toneMs: 40, gapMs: 40 });
    g.enqueue('1');
    const a = new Int16Array(400);
    g.fill(a);
    g.enqueue('2');
    const b = new Int16Array(2000);
    g.fill(b);
    expect(keysOf(detect(concat(a, b)))).toBe('12');
    expect(() => g.enqueue('1!')).toThrow(DtmfInbandError);
    expect(() => new DtmfToneGenerator({ levelDbfs: -3 })).toThrow(/clip/);
    expect(() => new DtmfToneGenerator({ toneMs: 0 })).toThrow(DtmfInbandError);
  });
});

describe('DtmfDetector: generator → detector', () => {
  it('finds all 16 keys, once each, with their start times and levels', () => {
    const hits = detect(play(KEYS));
    expect(keysOf(hits)).toBe(KEYS);
    hits.forEach((h, i) => {
      expect(h.atMs).toBeGreaterThanOrEqual(200 * i - 1);
      expect(h.atMs).toBeLessThanOrEqual(200 * i + 3);
      expect(h.rowDbfs).toBeCloseTo(-10, 0);
      expect(h.columnDbfs).toBeCloseTo(-10, 0);
      expect(h.event).toBe('0123456789*#ABCD'.indexOf(h.digit));
    });
  });

  it('finds all 16 keys through a µ-law round trip, and in noise at 10 dB SNR', () => {
    expect(keysOf(detect(ulawRoundTrip(play(KEYS))))).toBe(KEYS);
    const pcm = play(KEYS);
    expect(keysOf(detect(ulawRoundTrip(mix(pcm, noise(pcm.length, -17, 9)))))).toBe(KEYS);
  });

  it('takes 40 ms tones with 40 ms pauses at every alignment, repeats included', () => {
    for (let lead = 0; lead < 160; lead += 3) {
      for (const keys of ['1155', '#D*0', '9696']) {
        expect(keysOf(detect(ulawRoundTrip(play(keys, 40, 40, lead)))), `${keys} at +${lead} samples`).toBe(keys);
      }
    }
  });

  it('does not depend on how the audio is cut into pieces', () => {
    const pcm = play('147*', 60, 60, 50);
    expect(keysOf(detect(pcm, 37))).toBe('147*');
    expect(keysOf(detect(pcm, 1000))).toBe('147*');
  });

  it('reports a key held through a short dropout once, and again after a real pause', () => {
    const tone = tones([{ hz: 852, dbfs: -10 }, { hz: 1477, dbfs: -10 }], 800);
    expect(keysOf(detect(concat(tone, new Int16Array(80), tone, new Int16Array(800))))).toBe('9');
    expect(keysOf(detect(concat(tone, new Int16Array(480), tone, new Int16Array(800))))).toBe('99');
  });
});

describe('DtmfDetector: what it must refuse', () => {
  it('tones of 23 ms or less, at every alignment', () => {
    for (let lead = 0; lead < 160; lead += 3) {
      expect(keysOf(detect(play('1234', 23, 60, lead))), `+${lead}`).toBe('');
    }
  });

  it('twist beyond +8 dB (row louder) or −4 dB (column louder); accepts within', () => {
    const pair = (row: number, column: number): string =>
      keysOf(detect(concat(tones([{ hz: 770, dbfs: row }, { hz: 1336, dbfs: column }], 800), new Int16Array(800))));
    expect(pair(-10, -16)).toBe('5');
    expect(pair(-13, -10)).toBe('5');
    expect(pair(-10, -22)).toBe('');
    expect(pair(-16, -10)).toBe('');
  });

  it('tones below −40 dBFS each', () => {
    const at = (dbfs: number): string =>
      keysOf(detect(tones([{ hz: 697, dbfs }, { hz: 1209, dbfs }], 1600)));
    expect(at(-35)).toBe('1');
    expect(at(-45)).toBe('');
  });

  it('white noise, single tones, dial tone, and a 1 kHz test tone', () => {
    expect(keysOf(detect(noise(80_000, -10, 4)))).toBe('');
    for (const hz of [697, 941, 1209, 1633, 1000]) expect(keysOf(detect(tones([{ hz, dbfs: -6 }], 8000)))).toBe('');
    expect(keysOf(detect(tones([{ hz: 350, dbfs: -13 }, { hz: 440, dbfs: -13 }], 8000)))).toBe('');
    // Between rows and columns: 730 + 1270 Hz sits half-way between 697/770 and 1209/1336.
    expect(keysOf(detect(tones([{ hz: 733, dbfs: -10 }, { hz: 1272, dbfs: -10 }], 8000)))).toBe('');
  });

  it('speech-like harmonic sounds, including an f0 whose harmonics land near 697 and 1209 Hz', () => {
    const voices = [
      speechLike(100.6, 100.6, 2000, 1),
      speechLike(120, 180, 2000, 2),
      speechLike(232, 240, 2000, 3),
      speechLike(90, 300, 3000, 4),
    ];
    for (const v of voices) expect(keysOf(detect(ulawRoundTrip(v)))).toBe('');
  });

  it('refuses a sample rate too low for 1633 Hz', () => {
    expect(() => new DtmfDetector({ sampleRate: 3000 })).toThrow(DtmfInbandError);
  });
});
