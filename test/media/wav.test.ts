import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../../src/media/g711.js';
import { WavFormatError, parseWav, soxConvertCommand, wavHeader, wavLayout, wavSamples, wavSizes, type WavFormat } from '../../src/media/wav.js';

// ---------------------------------------------------------------------------------------------
// Byte builders: the layouts of docs (media.md §3 "WAV") spelled out field by field.

const u16 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const fourcc = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

function chunk(id: string, body: number[], declaredSize = body.length): number[] {
  return [...fourcc(id), ...u32(declaredSize), ...body, ...(body.length & 1 ? [0] : [])];
}
function riff(chunks: number[][], riffSize?: number): Uint8Array {
  const body = [...fourcc('WAVE'), ...chunks.flat()];
  return Uint8Array.from([...fourcc('RIFF'), ...u32(riffSize ?? body.length), ...body]);
}
function fmt(tag: number, channels: number, rate: number, bits: number, extra?: number[]): number[] {
  const align = (channels * bits) / 8;
  return chunk('fmt ', [...u16(tag), ...u16(channels), ...u32(rate), ...u32(rate * align), ...u16(align), ...u16(bits), ...(extra ?? [])]);
}
/** KSDATAFORMAT_SUBTYPE_xxx: {0000TTTT-0000-0010-8000-00AA00389B71}. */
const ksGuid = (tag: number): number[] => [...u32(tag), ...u16(0), ...u16(0x10), 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
function fmtExtensible(channels: number, rate: number, bits: number, guid: number[]): number[] {
  return fmt(0xfffe, channels, rate, bits, [...u16(22), ...u16(bits), ...u32(channels === 1 ? 4 : 3), ...guid]);
}
const LIST = chunk('LIST', [...fourcc('INFO'), ...chunk('ISFT', [...fourcc('Lavf58.76.100'), 0])]);
const pcmBytes = (samples: number[]): number[] => samples.flatMap((s) => u16(s & 0xffff));

// ---------------------------------------------------------------------------------------------

describe('wavHeader: byte-for-byte the layouts of media.md', () => {
  it('PCM16 8 kHz mono: the canonical 44 bytes', () => {
    const n = 320;
    const expected = [
      ...fourcc('RIFF'), ...u32(36 + n), ...fourcc('WAVE'),
      ...fourcc('fmt '), ...u32(16), ...u16(1), ...u16(1), ...u32(8000), ...u32(16000), ...u16(2), ...u16(16),
      ...fourcc('data'), ...u32(n),
    ]; // prettier-ignore
    expect([...wavHeader('pcm16', 1, n)]).toEqual(expected);
    expect(wavLayout('pcm16')).toEqual({ headerBytes: 44, riffSizeOffset: 4, dataSizeOffset: 40 });
  });

  it('PCM16 stereo: byte rate 32000, block align 4', () => {
    const h = wavHeader('pcm16', 2, 640);
    expect(h.readUInt16LE(22)).toBe(2);
    expect(h.readUInt32LE(28)).toBe(32000);
    expect(h.readUInt16LE(32)).toBe(4);
  });

  for (const [format, tag] of [['pcmu', 7], ['pcma', 6]] as const) {
    it(`${format}: 58 bytes, an 18-byte fmt (tag ${tag}, cbSize 0) and a fact chunk`, () => {
      const n = 160;
      const expected = [
        ...fourcc('RIFF'), ...u32(50 + n), ...fourcc('WAVE'),
        ...fourcc('fmt '), ...u32(18), ...u16(tag), ...u16(1), ...u32(8000), ...u32(8000), ...u16(1), ...u16(8), ...u16(0),
        ...fourcc('fact'), ...u32(4), ...u32(n),
        ...fourcc('data'), ...u32(n),
      ]; // prettier-ignore
      expect([...wavHeader(format, 1, n)]).toEqual(expected);
      expect(wavLayout(format)).toEqual({ headerBytes: 58, riffSizeOffset: 4, dataSizeOffset: 54, factOffset: 46 });
    });
  }

  it('G.711 with odd data: the RIFF size counts the pad byte, the data size does not', () => {
    const h = wavHeader('pcmu', 1, 161);
    expect(h.readUInt32LE(4)).toBe(50 + 161 + 1);
    expect(h.readUInt32LE(54)).toBe(161);
    expect(h.readUInt32LE(46)).toBe(161);
  });

  it('G.711 stereo: fact counts sample frames (per channel), block align 2', () => {
    const h = wavHeader('pcma', 2, 320);
    expect(h.readUInt32LE(46)).toBe(160);
    expect(h.readUInt32LE(28)).toBe(16000);
    expect(h.readUInt16LE(32)).toBe(2);
    expect(wavSizes('pcma', 2, 320)).toEqual({ riffSize: 370, dataSize: 320, factSamples: 160 });
  });

  it('every header parses back to itself', () => {
    for (const format of ['pcm16', 'pcmu', 'pcma'] as const) {
      for (const channels of [1, 2] as const) {
        const dataBytes = format === 'pcm16' ? 8 * channels : 4 * channels;
        const bytes = Uint8Array.from([...wavHeader(format, channels, dataBytes), ...new Array(dataBytes).fill(0)]);
        expect(parseWav(bytes, undefined, { allowStereo: true })).toEqual({
          format,
          channels,
          sampleRate: 8000,
          bitsPerSample: format === 'pcm16' ? 16 : 8,
          dataOffset: wavLayout(format).headerBytes,
          dataBytes,
        });
      }
    }
  });
});

describe('parseWav: layouts found in the wild', () => {
  const samples = [0, 1000, -1000, 32767, -32768];

  it('chunks in any order: LIST before fmt, data before fmt', () => {
    const a = riff([LIST, fmt(1, 1, 8000, 16), chunk('data', pcmBytes(samples))]);
    const infoA = parseWav(a);
    expect(infoA).toMatchObject({ format: 'pcm16', channels: 1, dataBytes: 10 });
    expect([...wavSamples(infoA, a)]).toEqual(samples);

    const b = riff([chunk('data', pcmBytes(samples)), LIST, fmt(1, 1, 8000, 16)]);
    const infoB = parseWav(b);
    expect(infoB.dataOffset).toBe(20);
    expect([...wavSamples(infoB, b)]).toEqual(samples);
  });

  it('honours pad bytes after odd-sized chunks (a 3-byte chunk, odd G.711 data followed by LIST)', () => {
    const codes = [0x00, 0x80, 0xff];
    const bytes = riff([chunk('junk', [1, 2, 3]), fmt(7, 1, 8000, 8, u16(0)), chunk('data', codes), LIST]);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ format: 'pcmu', dataOffset: 12 + 12 + 26 + 8, dataBytes: 3 });
    expect([...wavSamples(info, bytes)]).toEqual(codes.map(ulawToLinear));

    // The fmt after an odd chunk is only found when the pad byte is skipped.
    const padded = riff([chunk('junk', [9]), fmt(6, 1, 8000, 8, u16(0)), chunk('data', [0xd5])]);
    expect(parseWav(padded).format).toBe('pcma');
  });

  it('reads a 16-byte fmt for G.711 too (no cbSize), and a fact chunk is optional', () => {
    const bytes = riff([fmt(6, 1, 8000, 8), chunk('data', [0xd5, 0x55])]);
    const info = parseWav(bytes);
    expect(info.format).toBe('pcma');
    expect([...wavSamples(info, bytes)]).toEqual([0xd5, 0x55].map(alawToLinear));
  });

  for (const [name, tag, bits, format] of [['PCM', 1, 16, 'pcm16'], ['MULAW', 7, 8, 'pcmu'], ['ALAW', 6, 8, 'pcma']] as const) {
    it(`WAVE_FORMAT_EXTENSIBLE with KSDATAFORMAT_SUBTYPE_${name}`, () => {
      const bytes = riff([fmtExtensible(1, 8000, bits, ksGuid(tag)), chunk('fact', u32(2)), chunk('data', new Array(bits / 4).fill(0))]);
      expect(parseWav(bytes)).toMatchObject({ format, channels: 1, sampleRate: 8000, bitsPerSample: bits, dataBytes: bits / 4 });
    });
  }

  for (const size of [0, 0xffffffff]) {
    it(`a streamed data size of 0x${size.toString(16)} means "to the end of the file"`, () => {
      const bytes = riff([fmt(1, 1, 8000, 16), chunk('data', [], size), pcmBytes(samples)], 0xffffffff);
      const info = parseWav(bytes);
      expect(info.dataBytes).toBe(10);
      expect([...wavSamples(info, bytes)]).toEqual(samples);
    });
  }

  it('reads a data chunk that claims more than the file holds to the end, in whole frames', () => {
    const bytes = riff([fmt(1, 1, 8000, 16), [...fourcc('data'), ...u32(1000), ...pcmBytes(samples), 0x12]]);
    expect(parseWav(bytes).dataBytes).toBe(10);
  });

  it('ignores the RIFF size (0 or wrong, as a killed writer leaves it)', () => {
    expect(parseWav(riff([fmt(1, 1, 8000, 16), chunk('data', pcmBytes(samples))], 0)).dataBytes).toBe(10);
  });

  it('works on a subarray of a larger buffer (byteOffset ≠ 0)', () => {
    const inner = riff([fmt(1, 1, 8000, 16), chunk('data', pcmBytes(samples))]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    const view = outer.subarray(3);
    expect([...wavSamples(parseWav(view), view)]).toEqual(samples);
  });

  it('refuses stereo by default and reads it with allowStereo', () => {
    const bytes = riff([fmt(1, 2, 8000, 16), chunk('data', pcmBytes([1, 2, 3, 4]))]);
    expect(() => parseWav(bytes)).toThrow(WavFormatError);
    const info = parseWav(bytes, undefined, { allowStereo: true });
    expect(info.channels).toBe(2);
    expect([...wavSamples(info, bytes)]).toEqual([1, 2, 3, 4]);
  });
});

