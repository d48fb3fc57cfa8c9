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

  it('the result event carries the same figures for scripts (answer): calls, requests by method, bad messages by kind', () => {
    const tally = new AnswerTally();
    const req = (method: string, retransmission = false) => ({ type: 'request.received', t: 1, method, retransmission }) as unknown as SipEvent;
    for (const e of [req('OPTIONS'), req('INVITE'), req('INVITE', true), req('ACK'), req('BYE'), req('PUBLISH'), invalid, framing('FRAMING')]) tally.add(e);
    const r = tally.result(1234.4, { calls: 1, withMedia: 1 });
    expect(r).toEqual({ elapsedMs: 1234, calls: 1, callsWithMedia: 1, requests: { INVITE: 1, ACK: 1, BYE: 1, OPTIONS: 1, PUBLISH: 1 }, bad: { unparseable: 1, unframeable: 1, stray: 0 } });
    // the same order as the summary
    expect(Object.keys(r.requests)).toEqual(['INVITE', 'ACK', 'BYE', 'OPTIONS', 'PUBLISH']);
    expect(tally.summary('by Ctrl-C', 1234.4, { calls: 1, withMedia: 1 })).toMatch(/requests: 1 INVITE, 1 ACK, 1 BYE, 1 OPTIONS, 1 PUBLISH; bad messages: 1 unparseable, 1 unframeable$/);
  });
});

