/**
 * In-band DTMF: the ITU-T Q.23 tone pairs in the audio itself, for peers that neither send
 * RFC 4733 events nor SIP INFO.
 *
 * Q.23 keypad: each key is one low-group (row) and one high-group (column) frequency, sent
 * together.
 *
 * ```
 *           1209  1336  1477  1633 Hz
 *    697     1     2     3     A
 *    770     4     5     6     B
 *    852     7     8     9     C
 *    941     *     0     #     D
 * ```
 *
 * {@link DtmfToneGenerator} writes the pairs into PCM blocks; {@link DtmfDetector} finds them
 * with the Goertzel kernel of `goertzel.ts`. Pure: no I/O, no clock (the caller says when each
 * block was played or received); neither class allocates per sample or per block.
 */
import { dtmfEventCode, parseDtmfString, type DtmfDigit, type DtmfItem } from './dtmf-digits.js';
import { energy, goertzelCoefficient, goertzelPower } from './goertzel.js';
import { dbfsOfMeanSquare, FULL_SCALE } from './level.js';

/** Q.23 low group (rows), Hz. */
export const DTMF_ROW_HZ: readonly number[] = [697, 770, 852, 941];
/** Q.23 high group (columns), Hz. */
export const DTMF_COLUMN_HZ: readonly number[] = [1209, 1336, 1477, 1633];

/** The keys row by row, as in the module comment. */
const KEYPAD: readonly DtmfDigit[] = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];

/** The row and column frequencies of a key (`a`–`d` accepted), or undefined. */
export function dtmfTonePair(digit: string): { rowHz: number; columnHz: number } | undefined {
  const i = KEYPAD.indexOf(digit.toUpperCase() as DtmfDigit);
  if (i < 0) return undefined;
  return { rowHz: DTMF_ROW_HZ[i >> 2], columnHz: DTMF_COLUMN_HZ[i & 3] };
}

/** A setting or digit list the in-band classes cannot use. */
export class DtmfInbandError extends RangeError {
  override readonly name = 'DtmfInbandError';
  readonly code = 'dtmf-inband';
}

/** Settings of a {@link DtmfToneGenerator}; every field has a default. */
export interface DtmfToneGeneratorOptions {
  /** Default 8000. */
  sampleRate?: number;
  /** Level of each of the two tones, dBFS (a full-scale sine is 0). Default −10. */
  levelDbfs?: number;
  /** How long each key sounds, ms. Default 100. */
  toneMs?: number;
  /** Silence after each key, ms. Default 100. */
  gapMs?: number;
}

/**
 * Writes DTMF keys as Q.23 tone pairs into PCM blocks of any size, phase-continuously: a tone
 * split across blocks is one unbroken sine pair. Each key sounds for `toneMs`, then `gapMs`
 * of silence; a pause item is silence. Idle, it writes silence.
 */
export class DtmfToneGenerator {
  readonly sampleRate: number;
  readonly levelDbfs: number;
  readonly toneMs: number;
  readonly gapMs: number;

  private readonly amplitude: number;
  /** Queued segments: radians per sample of each tone (0 for silence), and length. */
  private stepA: number[] = [];
  private stepB: number[] = [];
  private lengths: number[] = [];
  /** The key each segment sounds (undefined for gaps and pauses). */
  private keys: Array<string | undefined> = [];
  private index = 0;
  private left = 0;
  private phaseA = 0;
  private phaseB = 0;

  constructor(options: DtmfToneGeneratorOptions = {}) {
    const { sampleRate = 8000, levelDbfs = -10, toneMs = 100, gapMs = 100 } = options;
    if (!(sampleRate >= 4000)) throw new DtmfInbandError(`sample rate ${sampleRate} is below 4000 Hz: 1633 Hz needs more`);
    if (!(levelDbfs <= -6.03)) {
      throw new DtmfInbandError(`level ${levelDbfs} dBFS per tone would clip: the pair needs at most -6 dBFS each`);
    }
    if (!(toneMs > 0) || !(gapMs >= 0)) throw new DtmfInbandError(`tone ${toneMs} ms / gap ${gapMs} ms out of range`);
    this.sampleRate = sampleRate;
    this.levelDbfs = levelDbfs;
    this.toneMs = toneMs;
    this.gapMs = gapMs;
    this.amplitude = FULL_SCALE * 10 ** (levelDbfs / 20);
  }

