/**
 * WAV (RIFF WAVE) files as sipcall plays and records them: 8 kHz, linear 16-bit PCM or G.711.
 *
 * Layout (Microsoft/IBM "Multimedia Programming Interface and Data Specifications 1.0", 1991,
 * RIFF and WAVE chapters; Microsoft "WAVEFORMATEX" and "WAVEFORMATEXTENSIBLE"): a `RIFF`
 * chunk of form type `WAVE` holding a `fmt ` chunk, for non-PCM formats a `fact` chunk, and a
 * `data` chunk. All fields little-endian. "If the chunk size is an odd number of bytes, a pad
 * byte with value zero is written after ckData" (RIFF, "Chunks"); the pad is not counted in
 * the chunk's own size, but is in its parent's.
 *
 * Pure: builds and reads bytes; the file I/O lives in src/engine/wav-writer.ts.
 */
import { decodeG711 } from './g711.js';

/** What sipcall writes and plays: linear 16-bit PCM, G.711 µ-law, G.711 A-law. */
export type WavFormat = 'pcm16' | 'pcmu' | 'pcma';

/** The sample rate of everything sipcall plays and records (RFC 3551 §4.5.14, G.711). */
export const WAV_SAMPLE_RATE = 8000;

/** `wFormatTag` values (RFC 2361 Appendix A, "WAVE Format Registrations"). */
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const FORMAT_TAG: Record<WavFormat, number> = { pcm16: WAVE_FORMAT_PCM, pcmu: WAVE_FORMAT_MULAW, pcma: WAVE_FORMAT_ALAW };
const FORMAT_BITS: Record<WavFormat, number> = { pcm16: 16, pcmu: 8, pcma: 8 };

/**
 * Where the sizes sit in the header {@link wavHeader} writes, so a writer can patch them in
 * place as the data grows.
 */
export interface WavLayout {
  /** Header length: 44 for PCM16, 58 for G.711; the data starts here. */
  headerBytes: number;
  /** The RIFF chunk's size (u32 LE at byte 4). */
  riffSizeOffset: number;
  /** The `data` chunk's size (u32 LE). */
  dataSizeOffset: number;
  /** The `fact` chunk's sample-frame count (u32 LE); G.711 only. */
  factOffset?: number;
}

/** The three sizes a header carries for `dataBytes` of data. */
export interface WavSizes {
  /** RIFF chunk size: everything after its own 8-byte header, including a pad byte. */
  riffSize: number;
  /** `data` chunk size: the data itself, without the pad byte. */
  dataSize: number;
  /** `fact` dwSampleLength: sample frames (samples per channel); G.711 only. */
  factSamples?: number;
}

/** The byte layout of the header {@link wavHeader} writes for `format`. */
export function wavLayout(format: WavFormat): WavLayout {
  return format === 'pcm16'
    ? { headerBytes: 44, riffSizeOffset: 4, dataSizeOffset: 40 }
    : { headerBytes: 58, riffSizeOffset: 4, dataSizeOffset: 54, factOffset: 46 };
}

/** The sizes to write (or patch) for `dataBytes` of data in `channels` channels. */
export function wavSizes(format: WavFormat, channels: 1 | 2, dataBytes: number): WavSizes {
  const { headerBytes } = wavLayout(format);
  const pad = dataBytes & 1;
  const sizes: WavSizes = { riffSize: headerBytes - 8 + dataBytes + pad, dataSize: dataBytes };
  if (format !== 'pcm16') sizes.factSamples = Math.floor(dataBytes / channels);
  return sizes;
}

