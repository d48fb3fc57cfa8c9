// The ringing prompt (src/cli/incoming-prompt.ts): what it asks and what each choice decides.
import { describe, expect, it } from 'vitest';
import { incomingPrompt } from '../../src/cli/incoming-prompt.js';
import { fakeIo } from '../support/fake-io.js';

const CALL = { from: '"Alice" <sip:alice@127.0.0.1>;tag=a1', subject: 'lunch?', codecs: ['PCMU/8000', 'telephone-event/8000'], callId: 'c1' };

function rig(picks: Array<'answer' | '486' | '603' | '302'>, typed: string[] = []) {
  const asked: string[] = [];
  const said: Array<[string, string | undefined]> = [];
  let ctrlC = 0;
  const prompt = incomingPrompt(fakeIo(), {
    say: (t, l) => said.push([t, l]),
    onCtrlC: () => ctrlC++,
    choose: async (m) => {
      asked.push(m);
      const p = picks.shift();
      if (!p) throw Object.assign(new Error('cancelled'), { name: 'ExitPromptError' });
      return p;
    },
    ask: async (m) => {
      asked.push(m);
      return typed.shift() ?? '';
    },
  });
  return { prompt, asked, said, ctrlC: () => ctrlC };
}

describe('incoming call prompt', () => {
  it('names the caller, the subject and the offered codecs', async () => {
    const r = rig(['answer']);
    expect(await r.prompt(CALL)).toEqual({ action: 'answer' });
    expect(r.asked).toEqual(['incoming call from "Alice" <sip:alice@127.0.0.1>;tag=a1 — "lunch?" (offers PCMU/8000, telephone-event/8000):']);
  });

  it('reject is 486, decline 603', async () => {
    const r = rig(['486', '603']);
    expect(await r.prompt(CALL)).toEqual({ action: 'reject', status: 486 });
    expect(await r.prompt(CALL)).toEqual({ action: 'reject', status: 603 });
  });

  it('redirect asks for a URI; a good one is a 302 to it, a bad one is said and declined', async () => {
    const r = rig(['302', '302'], ['carol@127.0.0.1:5099', 'not a uri']);
    expect(await r.prompt(CALL)).toEqual({ action: 'redirect', to: 'sip:carol@127.0.0.1:5099' });
    expect(await r.prompt(CALL)).toEqual({ action: 'reject', status: 603 });
    expect(r.said[0]![1]).toBe('warn');
    expect(r.said[0]![0]).toMatch(/redirect target .*: declining the call instead \(603\)/);
  });

  it('Ctrl-C in the prompt is the run interrupt; the call is declined', async () => {
    const r = rig([]);
    expect(await r.prompt(CALL)).toEqual({ action: 'reject', status: 603 });
    expect(r.ctrlC()).toBe(1);
  });

  it('two calls at once are asked one after the other', async () => {
    const r = rig(['answer', '486']);
    const [a, b] = await Promise.all([r.prompt(CALL), r.prompt({ ...CALL, callId: 'c2', subject: undefined })]);
    expect([a, b]).toEqual([{ action: 'answer' }, { action: 'reject', status: 486 }]);
    expect(r.asked[1]).toMatch(/^incoming call from .* \(offers/);
  });
});
