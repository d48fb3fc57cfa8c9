import type { SipEvent } from '../events/types.js';

/** The order methods are listed in: the Allow of `sipcall answer`, then any other by name. */
const ORDER = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE', 'INFO', 'NOTIFY'];

/**
 * What `sipcall answer` served, counted from its event stream as it flows (nothing else is
 * kept): requests by method, first copies only (a re-sent INVITE, RFC 3261 §17.2.1, is not a
 * new request).
 */
export class AnswerTally {
  private readonly byMethod = new Map<string, number>();

  add(e: SipEvent): void {
    if (e.type !== 'request.received' || e.retransmission) return;
    this.byMethod.set(e.method, (this.byMethod.get(e.method) ?? 0) + 1);
  }

  /** Requests received, by method (first copies). */
  get requests(): ReadonlyMap<string, number> {
    return this.byMethod;
  }

  /**
   * The result's summary: `answer: stopped by Ctrl-C after 12.3 s; served 3 calls (2 with
   * media); requests: 3 INVITE, 3 ACK, 3 BYE, 15 OPTIONS`.
   */
  summary(stoppedBy: string, elapsedMs: number, served: { calls: number; withMedia: number }): string {
    const calls = served.calls === 0 ? 'no calls' : `${served.calls} call${served.calls === 1 ? '' : 's'} (${served.withMedia} with media)`;
    const rank = (m: string) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
    const methods = [...this.byMethod].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)).map(([m, n]) => `${n} ${m}`);
    return `answer: stopped ${stoppedBy} after ${(elapsedMs / 1000).toFixed(1)} s; served ${calls}; ${methods.length ? `requests: ${methods.join(', ')}` : 'no requests'}`;
  }
}
