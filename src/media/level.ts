/**
 * Signal level in dBFS as AES17 defines it: the RMS value of the signal relative to the RMS
 * value of a sine whose positive peak reaches positive digital full scale (that sine is 0 dBFS).
 *
 * So a level is the RMS referred to full-scale-sine RMS: `20·log10(rms·√2 / 32767)`. A sine
 * of peak 32767 reads 0.0 dBFS and a full-scale square wave +3.0 dBFS. Digital silence (and
 * any level below it) reads {@link DBFS_FLOOR}, so a level is always a finite number.
 *
 * Pure: no I/O, no clock. The meter allocates nothing after construction.
 */

/** The lowest level reported: digital silence, and any empty range, read −120 dBFS. */
export const DBFS_FLOOR = -120;

/** Positive digital full scale of int16 PCM. */
export const FULL_SCALE = 32767;

/** Mean square of a full-scale sine (peak 32767): the 0 dBFS reference of AES17. */
const FULL_SCALE_SINE_MEAN_SQUARE = (FULL_SCALE * FULL_SCALE) / 2;

/** dBFS of a mean square (Σx²/N) of int16 samples, floored at {@link DBFS_FLOOR}. */
export function dbfsOfMeanSquare(meanSquare: number): number {
  if (!(meanSquare > 0)) return DBFS_FLOOR;
  const db = 10 * Math.log10(meanSquare / FULL_SCALE_SINE_MEAN_SQUARE);
  return db < DBFS_FLOOR ? DBFS_FLOOR : db;
}

/** dBFS of a peak magnitude (0..32768) relative to full scale, floored at {@link DBFS_FLOOR}. */
export function dbfsOfPeak(peak: number): number {
  if (!(peak > 0)) return DBFS_FLOOR;
  const db = 20 * Math.log10(peak / FULL_SCALE);
  return db < DBFS_FLOOR ? DBFS_FLOOR : db;
}

/**
 * RMS level of `samples[start..end)` in dBFS (AES17: a full-scale sine is 0 dBFS); −120 for
 * digital silence or an empty range. Indices are clamped to the array.
 */
export function dbfs(samples: Int16Array, start = 0, end = samples.length): number {
  const from = Math.max(0, start);
  const to = Math.min(samples.length, end);
  if (to <= from) return DBFS_FLOOR;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const x = samples[i];
    sum += x * x;
  }
  return dbfsOfMeanSquare(sum / (to - from));
}

/**
 * Accumulates RMS and peak over an interval (typically one second of received audio) and over
 * the whole run, without allocating. The caller owns time: it reads the interval's figures
 * when its second is up, then calls {@link LevelMeter.nextInterval}.
 *
 * ```ts
 * meter.push(pcm, 0, 160);          // every packet
 * // once a second:
 * line.level = meter.rmsDbfs; line.peak = meter.peakDbfs; meter.nextInterval();
 * ```
 */
export class LevelMeter {
  private sum = 0;
  private count = 0;
  private peakAbs = 0;
  private totalSum = 0;
  private totalCount = 0;
  private totalPeakAbs = 0;

  /** Adds `samples[start..end)` (clamped to the array) to the interval and to the totals. */
  push(samples: Int16Array, start = 0, end = samples.length): void {
    const from = Math.max(0, start);
    const to = Math.min(samples.length, end);
    let sum = 0;
    let peak = this.peakAbs;
    for (let i = from; i < to; i++) {
      const x = samples[i];
      sum += x * x;
      const a = x < 0 ? -x : x;
      if (a > peak) peak = a;
    }
    if (to <= from) return;
    this.sum += sum;
    this.count += to - from;
    this.peakAbs = peak;
    this.totalSum += sum;
    this.totalCount += to - from;
    if (peak > this.totalPeakAbs) this.totalPeakAbs = peak;
  }

  /** Samples in the current interval. */
  get samples(): number {
    return this.count;
  }

  /** RMS level of the current interval in dBFS (−120 when it holds no samples or silence). */
  get rmsDbfs(): number {
    return this.count === 0 ? DBFS_FLOOR : dbfsOfMeanSquare(this.sum / this.count);
  }

  /** Largest magnitude in the current interval, 0..32768. */
  get peak(): number {
    return this.peakAbs;
  }

  /** {@link LevelMeter.peak} in dBFS (full scale 32767; −32768 reads +0.0003). */
  get peakDbfs(): number {
    return dbfsOfPeak(this.peakAbs);
  }

  /** RMS level of everything pushed since construction or {@link LevelMeter.reset}. */
  get totalRmsDbfs(): number {
    return this.totalCount === 0 ? DBFS_FLOOR : dbfsOfMeanSquare(this.totalSum / this.totalCount);
  }

  /** Peak of everything pushed, in dBFS. */
  get totalPeakDbfs(): number {
    return dbfsOfPeak(this.totalPeakAbs);
  }

  /** Samples pushed since construction or {@link LevelMeter.reset}. */
  get totalSamples(): number {
    return this.totalCount;
  }

  /** Ends the current interval: its figures restart from nothing; the totals go on. */
  nextInterval(): void {
    this.sum = 0;
    this.count = 0;
    this.peakAbs = 0;
  }

  /** Forgets everything, totals included. */
  reset(): void {
    this.nextInterval();
    this.totalSum = 0;
    this.totalCount = 0;
    this.totalPeakAbs = 0;
  }
}
