import { describe, expect, it } from 'vitest';
import { answerLoadLine, answerLoadResult, answerLoadSummary, type AnswerLoadFigures } from '../../src/present/answer-load.js';

const zero: AnswerLoadFigures = { invites: 0, answered: 0, rejected: 0, acks: 0, byes: 0, cancels: 0, reinvites: 0, inDialog: 0, merged: 0, absorbed: 0, resent: 0, noAck: 0, fullPath: 0, live: 0 };

describe('answer --load lines', () => {
  it('the rate line: calls answered in the interval, per second', () => {
    const now = { ...zero, answered: 25_000, live: 12, absorbed: 3, resent: 4, noAck: 1, fullPath: 2 };
    expect(answerLoadLine(now, { ...zero, answered: 15_000 }, 1000)).toBe(
      'answer --load: 10,000 calls/s · answered 25,000 · state kept for 12 calls (64·T1 after their end) · re-sent requests absorbed 3 · responses re-sent 4 · no ACK 1 · full path 2',
    );
    expect(answerLoadLine(now, { ...zero, answered: 20_000 }, 500)).toMatch(/^answer --load: 10,000 calls\/s/);
  });

  it('the summary names every count', () => {
    const f = { ...zero, invites: 3, answered: 2, rejected: 1, acks: 2, byes: 2, cancels: 1, reinvites: 4, inDialog: 5, merged: 1, fullPath: 1 };
    expect(answerLoadSummary('by Ctrl-C', 12_345, f, 2)).toBe(
      'answer --load: stopped by Ctrl-C after 12.3 s; answered 2 calls (peak 2 calls/s); requests: 3 INVITE, 2 ACK, 2 BYE, 1 CANCEL; in dialogs: 4 re-INVITE, 5 other; 1 rejected (1 merged request, 482); re-sent requests absorbed 0, responses re-sent 0; no ACK 0; full path 1 message',
    );
  });

  it('the summary says the socket buffers the kernel granted, when known', () => {
    const f = { ...zero, rcvbuf: 8_388_608, sndbuf: 425_984 };
    expect(answerLoadSummary('by --duration', 1000, f, 0)).toMatch(/; full path 0 messages; socket buffers granted by the kernel: receive 8,388,608 B, send 425,984 B$/);
    expect(answerLoadSummary('by --duration', 1000, zero, 0)).toMatch(/full path 0 messages$/);
  });

  it('the result event carries the same figures for scripts (answerLoad), each count under its own name', () => {
    const f = { ...zero, invites: 3, answered: 2, rejected: 1, acks: 2, byes: 2, cancels: 1, reinvites: 4, inDialog: 5, merged: 1, absorbed: 6, resent: 7, noAck: 8, fullPath: 9, live: 10 };
    expect(answerLoadResult(12_345.6, f, 2)).toEqual({
      elapsedMs: 12_346,
      peakPerSecond: 2,
      answered: 2,
      rejected: 1,
      requests: { INVITE: 3, ACK: 2, BYE: 2, CANCEL: 1 },
      inDialog: { reINVITE: 4, other: 5 },
      merged: 1,
      absorbed: 6,
      resent: 7,
      noAck: 8,
      fullPath: 9,
      liveAtStop: 10,
    });
    expect(answerLoadResult(1000, { ...zero, rcvbuf: 8_388_608, sndbuf: 425_984 }, 0).socketBuffers).toEqual({ receive: 8_388_608, send: 425_984 });
  });
});