  /**
   * Queues keys to play after what is already queued: a `--dtmf` string (`159#,,2`) or parsed
   * items. A flash (`!`) has no tone and is refused with {@link DtmfInbandError}.
   */
  enqueue(items: string | readonly DtmfItem[]): void {
    const list = typeof items === 'string' ? parseDtmfString(items) : items;
    for (const item of list) {
      if (item.kind === 'pause') {
        this.push(0, 0, item.ms);
        continue;
      }
      const pair = dtmfTonePair(item.symbol);
      if (pair === undefined) throw new DtmfInbandError(`"${item.symbol}" has no in-band tone pair (a flash is a hook signal)`);
      this.push(pair.rowHz, pair.columnHz, this.toneMs, item.symbol);
      if (this.gapMs > 0) this.push(0, 0, this.gapMs);
    }
  }

  /**
   * Called from `fill` when a key's tone starts, with the sample offset in the block being
   * filled: the moment a key is really sent, not when it was queued.
   */
  onKeyStart?: (key: string, offsetSamples: number) => void;

  private push(hzA: number, hzB: number, ms: number, key?: string): void {
    const samples = Math.round((ms * this.sampleRate) / 1000);
    if (samples <= 0) return;
    if (this.index >= this.lengths.length) {
      // Everything queued so far has been played: start a fresh queue.
      this.stepA = [];
      this.stepB = [];
      this.lengths = [];
      this.keys = [];
      this.index = 0;
      this.left = 0;
    }
    this.keys.push(key);
    this.stepA.push((2 * Math.PI * hzA) / this.sampleRate);
    this.stepB.push((2 * Math.PI * hzB) / this.sampleRate);
    this.lengths.push(samples);
  }

  /** True while queued tones or pauses remain. */
  get busy(): boolean {
    return this.index < this.lengths.length;
  }

  /** Writes `out[start..end)`: the queued tones, then silence. */
  fill(out: Int16Array, start = 0, end = out.length): void {
    let i = Math.max(0, start);
    const to = Math.min(out.length, end);
    while (i < to) {
      if (this.index >= this.lengths.length) {
        out.fill(0, i, to);
        return;
      }
      if (this.left === 0) {
        this.left = this.lengths[this.index];
        this.phaseA = 0;
        this.phaseB = 0;
        const key = this.keys[this.index];
        if (key !== undefined) this.onKeyStart?.(key, i);
      }
      const stepA = this.stepA[this.index];
      const stepB = this.stepB[this.index];
      const n = Math.min(this.left, to - i);
      if (stepA === 0) {
        out.fill(0, i, i + n);
      } else {
        let a = this.phaseA;
        let b = this.phaseB;
        const amp = this.amplitude;
        for (let k = 0; k < n; k++) {
          out[i + k] = Math.round(amp * (Math.sin(a) + Math.sin(b)));
          a += stepA;
          b += stepB;
        }
        this.phaseA = a % (2 * Math.PI);
        this.phaseB = b % (2 * Math.PI);
      }
      i += n;
      this.left -= n;
      if (this.left === 0) this.index++;
    }
  }
}

/** A key found in the audio. */
export interface DtmfHit {
  digit: DtmfDigit;
  /** Its RFC 4733 event code. */
  event: number;
  /** Estimated start of the tone pair, on the caller's clock. */
  atMs: number;
  /** Levels of the row and column tones in the clearest block, dBFS. */
  rowDbfs: number;
  columnDbfs: number;
}

/** Settings of a {@link DtmfDetector}; every field has a default. */
export interface DtmfDetectorOptions {
  /** Default 8000. */
  sampleRate?: number;
  /** Shortest tone reported, ms (estimated to a few ms). Default 30. */
  minToneMs?: number;
  /** Shortest silence that separates two presses of one key, ms. Default 30. */
  minGapMs?: number;
  /** Weakest tone accepted, dBFS per tone. Default −40 (about −37 dBm0 in G.711). */
  minToneDbfs?: number;
  /** How far the row tone may exceed the column tone, dB. Default 8. */
  maxRowOverColumnDb?: number;
  /** How far the column tone may exceed the row tone, dB. Default 4. */
  maxColumnOverRowDb?: number;
  /** How far the chosen row (column) must exceed the next row (column), dB. Default 6. */
  minPeakDb?: number;
  onDigit?: (hit: DtmfHit) => void;
}

