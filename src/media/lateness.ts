/**
 * How late our own packets left: a histogram of send lateness (actual send time minus the
 * scheduled `t0 + n·ptime`), so that event-loop stalls are measured and never mistaken for
 * network jitter. Nothing here is RFC 3550; it is the sender's self-check.
 *
 * Bins are log-linear on whole microseconds: exact below {@link LINEAR_LIMIT_US} (128 µs),
 * then 64 bins per power of two (each at most 1/64 ≈ 1.6 % wide), 1024 bins in all, up to
 * {@link MAX_TRACKED_US} (≈ 2.1 s). Longer values land in an overflow count; `max`, `mean`
 * and `count` stay exact. `record` allocates nothing.
 */

/** Sub-bins per power of two. */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
/** Values below this many µs get a bin each. */
export const LINEAR_LIMIT_US = 2 * SUB;
/** The bins: values up to 2^21 − 1 µs. */
const BINS = 1024;
/** The largest value a bin holds, in µs. */
export const MAX_TRACKED_US = (1 << 21) - 1;

/** The bin of a whole number of µs in 0..MAX_TRACKED_US. */
function binOf(us: number): number {
  if (us < LINEAR_LIMIT_US) return us;
  const shift = 31 - Math.clz32(us) - SUB_BITS;
  return ((shift + 1) << SUB_BITS) + ((us >>> shift) - SUB);
}

/** The lowest µs value of a bin. */
function binLow(bin: number): number {
  if (bin < LINEAR_LIMIT_US) return bin;
  const shift = (bin >>> SUB_BITS) - 1;
  return ((bin & (SUB - 1)) + SUB) << shift;
}

/** How many µs a bin spans. */
function binWidth(bin: number): number {
  return bin < LINEAR_LIMIT_US ? 1 : 1 << ((bin >>> SUB_BITS) - 1);
}

export class LatenessHistogram {
  private readonly bins = new Uint32Array(BINS);
  private overflow = 0;
  private n = 0;
  private sumMs = 0;
  private maxMs = 0;

  /** One lateness in ms. Early (negative) values count as 0, NaN is ignored. */
  record(ms: number): void {
    if (!(ms >= 0)) {
      if (ms !== ms) return;
      ms = 0;
    }
    this.n++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    const us = Math.round(ms * 1000);
    if (us > MAX_TRACKED_US) this.overflow++;
    else this.bins[binOf(us)]++;
  }

  get count(): number {
    return this.n;
  }

  /** The largest value recorded, exact; 0 when empty. */
  get max(): number {
    return this.maxMs;
  }

  /** The arithmetic mean, exact; 0 when empty. */
  get mean(): number {
    return this.n > 0 ? this.sumMs / this.n : 0;
  }

  get median(): number {
    return this.percentile(50);
  }

  /**
   * The p-th percentile (0..100) in ms, by the nearest-rank method: the value of rank
   * ⌈p/100 · count⌉ (at least 1). Within a bin it answers the bin's middle, never more than
   * `max`; 100 gives `max` exactly; past the tracked range, `max`. 0 when empty.
   */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    if (p >= 100) return this.maxMs;
    const rank = Math.max(1, Math.ceil((Math.max(0, p) / 100) * this.n));
    let seen = 0;
    for (let b = 0; b < BINS; b++) {
      seen += this.bins[b];
      if (seen >= rank) {
        const us = b < LINEAR_LIMIT_US ? b : binLow(b) + (binWidth(b) - 1) / 2;
        return Math.min(us / 1000, this.maxMs);
      }
    }
    return this.maxMs;
  }

  /** Forgets everything. */
  reset(): void {
    this.bins.fill(0);
    this.overflow = 0;
    this.n = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  /** Adds the values of `other` (same bins by construction). */
  merge(other: LatenessHistogram): void {
    for (let b = 0; b < BINS; b++) this.bins[b] += other.bins[b];
    this.overflow += other.overflow;
    this.n += other.n;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }
}
