import { parseDurationText } from '../clock/duration-text.js';

/**
 * Durations in a test file: `2s`, `500ms`, `1.5s`, `1m`, or a bare number of seconds (`within: 3`);
 * strings as clock/duration-text.ts reads them. Returns milliseconds, or undefined when the value
 * is not a duration.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  return typeof value === 'string' ? parseDurationText(value) : undefined;
}

/** Milliseconds as written back for people: `1.234 s`, `850 ms`. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${Math.round(ms)} ms`;
}
