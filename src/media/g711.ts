/**
 * ITU-T G.711 companding: µ-law (PCMU, RTP payload type 0) and A-law (PCMA, payload type 8),
 * RFC 3551 §4.5.14: "G.711 ... is specified in ITU-T Recommendation G.711 ... 8 bits per
 * sample, ... 8,000 samples per second".
 *
 * The coding is the one of Sun Microsystems' public-domain `g711.c`, which ITU-T G.191 ships
 * as its reference and CPython's `audioop` copies: bit-exact with both on all 65,536 int16
 * inputs (test/media/g711.test.ts checks this against an independent transcription).
 *
 * - Encoders take a linear int16 sample. µ-law keeps the top 14 bits, A-law the top 13 (both
 *   truncate, as the reference does).
 * - Decoders return the centre of the quantisation interval on the int16 scale: ±32124 at most
 *   for µ-law, ±32256 for A-law.
 *
 * Pure: no I/O. The two 256-entry decode tables are built once when the module loads.
 */

/** The payload formats G.711 gives RTP (RFC 3551 §6, Table 4: PT 0 and PT 8). */
export type G711Codec = 'PCMU' | 'PCMA';

/**
 * The code of a zero sample: what a silent packet carries. µ-law 0xFF is "positive zero" and
 * A-law 0xD5 is +8 (its smallest positive level, 0x00 with the even bits inverted).
 */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = Object.freeze({ PCMU: 0xff, PCMA: 0xd5 });

/** µ-law bias: G.711 Table 2a adds 33 to the 14-bit magnitude (0x84 on the int16 scale). */
const ULAW_BIAS = 0x84;
/** µ-law clip: the largest 14-bit magnitude that still codes below the top (8159 + 33 = 8192). */
const ULAW_CLIP = 8159;

/**
 * Segment (exponent) of a biased µ-law magnitude `v` in 33..8192: the number of times it
 * reaches `64 << seg`, that is ⌊log2 v⌋ − 5, at least 0. 8 means "beyond the top segment".
 */
function ulawSegment(v: number): number {
  return Math.max(0, 26 - Math.clz32(v));
}

/** Segment of an A-law magnitude `v` in 0..4095: ⌊log2 v⌋ − 4, at least 0. */
function alawSegment(v: number): number {
  return Math.max(0, 27 - Math.clz32(v));
}

/**
 * µ-law code of one linear int16 sample (G.711 Table 2a; Sun `linear2ulaw`).
 *
 * The sign becomes bit 7, the segment bits 6–4 and the mantissa bits 3–0; then all eight bits
 * are inverted, as the character signals of G.711 Table 2a are.
 */
export function linearToUlaw(sample: number): number {
  let v = sample >> 2;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > ULAW_CLIP) v = ULAW_CLIP;
  v += ULAW_BIAS >> 2;
  const seg = ulawSegment(v);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask;
}

/**
 * A-law code of one linear int16 sample (G.711 Table 1a; Sun `linear2alaw`).
 *
 * A negative value `v` codes `−v − 1` (so the two polarities are symmetric about −½, as in
 * G.711 Table 1a); the sign bit is 1 for positive values, and the even bits are inverted as
 * the character signals of Table 1a are: mask 0xD5 (positive) or 0x55 (negative).
 */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = alawSegment(v);
  if (seg >= 8) return 0x7f ^ mask;
  const mantissa = seg < 2 ? v >> 1 : v >> seg;
  return ((seg << 4) | (mantissa & 0x0f)) ^ mask;
}

function ulawDecodeSlow(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

function alawDecodeSlow(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  const seg = (a & 0x70) >> 4;
  const q = (a & 0x0f) << 4;
  const t = seg === 0 ? q + 8 : (q + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function table(decode: (code: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = decode(c);
  return t;
}

/** Linear int16 value of each µ-law code (G.711 Table 2a, "decoder output" column, × 4). */
export const ULAW_TO_LINEAR: Readonly<Int16Array> = table(ulawDecodeSlow);
/** Linear int16 value of each A-law code (G.711 Table 1a, "decoder output" column, × 8). */
export const ALAW_TO_LINEAR: Readonly<Int16Array> = table(alawDecodeSlow);

/** Linear int16 value of a µ-law code (only the low 8 bits of `code` count). */
export function ulawToLinear(code: number): number {
  return ULAW_TO_LINEAR[code & 0xff]!;
}

/** Linear int16 value of an A-law code (only the low 8 bits of `code` count). */
export function alawToLinear(code: number): number {
  return ALAW_TO_LINEAR[code & 0xff]!;
}

/** A buffer given to {@link encodeG711} or {@link decodeG711} is too small for the samples asked for. */
export class G711BufferError extends RangeError {
  override readonly name = 'G711BufferError';
}

/**
 * Encodes `pcm` (linear int16) into `out` from `outOffset`, one byte per sample. Allocates
 * nothing, so a 20 ms packet (160 samples) can be built in place after its RTP header.
 *
 * @throws G711BufferError when `out` has fewer than `pcm.length` bytes from `outOffset`.
 */
export function encodeG711(codec: G711Codec, pcm: Int16Array, out: Uint8Array, outOffset = 0): void {
  const n = pcm.length;
  if (!Number.isInteger(outOffset) || outOffset < 0 || outOffset + n > out.length) {
    throw new G711BufferError(
      `encodeG711: ${n} samples do not fit in a ${out.length}-byte buffer from offset ${outOffset}; ` +
        `pass a buffer of at least ${Math.max(0, outOffset) + n} bytes or fewer samples`,
    );
  }
  const encode = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < n; i++) out[outOffset + i] = encode(pcm[i]!);
}

/**
 * Decodes the first `count` codes of `payload` into `out[0..count)` by table look-up.
 * Allocates nothing.
 *
 * @throws G711BufferError when `count` exceeds `payload.length` or `out.length`.
 */
export function decodeG711(codec: G711Codec, payload: Uint8Array, out: Int16Array, count = payload.length): void {
  if (!Number.isInteger(count) || count < 0 || count > payload.length || count > out.length) {
    throw new G711BufferError(
      `decodeG711: cannot decode ${count} samples from a ${payload.length}-byte payload into a ${out.length}-sample buffer; ` +
        `count must be at most both lengths`,
    );
  }
  const t = codec === 'PCMU' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
  for (let i = 0; i < count; i++) out[i] = t[payload[i]!]!;
}
