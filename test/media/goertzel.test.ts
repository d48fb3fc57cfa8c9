import { describe, expect, it } from 'vitest';
import { GoertzelRangeError, ToneDetector, goertzel } from '../../src/media/goertzel.js';
import { concat, noise, tones, ulawRoundTrip } from '../support/signals.js';

describe('goertzel: r = P / (N/2 · Σx²)', () => {
  it('is ≈ 1 for a pure tone at f, whatever the level, and ≈ 0 away from it', () => {
    for (const level of [0, -20, -40]) {
      const pcm = tones([{ hz: 440, dbfs: level }], 160);
      expect(goertzel(pcm, 0, 160, 440)).toBeCloseTo(1, 1);
      expect(goertzel(pcm, 0, 160, 1000)).toBeLessThan(0.01);
    }
  });

  it('matches the figures of media.md after a µ-law round trip (N = 160)', () => {
    const pcm = ulawRoundTrip(tones([{ hz: 440, dbfs: -10 }], 160));
    expect(goertzel(pcm, 0, 160, 440)).toBeGreaterThan(0.98);
    expect(goertzel(pcm, 0, 160, 350)).toBeLessThan(0.03);
    expect(goertzel(pcm, 0, 160, 1000)).toBeLessThan(0.005);
  });

  it('gives each tone of an equal pair about half', () => {
    const pcm = tones([{ hz: 350, dbfs: -13 }, { hz: 440, dbfs: -13 }], 800);
    expect(goertzel(pcm, 0, 800, 350)).toBeCloseTo(0.5, 1);
    expect(goertzel(pcm, 0, 800, 440)).toBeCloseTo(0.5, 1);
  });

  it('is small for white noise and 0 for digital silence', () => {
    const pcm = noise(160, -20, 7);
    expect(goertzel(pcm, 0, 160, 440)).toBeLessThan(0.1);
    expect(goertzel(new Int16Array(160), 0, 160, 440)).toBe(0);
  });

  it('measures the given range only', () => {
    const pcm = concat(new Int16Array(160), tones([{ hz: 1000, dbfs: -6 }], 160));
    expect(goertzel(pcm, 160, 160, 1000)).toBeCloseTo(1, 1);
    expect(goertzel(pcm, 0, 160, 1000)).toBe(0);
  });

  it('refuses ranges outside the array and frequencies outside (0, fs/2)', () => {
    const pcm = new Int16Array(160);
    expect(() => goertzel(pcm, 100, 100, 440)).toThrow(GoertzelRangeError);
    expect(() => goertzel(pcm, -1, 10, 440)).toThrow(/not inside/);
    expect(() => goertzel(pcm, 0, 0, 440)).toThrow(GoertzelRangeError);
    expect(() => goertzel(pcm, 0, 160, 4000)).toThrow(/fs\/2/);
    expect(() => goertzel(pcm, 0, 160, 0)).toThrow(GoertzelRangeError);
  });
});

describe('ToneDetector', () => {
  /** Pushes `pcm` in 20 ms packets starting at t0 (ms). */
  function feed(d: ToneDetector, pcm: Int16Array, t0 = 0, packet = 160): void {
    for (let i = 0; i < pcm.length; i += packet) d.push(pcm.subarray(i, i + packet), t0 + (i / 8000) * 1000);
  }

  it('hears 440 Hz after three blocks and says when it began and how loud it is', () => {
    const d = new ToneDetector({ freqHz: 440 });
    const pcm = concat(new Int16Array(1600), ulawRoundTrip(tones([{ hz: 440, dbfs: -21 }], 8000)));
    feed(d, pcm, 1000);
    expect(d.heard).toBe(true);
    expect(d.firstHeardMs).toBe(1200);
    expect(d.levelDbfs).toBeCloseTo(-21, 0);
    expect(d.blocksSeen).toBe(60);
    expect(d.blocksHeard).toBe(50);
    expect(d.present).toBe(true);
    expect(d.onsets).toBe(1);
  });

  it('does not hear two blocks, silence, noise, another tone, or a tone below −40 dBFS', () => {
    const cases: Int16Array[] = [
      tones([{ hz: 440, dbfs: -10 }], 320),
      new Int16Array(8000),
      noise(8000, -20, 3),
      tones([{ hz: 350, dbfs: -10 }], 8000),
      tones([{ hz: 440, dbfs: -45 }], 8000),
    ];
    for (const pcm of cases) {
      const d = new ToneDetector({ freqHz: 440 });
      feed(d, pcm);
      expect(d.heard).toBe(false);
      expect(d.firstHeardMs).toBeUndefined();
    }
  });

  it('accepts pieces of any size and times blocks from the first sample of each piece', () => {
    const d = new ToneDetector({ freqHz: 1000, minBlocks: 2 });
    const pcm = concat(new Int16Array(40), tones([{ hz: 1000, dbfs: -6 }], 800));
    feed(d, pcm, 500, 37);
    expect(d.heard).toBe(true);
    // Block 0 (500 ms) is a quarter silence: r ≈ 0.75 passes; block 1 is the second.
    expect(d.firstHeardMs).toBeCloseTo(500, 6);
    expect(d.blocksSeen).toBe(5);
  });

  it('counts one onset per burst, for echo timing', () => {
    const d = new ToneDetector({ freqHz: 1000 });
    const burst = tones([{ hz: 1000, dbfs: -10 }], 800); // 100 ms
    const gap = new Int16Array(3200); // 400 ms
    feed(d, concat(gap, burst, gap, burst, gap, burst, gap));
    expect(d.onsets).toBe(3);
    expect(d.firstHeardMs).toBe(400);
    expect(d.lastOnsetMs).toBe(1400);
    expect(d.present).toBe(false);
  });

  it('restartBlock drops a partial block; the constructor refuses nonsense', () => {
    const d = new ToneDetector({ freqHz: 440 });
    d.push(new Int16Array(100), 0);
    d.restartBlock();
    d.push(new Int16Array(160), 20);
    expect(d.blocksSeen).toBe(1);
    expect(d.lastRatio).toBe(0);
    expect(() => new ToneDetector({ freqHz: 5000 })).toThrow(GoertzelRangeError);
    expect(() => new ToneDetector({ freqHz: 440, blockSamples: 2 })).toThrow(/blockSamples/);
    expect(() => new ToneDetector({ freqHz: 440, minBlocks: 0 })).toThrow(/minBlocks/);
  });
});
