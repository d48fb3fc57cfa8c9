/**
 * A duration as people write it on a command line or in a test file: `10s`, `500ms`, `1.5s`,
 * `.5s`, `2m` (or `2min`), `1h`, or a bare number of seconds. Returns milliseconds, or undefined
 * when the text is not a duration (negative, empty, unknown unit). One parser for `sipcall load`
 * (--duration, --ramp) and `sipcall test` files (`within:`, `wait:`).
 */
export function parseDurationText(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|min|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms':
      return n;
    case 'm':
    case 'min':
      return n * 60_000;
    case 'h':
      return n * 3_600_000;
    default:
      return n * 1000;
  }
}