/** A block counts towards a tone when the pair carries at least this share of its energy. */
const MIN_SHARE = 0.2;
/** …and a tone needs at least one block in which the pair carries this share. */
const STRONG_SHARE = 0.6;
/**
 * The share of a block the pair fills completely: ≈ 0.98 for a clean pair, less with G.711
 * and line noise. A block counts as `share / FULL_SHARE` of a block of tone, at most 1.
 */
const FULL_SHARE = 0.9;

/**
 * Finds DTMF keys in PCM and reports each press once, with its start time.
 *
 * **Blocks of 20 ms** (160 samples at 8 kHz), one per RTP packet: every packet is analysed on
 * arrival, with no buffering across packets, and times are packet-accurate. The Goertzel
 * resolution at N = 160 is 50 Hz, finer than the closest Q.23 pair (697/770 Hz, 73 Hz apart);
 * with a 6 dB margin between the best and the next frequency of each group, neighbours stay
 * apart (a full block of 697 Hz reads 13 dB down at 770 Hz). The 205-sample block of the
 * classic detectors buys frequency resolution that these checks do not need, at the price of
 * blocks that straddle packets.
 *
 * A block votes for a key when:
 * - one row and one column stand out: each at least `minPeakDb` above the others of its group;
 * - the pair holds at least 20 % of the block's energy (speech and noise spread theirs; the
 *   share also measures how much of a partial block the tone fills);
 * - the twist (row level − column level) is within −`maxColumnOverRowDb`..+`maxRowOverColumnDb`;
 * - both tones reach `minToneDbfs`.
 *
 * Durations are estimated from the shares, so a tone that starts or stops mid-block counts for
 * the part it fills. A key is reported once its tone reaches `minToneMs` and at least one block
 * is 60 % pair; the default 30 ms accepts a 40 ms tone (the usual minimum a receiver must take)
 * at any alignment and refuses tones of 23 ms or less, and single-packet blips. The same key
 * again needs `minGapMs` of silence in between (a 40 ms pause at any alignment passes); a short
 * dropout inside a tone does not repeat it.
 */
export class DtmfDetector {
  readonly sampleRate: number;
  readonly blockSamples: number;
  readonly minToneMs: number;
  readonly minGapMs: number;
  readonly minToneDbfs: number;
  readonly maxRowOverColumnDb: number;
  readonly maxColumnOverRowDb: number;
  readonly minPeakDb: number;
  /** Every key found, in order. */
  readonly digits: DtmfHit[] = [];

  private readonly onDigit: ((hit: DtmfHit) => void) | undefined;
  private readonly coefficients: Float64Array;
  private readonly ratios = new Float64Array(8);
  private readonly buffer: Int16Array;
  private readonly blockMs: number;
  private readonly peakRatio: number;
  private filled = 0;
  private bufferStartMs = 0;

  // The tone being followed.
  private key = -1;
  private toneMs = 0;
  private startMs = 0;
  private reported = false;
  private bestShare = 0;
  private rowDb = 0;
  private columnDb = 0;
  /** Non-tone time since the key's last block: that block's untoned part plus silent blocks. */
  private gapMs = Infinity;

  constructor(options: DtmfDetectorOptions = {}) {
    const {
      sampleRate = 8000,
      minToneMs = 30,
      minGapMs = 30,
      minToneDbfs = -40,
      maxRowOverColumnDb = 8,
      maxColumnOverRowDb = 4,
      minPeakDb = 6,
    } = options;
    if (!(sampleRate >= 4000)) throw new DtmfInbandError(`sample rate ${sampleRate} is below 4000 Hz: 1633 Hz needs more`);
    this.sampleRate = sampleRate;
    this.blockSamples = Math.round(sampleRate / 50);
    this.blockMs = (this.blockSamples * 1000) / sampleRate;
    this.minToneMs = minToneMs;
    this.minGapMs = minGapMs;
    this.minToneDbfs = minToneDbfs;
    this.maxRowOverColumnDb = maxRowOverColumnDb;
    this.maxColumnOverRowDb = maxColumnOverRowDb;
    this.minPeakDb = minPeakDb;
    this.peakRatio = 10 ** (minPeakDb / 10);
    this.onDigit = options.onDigit;
    this.buffer = new Int16Array(this.blockSamples);
    this.coefficients = new Float64Array(8);
    for (let i = 0; i < 4; i++) {
      this.coefficients[i] = goertzelCoefficient(DTMF_ROW_HZ[i], sampleRate);
      this.coefficients[i + 4] = goertzelCoefficient(DTMF_COLUMN_HZ[i], sampleRate);
    }
  }

