// The bad-message counts of `sipcall answer`'s summary (issue 14 §5): unparseable messages,
// streams that could not be framed, responses that matched no transaction.
import { describe, expect, it } from 'vitest';
import { AnswerTally } from '../../src/cli/answer-summary.js';
import type { SipEvent } from '../../src/events/types.js';

const invalid: SipEvent = { type: 'message.invalid', t: 1, from: '127.0.0.1:5060', bytes: 10, error: 'bad start line', offset: 0 };
const framing = (code: string): SipEvent => ({ type: 'transport.error', t: 2, transport: 'TCP', code, message: 'x', to: '' });

describe('AnswerTally: bad messages', () => {
  it('none: the summary says nothing about them', () => {
    const tally = new AnswerTally();
    tally.add(framing('ECONNRESET'));
    expect(tally.summary('by Ctrl-C', 1000, { calls: 0, withMedia: 0 })).toBe('answer: stopped by Ctrl-C after 1.0 s; served no calls; no requests');
  });

  it('counts unparseable messages, unframeable streams and stray responses, each by kind', () => {
    const tally = new AnswerTally();
    for (let i = 0; i < 3; i++) tally.add(invalid);
    tally.add(framing('FRAMING'));
    tally.add(framing('MESSAGE_TOO_LARGE'));
    tally.add(framing('CLOSED_MID_MESSAGE'));
    tally.add(framing('ECONNRESET')); // a reset is not a bad message
    tally.add({ type: 'response.stray', t: 3 } as SipEvent);
    expect(tally.bad).toEqual({ unparseable: 3, unframeable: 3, stray: 1 });
    expect(tally.summary('by Ctrl-C', 1000, { calls: 0, withMedia: 0 })).toBe(
      'answer: stopped by Ctrl-C after 1.0 s; served no calls; no requests; bad messages: 3 unparseable, 3 unframeable, 1 stray response',
    );
  });
});
