/**
 * One-key commands during `sipcall invite` on a terminal (issue 11 §3): the `keys` control of
 * CallControls. stdin is read in raw mode, one key at a time:
 *
 *   h, q, Enter   hang up (BYE)
 *   0-9 * # A-D   send a DTMF digit (a-d too)
 *   m             mute / unmute what we send
 *   H             hold / resume (re-INVITE a=sendonly / a=sendrecv)
 *   t             blind transfer: asks for the target (REFER)
 *   s             the media figures now
 *   ?             the key list
 *
 * Raw mode turns Ctrl-C into the byte 0x03 instead of SIGINT: it goes to the run's interrupt
 * handlers, as the signal would. What the keys have to say goes through `say` (a note in the
 * run's output, so it shows between the event lines and never over the status line).
 */
import { Writable } from 'node:stream';
import type { CallActions, CallControls } from '../engine/call/controls.js';
import type { CliIo } from './io.js';

/** The key list, shown when the call is up, on `?`, and after a key that does nothing. */
export const KEYS_HELP = 'keys: h hang up · 0-9*#A-D DTMF · m mute · H hold · t transfer · s stats · ? help';

export const TRANSFER_PROMPT = 'Transfer the call to (blind, REFER; empty to cancel):';

export interface CallKeysOptions {
  /** Ctrl-C (0x03 in raw mode): the run's interrupt handlers. */
  onCtrlC(): void;
  /** A line in the run's output (the CLI makes it a `note` event). */
  say(text: string, level?: 'info' | 'warn'): void;
  /** Holds the run's output (status line, event lines) while a prompt has the terminal; returns the release. */
  holdOutput?(): () => void;
  /** Asks for the transfer target; undefined when none was given. Default: an inquirer input prompt on the io. */
  ask?(message: string, signal: AbortSignal): Promise<string | undefined>;
}

const DTMF_KEY = /^[0-9*#A-Da-d]$/;

/** The keys in what the terminal sent: one per character, escape sequences (arrows, F-keys) dropped. */
export function keysOf(text: string): string[] {
  const keys: string[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c !== '\u001b') {
      keys.push(c);
      continue;
    }
    // ESC [ params final (CSI), ESC O x (SS3), or ESC alone / ESC x (Alt+x): none is a key here.
    const next = chars[i + 1];
    if (next === '[') {
      i += 2;
      while (i < chars.length && !/[@-~]/.test(chars[i]!)) i++;
    } else if (next === 'O') {
      i += 2;
    } else if (next !== undefined) {
      i += 1;
    }
  }
  return keys;
}