/**
 * A WAV header for `dataBytes` of 8 kHz data (the data and its pad byte follow it).
 *
 * - `pcm16`: the canonical 44 bytes: `RIFF` 36+N `WAVE`, `fmt ` 16 (PCMWAVEFORMAT: tag 1,
 *   channels, 8000, byte rate, block align, 16), `data` N.
 * - `pcmu` / `pcma`: 58 bytes. WAVEFORMATEX "should be used for all non-PCM formats", with
 *   cbSize 0 (an 18-byte `fmt `: tag 7 µ-law / 6 A-law, 8 bits); then a `fact` chunk, which
 *   "is required for all WAVE formats other than WAVE_FORMAT_PCM" ("Multimedia Programming
 *   Interface", fact chunk), holding the sample frames per channel; then `data` N.
 *
 * `riffSize` counts the pad byte when N is odd.
 */
export function wavHeader(format: WavFormat, channels: 1 | 2, dataBytes: number): Buffer {
  const layout = wavLayout(format);
  const sizes = wavSizes(format, channels, dataBytes);
  const bits = FORMAT_BITS[format];
  const blockAlign = (channels * bits) / 8;
  const h = Buffer.alloc(layout.headerBytes);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(sizes.riffSize, layout.riffSizeOffset);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  const fmtSize = format === 'pcm16' ? 16 : 18;
  h.writeUInt32LE(fmtSize, 16);
  h.writeUInt16LE(FORMAT_TAG[format], 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  h.writeUInt32LE(WAV_SAMPLE_RATE * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bits, 34);
  let at = 36;
  if (format !== 'pcm16') {
    h.writeUInt16LE(0, 36); // cbSize
    h.write('fact', 38, 'latin1');
    h.writeUInt32LE(4, 42);
    h.writeUInt32LE(sizes.factSamples!, layout.factOffset!);
    at = 50;
  }
  h.write('data', at, 'latin1');
  h.writeUInt32LE(sizes.dataSize, layout.dataSizeOffset);
  return h;
}

/** What {@link parseWav} found: enough to play the file. */
export interface WavInfo {
  format: WavFormat;
  channels: 1 | 2;
  sampleRate: number;
  bitsPerSample: number;
  /** Offset of the first data byte in the file. */
  dataOffset: number;
  /** Bytes of audio: a whole number of sample frames, no pad byte. */
  dataBytes: number;
}

/** Why a WAV file was refused. */
export type WavProblem = 'not-wav' | 'truncated' | 'bad-fmt' | 'no-fmt' | 'no-data' | 'unsupported-format';

/** The sox command that turns `path` into a file sipcall plays (8 kHz mono PCM16). */
export function soxConvertCommand(path?: string): string {
  if (path === undefined) return 'sox IN -r 8000 -c 1 -b 16 -e signed-integer OUT.wav';
  const out = `${path.replace(/\.wav$/i, '')}-8k.wav`;
  return `sox ${shellQuote(path)} -r 8000 -c 1 -b 16 -e signed-integer ${shellQuote(out)}`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A WAV file sipcall cannot play. `problem` says which kind; `found` describes the audio
 * format when the header could be read (e.g. "44100 Hz, 2 channels, 16-bit PCM"). The message
 * says what was wrong and, for a format sipcall does not play, gives a `sox` command that
 * converts the file.
 */
export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
  constructor(
    readonly problem: WavProblem,
    message: string,
    readonly found?: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** Options of {@link parseWav}. */
export interface ParseWavOptions {
  /**
   * Accept 2 channels as well (to read back a stereo recording). Default: mono only, as
   * `--play` needs.
   */
  allowStereo?: boolean;
}

const DAMAGED = 'The file is damaged or was cut short: copy or export it again (8000 Hz mono 16-bit PCM WAV)';

const KSDATAFORMAT_SUFFIX = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
};

interface Fmt {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  /** For WAVE_FORMAT_EXTENSIBLE: the SubFormat GUID when it is not a KSDATAFORMAT one. */
  unknownGuid?: string;
}

function describe(f: Fmt): string {
  const ch = `${f.channels} channel${f.channels === 1 ? '' : 's'}`;
  let enc: string;
  if (f.unknownGuid) enc = `WAVE_FORMAT_EXTENSIBLE with SubFormat ${f.unknownGuid}`;
  else if (f.tag === WAVE_FORMAT_PCM) enc = `${f.bits}-bit PCM`;
  else if (f.tag === WAVE_FORMAT_IEEE_FLOAT) enc = `${f.bits}-bit float`;
  else if (f.tag === WAVE_FORMAT_MULAW) enc = `${f.bits}-bit µ-law`;
  else if (f.tag === WAVE_FORMAT_ALAW) enc = `${f.bits}-bit A-law`;
  else enc = `format tag 0x${f.tag.toString(16).padStart(4, '0')}${TAG_NAMES[f.tag] ? ` (${TAG_NAMES[f.tag]})` : ''}`;
  return `${f.sampleRate} Hz, ${ch}, ${enc}`;
}

function guidText(b: Uint8Array, at: number): string {
  const h = (i: number, n: number, le: boolean): string => {
    const bytes = [...b.subarray(at + i, at + i + n)];
    return (le ? bytes.reverse() : bytes).map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return `{${h(0, 4, true)}-${h(4, 2, true)}-${h(6, 2, true)}-${h(8, 2, false)}-${h(10, 6, false)}}`.toUpperCase();
}

function ascii(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/**
 * Reads a WAV header: walks the chunks after `RIFF`/`WAVE` in any order, skips the ones it
 * does not need (`LIST`, `fact`, `cue `, …) and their pad bytes, and returns where the audio
 * is. Handles WAVE_FORMAT_EXTENSIBLE (0xFFFE) whose SubFormat GUID is KSDATAFORMAT_SUBTYPE
 * PCM, MULAW or ALAW, and a `data` size of 0 or 0xFFFFFFFF (what a streaming writer leaves
 * before it knows the size) as "to the end of the file". A `data` chunk that claims more than
 * the file holds (a recording cut short) is read to the end of the file.
 *
 * sipcall plays 8000 Hz mono 16-bit PCM, µ-law or A-law; anything else is refused with a
 * `sox` command that converts it (using `path` when given).
 *
 * @throws WavFormatError when the bytes are not a WAV file, are cut short inside the header,
 *   lack a `fmt ` or `data` chunk, or hold a format sipcall does not play.
 */
export function parseWav(bytes: Uint8Array, path?: string, options: ParseWavOptions = {}): WavInfo {
  const name = path ?? 'the WAV file';
  const fail = (problem: WavProblem, why: string): never => {
    throw new WavFormatError(problem, problem === 'not-wav' ? `${name} ${why}` : `${name} ${why}. ${DAMAGED}`, undefined, path);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;

  if (len < 12) {
    if (len >= 4 && ascii(bytes, 0) === 'RIFF') fail('truncated', `is truncated: ${len} bytes, but a WAV header needs at least 44`);
    fail('not-wav', `is not a WAV file: it is ${len} bytes long and does not start with "RIFF....WAVE"`);
  }
  const magic = ascii(bytes, 0);
  if (magic !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    const hint = magic === 'RF64' ? ' (it is RF64, which sipcall does not read)' : '';
    fail('not-wav', `is not a WAV file: it does not start with "RIFF....WAVE"${hint}; convert it with: ${soxConvertCommand(path)}`);
  }

  let fmt: Fmt | undefined;
  let data: { offset: number; bytes: number } | undefined;
  let at = 12;
  while (at < len && !(fmt && data)) {
    if (at + 8 > len) fail('truncated', `is truncated: a chunk header at byte ${at} is cut off by the end of the file`);
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      const toEnd = size === 0 || size === 0xffffffff;
      data = { offset: body, bytes: toEnd ? len - body : Math.min(size, len - body) };
      if (toEnd) break; // nothing after it can be found
    } else if (id === 'fmt ') {
      if (size < 16) fail('bad-fmt', `has a malformed fmt chunk: ${size} bytes, at least 16 are needed`);
      if (body + 16 > len) fail('truncated', `is truncated inside its fmt chunk (byte ${at})`);
      fmt = readFmt(bytes, view, body, size, fail);
    }
    at = body + size + (size & 1);
  }
  if (!fmt) fail('no-fmt', data && at < len ? 'has no fmt chunk before its data, which runs to the end of the file' : 'has no fmt chunk');
  if (!data) fail('no-data', 'has no data chunk');
  return checkPlayable(fmt!, data!, path, options);
}

function readFmt(bytes: Uint8Array, view: DataView, body: number, size: number, fail: (p: WavProblem, why: string) => never): Fmt {
  const f: Fmt = {
    tag: view.getUint16(body, true),
    channels: view.getUint16(body + 2, true),
    sampleRate: view.getUint32(body + 4, true),
    bits: view.getUint16(body + 14, true),
  };
  if (f.tag === WAVE_FORMAT_EXTENSIBLE) {
    // WAVEFORMATEXTENSIBLE: cbSize 22, wValidBitsPerSample, dwChannelMask, SubFormat (16).
    if (size < 40) fail('bad-fmt', `has a WAVE_FORMAT_EXTENSIBLE fmt chunk of ${size} bytes; it needs 40`);
    if (body + 40 > bytes.length) fail('truncated', 'is truncated inside its fmt chunk');
    const g = body + 24;
    const suffixOk = KSDATAFORMAT_SUFFIX.every((x, i) => bytes[g + 4 + i] === x);
    const sub = view.getUint32(g, true);
    if (suffixOk && sub <= 0xffff) f.tag = sub;
    else f.unknownGuid = guidText(bytes, g);
  }
  return f;
}

function checkPlayable(f: Fmt, data: { offset: number; bytes: number }, path: string | undefined, options: ParseWavOptions): WavInfo {
  const format: WavFormat | undefined =
    f.unknownGuid !== undefined
      ? undefined
      : f.tag === WAVE_FORMAT_PCM && f.bits === 16
        ? 'pcm16'
        : f.tag === WAVE_FORMAT_MULAW && f.bits === 8
          ? 'pcmu'
          : f.tag === WAVE_FORMAT_ALAW && f.bits === 8
            ? 'pcma'
            : undefined;
  const channelsOk = f.channels === 1 || (options.allowStereo === true && f.channels === 2);
  if (!format || !channelsOk || f.sampleRate !== WAV_SAMPLE_RATE) {
    const found = describe(f);
    const wanted = options.allowStereo ? 'mono or stereo' : 'mono';
    throw new WavFormatError(
      'unsupported-format',
      `${path ?? 'the WAV file'} is ${found}; sipcall plays only 8000 Hz ${wanted} 16-bit PCM, µ-law or A-law WAV. ` +
        `Convert it with: ${soxConvertCommand(path)}`,
      found,
      path,
    );
  }
  const blockAlign = (f.channels * f.bits) / 8;
  return {
    format,
    channels: f.channels as 1 | 2,
    sampleRate: f.sampleRate,
    bitsPerSample: f.bits,
    dataOffset: data.offset,
    dataBytes: data.bytes - (data.bytes % blockAlign),
  };
}

/**
 * The audio of a parsed WAV file as linear int16 samples (interleaved when stereo); G.711 is
 * decoded with the G.711 tables ({@link decodeG711}).
 */
export function wavSamples(info: WavInfo, bytes: Uint8Array): Int16Array {
  const data = bytes.subarray(info.dataOffset, info.dataOffset + info.dataBytes);
  if (info.format === 'pcm16') {
    const n = data.length >> 1;
    const out = new Int16Array(n);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
    return out;
  }
  const out = new Int16Array(data.length);
  decodeG711(info.format === 'pcmu' ? 'PCMU' : 'PCMA', data, out);
  return out;
}
