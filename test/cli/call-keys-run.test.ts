// `sipcall invite` on a (fake) terminal, in process, against `sipcall answer` on loopback: the
// keys reach the engine through src/cli/main.ts, and what they do shows in the output.
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS_HELP } from '../../src/cli/call-keys.js';
import { run } from '../../src/cli/main.js';
import { fakeIo, fakeTtyIo, type FakeIo, type FakeTtyIo } from '../support/fake-io.js';

const answers: Array<{ io: FakeIo; done: Promise<number> }> = [];
afterEach(async () => {
  for (const a of answers.splice(0)) {
    a.io.interrupt();
    await a.done;
  }
});

/** `sipcall answer --port 0` in process; resolves with its port. */
async function startAnswer(): Promise<number> {
  const io = fakeIo();
  const done = run(['answer', '--port', '0', '--ring', '50', '--json'], io);
  answers.push({ io, done });
  const m = await until('answer to listen', () => /answering on 127\.0\.0\.1:(\d+)/.exec(io.out.text));
  return Number(m[1]);
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The output lines that came after `mark` (so a test waits for what a key did, not an older line). */
function after(io: FakeTtyIo, mark: number): string {
  return io.out.text.slice(mark);
}

describe('sipcall invite on a terminal: the in-call keys', () => {
  it('with media: ? lists the keys, 1 sends DTMF, s the figures, H holds and resumes, x is unknown, h hangs up; exit 0', async () => {
    const port = await startAnswer();
    const io = fakeTtyIo();
    const done = run(['invite', `bob@127.0.0.1:${port}`], io);
    await until('the key list', () => io.out.text.includes(KEYS_HELP));
    expect(io.raw).toBe(true);

    const step = async (key: string, shows: RegExp) => {
      const mark = io.out.text.length;
      io.type(key);
      await until(`${JSON.stringify(key)} → ${shows}`, () => shows.test(after(io, mark)));
    };
    await step('?', new RegExp(`· ${KEYS_HELP.replace(/[?*]/g, '\\$&')}`));
    await step('1', /♪ DTMF 1 sent/);
    await step('s', /· sent \d+ packets; received \d+, lost \d+/);
    await step('H', /· on hold: we sent a=sendonly/);
    await step('H', /· resumed: we sent a=sendrecv/);
    await step('x', /· x does nothing here; keys: h hang up/);
    io.type('h');
    const code = await done;
    expect(code, io.out.text + io.err.text).toBe(0);
    expect(io.out.text).toMatch(/→ BYE sip:/);
    expect(io.out.text).toMatch(/✓ success {2}200 OK/);
    expect(io.raw).toBe(false);
    expect(io.stdin.listenerCount('data')).toBe(0);
  }, 20_000);

  it('--no-media: t with a target that is not a URI says why and the call goes on; Enter hangs up', async () => {
    const port = await startAnswer();
    const io = fakeTtyIo();
    const done = run(['invite', `bob@127.0.0.1:${port}`, '--no-media'], io);
    await until('the key list', () => io.out.text.includes(KEYS_HELP));
    io.type('t');
    await until('the prompt', () => io.out.text.includes('Transfer the call to'));
    io.type('not a uri\r');
    await until('the reason', () => io.out.text.includes('t: the transfer target "not a uri" contains white space'));
    expect(io.out.text).toMatch(/! t: the transfer target "not a uri" contains white space or control characters; no transfer, the call goes on/);
    io.type('5');
    await until('no media', () => io.out.text.includes('5: no DTMF sent, this call has no media'));
    io.type('\r');
    expect(await done).toBe(0);
    expect(io.out.text).toMatch(/→ BYE sip:/);
  }, 20_000);

  it('--duration on a terminal: the keys still work (h hangs up before the duration ends)', async () => {
    const port = await startAnswer();
    const io = fakeTtyIo();
    const started = Date.now();
    const done = run(['invite', `bob@127.0.0.1:${port}`, '--no-media', '--duration', '30'], io);
    await until('the key list', () => io.out.text.includes(KEYS_HELP));
    io.type('h');
    expect(await done).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(io.out.text).toMatch(/→ BYE sip:/);
    expect(io.raw).toBe(false);
  }, 20_000);
});
