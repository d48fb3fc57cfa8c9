import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WavOpenError, WavWriteError, WavWriter } from '../../src/engine/wav-writer.js';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../../src/media/g711.js';
import { parseWav, wavLayout, wavSamples, type WavFormat } from '../../src/media/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'sipcall-wav-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `frames` frames of a 440 Hz sine (left) and a 1 kHz sine (right), interleaved when stereo. */
function audio(frames: number, channels: 1 | 2, from = 0): Int16Array {
  const out = new Int16Array(frames * channels);
  for (let f = 0; f < frames; f++) {
    const n = from + f;
    out[f * channels] = Math.round(12000 * Math.sin((2 * Math.PI * 440 * n) / 8000));
    if (channels === 2) out[f * channels + 1] = Math.round(6000 * Math.sin((2 * Math.PI * 1000 * n) / 8000));
  }
  return out;
}

/** What the file should decode to: exact for PCM16, through the codec for G.711. */
function expectedBack(format: WavFormat, linear: Int16Array): number[] {
  if (format === 'pcm16') return [...linear];
  return format === 'pcmu' ? [...linear].map((s) => ulawToLinear(linearToUlaw(s))) : [...linear].map((s) => alawToLinear(linearToAlaw(s)));
}

/** Writes `frames` frames in 20 ms packets (160 frames), the way the receiver hands them over. */
function record(w: WavWriter, frames: number, channels: 1 | 2): Int16Array {
  const all = audio(frames, channels);
  for (let f = 0; f < frames; f += 160) w.write(all.subarray(f * channels, Math.min(frames, f + 160) * channels));
  return all;
}

