import type { FailoverReason } from '../events/dns.js';
import type { SipEvent } from '../events/types.js';
import { parseMessage } from '../sip/parse.js';
import { parseRetryAfter } from '../sip/retry-after.js';
import type { RunOutcome } from './outcome.js';

/** Why an attempt calls for the next target, in words and (for a 503) its Retry-After. */
export interface FailoverCause {
  reason: Exclude<FailoverReason, 'retry-after'>;
  detail: string;
  retryAfterS?: number;
}

/**
 * Does this attempt's ending call for the next target? RFC 3263 §4.3: "If a failure occurs
 * based on the transport, or if the transaction layer reports a timeout, or a 503 is received,
 * the client SHOULD attempt to contact the next server in the list" — and only then:
 *
 * - a final response other than 503 from the wire, a 1xx (the server is there and working on
 *   it: only our ring timeout ends that), or a dialog: the server answered; no failover;
 * - a 503 from the wire: failover, with its Retry-After (§4.3 / RFC 3261 §21.5.4);
 * - a transport error before anything came back (ICMP, refused, reset, TLS): failover;
 * - a transaction timeout (Timer B/F, a local 408) with nothing from the wire: failover.
 *
 * Pure: reads the attempt's events and its outcome.
 */
export function failoverCause(events: readonly SipEvent[], outcome: RunOutcome): FailoverCause | undefined {
  if (outcome.outcome === 'interrupted' || outcome.outcome === 'usage-error' || outcome.outcome === 'internal-error') return undefined;
  if (events.some((e) => e.type === 'dialog.established')) return undefined;
  if (outcome.status === 503 && outcome.statusLocal === false) {
    const retryAfterS = retryAfterOf503(events);
    return {
      reason: '503',
      detail: `${outcome.status} ${outcome.reason ?? 'Service Unavailable'} from the peer${retryAfterS !== undefined ? `, Retry-After: ${retryAfterS}` : ''}`,
      retryAfterS,
    };
  }
  if (events.some((e) => e.type === 'response.received')) return undefined;
  if (outcome.outcome === 'transport-error') {
    const err = events.find((e) => e.type === 'transport.error');
    const at = err ? ` at ${Math.round(err.t)} ms` : '';
    return { reason: 'transport-error', detail: err && err.type === 'transport.error' ? `${err.code}${at}: ${err.message}` : outcome.summary };
  }
  if (outcome.outcome === 'timeout') {
    const sends = events.filter((e) => e.type === 'request.sent' && e.method !== 'ACK').length;
    return { reason: 'timeout', detail: `no response to ${sends} send${sends === 1 ? '' : 's'} (transaction timeout, a local 408)` };
  }
  return undefined;
}

/** Retry-After of the last 503 that came in, from its wire text (RFC 3261 §20.33). */
export function retryAfterOf503(events: readonly SipEvent[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== 'wire' || e.direction !== 'in' || !e.text.startsWith('SIP/2.0 503')) continue;
    const parsed = parseMessage(Buffer.from(e.text, 'utf8'));
    if (!parsed.ok) return undefined;
    const value = parsed.message.headers.get('retry-after');
    return value === undefined ? undefined : parseRetryAfter(value)?.seconds;
  }
  return undefined;
}
