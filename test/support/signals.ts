// Test signals for the media tests: sines, seeded noise, a G.711 µ-law round trip.
import { linearToUlaw, ulawToLinear } from '../../src/media/g711.js';
import { prng } from './prng.js';

/** Sum of sines `{ hz, dbfs }` (a full-scale sine is 0 dBFS), `n` samples from sample `from`. */
export function tones(parts: readonly { hz: number; dbfs: number; phase?: number }[], n: number, sampleRate = 8000, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const p of parts) {
      v += 32767 * 10 ** (p.dbfs / 20) * Math.sin((2 * Math.PI * p.hz * (i + from)) / sampleRate + (p.phase ?? 0));
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Gaussian white noise at an RMS level of `dbfs` (re a full-scale sine), seeded. */
export function noise(n: number, dbfs: number, seed = 1): Int16Array {
  const rand = prng(seed);
  const sigma = (32767 / Math.SQRT2) * 10 ** (dbfs / 20);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12);
    const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    out[i] = Math.max(-32768, Math.min(32767, Math.round(g * sigma)));
  }
  return out;
}

/** Adds b into a (saturating), in place; returns a. */
export function mix(a: Int16Array, b: Int16Array): Int16Array {
  for (let i = 0; i < a.length && i < b.length; i++) a[i] = Math.max(-32768, Math.min(32767, a[i] + b[i]));
  return a;
}

/** Encodes to µ-law and decodes back, as a PCMU call path does. */
export function ulawRoundTrip(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ulawToLinear(linearToUlaw(pcm[i]));
  return out;
}

/** Concatenates PCM pieces. */
export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
