// The JSON presenter to a reader that does not keep up: lines past the limit are dropped and
// counted in one `output-dropped` note once the reader catches up; the result always goes out.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonPresenter } from '../../src/present/json.js';
import type { SipEvent } from '../../src/events/types.js';

/** A stdout whose reader takes nothing until `drain()`: everything written stays queued. */
function stuckStdout() {
  const chunks: string[] = [];
  let release: (() => void) | undefined;
  const pending: Array<() => void> = [];
  const w = new Writable({
    highWaterMark: 1024,
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      if (release) cb();
      else pending.push(cb);
    },
  });
  return {
    w,
    chunks,
    drain() {
      release = () => undefined;
      for (const cb of pending.splice(0)) cb();
    },
  };
}

const note = (i: number): SipEvent => ({ type: 'note', t: i, level: 'info', text: `line ${i} ${'x'.repeat(100)}` }) as SipEvent;

describe('JsonPresenter with a slow reader', () => {
  it('queues at most about the limit, counts what it dropped, says so when the reader catches up; the result is never dropped', async () => {
    const out = stuckStdout();
    const p = new JsonPresenter({ stdout: out.w, verbose: false, quiet: false }, 4096);
    for (let i = 0; i < 1000; i++) p.onEvent(note(i));
    expect(out.w.writableLength).toBeLessThan(4096 + 200);
    out.drain();
    await new Promise((r) => setImmediate(r));
    p.onEvent(note(1000));
    p.onEvent({ type: 'result', t: 1001, outcome: 'success', exitCode: 0, durationMs: 1, summary: 'done' } as SipEvent);
    await new Promise((r) => setImmediate(r));
    const lines = out.chunks.join('').trim().split('\n').map((l) => JSON.parse(l));
    const dropped = lines.filter((l) => l.code === 'output-dropped');
    expect(dropped).toHaveLength(1);
    const n = Number(/^(\d+) event lines dropped: stdout was not read fast enough \(more than 4096 bytes waiting\)$/.exec(dropped[0].text)![1]);
    const written = lines.filter((l) => l.type === 'note' && l.code !== 'output-dropped');
    // every line is either written or counted: nothing silently lost
    expect(written.length + n).toBe(1001);
    expect(n).toBeGreaterThan(900);
    expect(lines[lines.length - 1].type).toBe('result');
  });

  it('a reader that keeps up loses nothing', () => {
    const chunks: string[] = [];
    const w = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
    const p = new JsonPresenter({ stdout: w, verbose: false, quiet: false }, 4096);
    for (let i = 0; i < 1000; i++) p.onEvent(note(i));
    expect(chunks).toHaveLength(1000);
  });
});
