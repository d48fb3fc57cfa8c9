/**
 * A fixed-delay playout buffer: received frames placed by their RTP timestamp (RFC 3550 §5.1:
 * "the sampling instant of the first octet"), read out one frame per packet time. What it
 * yields is the received audio on the sender's timeline: a lost packet becomes a frame of
 * silence (counted as concealed), a late one that missed its turn is dropped (counted), a
 * reordered one takes its right place. Recording, echo, level, tone and in-band DTMF
 * detection read from here, so they all see the same audio.
 *
 * No allocation per packet: frames live in a ring of preallocated Int16Arrays.
 */
export class PlayoutBuffer {
  private readonly ring: Int16Array[];
  private readonly filled: Uint8Array;
  private readonly slotTs: Float64Array;
  private baseTs = 0;
  private started = false;
  /** Index (frames since baseTs) of the next frame to play. */
  private next = 0;
  /** Frames pushed before the first pull: playout starts `delayFrames` behind the first arrival. */
  private primed = false;
  concealed = 0;
  late = 0;
  played = 0;

  constructor(
    readonly frameSamples = 160,
    private readonly delayFrames = 3,
    private readonly size = 64,
  ) {
    this.ring = Array.from({ length: size }, () => new Int16Array(frameSamples));
    this.filled = new Uint8Array(size);
    this.slotTs = new Float64Array(size);
  }

  /** Forget the timeline (a new SSRC: RFC 3550 §8.2). */
  reset(): void {
    this.started = false;
    this.primed = false;
    this.filled.fill(0);
  }

  /**
   * A decoded frame with its RTP timestamp. `samples` must hold `frameSamples` samples
   * (shorter frames are zero-padded; longer ones are cut).
   */
  push(timestamp: number, samples: Int16Array, count: number): void {
    if (!this.started) {
      this.started = true;
      this.baseTs = timestamp;
      this.next = -this.delayFrames;
    }
    // Frames since the base, with 32-bit timestamp wrap.
    const delta = ((timestamp - this.baseTs) | 0) / this.frameSamples;
    const index = Math.round(delta);
    if (index < this.next) {
      this.late++;
      return;
    }
    if (index >= this.next + this.size) {
      // The sender ran far ahead of our playout (a clock or a jump): restart the timeline there.
      this.baseTs = timestamp;
      this.next = -this.delayFrames;
      this.filled.fill(0);
      return this.push(timestamp, samples, count);
    }
    const slot = ((index % this.size) + this.size) % this.size;
    const frame = this.ring[slot];
    const n = Math.min(count, this.frameSamples);
    frame.set(n === samples.length ? samples : samples.subarray(0, n));
    if (n < this.frameSamples) frame.fill(0, n);
    this.filled[slot] = 1;
    this.slotTs[slot] = index;
  }

  /**
   * The next frame into `out` (one call per packet time). Returns false, with silence in
   * `out`, before the first packet and while the playout delay fills.
   */
  pull(out: Int16Array): boolean {
    if (!this.started) {
      out.fill(0);
      return false;
    }
    const index = this.next++;
    if (index < 0) {
      out.fill(0);
      return false;
    }
    this.primed = true;
    const slot = index % this.size;
    if (this.filled[slot] && this.slotTs[slot] === index) {
      out.set(this.ring[slot]);
      this.filled[slot] = 0;
      this.played++;
      return true;
    }
    out.fill(0);
    this.concealed++;
    return true;
  }

  /** True once playout has begun. */
  get playing(): boolean {
    return this.primed;
  }
}
