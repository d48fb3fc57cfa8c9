import { Writable } from 'node:stream';

/** What every value from the environment is replaced with in any output. */
export const MASK = '********';

/**
 * The secrets of a run (every value read with `${env.NAME}`): never printed anywhere. Every
 * writer of the `test` command (stdout, stderr, the JUnit file, the GitHub summary) goes
 * through `mask()`. Values shorter than 3 characters are masked too, but only where they stand
 * alone would be guesswork: they are masked everywhere, which may hide a digit or two.
 */
export class Secrets {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string): void {
    if (value === '' || this.values.has(value)) return;
    this.values.add(value);
    // As it appears inside a JSON string too (`--json`, JUnit of JSON): a quote or a backslash
    // in a password is escaped there, and the plain form would not match.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.values.add(escaped);
    this.pattern = undefined;
  }

  get size(): number {
    return this.values.size;
  }

  mask(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= new RegExp(
      [...this.values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, MASK);
  }
}

/** A writable that masks the secrets in everything written through it, then passes it on. */
export function maskingStream<T extends NodeJS.WritableStream>(target: T, secrets: Secrets): T {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      target.write(secrets.mask(chunk.toString()));
      cb();
    },
  });
  // Presenters look at isTTY and columns to choose colour and layout.
  Object.assign(w, { isTTY: (target as { isTTY?: boolean }).isTTY, columns: (target as { columns?: number }).columns });
  return w as unknown as T;
}
