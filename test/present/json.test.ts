import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { fullCall, inviteTimeout } from './fixtures.js';
import { present } from './support.js';

function parse(out: string): SipEvent[] {
  expect(out.endsWith('\n')).toBe(true);
  return out.trimEnd().split('\n').map((l) => JSON.parse(l) as SipEvent);
}

describe('JSON lines', () => {
  it('writes every event but wire, one per line, in order, the result last', () => {
    const events = fullCall();
    const lines = parse(present(events, { mode: 'json', colorLevel: 3, spinner: true }).out);
    const expected = events.filter((e) => e.type !== 'wire');
    expect(lines).toEqual(expected);
    expect(lines.at(-1)).toMatchObject({ type: 'result', outcome: 'success', status: 200, exitCode: 0 });
  });

  it('includes wire events with -v', () => {
    const lines = parse(present(fullCall(), { mode: 'json', verbose: true }).out);
    const wire = lines.filter((e) => e.type === 'wire');
    expect(wire).toHaveLength(2);
    expect(wire[0]).toMatchObject({ direction: 'out', peer: '127.0.0.1:5060', transport: 'UDP' });
    expect((wire[0] as { text: string }).text.startsWith('INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\n')).toBe(true);
  });

  it('keeps the local marks and the verdict', () => {
    const lines = parse(present(inviteTimeout(), { mode: 'json' }).out);
    expect(lines.filter((e) => e.type === 'request.sent').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.find((e) => e.type === 'transaction.terminated')).toMatchObject({ status: 408, local: true, outcome: 'timeout' });
    const result = lines.at(-1);
    expect(result).toMatchObject({ type: 'result', statusLocal: true, exitCode: 3, verdict: { id: 'no-response' } });
  });

  it('with -q writes only the result', () => {
    const lines = parse(present(inviteTimeout(), { mode: 'json', quiet: true }).out);
    expect(lines.map((e) => e.type)).toEqual(['result']);
  });

  it('has no colour, no spinner and nothing on stderr', () => {
    const { out, err } = present(fullCall(), { mode: 'json', colorLevel: 3, spinner: true, ladder: true });
    expect(out).not.toContain('\u001b[');
    expect(err).toBe('');
  });
});
