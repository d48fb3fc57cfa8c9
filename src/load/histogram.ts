/**
 * Latency histograms of `sipcall load`: HdrHistogram (hdr-histogram-js, pure-JS backend, no
 * WebAssembly), values recorded in microseconds from 1 µs to 1 h with 3 significant digits, so
 * every percentile is within 0.1 % of the truth and two histograms merge exactly (counts add per
 * bucket). Values above the range are clamped to the highest trackable value and counted in
 * `overflow`; negative values are clamped to 0.
 *
 * The library is required on first use (not at import), so that commands other than `load` never
 * pay for it; it is resolved from node_modules at run time and stays outside the CLI bundle.
 */
import { createRequire } from 'node:module';
import type { JsHistogram } from 'hdr-histogram-js/dist/JsHistogram.js';

/** Highest trackable value, µs: one hour. */
export const HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;
/** The V2 compressed encoding cookie (HdrHistogram's `encodeIntoCompressedByteBuffer`). */
const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;

interface Backend {
  create(): JsHistogram;
  decode(uncompressed: Uint8Array): JsHistogram;
  inflate(data: Uint8Array): Uint8Array;
}

let backend: Backend | undefined;

function load(): Backend {
  if (backend) return backend;
  const require = createRequire(import.meta.url);
  const factory = require('hdr-histogram-js/dist/JsHistogramFactory') as {
    constructorFromBucketSize(size: 64): new (lowest: number, highest: number, digits: number) => JsHistogram;
  };
  // Installs JsHistogram.decode and JsHistogram.prototype.encodeIntoCompressedBase64.
  const encoding = require('hdr-histogram-js/dist/JsHistogram.encoding') as { inflate(data: Uint8Array): Uint8Array };
  const { JsHistogram: Js } = require('hdr-histogram-js/dist/JsHistogram') as {
    JsHistogram: { decode(data: Uint8Array, bitBucketSize: 64, minBarForHighestTrackableValue: number): JsHistogram };
  };
  const Float64 = factory.constructorFromBucketSize(64);
  backend = {
    create: () => new Float64(1, HIGHEST_US, SIGNIFICANT_DIGITS),
    decode: (data) => Js.decode(data, 64, HIGHEST_US),
    inflate: encoding.inflate,
  };
  return backend;
}

/** Thrown when `decode` is given text that is not a V2 compressed HdrHistogram. */
export class HistogramDecodeError extends Error {
  override readonly name = 'HistogramDecodeError';
}

/** The figures of one histogram, in milliseconds rounded to 3 decimals (µs). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

const ms = (us: number): number => Math.round(us) / 1000;

export class LatencyHistogram {
  readonly #h: JsHistogram;
  /** Values recorded above {@link HIGHEST_US} (clamped to it). */
  overflow = 0;

  constructor(h?: JsHistogram) {
    this.#h = h ?? load().create();
  }

  /** Records one latency in microseconds (fractions rounded to the nearest µs). */
  record(us: number): void {
    let v = Math.round(us);
    if (!(v >= 0)) v = 0;
    if (v > HIGHEST_US) {
      v = HIGHEST_US;
      this.overflow++;
    }
    this.#h.recordValue(v);
  }

  get count(): number {
    return this.#h.totalCount;
  }

  /** The value (ms) at percentile `p` (0–100); 0 when empty. */
  percentile(p: number): number {
    return this.count === 0 ? 0 : ms(this.#h.getValueAtPercentile(p));
  }

  /** Lowest recorded value, ms (0 when empty). */
  get min(): number {
    if (this.count === 0) return 0;
    return ms(this.#h.getValueAtPercentile(0));
  }

  /** Highest recorded value, ms (the highest equivalent value of its bucket, as HdrHistogram reports). */
  get max(): number {
    return this.count === 0 ? 0 : ms(this.#h.getValueAtPercentile(100));
  }

  get mean(): number {
    return this.count === 0 ? 0 : ms(this.#h.mean);
  }

  /** Adds every count of `other` to this one (exact: same buckets). */
  add(other: LatencyHistogram): void {
    this.#h.add(other.#h);
    this.overflow += other.overflow;
  }

  /** Empties the histogram (for per-interval histograms). */
  reset(): void {
    this.#h.reset();
    this.overflow = 0;
  }

  /** Base64 of HdrHistogram's V2 compressed encoding (the form of the HdrHistogram log). */
  encode(): string {
    return (this.#h as JsHistogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
  }

  /** Reads {@link encode}'s output (or any V2 compressed HdrHistogram in base64). */
  static decode(text: string): LatencyHistogram {
    const b = load();
    const bytes = Buffer.from(text.trim(), 'base64');
    if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE_BASE) {
      throw new HistogramDecodeError('not a V2 compressed HdrHistogram (bad cookie)');
    }
    const length = bytes.readInt32BE(4);
    try {
      const data = b.inflate(bytes.subarray(8, 8 + length));
      return new LatencyHistogram(b.decode(new Uint8Array(data)));
    } catch (e) {
      throw new HistogramDecodeError(`cannot decode the histogram: ${(e as Error).message}`);
    }
  }

  /**
   * count, min, mean, p50, p90, p99, p99.9, max (ms, 3 decimals), in one pass over the counts
   * (the same values as {@link percentile}, `min`, `mean` and `max`, which scan once each): the
   * load engine asks for it every second and must not stall its schedule doing so.
   */
  summary(): LatencySummary {
    const h = this.#h;
    const total = h.totalCount;
    if (total === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const targets = PERCENTILES.map((p) => countAtPercentile(p, total));
    const found: number[] = [];
    let min = -1;
    let sum = 0;
    let seen = 0;
    const length = h.countsArrayLength;
    for (let i = 0; i < length; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      const v = h.valueFromIndex(i);
      if (min < 0) min = h.lowestEquivalentValue(v);
      sum += h.medianEquivalentValue(v) * c;
      seen += c;
      while (found.length < targets.length && seen >= targets[found.length]) found.push(h.highestEquivalentValue(v));
      if (seen >= total) break;
    }
    return { count: total, min: ms(min), mean: ms(sum / total), p50: ms(found[0]), p90: ms(found[1]), p99: ms(found[2]), p999: ms(found[3]), max: ms(found[4]) };
  }
}

const PERCENTILES = [50, 90, 99, 99.9, 100];

/** HdrHistogram's rank for a percentile: ⌈p·n − 1 ulp⌉, at least 1 (getValueAtPercentile). */
function countAtPercentile(p: number, total: number): number {
  const fp = (p / 100) * total;
  return Math.max(Math.ceil(fp - Math.pow(2, Math.floor(Math.log2(fp)) - 52)), 1);
}
