import { describe, expect, it } from 'vitest';
import { DBFS_FLOOR, LevelMeter, dbfs, dbfsOfMeanSquare, dbfsOfPeak } from '../../src/media/level.js';
import { noise, tones } from '../support/signals.js';

describe('dbfs (AES17: a full-scale sine is 0 dBFS)', () => {
  it('reads a full-scale sine as 0 dBFS and a −20 dBFS sine as −20', () => {
    expect(dbfs(tones([{ hz: 1000, dbfs: 0 }], 8000))).toBeCloseTo(0, 2);
    expect(dbfs(tones([{ hz: 997, dbfs: -20 }], 8000))).toBeCloseTo(-20, 2);
  });

  it('reads a full-scale square wave as +3.01 dBFS', () => {
    const square = new Int16Array(160).map((_, i) => (i % 20 < 10 ? 32767 : -32767));
    expect(dbfs(square)).toBeCloseTo(3.01, 2);
  });

  it('floors digital silence and empty ranges at −120', () => {
    expect(dbfs(new Int16Array(160))).toBe(DBFS_FLOOR);
    expect(dbfs(new Int16Array(0))).toBe(-120);
    expect(dbfs(new Int16Array([1000, 2000]), 1, 1)).toBe(-120);
    expect(dbfsOfMeanSquare(0)).toBe(-120);
    expect(dbfsOfMeanSquare(1e-30)).toBe(-120);
    expect(dbfsOfPeak(0)).toBe(-120);
  });

  it('measures only the given range, clamped to the array', () => {
    const pcm = new Int16Array(320);
    pcm.set(tones([{ hz: 440, dbfs: -6 }], 160), 160);
    expect(dbfs(pcm, 160)).toBeCloseTo(-6, 1);
    expect(dbfs(pcm, 0, 160)).toBe(-120);
    expect(dbfs(pcm, -5, 10_000)).toBeCloseTo(-9.03, 1);
  });

  it('reads white noise at its RMS level', () => {
    expect(dbfs(noise(8000, -30))).toBeCloseTo(-30, 0);
  });
});

describe('LevelMeter', () => {
  it('accumulates RMS and peak per interval and in total', () => {
    const meter = new LevelMeter();
    expect(meter.rmsDbfs).toBe(-120);
    expect(meter.peakDbfs).toBe(-120);
    const loud = tones([{ hz: 440, dbfs: -10 }], 160);
    for (let i = 0; i < 50; i++) meter.push(loud);
    expect(meter.samples).toBe(8000);
    expect(meter.rmsDbfs).toBeCloseTo(-10, 1);
    expect(meter.peakDbfs).toBeCloseTo(-10, 1);
    meter.nextInterval();
    expect(meter.samples).toBe(0);
    expect(meter.rmsDbfs).toBe(-120);
    const quiet = tones([{ hz: 440, dbfs: -30 }], 160);
    for (let i = 0; i < 50; i++) meter.push(quiet);
    expect(meter.rmsDbfs).toBeCloseTo(-30, 1);
    expect(meter.peak).toBeLessThan(1100);
    // Total: mean of the two powers, −10 and −30 dBFS.
    expect(meter.totalRmsDbfs).toBeCloseTo(10 * Math.log10((0.1 + 0.001) / 2), 1);
    expect(meter.totalPeakDbfs).toBeCloseTo(-10, 1);
    expect(meter.totalSamples).toBe(16000);
    meter.reset();
    expect(meter.totalSamples).toBe(0);
    expect(meter.totalRmsDbfs).toBe(-120);
  });

  it('takes a sub-range and reports −32768 as a full-scale peak', () => {
    const meter = new LevelMeter();
    meter.push(new Int16Array([5, -32768, 7]), 1, 2);
    expect(meter.samples).toBe(1);
    expect(meter.peak).toBe(32768);
    expect(meter.peakDbfs).toBeCloseTo(0, 3);
    meter.push(new Int16Array([1, 2]), 2, 1);
    expect(meter.samples).toBe(1);
  });
});
