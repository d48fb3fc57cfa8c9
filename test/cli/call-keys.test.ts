// The in-call keys of `sipcall invite` on a terminal (src/cli/call-keys.ts), driven through a
// fake terminal (test/support/fake-io.ts) against a fake CallActions that records each call.
// The transfer prompt is the real inquirer prompt, answered by typing on the fake stdin.
import { afterEach, describe, expect, it } from 'vitest';
import { callKeys, keysOf, KEYS_HELP, TRANSFER_PROMPT } from '../../src/cli/call-keys.js';
import type { CallActions } from '../../src/engine/call/controls.js';
import { parseTarget } from '../../src/engine/target.js';
import { fakeTtyIo, type FakeTtyIo } from '../support/fake-io.js';

interface Rig {
  io: FakeTtyIo;
  /** What the fake CallActions was asked to do, in order. */
  calls: string[];
  /** What the keys said: `info text` / `warn text`. */
  said: string[];
  ctrlC: number;
  /** Holds of the output taken and released. */
  holds: string[];
  actions: CallActions;
  stop(): void;
  /** Settles a pending toggleHold. */
  settleHold(state: 'held' | 'resumed' | undefined): void;
}

const rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs.splice(0)) r.stop();
});

function rig(opts: { media?: boolean } = {}): Rig {
  const media = opts.media ?? true;
  const io = fakeTtyIo();
  const calls: string[] = [];
  const said: string[] = [];
  const holds: string[] = [];
  let held = false;
  let muted = false;
  let settle: ((s: 'held' | 'resumed' | undefined) => void) | undefined;
  const actions: CallActions = {
    hangup: () => void calls.push('hangup'),
    dtmf: (d) => {
      calls.push(`dtmf ${d}`);
      return media;
    },
    toggleMute: () => {
      calls.push('mute');
      if (!media) return undefined;
      muted = !muted;
      return muted;
    },
    toggleHold: () => {
      calls.push('hold');
      return new Promise((resolve) => {
        settle = (s) => {
          if (s) held = s === 'held';
          resolve(s);
        };
      });
    },
    // As the engine does: the target must read as a SIP URI (src/engine/target.ts).
    transfer: (target) => {
      calls.push(`transfer ${target}`);
      try {
        parseTarget(target, 'transfer target');
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    stats: () => void calls.push('stats'),
    get held() {
      return held;
    },
  };
  const r: Rig = {
    io,
    calls,
    said,
    ctrlC: 0,
    holds,
    actions,
    stop: () => {},
    settleHold: (s) => settle?.(s),
  };
  const keys = callKeys(io, {
    onCtrlC: () => void r.ctrlC++,
    say: (text, level = 'info') => void said.push(`${level} ${text}`),
    holdOutput: () => {
      holds.push('hold');
      return () => void holds.push('release');
    },
  });
  r.stop = keys(actions);
  rigs.push(r);
  return r;
}

/** Lets the stream deliver what was typed (PassThrough emits on a later tick). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

async function until(what: string, pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function press(r: Rig, text: string): Promise<void> {
  r.io.type(text);
  await settle();
}

describe('in-call keys: start and stop', () => {
  it('when the call is up: raw mode, listening, and the key list', () => {
    const r = rig();
    expect(r.io.raw).toBe(true);
    expect(r.io.stdin.listenerCount('data')).toBe(1);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
    expect(KEYS_HELP).toBe('keys: h hang up · 0-9*#A-D DTMF · m mute · H hold · t transfer · s stats · ? help');
  });

  it('when the call ends: raw mode off, no listener, keys do nothing', async () => {
    const r = rig();
    r.stop();
    expect(r.io.raw).toBe(false);
    expect(r.io.stdin.listenerCount('data')).toBe(0);
    await press(r, 'h1');
    expect(r.calls).toEqual([]);
  });
});

describe('in-call keys: each key', () => {
  it('digits, * and #, A-D and a-d send DTMF', async () => {
    const r = rig();
    await press(r, '1');
    await press(r, '0*#');
    await press(r, 'AbcD');
    expect(r.calls).toEqual(['dtmf 1', 'dtmf 0', 'dtmf *', 'dtmf #', 'dtmf A', 'dtmf b', 'dtmf c', 'dtmf D']);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
  });

  it('a digit without media says it was not sent', async () => {
    const r = rig({ media: false });
    await press(r, '5');
    expect(r.calls).toEqual(['dtmf 5']);
    expect(r.said.at(-1)).toBe('warn 5: no DTMF sent, this call has no media');
  });

  it('m mutes and unmutes (the engine says which); without media it says so', async () => {
    const r = rig();
    await press(r, 'm');
    await press(r, 'm');
    expect(r.calls).toEqual(['mute', 'mute']);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
    const n = rig({ media: false });
    await press(n, 'm');
    expect(n.said.at(-1)).toBe('warn m: nothing to mute, this call has no media');
  });

  it('H holds, H again resumes; an H while one is under way waits; a refused one says so', async () => {
    const r = rig();
    await press(r, 'H');
    expect(r.calls).toEqual(['hold']);
    await press(r, 'H');
    expect(r.calls).toEqual(['hold']);
    expect(r.said.at(-1)).toBe('info H: a hold or resume is already under way');
    r.settleHold('held');
    await settle();
    expect(r.actions.held).toBe(true);
    await press(r, 'H');
    expect(r.calls).toEqual(['hold', 'hold']);
    r.settleHold(undefined);
    await settle();
    expect(r.said.at(-1)).toBe('warn H: not resumed; the call stays as it was');
    await press(r, 'H');
    r.settleHold('resumed');
    await settle();
    expect(r.calls).toEqual(['hold', 'hold', 'hold']);
    expect(r.actions.held).toBe(false);
  });

  it('s shows the media figures now', async () => {
    const r = rig();
    await press(r, 's');
    expect(r.calls).toEqual(['stats']);
  });

  it('? shows the key list again', async () => {
    const r = rig();
    await press(r, '?');
    expect(r.said).toEqual([`info ${KEYS_HELP}`, `info ${KEYS_HELP}`]);
    expect(r.calls).toEqual([]);
  });

  it('an unknown key shows the key list, naming the key', async () => {
    const r = rig();
    await press(r, 'x');
    await press(r, '\t');
    expect(r.said.slice(1)).toEqual([`info x does nothing here; ${KEYS_HELP}`, `info Tab does nothing here; ${KEYS_HELP}`]);
    expect(r.calls).toEqual([]);
  });

  it('arrow and function keys (escape sequences) do nothing: the A of ESC [ A is not DTMF', async () => {
    const r = rig();
    await press(r, '\u001b[A');
    await press(r, '\u001bOP');
    await press(r, '\u001b[15~');
    expect(r.calls).toEqual([]);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
    expect(keysOf('1\u001b[B2\u001b')).toEqual(['1', '2']);
  });

  for (const [name, key] of [['h', 'h'], ['q', 'q'], ['Enter', '\r']] as const) {
    it(`${name} hangs up; what was typed after it is not read`, async () => {
      const r = rig();
      await press(r, `${key}1m`);
      expect(r.calls).toEqual(['hangup']);
    });
  }

  it('Ctrl-C (0x03 in raw mode) goes to the interrupt handlers', async () => {
    const r = rig();
    await press(r, '\u0003');
    expect(r.ctrlC).toBe(1);
    expect(r.calls).toEqual([]);
  });
});

describe('in-call keys: t, the blind transfer', () => {
  /** Presses t and waits for the prompt (written on stdout: the fake stderr is no terminal). */
  async function openPrompt(r: Rig): Promise<void> {
    await press(r, 't');
    await until('the transfer prompt', () => r.io.out.text.includes(TRANSFER_PROMPT));
    // the output is held back while the prompt has the terminal
    expect(r.holds).toEqual(['hold']);
  }

  it('a good target: the prompt asks, the transfer goes out, the keys come back', async () => {
    const r = rig();
    await openPrompt(r);
    await press(r, 'sip:carol@127.0.0.1:5070\r');
    await until('the transfer', () => r.calls.some((c) => c.startsWith('transfer')));
    expect(r.calls).toEqual(['transfer sip:carol@127.0.0.1:5070']);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
    expect(r.holds).toEqual(['hold', 'release']);
    expect(r.io.raw).toBe(true);
    await press(r, 's');
    expect(r.calls).toEqual(['transfer sip:carol@127.0.0.1:5070', 'stats']);
  });

  it('the keys typed into the prompt are not keys: h in the target does not hang up', async () => {
    const r = rig();
    await openPrompt(r);
    await press(r, 'h');
    await press(r, 'sip:bob@host\r');
    await until('the transfer', () => r.calls.some((c) => c.startsWith('transfer')));
    expect(r.calls).toEqual(['transfer hsip:bob@host']);
  });

  it('a target that is not a URI: the reason is shown and the call goes on', async () => {
    const r = rig();
    await openPrompt(r);
    await press(r, 'not a uri\r');
    await until('the answer', () => r.said.length > 1);
    expect(r.calls).toEqual(['transfer not a uri']);
    expect(r.said.at(-1)).toBe('warn t: the transfer target "not a uri" contains white space or control characters; no transfer, the call goes on');
    expect(r.io.raw).toBe(true);
    await press(r, 'h');
    expect(r.calls.at(-1)).toBe('hangup');
  });

  it('an empty answer: no transfer', async () => {
    const r = rig();
    await openPrompt(r);
    await press(r, '\r');
    await until('the answer', () => r.said.length > 1);
    expect(r.calls).toEqual([]);
    expect(r.said.at(-1)).toBe('info t: no target given; no transfer, the call goes on');
  });

  it('Ctrl-C in the prompt goes to the interrupt handlers', async () => {
    const r = rig();
    await openPrompt(r);
    await press(r, '\u0003');
    await until('Ctrl-C', () => r.ctrlC > 0);
    expect(r.calls).toEqual([]);
    expect(r.holds).toEqual(['hold', 'release']);
  });

  it('the call ends while the prompt is open: the prompt goes, the keys stay off', async () => {
    const r = rig();
    await openPrompt(r);
    r.stop();
    await until('the release', () => r.holds.length === 2);
    await settle();
    expect(r.io.raw).toBe(false);
    expect(r.io.stdin.isPaused()).toBe(true);
    await press(r, 'h');
    expect(r.calls).toEqual([]);
    expect(r.said).toEqual([`info ${KEYS_HELP}`]);
  });
});