/** How a key reads in a message: `x`, `Tab`, `Ctrl-D`, `0x7f`. */
function keyName(k: string): string {
  if (k === '\t') return 'Tab';
  if (k === ' ') return 'Space';
  const code = k.codePointAt(0)!;
  if (code < 0x20) return `Ctrl-${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return 'Backspace';
  return k;
}

/**
 * An inquirer input prompt on the run's stdin; written on stderr when it is a terminal (stdout
 * stays for the run's lines). inquirer ends its output stream when the prompt is done; Node
 * spares process.stdout and process.stderr that, not other streams, so the prompt writes through
 * a stream of its own.
 */
export function inquirerAsk(io: CliIo): (message: string, signal: AbortSignal) => Promise<string | undefined> {
  return async (message, signal) => {
    const { default: inquirer } = await import('inquirer');
    const prompt = inquirer.createPromptModule({ input: io.stdin, output: promptOutput(io), signal });
    const { target } = await prompt<{ target: string }>([{ type: 'input', name: 'target', message }]);
    return target.trim() || undefined;
  };
}

/** The stream a prompt writes to: stderr when it is a terminal, else stdout; never closed by inquirer. */
export function promptOutput(io: CliIo): Writable {
  const terminal: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number } = io.stderr.isTTY ? io.stderr : io.stdout;
  const output = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      terminal.write(chunk);
      done();
    },
  });
  for (const k of ['isTTY', 'columns', 'rows'] as const) Object.defineProperty(output, k, { get: () => terminal[k] });
  return output;
}

/** inquirer's answer to Ctrl-C inside a prompt (readline in raw mode gets 0x03, not SIGINT). */
export function isPromptCtrlC(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

/** The `keys` control for CallControls: listens once the call is up, until the returned stop. */
export function callKeys(io: CliIo, opts: CallKeysOptions): NonNullable<CallControls['keys']> {
  const ask = opts.ask ?? inquirerAsk(io);
  return (actions: CallActions) => {
    const stdin = io.stdin;
    let listening = false;
    let stopped = false;
    /** The transfer prompt, while it runs (aborted when the call ends). */
    let prompt: AbortController | undefined;
    let holdPending = false;

    const listen = () => {
      if (listening || stopped) return;
      listening = true;
      stdin.setRawMode?.(true);
      stdin.on('data', onData);
      stdin.resume();
    };
    const unlisten = () => {
      if (!listening) return;
      listening = false;
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    };

    const hold = () => {
      if (holdPending) {
        opts.say('H: a hold or resume is already under way');
        return;
      }
      holdPending = true;
      const was = actions.held;
      actions.toggleHold().then(
        (state) => {
          holdPending = false;
          if (state === undefined && !stopped) opts.say(`H: not ${was ? 'resumed' : 'held'}; the call stays as it was`, 'warn');
        },
        (err: unknown) => {
          holdPending = false;
          if (!stopped) opts.say(`H: ${(err as Error)?.message ?? String(err)}`, 'warn');
        },
      );
    };

    const transfer = async () => {
      unlisten();
      const release = opts.holdOutput?.() ?? (() => {});
      const ac = new AbortController();
      prompt = ac;
      let target: string | undefined;
      let ctrlC = false;
      let failed: string | undefined;
      try {
        target = await ask(TRANSFER_PROMPT, ac.signal);
      } catch (err) {
        if (isPromptCtrlC(err)) ctrlC = true;
        else if (!ac.signal.aborted) failed = (err as Error)?.message ?? String(err);
      } finally {
        prompt = undefined;
        release();
      }
      if (stopped) return;
      listen();
      if (ctrlC) return opts.onCtrlC();
      if (failed !== undefined) return opts.say(`t: no prompt (${failed}); the call goes on`, 'warn');
      if (target === undefined) return opts.say('t: no target given; no transfer, the call goes on');
      const why = actions.transfer(target);
      if (why !== undefined) opts.say(`t: ${why}; no transfer, the call goes on`, 'warn');
    };

    /** One key; false when the rest of what was typed is not for us (hung up, Ctrl-C, a prompt took over). */
    const press = (k: string): boolean => {
      if (k === '\u0003') {
        opts.onCtrlC();
        return false;
      }
      if (k === 'h' || k === 'q' || k === 'Q' || k === '\r' || k === '\n') {
        actions.hangup();
        return false;
      }
      if (DTMF_KEY.test(k)) {
        if (!actions.dtmf(k)) opts.say(`${k.toUpperCase()}: no DTMF sent, this call has no media`, 'warn');
        return true;
      }
      switch (k) {
        case 'm':
          if (actions.toggleMute() === undefined) opts.say('m: nothing to mute, this call has no media', 'warn');
          return true;
        case 'H':
          hold();
          return true;
        case 't':
          void transfer();
          return false;
        case 's':
          actions.stats();
          return true;
        case '?':
          opts.say(KEYS_HELP);
          return true;
        default:
          opts.say(`${keyName(k)} does nothing here; ${KEYS_HELP}`);
          return true;
      }
    };

    const onData = (chunk: Buffer | string) => {
      for (const k of keysOf(chunk.toString())) {
        if (!listening || stopped || !press(k)) break;
      }
    };

    listen();
    opts.say(KEYS_HELP);
    return () => {
      stopped = true;
      prompt?.abort();
      unlisten();
    };
  };
}
