import type { AnswerResult, SipEvent } from '../events/types.js';

/** The order methods are listed in: the Allow of `sipcall answer`, then any other by name. */
const ORDER = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE', 'INFO', 'NOTIFY'];

/**
 * Transport errors that mean a peer sent bytes that are not a message (RFC 3261 §18.3: a stream
 * that cannot be framed, one too large, one cut off by the peer closing mid-message).
 */
const UNFRAMEABLE = new Set(['FRAMING', 'MESSAGE_TOO_LARGE', 'CLOSED_MID_MESSAGE']);

/**
 * What `sipcall answer` served, counted from its event stream as it flows (nothing else is
 * kept): requests by method, first copies only (a re-sent INVITE, RFC 3261 §17.2.1, is not a
 * new request); and the bad messages: those that did not parse (`message.invalid`), those a
 * stream transport could not frame, and responses that matched no transaction of ours.
 */
export class AnswerTally {
  private readonly byMethod = new Map<string, number>();
  /** Bad messages by kind. */
  readonly bad = { unparseable: 0, unframeable: 0, stray: 0 };

  add(e: SipEvent): void {
    if (e.type === 'message.invalid') this.bad.unparseable += 1;
    else if (e.type === 'transport.error' && UNFRAMEABLE.has(e.code)) this.bad.unframeable += 1;
    else if (e.type === 'response.stray') this.bad.stray += 1;
    if (e.type !== 'request.received' || e.retransmission) return;
    this.byMethod.set(e.method, (this.byMethod.get(e.method) ?? 0) + 1);
  }

  /** Requests received, by method (first copies). */
  get requests(): ReadonlyMap<string, number> {
    return this.byMethod;
  }

  /**
   * The result's summary: `answer: stopped by Ctrl-C after 12.3 s; served 3 calls (2 with
   * media); requests: 3 INVITE, 3 ACK, 3 BYE, 15 OPTIONS`, and when bad messages came,
   * `; bad messages: 4 unparseable, 1 unframeable, 2 stray responses`.
   */
  summary(stoppedBy: string, elapsedMs: number, served: { calls: number; withMedia: number }): string {
    const calls = served.calls === 0 ? 'no calls' : `${served.calls} call${served.calls === 1 ? '' : 's'} (${served.withMedia} with media)`;
    const methods = this.ordered().map(([m, n]) => `${n} ${m}`);
    const { unparseable, unframeable, stray } = this.bad;
    const bad = [unparseable ? `${unparseable} unparseable` : '', unframeable ? `${unframeable} unframeable` : '', stray ? `${stray} stray response${stray === 1 ? '' : 's'}` : ''].filter(Boolean);
    return `answer: stopped ${stoppedBy} after ${(elapsedMs / 1000).toFixed(1)} s; served ${calls}; ${methods.length ? `requests: ${methods.join(', ')}` : 'no requests'}${bad.length ? `; bad messages: ${bad.join(', ')}` : ''}`;
  }

  /** The same figures as `summary`, as the `result` event carries them for scripts. */
  result(elapsedMs: number, served: { calls: number; withMedia: number }): AnswerResult {
    return {
      elapsedMs: Math.round(elapsedMs),
      calls: served.calls,
      callsWithMedia: served.withMedia,
      requests: Object.fromEntries(this.ordered()),
      bad: { ...this.bad },
    };
  }

  /** Requests by method in the order of `ORDER`, then any other by name. */
  private ordered(): Array<[string, number]> {
    const rank = (m: string) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
    return [...this.byMethod].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
}