  /** Adds audio whose first sample is at `atMs`; pieces of any length, in order. */
  push(samples: Int16Array, atMs: number): void {
    const msPerSample = 1000 / this.sampleRate;
    let i = 0;
    while (i < samples.length) {
      if (this.filled === 0) this.bufferStartMs = atMs + i * msPerSample;
      const take = Math.min(this.blockSamples - this.filled, samples.length - i);
      const buffer = this.buffer;
      for (let k = 0; k < take; k++) buffer[this.filled + k] = samples[i + k];
      this.filled += take;
      i += take;
      if (this.filled === this.blockSamples) {
        this.block(this.bufferStartMs);
        this.filled = 0;
      }
    }
  }

  private block(atMs: number): void {
    const n = this.blockSamples;
    const e = energy(this.buffer, 0, n);
    let key = -1;
    let share = 0;
    let rowDb = 0;
    let columnDb = 0;
    if (e > 0) {
      const r = this.ratios;
      const norm = (n / 2) * e;
      for (let i = 0; i < 8; i++) r[i] = goertzelPower(this.buffer, 0, n, this.coefficients[i]) / norm;
      const row = strongest(r, 0);
      const column = strongest(r, 4);
      const rowR = r[row];
      const columnR = r[column];
      share = rowR + columnR;
      // Level of one tone: its mean square is r·Σx²/N (= A²/2 for a full block of amplitude A).
      rowDb = dbfsOfMeanSquare((rowR * e) / n);
      columnDb = dbfsOfMeanSquare((columnR * e) / n);
      const twist = rowDb - columnDb;
      if (
        share >= MIN_SHARE &&
        rowR >= this.peakRatio * runnerUp(r, 0, row) &&
        columnR >= this.peakRatio * runnerUp(r, 4, column) &&
        twist <= this.maxRowOverColumnDb &&
        -twist <= this.maxColumnOverRowDb &&
        rowDb >= this.minToneDbfs &&
        columnDb >= this.minToneDbfs
      ) {
        key = row * 4 + (column - 4);
      }
    }
    if (key < 0) {
      this.gapMs += this.blockMs;
      return;
    }
    const filled = Math.min(1, share / FULL_SHARE);
    const untoned = (1 - filled) * this.blockMs;
    if (key !== this.key || this.gapMs + untoned >= this.minGapMs) {
      // A new press: another key, or the same key after a real pause.
      this.key = key;
      this.toneMs = 0;
      this.startMs = atMs + untoned;
      this.reported = false;
      this.bestShare = 0;
    }
    this.toneMs += filled * this.blockMs;
    this.gapMs = untoned;
    if (share > this.bestShare) {
      this.bestShare = share;
      this.rowDb = rowDb;
      this.columnDb = columnDb;
    }
    if (!this.reported && this.toneMs >= this.minToneMs && this.bestShare >= STRONG_SHARE) {
      this.reported = true;
      const digit = KEYPAD[key];
      const hit: DtmfHit = {
        digit,
        event: dtmfEventCode(digit) as number,
        atMs: this.startMs,
        rowDbfs: this.rowDb,
        columnDbfs: this.columnDb,
      };
      this.digits.push(hit);
      this.onDigit?.(hit);
    }
  }
}

/** Index of the largest of r[from..from+4). */
function strongest(r: Float64Array, from: number): number {
  let best = from;
  for (let i = from + 1; i < from + 4; i++) if (r[i] > r[best]) best = i;
  return best;
}

/** The largest of r[from..from+4) other than r[except]. */
function runnerUp(r: Float64Array, from: number, except: number): number {
  let max = 0;
  for (let i = from; i < from + 4; i++) if (i !== except && r[i] > max) max = r[i];
  return max;
}
