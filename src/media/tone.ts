/**
 * Test tones (`--play tone:440`) and the `--play` spec parser.
 *
 * Level: AES17 defines full-scale amplitude as that of a sine "whose positive peak value
 * reaches the positive digital full scale", and dBFS as a level relative to it: a full-scale
 * sine is 0 dBFS. So a sine at L dBFS has peak 32767 · 10^(L/20) in int16. Each component of a
 * dual tone gets that level (the sum can peak up to 6 dB higher, and is clipped to int16).
 *
 * Pure: sample arithmetic only.
 */

/** The level of `tone:FREQ` when no `@LEVEL` is given. */
export const DEFAULT_TONE_DBFS = -20;

/** Positive int16 full scale (AES17: the peak of a 0 dBFS sine). */
const FULL_SCALE = 32767;

/** A tone the constructor cannot make: a frequency at or above Nyquist, a level above 0 dBFS. */
export class ToneError extends RangeError {
  override readonly name = 'ToneError';
}

/**
 * A sum of sines, phase-continuous across {@link fill} calls: consecutive 20 ms frames join
 * without a click, as one long tone would.
 */
export class ToneSource {
  /** `tone 440 Hz −20 dBFS`, `tone 350+440 Hz −13 dBFS`. */
  readonly label: string;
  private readonly steps: Float64Array;
  /** Phase of each component in cycles, kept in [0, 1) so precision never drifts. */
  private readonly phases: Float64Array;
  private readonly amplitude: number;

  constructor(
    readonly freqsHz: number[],
    readonly dbfs: number,
    readonly sampleRate = 8000,
  ) {
    if (freqsHz.length === 0) throw new ToneError('ToneSource: give at least one frequency');
    for (const f of freqsHz) {
      if (!(f > 0 && f < sampleRate / 2)) {
        throw new ToneError(`ToneSource: ${f} Hz cannot be played at ${sampleRate} Hz; a frequency must be above 0 and below ${sampleRate / 2} Hz (Nyquist)`);
      }
    }
    if (!(dbfs <= 0)) throw new ToneError(`ToneSource: level ${dbfs} dBFS is above full scale; give 0 dBFS or less`);
    this.steps = Float64Array.from(freqsHz, (f) => f / sampleRate);
    this.phases = new Float64Array(freqsHz.length);
    this.amplitude = FULL_SCALE * 10 ** (dbfs / 20);
    this.label = `tone ${freqsHz.join('+')} Hz ${String(dbfs).replace('-', '−')} dBFS`;
  }

  /** Fills `out` with the next samples. Allocates nothing. */
  fill(out: Int16Array): void {
    const { steps, phases, amplitude } = this;
    const k = steps.length;
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        sum += Math.sin(2 * Math.PI * phases[j]!);
        const p = phases[j]! + steps[j]!;
        phases[j] = p >= 1 ? p - 1 : p;
      }
      const s = Math.round(amplitude * sum);
      out[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
  }
}

/** What `--play` asked for. */
export type PlaySpec = { kind: 'tone'; freqsHz: number[]; dbfs: number } | { kind: 'file'; path: string } | { kind: 'silence' };

/** A `--play` value that names a tone sipcall cannot play. */
export class PlaySpecError extends Error {
  override readonly name = 'PlaySpecError';
  constructor(
    readonly spec: string,
    message: string,
  ) {
    super(message);
  }
}

function accepted(sampleRate: number): string {
  const nyquist = sampleRate / 2;
  return (
    `accepted: tone:FREQ[+FREQ…][@LEVEL] with each FREQ in Hz above 0 and below ${nyquist} (half the ${sampleRate} Hz sample rate) ` +
    `and LEVEL in dBFS, 0 or less (default ${DEFAULT_TONE_DBFS}), e.g. tone:440, tone:350+440, tone:1000@-20; ` +
    `or silence; or the path of a WAV file`
  );
}

const NUMBER = /^\d+(?:\.\d+)?$/;
const LEVEL = /^[-+]?\d+(?:\.\d+)?$/;

/**
 * Parses a `--play` value:
 * - `tone:440`, `tone:350+440` (a dual tone, e.g. North American dial tone), `tone:1000@-20`
 *   (a level in dBFS), `tone:350+440@-13`;
 * - `silence`;
 * - anything else is a file path (a file literally named `tone:…` is reachable as `./tone:…`).
 *
 * @throws PlaySpecError for a `tone:` spec with a frequency that is not a number, is 0, or
 *   is at or above half the sample rate (4000 Hz at 8 kHz), or a level above 0 dBFS; and for
 *   an empty value. The message lists what is accepted.
 */
export function parsePlaySpec(spec: string, sampleRate = 8000): PlaySpec {
  if (spec === 'silence') return { kind: 'silence' };
  const fail = (why: string): never => {
    throw new PlaySpecError(spec, `--play ${JSON.stringify(spec)}: ${why}; ${accepted(sampleRate)}`);
  };
  if (spec.trim() === '') fail('empty value');
  if (!/^tone:/i.test(spec)) return { kind: 'file', path: spec };

  const body = spec.slice(5);
  const at = body.indexOf('@');
  const freqText = at < 0 ? body : body.slice(0, at);
  let dbfs = DEFAULT_TONE_DBFS;
  if (at >= 0) {
    const levelText = body.slice(at + 1);
    if (!LEVEL.test(levelText)) fail(`${JSON.stringify(levelText)} is not a level in dBFS`);
    dbfs = Number(levelText);
    if (dbfs > 0) fail(`level ${levelText} dBFS is above full scale`);
  }
  const freqsHz = freqText.split('+').map((t) => {
    if (!NUMBER.test(t)) fail(t === '' ? 'a frequency is missing' : `${JSON.stringify(t)} is not a frequency in Hz`);
    const f = Number(t);
    if (f <= 0) fail(`${t} Hz is not a tone`);
    if (f >= sampleRate / 2) fail(`${t} Hz cannot be carried at ${sampleRate} Hz sampling (it must be below ${sampleRate / 2} Hz)`);
    return f;
  });
  return { kind: 'tone', freqsHz, dbfs: dbfs === 0 ? 0 : dbfs };
}
