/**
 * The Goertzel algorithm (G. Goertzel, 1958): the power of one DFT term, at any frequency, in
 * one pass with two state variables. With `c = 2·cos(2πf/fs)`, for each sample x:
 *
 * ```
 * s = x + c·s1 − s2;  s2 = s1;  s1 = s
 * P = s1² + s2² − c·s1·s2        (= |X(f)|² after the last sample)
 * ```
 *
 * sipcall reports the normalised ratio `r = P / (N/2 · Σx²)`: the share of the block's energy
 * that sits at f. It is ≈ 1 for a pure tone at f (whatever its level), ≈ 0.5 for each tone of
 * an equal-level pair, and ≈ 2/N for white noise; measured at N = 160 after a µ-law round
 * trip: r(440) = 1.00 for a 440 Hz tone, r(350) = 0.011, r(1000) = 0.000.
 *
 * The frequency resolution is about fs/N (50 Hz for N = 160 at 8 kHz): tones closer than that
 * to f also count towards r.
 *
 * Pure: no I/O, no clock; nothing here allocates per sample or per block.
 */
import { dbfsOfMeanSquare } from './level.js';

/** `2·cos(2πf/fs)`: the Goertzel coefficient of frequency `freqHz`. */
export function goertzelCoefficient(freqHz: number, sampleRate = 8000): number {
  return 2 * Math.cos((2 * Math.PI * freqHz) / sampleRate);
}

/**
 * `P = |X(f)|²` over `samples[start .. start+count)` for a coefficient from
 * {@link goertzelCoefficient}. The range must lie inside the array (not checked here: this is
 * the inner loop).
 */
