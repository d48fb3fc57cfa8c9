import type { CallDecision, IncomingCall } from '../engine/incoming-call.js';
import { parseTarget } from '../engine/target.js';
import { isPromptCtrlC, promptOutput } from './call-keys.js';
import { visible } from '../present/visible.js';
import type { CliIo } from './io.js';

export interface IncomingPromptOptions {
  /** Shows a line through the presenter (a `note`). */
  say(text: string, level?: 'info' | 'warn'): void;
  /** Holds the run's output while the prompt has the terminal; returns the release. */
  holdOutput?: () => () => void;
  /** Ctrl-C inside the prompt: the run's interrupt. */
  onCtrlC(): void;
  /** The questions, injectable for tests; default: inquirer on the io. */
  choose?: (message: string) => Promise<'answer' | '486' | '603' | '302'>;
  ask?: (message: string) => Promise<string>;
}

/**
 * The ringing prompt on a terminal (issue 11 §2): who calls, the subject, the codecs offered,
 * and a choice: answer, reject (486 Busy Here), decline (603 Decline) or redirect (302 to a URI
 * typed in). One call at a time; a second one waits its turn (it keeps ringing). A redirect
 * target that is not a SIP URI is said and the call is declined (603).
 */
export function incomingPrompt(io: CliIo, opts: IncomingPromptOptions): (call: IncomingCall) => Promise<CallDecision> {
  const choose = opts.choose ?? inquirerChoose(io);
  const ask = opts.ask ?? inquirerInput(io);
  let turn: Promise<unknown> = Promise.resolve();
  return (call) => {
    const mine = turn.then(() => one(call));
    turn = mine.catch(() => undefined);
    return mine;
  };

  async function one(call: IncomingCall): Promise<CallDecision> {
    const release = opts.holdOutput?.();
    try {
      // Who calls, the subject and the codecs are the caller's bytes: controls shown, not obeyed.
      const subject = call.subject ? ` — "${visible(call.subject)}"` : '';
      const codecs = call.codecs.length ? visible(call.codecs.join(', ')) : 'no SDP offer';
      const pick = await choose(`incoming call from ${visible(call.from)}${subject} (offers ${codecs}):`);
      if (pick === 'answer') return { action: 'answer' };
      if (pick === '302') {
        const typed = (await ask('redirect to (a SIP URI):')).trim();
        try {
          return { action: 'redirect', to: parseTarget(typed, 'redirect target').uri };
        } catch (err) {
          opts.say(`${(err as Error).message}: declining the call instead (603)`, 'warn');
          return { action: 'reject', status: 603 };
        }
      }
      return { action: 'reject', status: Number(pick) };
    } catch (err) {
      if (isPromptCtrlC(err)) {
        opts.onCtrlC();
        return { action: 'reject', status: 603 };
      }
      throw err;
    } finally {
      release?.();
    }
  }
}

function inquirerChoose(io: CliIo): (message: string) => Promise<'answer' | '486' | '603' | '302'> {
  return async (message) => {
    const { default: inquirer } = await import('inquirer');
    const prompt = inquirer.createPromptModule({ input: io.stdin, output: promptOutput(io) });
    const { pick } = await prompt<{ pick: 'answer' | '486' | '603' | '302' }>([
      {
        type: 'select',
        name: 'pick',
        message,
        choices: [
          { name: 'answer', value: 'answer' },
          { name: 'reject (486 Busy Here)', value: '486' },
          { name: 'decline (603 Decline)', value: '603' },
          { name: 'redirect (302) to a URI…', value: '302' },
        ],
      },
    ]);
    return pick;
  };
}

function inquirerInput(io: CliIo): (message: string) => Promise<string> {
  return async (message) => {
    const { default: inquirer } = await import('inquirer');
    const prompt = inquirer.createPromptModule({ input: io.stdin, output: promptOutput(io) });
    const { text } = await prompt<{ text: string }>([{ type: 'input', name: 'text', message }]);
    return text;
  };
}
