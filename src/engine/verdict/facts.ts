import type {
  DialogEstablishedEvent,
  DnsAnswerEvent,
  TargetFailoverEvent,
  TargetSelectedEvent,
  MessageInvalidEvent,
  NoteEvent,
  Outcome,
  RequestSentEvent,
  ResponseReceivedEvent,
  ResponseStrayEvent,
  ResultEvent,
  SipEvent,
  TimerFiredEvent,
  TransactionTerminatedEvent,
  TransportErrorEvent,
  TransportName,
} from '../../events/types.js';

/** One client transaction as the event stream tells it. */
export interface TxFacts {
  branch: string;
  method: string;
  /** Transmissions of the request (first send and retransmissions). */
  sends: RequestSentEvent[];
  /** ACKs sent on this branch (the transaction's ACK for a non-2xx, RFC 3261 §17.1.1.3). */
  acks: RequestSentEvent[];
  responses: ResponseReceivedEvent[];
  /** The transport errors reported for this transaction. */
  transportErrors: TransportErrorEvent[];
  timersFired: TimerFiredEvent[];
  terminated?: TransactionTerminatedEvent;
}

/** Everything the causes look at, gathered once from the run's events. */
export interface RunFacts {
  events: readonly SipEvent[];
  /** Client transactions in the order of their first send. */
  txs: TxFacts[];
  /** The request the user asked for: the last transaction with the method of the first. */
  main?: TxFacts;
  /** Where the first request went, `host:port`. */
  target?: string;
  transport?: TransportName;
  /** Every ACK sent, on any branch (2xx ACKs have their own branch, RFC 3261 §13.2.2.4). */
  acks: RequestSentEvent[];
  responses: ResponseReceivedEvent[];
  strays: ResponseStrayEvent[];
  invalid: MessageInvalidEvent[];
  transportErrors: TransportErrorEvent[];
  notes: NoteEvent[];
  dialogs: DialogEstablishedEvent[];
  result?: ResultEvent;
  /** Time of the last event. */
  end: number;
  /** RFC 3263: every DNS answer, the targets tried and each failover, over the whole run. */
  dnsAnswers: DnsAnswerEvent[];
  targetsTried: TargetSelectedEvent[];
  failovers: TargetFailoverEvent[];
}

/**
 * The event types `collectFacts` reads: everything a verdict is drawn from. A run that must keep
 * little (a long-running `answer`) can keep only these and drop the rest, `wire` texts first.
 */
export const VERDICT_EVENT_TYPES: ReadonlySet<SipEvent['type']> = new Set<SipEvent['type']>([
  'request.sent',
  'response.received',
  'response.stray',
  'message.invalid',
  'transport.error',
  'timer.fired',
  'transaction.terminated',
  'note',
  'dialog.established',
  'result',
  'dns.answer',
  'target.selected',
  'target.failover',
]);

/** Sorts the run's events into transactions and kinds (pure, one pass). */
export function collectFacts(events: readonly SipEvent[]): RunFacts {
  const facts: RunFacts = { events, txs: [], acks: [], responses: [], strays: [], invalid: [], transportErrors: [], notes: [], dialogs: [], end: 0, dnsAnswers: [], targetsTried: [], failovers: [] };
  const byKey = new Map<string, TxFacts>();
  const tx = (branch: string, method: string): TxFacts => {
    const key = `${branch} ${method}`;
    let t = byKey.get(key);
    if (!t) {
      t = { branch, method, sends: [], acks: [], responses: [], transportErrors: [], timersFired: [] };
      byKey.set(key, t);
      facts.txs.push(t);
    }
    return t;
  };
  let lastTx: TxFacts | undefined;
  // After an RFC 3263 failover only the last target's attempt is analysed (docs/dns.md): the
  // earlier ones are summed up by their target.failover events.
  const from = events.findLastIndex((e) => e.type === 'target.selected');
  if (from > 0) facts.events = events.slice(from);
  for (const [i, e] of events.entries()) {
    facts.end = Math.max(facts.end, e.t);
    if (e.type === 'dns.answer') facts.dnsAnswers.push(e);
    else if (e.type === 'target.selected') facts.targetsTried.push(e);
    else if (e.type === 'target.failover') facts.failovers.push(e);
    if (i < from) continue;
    switch (e.type) {
      case 'request.sent':
        if (e.method === 'ACK') {
          facts.acks.push(e);
          const invite = byKey.get(`${e.branch} INVITE`);
          if (invite) invite.acks.push(e);
          break;
        }
        lastTx = tx(e.branch, e.method);
        lastTx.sends.push(e);
        facts.target ??= e.to;
        facts.transport ??= e.transport;
        break;
      case 'response.received':
        facts.responses.push(e);
        tx(e.branch, e.method).responses.push(e);
        break;
      case 'response.stray':
        facts.strays.push(e);
        break;
      case 'message.invalid':
        facts.invalid.push(e);
        break;
      case 'transport.error':
        facts.transportErrors.push(e);
        // Reported by the transaction that was sending (or by the session with none live).
        if (lastTx && !lastTx.terminated) lastTx.transportErrors.push(e);
        break;
      case 'timer.fired':
        tx(e.branch, e.method).timersFired.push(e);
        break;
      case 'transaction.terminated':
        tx(e.branch, e.method).terminated = e;
        break;
      case 'note':
        facts.notes.push(e);
        break;
      case 'dialog.established':
        facts.dialogs.push(e);
        break;
      case 'result':
        facts.result = e;
        break;
      default:
    }
  }
  // The request the user asked for; after a 401/407 (RFC 3261 §22.2) its authenticated retry,
  // a new transaction with the same method, is the one that counts.
  const first = facts.txs.find((t) => t.method !== 'CANCEL');
  facts.main = first && facts.txs.filter((t) => t.method === first.method).at(-1);
  return facts;
}

/** The final responses (≥ 200) of a transaction, first copies only. */
export function finals(t: TxFacts | undefined): ResponseReceivedEvent[] {
  return (t?.responses ?? []).filter((r) => r.status >= 200 && !r.retransmission);
}

/** The provisional responses (1xx) of a transaction. */
export function provisionals(t: TxFacts | undefined): ResponseReceivedEvent[] {
  return (t?.responses ?? []).filter((r) => r.status < 200);
}

/** Notes carrying a finding code. */
export function notesWith(f: RunFacts, code: string): NoteEvent[] {
  return f.notes.filter((n) => n.code === code);
}

/** Did the run end with a final response from the wire (whatever its class)? */
export function cleanOutcome(outcome: Outcome | undefined): boolean {
  return outcome === 'success' || outcome === 'failure-response' || outcome === 'expectation-failed';
}

/** The ICMP-style errors of a datagram transport (RFC 1122 §4.1.3.3: passed up to the application). */
export function isIcmpError(e: TransportErrorEvent): boolean {
  return e.transport === 'UDP' && (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH');
}
