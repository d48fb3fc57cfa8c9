/**
 * Records linear audio to a WAV file (`--record`), crash-safe: the header is always valid for
 * what has been flushed, so a run killed with SIGKILL still leaves a file sox and players read.
 *
 * - `open` creates the file synchronously, so a path that cannot be written fails before the
 *   call starts, with a typed {@link WavOpenError}.
 * - Samples are buffered and written about once per second of audio with `fs.writeSync`; after
 *   every flush the RIFF, `data` and (G.711) `fact` sizes are patched in place by positional
 *   writes (media.md §3: "Write zero sizes first and patch them", here after every flush
 *   rather than only on close). When the data so far is odd, the RIFF pad byte is written too
 *   and the next flush overwrites it.
 * - Stereo is interleaved L, R (sipcall puts what it sent on the left and what it received on
 *   the right, so both directions stay aligned in time).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { linearToAlaw, linearToUlaw } from '../media/g711.js';
import { wavHeader, wavLayout, wavSizes, type WavFormat, type WavLayout } from '../media/wav.js';

/** The recording file cannot be created or opened for writing. */
export class WavOpenError extends Error {
  override readonly name = 'WavOpenError';
  constructor(
    readonly path: string,
    /** The system error code: ENOENT, EACCES, EISDIR, EROFS, … */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Writing to an open recording failed (a full disk, a removed device), or a write was malformed. */
export class WavWriteError extends Error {
  override readonly name = 'WavWriteError';
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function openMessage(path: string, code: string): string {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  switch (code) {
    case 'ENOENT':
      return `cannot create the recording ${path}: the directory ${dir} does not exist; create it first (mkdir -p ${dir}) or record elsewhere`;
    case 'ENOTDIR':
      return `cannot create the recording ${path}: a part of the path is a file, not a directory; give a path inside a directory`;
    case 'EISDIR':
      return `cannot record to ${path}: it is a directory; give a file name, e.g. ${path.replace(/\/+$/, '')}/call.wav`;
    case 'EACCES':
    case 'EPERM':
      return `cannot create the recording ${path}: permission denied; record to a directory you can write to, or fix its permissions`;
    case 'EROFS':
      return `cannot create the recording ${path}: the file system is read-only; record elsewhere`;
    case 'ENOSPC':
      return `cannot create the recording ${path}: no space left on the device; free some space or record elsewhere`;
    default:
      return `cannot create the recording ${path}: ${code}; check the path and its directory`;
  }
}

/** About one second of audio per flush. */
const FLUSH_FRAMES = 8000;

export class WavWriter {
  private readonly layout: WavLayout;
  private readonly bytesPerSample: number;
  private readonly buf: Buffer;
  private used = 0;
  /** Data bytes already in the file (after the header). */
  private flushed = 0;
  private closed = false;
  private frames = 0;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    readonly format: WavFormat,
    readonly channels: 1 | 2,
  ) {
    this.layout = wavLayout(format);
    this.bytesPerSample = format === 'pcm16' ? 2 : 1;
    this.buf = Buffer.alloc(FLUSH_FRAMES * channels * this.bytesPerSample);
  }

  /**
   * Creates (or truncates) `path` and writes a header for no data yet.
   *
   * @throws WavOpenError when the file cannot be opened for writing (missing directory, a
   *   directory, no permission, read-only file system, …).
   */
  static open(path: string, format: WavFormat, channels: 1 | 2): WavWriter {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      throw new WavOpenError(path, code, openMessage(path, code));
    }
    const w = new WavWriter(fd, path, format, channels);
    try {
      w.io(() => writeSync(fd, wavHeader(format, channels, 0), 0, w.layout.headerBytes, 0));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return w;
  }

  /** Sample frames accepted so far (samples per channel), flushed or not. */
  get samplesWritten(): number {
    return this.frames;
  }

  /**
   * Appends linear int16 samples, interleaved L, R when stereo. Ignored after {@link close}.
   *
   * @throws WavWriteError when a stereo write holds half a frame, or the disk write fails.
   */
  write(samples: Int16Array): void {
    if (this.closed) return;
    if (samples.length % this.channels !== 0) {
      throw new WavWriteError(
        this.path,
        'EHALFFRAME',
        `WavWriter.write: ${samples.length} samples is not a whole number of stereo frames; pass L, R pairs`,
      );
    }
    const bps = this.bytesPerSample;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      if (this.format === 'pcm16') this.buf.writeInt16LE(s, this.used);
      else this.buf[this.used] = this.format === 'pcmu' ? linearToUlaw(s) : linearToAlaw(s);
      this.used += bps;
      if (this.used === this.buf.length) this.flush();
    }
    this.frames += samples.length / this.channels;
  }

  /** Writes the buffer, the pad byte if the data is odd, and the patched sizes. */
  private flush(): void {
    const fd = this.fd;
    const at = this.layout.headerBytes + this.flushed;
    if (this.used > 0) this.io(() => writeSync(fd, this.buf, 0, this.used, at));
    this.flushed += this.used;
    this.used = 0;
    const end = this.layout.headerBytes + this.flushed;
    if (this.flushed & 1) this.io(() => writeSync(fd, PAD, 0, 1, end));
    const sizes = wavSizes(this.format, this.channels, this.flushed);
    this.patch(this.layout.riffSizeOffset, sizes.riffSize);
    this.patch(this.layout.dataSizeOffset, sizes.dataSize);
    if (this.layout.factOffset !== undefined) this.patch(this.layout.factOffset, sizes.factSamples!);
  }

  private patch(offset: number, value: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(value, 0);
    this.io(() => writeSync(this.fd, b, 0, 4, offset));
  }

  private io(op: () => void): void {
    try {
      op();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      const why = code === 'ENOSPC' ? 'no space left on the device; free some space' : `${code}; check the device`;
      throw new WavWriteError(this.path, code, `cannot write the recording ${this.path}: ${why}`);
    }
  }

  /**
   * Flushes what is buffered, pads, patches the sizes and closes the file. Idempotent: a
   * second call does nothing, and nothing throws after the first.
   *
   * @throws WavWriteError when the last write fails (the file is closed all the same).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

const PAD = Buffer.alloc(1);
