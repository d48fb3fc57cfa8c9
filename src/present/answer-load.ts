/**
 * What `sipcall answer --load` shows (docs/answer-load.md): a rate line once a second on a
 * terminal, and the summary of the `result` event. The figures are the engine's counters
 * (src/engine/uas-fast/counters.ts), passed in as plain numbers.
 */
import type { AnswerLoadResult } from '../events/types.js';

/** The counters the lines read (the engine's LoadCounters has them). */
export interface AnswerLoadFigures {
  invites: number;
  answered: number;
  rejected: number;
  acks: number;
  byes: number;
  cancels: number;
  reinvites: number;
  inDialog: number;
  merged: number;
  absorbed: number;
  resent: number;
  noAck: number;
  fullPath: number;
  live: number;
  /** SO_RCVBUF / SO_SNDBUF as the kernel granted them (absent: unknown). */
  rcvbuf?: number;
  sndbuf?: number;
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * One second: `answer --load: 9,998 calls/s · answered 120,000 · state kept for 12 calls (64·T1 after their end) · re-sent
 * requests absorbed 0 · responses re-sent 0 · no ACK 0 · full path 0`.
 */
export function answerLoadLine(now: AnswerLoadFigures, before: AnswerLoadFigures, ms: number): string {
  const rate = ms > 0 ? Math.round(((now.answered - before.answered) * 1000) / ms) : 0;
  return `answer --load: ${n(rate)} calls/s · answered ${n(now.answered)} · state kept for ${n(now.live)} calls (64·T1 after their end) · re-sent requests absorbed ${n(now.absorbed)} · responses re-sent ${n(now.resent)} · no ACK ${n(now.noAck)} · full path ${n(now.fullPath)}`;
}

/**
 * The run's summary: `answer --load: stopped by Ctrl-C after 12.3 s; answered 100,000 calls
 * (peak 10,012 calls/s); requests: 100,000 INVITE, 100,000 ACK, 100,000 BYE, 0 CANCEL; in
 * dialogs: 0 re-INVITE, 0 other; 0 rejected (0 merged requests, 482); re-sent requests absorbed
 * 0, responses re-sent 0; no ACK 0; full path 0 messages; socket buffers granted by the kernel:
 * receive 8,388,608 B, send 8,388,608 B` (the last part when they are known).
 */
export function answerLoadSummary(stoppedBy: string, elapsedMs: number, f: AnswerLoadFigures, peakPerSecond: number): string {
  const buffers = f.rcvbuf !== undefined && f.sndbuf !== undefined ? `; socket buffers granted by the kernel: receive ${n(f.rcvbuf)} B, send ${n(f.sndbuf)} B` : '';
  return (
    `answer --load: stopped ${stoppedBy} after ${(elapsedMs / 1000).toFixed(1)} s; answered ${n(f.answered)} call${f.answered === 1 ? '' : 's'} (peak ${n(peakPerSecond)} calls/s); ` +
    `requests: ${n(f.invites)} INVITE, ${n(f.acks)} ACK, ${n(f.byes)} BYE, ${n(f.cancels)} CANCEL; in dialogs: ${n(f.reinvites)} re-INVITE, ${n(f.inDialog)} other; ` +
    `${n(f.rejected)} rejected (${n(f.merged)} merged request${f.merged === 1 ? '' : 's'}, 482); ` +
    `re-sent requests absorbed ${n(f.absorbed)}, responses re-sent ${n(f.resent)}; no ACK ${n(f.noAck)}; full path ${n(f.fullPath)} message${f.fullPath === 1 ? '' : 's'}${buffers}`
  );
}

/** The same figures as `answerLoadSummary`, as the `result` event carries them for scripts. */
export function answerLoadResult(elapsedMs: number, f: AnswerLoadFigures, peakPerSecond: number): AnswerLoadResult {
  return {
    elapsedMs: Math.round(elapsedMs),
    peakPerSecond,
    answered: f.answered,
    rejected: f.rejected,
    requests: { INVITE: f.invites, ACK: f.acks, BYE: f.byes, CANCEL: f.cancels },
    inDialog: { reINVITE: f.reinvites, other: f.inDialog },
    merged: f.merged,
    absorbed: f.absorbed,
    resent: f.resent,
    noAck: f.noAck,
    fullPath: f.fullPath,
    liveAtStop: f.live,
    ...(f.rcvbuf !== undefined && f.sndbuf !== undefined ? { socketBuffers: { receive: f.rcvbuf, send: f.sndbuf } } : {}),
  };
}
