/** Test helpers for presenters: a stream that collects text, and golden-file comparison. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { createPresenter, type PresenterOptions } from '../../src/present/index.js';

/** A Writable that keeps everything written to it, synchronously. */
export class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs events through a presenter at colour level 0 and returns what reached stdout and stderr. */
export function present(events: SipEvent[], opts: Partial<PresenterOptions> = {}): { out: string; err: string } {
  const stdout = new Collector();
  const stderr = new Collector();
  const p = createPresenter({
    mode: 'pretty',
    colorLevel: 0,
    verbose: false,
    quiet: false,
    ladder: false,
    spinner: false,
    peerLabel: '127.0.0.1:5060',
    ...opts,
    stdout,
    stderr,
  });
  for (const e of events) p.onEvent(e);
  p.finish();
  return { out: stdout.text, err: stderr.text };
}

/**
 * Compares `actual` with `golden/<name>.txt`. With `UPDATE_GOLDEN=1` it writes the file instead;
 * a missing golden file fails (so a new test cannot pass by writing its own expectation).
 */
export function expectGolden(name: string, actual: string): void {
  const file = new URL(`./golden/${name}.txt`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file golden/${name}.txt is missing: run with UPDATE_GOLDEN=1 and review it`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