export function goertzelPower(samples: Int16Array, start: number, count: number, coefficient: number): number {
  let s1 = 0;
  let s2 = 0;
  const end = start + count;
  for (let i = start; i < end; i++) {
    const s = samples[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** Σx² over `samples[start .. start+count)`. */
export function energy(samples: Int16Array, start: number, count: number): number {
  let sum = 0;
  const end = start + count;
  for (let i = start; i < end; i++) {
    const x = samples[i];
    sum += x * x;
  }
  return sum;
}

/** A block, or the arguments of one, that {@link goertzel} cannot measure. */
export class GoertzelRangeError extends RangeError {
  override readonly name = 'GoertzelRangeError';
  readonly code = 'goertzel-range';
}

/**
 * The normalised Goertzel ratio `r = P / (N/2 · Σx²)` of `samples[start .. start+count)` at
 * `freqHz`: ≈ 1 for a pure tone at that frequency, near 0 when the energy is elsewhere, and 0
 * for digital silence. Throws {@link GoertzelRangeError} when the range leaves the array or the
 * frequency is not in (0, fs/2).
 */
export function goertzel(samples: Int16Array, start: number, count: number, freqHz: number, sampleRate = 8000): number {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > samples.length) {
    throw new GoertzelRangeError(
      `goertzel: samples ${start}..${start + count} are not inside an array of ${samples.length}`,
    );
  }
  if (!(freqHz > 0 && freqHz < sampleRate / 2)) {
    throw new GoertzelRangeError(`goertzel: ${freqHz} Hz is not between 0 and ${sampleRate / 2} Hz (fs/2)`);
  }
  const e = energy(samples, start, count);
  if (e === 0) return 0;
  return goertzelPower(samples, start, count, goertzelCoefficient(freqHz, sampleRate)) / ((count / 2) * e);
}

/** Settings of a {@link ToneDetector}; every field has a default. */
export interface ToneDetectorOptions {
  /** The tone to listen for, e.g. 440 (the lab's callee) or 1000 (echo bursts). */
  freqHz: number;
  /** Default 8000. */
  sampleRate?: number;
  /** Samples per analysed block; default 160 (20 ms at 8 kHz, one RTP packet). */
  blockSamples?: number;
  /** A block holds the tone when its Goertzel ratio reaches this; default 0.5. */
  minRatio?: number;
  /** …and its RMS level reaches this many dBFS; default −40. */
  minDbfs?: number;
  /** The tone is heard after this many such blocks in a row; default 3 (60 ms). */
  minBlocks?: number;
}

/**
 * "Is the 440 Hz there?": feeds audio in blocks through {@link goertzel} and decides that a tone
 * is heard once `minBlocks` consecutive blocks each have `r ≥ minRatio` and a level of at least
 * `minDbfs` (media.md §3: r > 0.5 above −40 dBFS for k blocks).
 *
 * Audio may be pushed in pieces of any length: whole blocks are analysed as they fill, the rest
 * waits in a buffer allocated once. Each push says when its first sample was played or
 * received (`atMs`), so the detector can say when the tone started without a clock.
 *
 * Besides the first detection (`heard`, `firstHeardMs`), it counts onsets (each new run of
 * `minBlocks` tone blocks after a gap), which is what echo-burst timing needs.
 */
export class ToneDetector {
  readonly freqHz: number;
  readonly sampleRate: number;
  readonly blockSamples: number;
  readonly minRatio: number;
  readonly minDbfs: number;
  readonly minBlocks: number;

  private readonly coefficient: number;
  private readonly buffer: Int16Array;
  private filled = 0;
  /** Time of the buffer's first sample. */
  private bufferStartMs = 0;
  private run = 0;
  private runStartMs = 0;
  private heardSum = 0;
  private heardCount = 0;
  private seen = 0;
  private heardBlocks = 0;
  private first: number | undefined;
  private onset: number | undefined;
  private onsetCount = 0;
  private lastRatioValue = 0;

  constructor(options: ToneDetectorOptions) {
    const { freqHz, sampleRate = 8000, blockSamples = 160, minRatio = 0.5, minDbfs = -40, minBlocks = 3 } = options;
    if (!(sampleRate > 0)) throw new GoertzelRangeError(`ToneDetector: sample rate ${sampleRate} is not positive`);
    if (!(freqHz > 0 && freqHz < sampleRate / 2)) {
      throw new GoertzelRangeError(`ToneDetector: ${freqHz} Hz is not between 0 and ${sampleRate / 2} Hz (fs/2)`);
    }
    if (!Number.isInteger(blockSamples) || blockSamples < 8) {
      throw new GoertzelRangeError(`ToneDetector: blockSamples ${blockSamples} is not an integer of at least 8`);
    }
    if (!Number.isInteger(minBlocks) || minBlocks < 1) {
      throw new GoertzelRangeError(`ToneDetector: minBlocks ${minBlocks} is not a positive integer`);
    }
    this.freqHz = freqHz;
    this.sampleRate = sampleRate;
    this.blockSamples = blockSamples;
    this.minRatio = minRatio;
    this.minDbfs = minDbfs;
    this.minBlocks = minBlocks;
    this.coefficient = goertzelCoefficient(freqHz, sampleRate);
    this.buffer = new Int16Array(blockSamples);
  }

  /**
   * Adds audio whose first sample is at `atMs` (ms, on the caller's clock). Samples after a
   * partial block are assumed to follow it directly; a caller with a gap in the audio should
   * push silence for it, or call {@link ToneDetector.restartBlock}.
   */
  push(block: Int16Array, atMs: number): void {
    const msPerSample = 1000 / this.sampleRate;
    let i = 0;
    while (i < block.length) {
      if (this.filled === 0) this.bufferStartMs = atMs + i * msPerSample;
      const take = Math.min(this.blockSamples - this.filled, block.length - i);
      const buffer = this.buffer;
      for (let k = 0; k < take; k++) buffer[this.filled + k] = block[i + k];
      this.filled += take;
      i += take;
      if (this.filled === this.blockSamples) {
        this.analyse(this.bufferStartMs);
        this.filled = 0;
      }
    }
  }

  /** Drops a partly filled block (e.g. across a gap in the audio). */
  restartBlock(): void {
    this.filled = 0;
  }

  private analyse(atMs: number): void {
    this.seen++;
    const n = this.blockSamples;
    const e = energy(this.buffer, 0, n);
    const ratio = e === 0 ? 0 : goertzelPower(this.buffer, 0, n, this.coefficient) / ((n / 2) * e);
    this.lastRatioValue = ratio;
    const present = ratio >= this.minRatio && dbfsOfMeanSquare(e / n) >= this.minDbfs;
    if (!present) {
      this.run = 0;
      return;
    }
    this.heardBlocks++;
    this.heardSum += e;
    this.heardCount += n;
    if (this.run === 0) this.runStartMs = atMs;
    this.run++;
    if (this.run === this.minBlocks) {
      this.onsetCount++;
      this.onset = this.runStartMs;
      if (this.first === undefined) this.first = this.runStartMs;
    }
  }

  /** True once the tone has been present for `minBlocks` blocks in a row. */
  get heard(): boolean {
    return this.first !== undefined;
  }

  /** When the first run of tone blocks began (the time of its first block), once heard. */
  get firstHeardMs(): number | undefined {
    return this.first;
  }

  /** RMS level in dBFS of all blocks that held the tone, once any did. */
  get levelDbfs(): number | undefined {
    return this.heardCount === 0 ? undefined : dbfsOfMeanSquare(this.heardSum / this.heardCount);
  }

  /** Blocks that held the tone (also those of runs too short to count as heard). */
  get blocksHeard(): number {
    return this.heardBlocks;
  }

  /** Blocks analysed. */
  get blocksSeen(): number {
    return this.seen;
  }

  /** True while the latest blocks form a run of at least `minBlocks` tone blocks. */
  get present(): boolean {
    return this.run >= this.minBlocks;
  }

  /** How many separate runs of `minBlocks` tone blocks were heard (one per echo burst). */
  get onsets(): number {
    return this.onsetCount;
  }

  /** Start of the latest such run. */
  get lastOnsetMs(): number | undefined {
    return this.onset;
  }

  /** The Goertzel ratio of the latest analysed block (0 before any). */
  get lastRatio(): number {
    return this.lastRatioValue;
  }
}
