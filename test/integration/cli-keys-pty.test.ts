// The built binary on a real terminal: `script` (util-linux/bsdutils) runs
// `node bin/sipcall.cjs invite …` in a pseudo-terminal, so stdin is a TTY in raw mode and the
// in-call keys are read as a person types them (src/cli/call-keys.ts). The callee is
// `sipcall answer`, in this process. Needs `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo, type FakeIo } from '../support/fake-io.js';
import { findCommand, inCI } from '../support/peers/require-peer.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
const KEYS_LINE = 'keys: h hang up · 0-9*#A-D DTMF · m mute · H hold · t transfer · s stats · ? help';

const script = findCommand('script');
if (!script) {
  if (inCI()) throw new Error('`script` is missing (package bsdutils): .ci/run should install it');
  process.stderr.write('skipping the pseudo-terminal tests: `script` is not installed (apt-get install bsdutils)\n');
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `npm run build` before the integration tests');
});

const answers: Array<{ io: FakeIo; done: Promise<number> }> = [];
const ptys: Pty[] = [];
afterEach(async () => {
  await Promise.all(ptys.splice(0).map((p) => p.stop()));
  for (const a of answers.splice(0)) {
    a.io.interrupt();
    await a.done;
  }
});

/** `sipcall answer --port 0` in this process; resolves with its port. */
async function startAnswer(): Promise<number> {
  const io = fakeIo();
  const done = run(['answer', '--port', '0', '--ring', '50', '--duration', '30', '--json'], io);
  answers.push({ io, done });
  const m = await until('answer to listen', () => /answering on 127\.0\.0\.1:(\d+)/.exec(io.out.text));
  return Number(m[1]);
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

interface Pty {
  /** What the terminal showed (stdout and stderr of the program, CR LF line ends). */
  output(): string;
  /** Types on the terminal. */
  type(text: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops script and what runs under it, by PID. */
  stop(): Promise<void>;
}

/** The PIDs under `pid` (from /proc/PID/task/TID/children), deepest first. */
function descendants(pid: number): number[] {
  const kids: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) kids.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return kids.flatMap((k) => [...descendants(k), k]);
}

/** `script -qefc COMMAND /dev/null`: COMMAND in a pseudo-terminal; `-e` passes its exit status on. */
function inPty(command: string): Pty {
  const child: ChildProcess = spawn(script!, ['-qefc', command, '/dev/null'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, TERM: 'xterm' },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    output: () => out,
    type: (text) => void child.stdin!.write(text),
    exited,
    async stop() {
      if (done) return;
      const pids = [...descendants(child.pid!), child.pid!];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
    },
  };
}

describe.skipIf(!script)('sipcall invite in a pseudo-terminal (script)', () => {
  it('the key list when the call is up; ? shows it again; h hangs up with BYE; exit 0', async () => {
    const port = await startAnswer();
    const pty = inPty(`node bin/sipcall.cjs invite bob@127.0.0.1:${port} --no-media`);
    ptys.push(pty);
    await until('the key list', () => pty.output().includes(KEYS_LINE));
    const mark = pty.output().length;
    pty.type('?');
    await until('the key list again', () => pty.output().slice(mark).includes(KEYS_LINE));
    pty.type('h');
    const status = await within(pty.exited, 15_000, 'the end of the call');
    const out = pty.output();
    expect(status, out).toEqual({ code: 0, signal: null });
    expect(out).toMatch(/· keys: h hang up[^\n]*\r?\n[\s\S]*· keys: h hang up/);
    expect(out).toMatch(/→ BYE sip:[^\n]*\r?\n\s+[\d.]+ {2}← 200 OK/);
    expect(out).toMatch(/· dialog ended: BYE/);
    expect(out).toMatch(/✓ success {2}200 OK {2}\([\d.]+ s, exit 0\)/);
  });

  it('on a terminal with a size: the status line (call time, codec, packets, on hold) on the spinner; H holds and resumes; Enter hangs up; exit 0', async () => {
    const port = await startAnswer();
    // script's terminal has no size when its own stdin is not a terminal; the spinner needs one.
    const pty = inPty(`stty cols 160 rows 40; exec node bin/sipcall.cjs invite bob@127.0.0.1:${port}`);
    ptys.push(pty);
    await until('the key list', () => pty.output().includes(KEYS_LINE));
    await until('the status line with media figures', () => /call 0:0\d {2}PCMU {2}out \d+ {2}in \d+ {2}loss \d+\.\d % {2}jitter \d+\.\d ms · call in progress/.test(pty.output()));
    pty.type('H');
    await until('on hold', () => /jitter \d+\.\d ms {2}on hold · call in progress/.test(pty.output()));
    // resumed before hanging up: a call that ends on hold is judged on its hold answer (see the report)
    const mark = pty.output().length;
    pty.type('H');
    await until('resumed', () => /· resumed: we sent a=sendrecv/.test(pty.output().slice(mark)));
    await until('the status line without on hold', () => /jitter \d+\.\d ms · call in progress/.test(pty.output().slice(mark)));
    pty.type('\r');
    const status = await within(pty.exited, 15_000, 'the end of the call');
    expect(status, pty.output()).toEqual({ code: 0, signal: null });
    expect(pty.output()).toMatch(/→ BYE sip:/);
  });
});
