/** Plain-words descriptions of single events, shared by the line and ladder presenters. */
import type {
  MessageInvalidEvent,
  ResponseStrayEvent,
  TransactionTerminatedEvent,
  TransportErrorEvent,
} from '../events/types.js';
import { describeStatus, isValidStatusCode } from '../sip/status.js';

/** Why a response matched no transaction (RFC 3261 §17.1.3). */
const STRAY_WHY: Record<ResponseStrayEvent['why'], string> = {
  'unknown-branch': 'its Via branch matches no transaction of ours',
  'method-mismatch': "its CSeq method differs from the transaction's",
  'missing-via': 'it has no Via header',
  'malformed-via': 'its top Via header cannot be parsed',
  'missing-cseq': 'it has no usable CSeq header',
  'extra-via': 'it has more than one Via, so it was not meant for us',
};

/** `stray 200 OK from 127.0.0.1:5062 ignored: its Via branch matches no transaction of ours (RFC 3261 §17.1.3) — detail` */
export function describeStray(e: ResponseStrayEvent): string {
  const detail = e.detail ? ` — ${e.detail}` : '';
  return `stray ${e.status} ${e.reason} from ${e.from} ignored: ${STRAY_WHY[e.why]} (RFC 3261 ${e.why === 'extra-via' ? '§8.1.3.3' : '§17.1.3'})${detail}`;
}

/** Short form for the ladder margin: `stray: unknown branch`. */
export function strayShort(e: ResponseStrayEvent): string {
  return `stray: ${e.why.replace('-', ' ')}`;
}

/** `unparseable message from 127.0.0.1:5060 (12 bytes) ignored: bad status line (at byte 0)` */
export function describeInvalid(e: MessageInvalidEvent): string {
  return `unparseable message from ${e.from} (${e.bytes} bytes) ignored: ${e.error} (at byte ${e.offset})`;
}

/** `transport error (UDP to 127.0.0.1:5060): ECONNREFUSED — connect refused` */
export function describeTransportError(e: TransportErrorEvent): string {
  return `transport error (${e.transport} to ${e.to}): ${e.code} — ${e.message}`;
}

/**
 * A status sipcall made up itself (RFC 3261 §8.1.3.1: a timeout "MUST be treated as if a 408 had
 * been received", a transport failure "as if a 503") is labelled so, never as the peer's:
 * `408 (local: no response — sipcall's own timeout, not from the peer)`.
 */
export function describeLocalStatus(status: number, outcome: TransactionTerminatedEvent['outcome'], method?: string): string {
  const to = method ? ` to ${method}` : '';
  if (outcome === 'timeout') return `${status} (local: no response${to} — sipcall's own timeout, not from the peer)`;
  if (outcome === 'transport-error') return `${status} (local: transport error${to ? ` on ${method}` : ''} — made up by sipcall, not from the peer)`;
  return `${status} (local: made up by sipcall, not from the peer)`;
}

/** The reason phrase to show for a status when the event has none. */
export function reasonFor(status: number, reason?: string): string {
  if (reason) return reason;
  return isValidStatusCode(status) ? describeStatus(status).reason : '';
}
