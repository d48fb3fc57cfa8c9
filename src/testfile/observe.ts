/**
 * What a step's events say about its request: the final response (and its headers and body,
 * from the `wire` text), the 1xx seen before it, the time from the first transmission to the
 * final, the retransmissions. Everything is read from the event stream.
 */
import type { SipEvent } from '../events/types.js';
import { parseMessage } from '../sip/parse.js';
import type { SipMessage } from '../sip/message.js';
import type { StepRun } from './executor.js';

type Received = Extract<SipEvent, { type: 'response.received' }>;

export interface Observed {
  /** The final response from the wire (the last one, after any digest challenge). */
  final?: Received;
  /** Its full message, when its wire text could be found and parsed. */
  message?: SipMessage;
  /** The 1xx statuses of the final's transaction, in order, re-sent copies once. */
  provisional: number[];
  /** Milliseconds from the first transmission of the request to the final response. */
  elapsedMs?: number;
  retransmissions: number;
}

export function observe(run: StepRun): Observed {
  const method = run.method;
  const events = run.events;
  if (!method) return { provisional: [], retransmissions: 0 };
  const responses = events.filter((e): e is Received => e.type === 'response.received' && e.method === method);
  const final = [...responses].reverse().find((e) => e.status >= 200 && !e.retransmission);
  const provisional: number[] = [];
  for (const r of responses) {
    if (r.status >= 200 || (final && r.branch !== final.branch)) continue;
    if (provisional.at(-1) !== r.status) provisional.push(r.status);
  }
  const sent = events.filter((e): e is Extract<SipEvent, { type: 'request.sent' }> => e.type === 'request.sent' && e.method === method);
  const first = sent.find((e) => !e.retransmission);
  const retransmissions = sent.filter((e) => e.retransmission).length;
  let message: SipMessage | undefined;
  if (final) {
    const idx = events.indexOf(final);
    for (let i = idx - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.type !== 'wire' || e.direction !== 'in' || !e.text.startsWith(`SIP/2.0 ${final.status}`)) continue;
      const parsed = parseMessage(Buffer.from(e.text));
      if (parsed.ok && (parsed.message.headers.get('cseq') ?? '').trim().endsWith(method)) {
        message = parsed.message;
        break;
      }
    }
  }
  return {
    ...(final ? { final } : {}),
    ...(message ? { message } : {}),
    provisional,
    ...(final && first ? { elapsedMs: final.t - first.t } : {}),
    retransmissions,
  };
}

/** A header of the final response, or one of its parameters (`To;tag`). */
export function headerValue(message: SipMessage | undefined, name: string, param?: string): string | undefined {
  const value = message?.headers.get(name.toLowerCase());
  if (value === undefined || param === undefined) return value;
  // Parameters of the header (after the name-addr's closing > when there is one).
  const after = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value.slice(value.indexOf(';'));
  for (const part of after.split(';').slice(1)) {
    const [k, v] = part.split('=');
    if (k?.trim().toLowerCase() === param.toLowerCase()) return (v ?? '').trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

export function bodyText(message: SipMessage | undefined): string {
  return message ? Buffer.from(message.body).toString('utf8') : '';
}