function soxiMissing(): boolean {
  try {
    execFileSync('soxi', ['-V0'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (process.env.CI) throw new Error('soxi (package "sox") is not on PATH, and CI is set: install sox so the WAV interop tests run');
      process.stderr.write('test/engine/wav-writer.test.ts: soxi not found (package "sox"): skipping the soxi checks\n');
      return true;
    }
  }
  return false;
}
const SKIP_SOXI = soxiMissing();
const soxi = (flag: string, file: string): string => execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim();
const ENCODING: Record<WavFormat, string> = { pcm16: 'Signed Integer PCM', pcmu: 'u-law', pcma: 'A-law' };

describe('WavWriter: mono and stereo, all three formats', () => {
  const cases = (['pcm16', 'pcmu', 'pcma'] as const).flatMap((format) => ([1, 2] as const).map((channels) => [format, channels] as const));
  for (const [format, channels] of cases) {
    it(`${format} ${channels === 1 ? 'mono' : 'stereo'}: 2.5 s plus an odd tail reads back exactly`, () => {
      const file = join(dir, `rec-${format}-${channels}.wav`);
      const w = WavWriter.open(file, format, channels);
      const frames = 20_001; // 2.5 s and one frame: odd, so G.711 mono needs a pad byte
      const linear = record(w, frames, channels);
      expect(w.samplesWritten).toBe(frames);
      w.close();

      const bytes = readFileSync(file);
      const info = parseWav(bytes, file, { allowStereo: true });
      const dataBytes = frames * channels * (format === 'pcm16' ? 2 : 1);
      expect(info).toEqual({ format, channels, sampleRate: 8000, bitsPerSample: format === 'pcm16' ? 16 : 8, dataOffset: wavLayout(format).headerBytes, dataBytes });
      const pad = dataBytes & 1;
      expect(bytes.length).toBe(wavLayout(format).headerBytes + dataBytes + pad);
      expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
      if (pad) expect(bytes[bytes.length - 1]).toBe(0);
      if (format !== 'pcm16') expect(bytes.readUInt32LE(46)).toBe(frames);
      expect([...wavSamples(info, bytes)]).toEqual(expectedBack(format, linear));

      if (!SKIP_SOXI) {
        expect(soxi('-r', file)).toBe('8000');
        expect(soxi('-c', file)).toBe(String(channels));
        expect(soxi('-e', file)).toBe(ENCODING[format]);
        expect(soxi('-s', file)).toBe(String(frames));
      }
    });
  }
});

describe('WavWriter: a killed run leaves a valid file', () => {
  for (const [format, channels] of [['pcm16', 2], ['pcmu', 1], ['pcma', 2]] as const) {
    it(`${format} ${channels === 1 ? 'mono' : 'stereo'}: read back without close() after a flush`, () => {
      const file = join(dir, `killed-${format}-${channels}.wav`);
      const w = WavWriter.open(file, format, channels);
      // Before any flush: a header alone, which reads as no audio yet.
      expect(parseWav(readFileSync(file), file, { allowStereo: true }).dataBytes).toBe(0);

      const linear = record(w, 12_000, channels); // 1.5 s: one flush at 1 s, 0.5 s still buffered
      const bytes = readFileSync(file); // what SIGKILL would leave: no close()
      const info = parseWav(bytes, file, { allowStereo: true });
      const flushedBytes = 8000 * channels * (format === 'pcm16' ? 2 : 1);
      expect(info.dataBytes).toBe(flushedBytes);
      expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
      expect(bytes.readUInt32LE(wavLayout(format).dataSizeOffset)).toBe(flushedBytes);
      expect([...wavSamples(info, bytes)]).toEqual(expectedBack(format, linear.subarray(0, 8000 * channels)));
      if (!SKIP_SOXI) expect(soxi('-s', file)).toBe('8000');

      w.close();
      expect(parseWav(readFileSync(file), file, { allowStereo: true }).dataBytes).toBe((flushedBytes * 3) / 2);
    });
  }
});

describe('WavWriter: close and misuse', () => {
  it('close is idempotent; write and close after close do nothing and never throw', () => {
    const file = join(dir, 'closed.wav');
    const w = WavWriter.open(file, 'pcmu', 1);
    w.write(audio(161, 1));
    w.close();
    const size = statSync(file).size;
    expect(size).toBe(58 + 161 + 1);
    expect(() => w.close()).not.toThrow();
    expect(() => w.write(audio(160, 1))).not.toThrow();
    expect(statSync(file).size).toBe(size);
    expect(w.samplesWritten).toBe(161);
  });

  it('an empty recording is a valid, empty WAV file', () => {
    const file = join(dir, 'empty.wav');
    WavWriter.open(file, 'pcm16', 1).close();
    expect(parseWav(readFileSync(file), file)).toMatchObject({ dataOffset: 44, dataBytes: 0 });
    expect(readFileSync(file).readUInt32LE(4)).toBe(36);
  });

  it('refuses half a stereo frame, saying so', () => {
    const w = WavWriter.open(join(dir, 'half.wav'), 'pcm16', 2);
    expect(() => w.write(new Int16Array(3))).toThrow(WavWriteError);
    expect(() => w.write(new Int16Array(3))).toThrow(/3 samples is not a whole number of stereo frames/);
    w.close();
  });
});

/** The error WavWriter.open throws for `path`, or a failed test. */
function openError(path: string): WavOpenError {
  try {
    WavWriter.open(path, 'pcm16', 1).close();
  } catch (e) {
    expect(e).toBeInstanceOf(WavOpenError);
    return e as WavOpenError;
  }
  throw new Error(`WavWriter.open(${path}) succeeded`);
}

describe('WavWriter.open: unopenable paths fail at once with WavOpenError', () => {
  it('a missing directory: ENOENT, and the message says to create it', () => {
    const path = join(dir, 'no-such-dir', 'call.wav');
    const e = openError(path);
    expect(e.code).toBe('ENOENT');
    expect(e.path).toBe(path);
    expect(e.message).toBe(
      `cannot create the recording ${path}: the directory ${join(dir, 'no-such-dir')} does not exist; ` +
        `create it first (mkdir -p ${join(dir, 'no-such-dir')}) or record elsewhere`,
    );
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });

  it('a directory: EISDIR, and the message suggests a file name in it', () => {
    const sub = join(dir, 'recordings');
    mkdirSync(sub);
    const e = openError(sub);
    expect(e.code).toBe('EISDIR');
    expect(e.message).toBe(`cannot record to ${sub}: it is a directory; give a file name, e.g. ${sub}/call.wav`);
  });

  it('a path through a file: ENOTDIR', () => {
    const file = join(dir, 'plain-file');
    WavWriter.open(file, 'pcm16', 1).close();
    const e = openError(join(file, 'call.wav'));
    expect(e.code).toBe('ENOTDIR');
    expect(e.message).toMatch(/a part of the path is a file, not a directory/);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only directory: EACCES', () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const e = openError(join(ro, 'call.wav'));
      expect(e.code).toBe('EACCES');
      expect(e.message).toMatch(/permission denied; record to a directory you can write to/);
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});
