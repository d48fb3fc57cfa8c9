import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/** A writable stream that keeps what was written. */
export class Collect extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface FakeIo extends CliIo {
  out: Collect;
  err: Collect;
  /** Simulates Ctrl-C. */
  interrupt(): void;
}

/** In-process streams for `run(argv, io)`: no TTY, empty environment unless given. */
export function fakeIo(env: Record<string, string | undefined> = {}, stdinText?: string): FakeIo {
  const out = new Collect();
  const err = new Collect();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (stdinText !== undefined) stdin.end(stdinText);
  let handlers: Array<() => void> = [];
  return {
    out,
    err,
    stdout: out,
    stderr: err,
    stdin,
    env,
    onInterrupt(h) {
      handlers.push(h);
      return () => {
        handlers = handlers.filter((x) => x !== h);
      };
    },
    interrupt() {
      for (const h of [...handlers]) h();
    },
  };
}

export interface FakeTtyIo extends FakeIo {
  stdin: PassThrough & { isTTY: true; setRawMode(raw: boolean): void };
  /** Every setRawMode call, in order. */
  rawMode: boolean[];
  /** The terminal's current mode. */
  readonly raw: boolean;
  /** Types on the terminal: the text arrives on stdin as one chunk. */
  type(text: string): void;
}

/**
 * As `fakeIo`, with stdin a terminal: `isTTY` and a `setRawMode` that only records. stdout and
 * stderr stay non-terminals (plain output, no spinner) unless the test sets their `isTTY`.
 */
export function fakeTtyIo(env: Record<string, string | undefined> = {}): FakeTtyIo {
  const io = fakeIo(env);
  const rawMode: boolean[] = [];
  const stdin = io.stdin as FakeTtyIo['stdin'];
  stdin.isTTY = true;
  stdin.setRawMode = (raw: boolean) => void rawMode.push(raw);
  const tty = Object.assign(io, {
    stdin,
    rawMode,
    type: (text: string) => void stdin.write(text),
  });
  return Object.defineProperty(tty, 'raw', { get: () => rawMode.at(-1) === true }) as FakeTtyIo;
}
