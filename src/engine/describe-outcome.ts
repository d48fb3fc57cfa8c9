import type { TransactionResult } from './transact.js';
import { fromFinal, type RunOutcome } from './outcome.js';
import { redirectContacts } from './redirect.js';

/**
 * The run outcome for a transaction that ended without a usable final response: a Timer B/F
 * timeout (a local 408) or a transport error (a local 503), RFC 3261 §8.1.3.1. These statuses
 * are marked local: they never came from the peer.
 */
export function outcomeOf(result: TransactionResult, what: string, timerName: 'B' | 'F'): RunOutcome {
  if (result.final) {
    const out = fromFinal(result.final.status, result.final.reason, what);
    const s = result.final.status;
    if (s >= 300 && s < 400) out.redirect = { status: s, reason: result.final.reason, contacts: redirectContacts(result.final) };
    return out;
  }
  if (result.outcome === 'transport-error') {
    return { outcome: 'transport-error', status: 503, reason: 'Service Unavailable', statusLocal: true, summary: `${what}: transport error (local 503, not from the peer)` };
  }
  const heard = result.provisionals.length > 0 ? `, after ${result.provisionals.length} provisional response(s)` : ', nothing came back';
  return {
    outcome: 'timeout',
    status: 408,
    reason: 'Request Timeout',
    statusLocal: true,
    summary: `${what}: no final response before Timer ${timerName}${heard} (local 408, not from the peer)`,
  };
}
