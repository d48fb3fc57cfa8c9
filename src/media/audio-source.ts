/**
 * Where the audio we send comes from, one frame at a time: a tone (tone.ts), a WAV file's
 * samples, silence, or (echo mode) what we receive. Sources fill a caller's buffer: no
 * allocation per frame.
 */
export interface AudioSource {
  /** Fills `out` with the next frame of linear 16-bit samples. */
  fill(out: Int16Array): void;
  /** A short description for the media.started event: `tone 440 Hz −20 dBFS`, `file a.wav`. */
  readonly label: string;
}

export class SilenceSource implements AudioSource {
  readonly label = 'silence';
  fill(out: Int16Array): void {
    out.fill(0);
  }
}

/**
 * Samples from a file, played once, then silence (`ended` turns true): a prompt or a test
 * phrase is heard once, as an IVR caller would say it.
 */
export class SampleSource implements AudioSource {
  private pos = 0;
  constructor(
    private readonly samples: Int16Array,
    readonly label: string,
  ) {}

  get ended(): boolean {
    return this.pos >= this.samples.length;
  }

  fill(out: Int16Array): void {
    const n = Math.max(0, Math.min(out.length, this.samples.length - this.pos));
    if (n > 0) out.set(this.samples.subarray(this.pos, this.pos + n));
    if (n < out.length) out.fill(0, n);
    this.pos += n;
  }
}