/** The error parseWav throws for `bytes`, or a failed test. */
function refusal(bytes: Uint8Array, path?: string): WavFormatError {
  try {
    parseWav(bytes, path);
  } catch (e) {
    expect(e).toBeInstanceOf(WavFormatError);
    return e as WavFormatError;
  }
  throw new Error('parseWav accepted the bytes');
}

describe('parseWav: refusals say what was wrong and how to fix it', () => {
  const SOX = 'sox IN -r 8000 -c 1 -b 16 -e signed-integer OUT.wav';
  const cases: Array<[string, number[], string]> = [
    ['44.1 kHz stereo 16-bit PCM', fmt(1, 2, 44100, 16), '44100 Hz, 2 channels, 16-bit PCM'],
    ['16 kHz mono 16-bit PCM', fmt(1, 1, 16000, 16), '16000 Hz, 1 channel, 16-bit PCM'],
    ['8 kHz mono 8-bit PCM', fmt(1, 1, 8000, 8), '8000 Hz, 1 channel, 8-bit PCM'],
    ['8 kHz mono 24-bit PCM', fmt(1, 1, 8000, 24), '8000 Hz, 1 channel, 24-bit PCM'],
    ['8 kHz mono float', fmt(3, 1, 8000, 32), '8000 Hz, 1 channel, 32-bit float'],
    ['48 kHz stereo µ-law', fmt(7, 2, 48000, 8, u16(0)), '48000 Hz, 2 channels, 8-bit µ-law'],
    ['8 kHz A-law at 16 bits', fmt(6, 1, 8000, 16, u16(0)), '8000 Hz, 1 channel, 16-bit A-law'],
    ['IMA ADPCM', fmt(0x11, 1, 8000, 4, u16(0)), '8000 Hz, 1 channel, format tag 0x0011 (IMA ADPCM)'],
    ['MP3 in WAV', fmt(0x55, 1, 8000, 0, u16(0)), '8000 Hz, 1 channel, format tag 0x0055 (MPEG Layer 3)'],
    ['unknown tag', fmt(0x1234, 1, 8000, 8, u16(0)), '8000 Hz, 1 channel, format tag 0x1234'],
    ['extensible float', fmtExtensible(1, 8000, 32, ksGuid(3)), '8000 Hz, 1 channel, 32-bit float'],
    [
      'extensible, unknown GUID',
      fmtExtensible(1, 8000, 16, [...u32(0x6dba3190), ...u16(0x67bd), ...u16(0x11cf), 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]),
      '8000 Hz, 1 channel, WAVE_FORMAT_EXTENSIBLE with SubFormat {6DBA3190-67BD-11CF-8000-00AA00389B71}',
    ],
  ];
  for (const [name, fmtChunk, found] of cases) {
    it(`${name}: "${found}" and a sox command`, () => {
      const e = refusal(riff([fmtChunk, chunk('data', [0, 0, 0, 0])]));
      expect(e.problem).toBe('unsupported-format');
      expect(e.found).toBe(found);
      expect(e.message).toBe(
        `the WAV file is ${found}; sipcall plays only 8000 Hz mono 16-bit PCM, µ-law or A-law WAV. Convert it with: ${SOX}`,
      );
    });
  }

  it('uses the real path in the message and the sox command, quoted for the shell when needed', () => {
    const bytes = riff([fmt(1, 2, 44100, 16), chunk('data', [0, 0, 0, 0])]);
    const e = refusal(bytes, 'prompts/hello.wav');
    expect(e.path).toBe('prompts/hello.wav');
    expect(e.message).toBe(
      'prompts/hello.wav is 44100 Hz, 2 channels, 16-bit PCM; sipcall plays only 8000 Hz mono 16-bit PCM, µ-law or A-law WAV. ' +
        'Convert it with: sox prompts/hello.wav -r 8000 -c 1 -b 16 -e signed-integer prompts/hello-8k.wav',
    );
    expect(soxConvertCommand("my song's.WAV")).toBe(`sox 'my song'\\''s.WAV' -r 8000 -c 1 -b 16 -e signed-integer 'my song'\\''s-8k.wav'`);
    expect(soxConvertCommand('a.mp3')).toBe('sox a.mp3 -r 8000 -c 1 -b 16 -e signed-integer a.mp3-8k.wav');
  });

  const fmtOk = fmt(1, 1, 8000, 16);
  const damaged = 'The file is damaged or was cut short: copy or export it again (8000 Hz mono 16-bit PCM WAV)';
  const structural: Array<[string, Uint8Array, string, string]> = [
    ['an MP3 file', Uint8Array.from([...fourcc('ID3'), 3, 0, 0, 0, 0, 0, 0, 0, 0]), 'not-wav',
      `x.wav is not a WAV file: it does not start with "RIFF....WAVE"; convert it with: sox x.wav -r 8000 -c 1 -b 16 -e signed-integer x-8k.wav`],
    ['RIFF but not WAVE (AVI)', riff([]).map((b, i) => (i >= 8 && i < 12 ? fourcc('AVI ')[i - 8]! : b)), 'not-wav', 'x.wav is not a WAV file'],
    ['RF64', Uint8Array.from([...fourcc('RF64'), ...u32(0xffffffff), ...fourcc('WAVE')]), 'not-wav', 'it is RF64, which sipcall does not read'],
    ['an empty file', new Uint8Array(0), 'not-wav', 'x.wav is not a WAV file: it is 0 bytes long'],
    ['8 bytes of RIFF', Uint8Array.from([...fourcc('RIFF'), ...u32(100)]), 'truncated', `x.wav is truncated: 8 bytes, but a WAV header needs at least 44. ${damaged}`],
    ['a chunk header cut off', Uint8Array.from([...riff([fmtOk]), ...fourcc('da')]), 'truncated',
      `x.wav is truncated: a chunk header at byte 36 is cut off by the end of the file. ${damaged}`],
    ['a fmt chunk cut off', Uint8Array.from([...riff([]), ...fourcc('fmt '), ...u32(16), 1, 0, 1, 0]), 'truncated', `x.wav is truncated inside its fmt chunk (byte 12). ${damaged}`],
    ['a fmt chunk too small', riff([chunk('fmt ', [1, 0, 1, 0]), chunk('data', [0, 0])]), 'bad-fmt',
      `x.wav has a malformed fmt chunk: 4 bytes, at least 16 are needed. ${damaged}`],
    ['an extensible fmt too small', riff([fmt(0xfffe, 1, 8000, 16, u16(0)), chunk('data', [0, 0])]), 'bad-fmt',
      `x.wav has a WAVE_FORMAT_EXTENSIBLE fmt chunk of 18 bytes; it needs 40. ${damaged}`],
    ['only a header, no chunks', riff([]), 'no-fmt', `x.wav has no fmt chunk. ${damaged}`],
    ['data only', riff([LIST, chunk('data', [0, 0])]), 'no-fmt', `x.wav has no fmt chunk. ${damaged}`],
    ['streamed data before fmt', riff([chunk('data', [0, 0], 0), fmtOk]), 'no-fmt',
      `x.wav has no fmt chunk before its data, which runs to the end of the file. ${damaged}`],
    ['fmt only', riff([fmtOk, LIST]), 'no-data', `x.wav has no data chunk. ${damaged}`],
  ]; // prettier-ignore
  for (const [name, bytes, problem, text] of structural) {
    it(`${name}: ${problem}`, () => {
      const e = refusal(bytes, 'x.wav');
      expect(e.problem).toBe(problem);
      expect(e.found).toBeUndefined();
      expect(e.message).toContain(text);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Interop: soxi reads what we write (skipped, with one line, where sox is not installed).

function soxiMissing(): boolean {
  try {
    execFileSync('soxi', ['-V0'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (process.env.CI) throw new Error('soxi (package "sox") is not on PATH, and CI is set: install sox so the WAV interop tests run');
      process.stderr.write('test/media/wav.test.ts: soxi not found (package "sox"): skipping the soxi interop tests\n');
      return true;
    }
  }
  return false;
}
const SKIP_SOXI = soxiMissing();
const soxi = (flag: string, file: string): string => execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim();

describe.skipIf(SKIP_SOXI)('soxi reads our headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipcall-wav-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[WavFormat, 1 | 2, string]> = [
    ['pcm16', 1, 'Signed Integer PCM'],
    ['pcm16', 2, 'Signed Integer PCM'],
    ['pcmu', 1, 'u-law'],
    ['pcmu', 2, 'u-law'],
    ['pcma', 1, 'A-law'],
    ['pcma', 2, 'A-law'],
  ];
  for (const [format, channels, encoding] of cases) {
    it(`${format} ${channels === 1 ? 'mono' : 'stereo'}, odd frame count`, () => {
      const frames = 801; // odd: G.711 mono data gets a pad byte
      const linear = Int16Array.from({ length: frames * channels }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
      const data =
        format === 'pcm16'
          ? Buffer.from(linear.buffer)
          : Buffer.from([...linear].map(format === 'pcmu' ? linearToUlaw : linearToAlaw));
      const pad = data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
      const file = join(dir, `${format}-${channels}.wav`);
      writeFileSync(file, Buffer.concat([wavHeader(format, channels, data.length), data, pad]));
      expect(soxi('-r', file)).toBe('8000');
      expect(soxi('-c', file)).toBe(String(channels));
      expect(soxi('-e', file)).toBe(encoding);
      expect(soxi('-s', file)).toBe(String(frames));
      const bytes = readFileSync(file);
      const info = parseWav(bytes, file, { allowStereo: true });
      expect(info.dataBytes).toBe(data.length);
      const back = wavSamples(info, bytes);
      const expected = format === 'pcm16' ? [...linear] : [...data].map(format === 'pcmu' ? ulawToLinear : alawToLinear);
      expect([...back]).toEqual(expected);
    });
  }

  it('parses what sox writes, and refuses a 44.1 kHz stereo file with the conversion command, which works', () => {
    const ulaw = join(dir, 'sox-ulaw.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', ulaw, 'synth', '0.1', 'sine', '440']);
    expect(parseWav(readFileSync(ulaw), ulaw)).toMatchObject({ format: 'pcmu', channels: 1, dataBytes: 800 });

    const cd = join(dir, 'cd.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', cd, 'synth', '0.1', 'sine', '440']);
    const e = refusal(readFileSync(cd), cd);
    expect(e.found).toBe('44100 Hz, 2 channels, 16-bit PCM');
    const command = e.message.slice(e.message.indexOf('sox '));
    const [, ...args] = command.split(' ');
    execFileSync('sox', args);
    expect(parseWav(readFileSync(join(dir, 'cd-8k.wav')))).toMatchObject({ format: 'pcm16', channels: 1, dataBytes: 1600 });
  });
});
