/**
 * The server transaction layer (RFC 3261 §17.2): every request that arrives goes through
 * `receive`. A request that matches a live transaction (§17.2.3, server-match.ts) is a
 * retransmission, or the ACK of an INVITE transaction, and goes to that transaction; an ACK
 * that matches none acknowledges a 2xx and goes to the TU (§17.2.3, §13.3.1.4); anything else
 * creates a transaction and is passed up. The layer also applies the §8.2.2.2 merged-request
 * check (482) before the TU sees a request.
 */
import type { Clock } from '../clock/clock.js';
import type { EventInput, SipEvent, TransportName } from '../events/types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { SendPort } from './ports.js';
import { serialize } from '../sip/serialize.js';
import { describeStatus } from '../sip/status.js';
import { cancelledInviteKey, mergeKey, serverKey } from './server-match.js';
import { ServerTransaction } from './server-transaction.js';
import type { TimerConfig } from './timer-config.js';

/** The transaction user: the UAS core of `answer`, or the UAC's in-dialog request handler. */
export interface ServerLayerUser {
  /** A new request with its new transaction; the TU answers with `tx.respond`. */
  onRequest(req: SipRequest, tx: ServerTransaction): void;
  /** An ACK that matched no transaction: the ACK of a 2xx (RFC 3261 §13.3.1.4, §17.2.3). */
  onAck(ack: SipRequest, from: string): void;
  /**
   * RFC 3261 §8.2.7, a stateless answer: for a request whose response is a pure function of
   * the request (OPTIONS, an error the UAS gives to anything of that method), the TU returns
   * it here and no transaction is kept; a re-sent copy gets the same response regenerated
   * ("If a stateless UAS receives a retransmission of a request, it regenerates the response
   * and resends it"). So a flood of OPTIONS keeps no state for 64·T1. Undefined: stateful.
   */
  stateless?(req: SipRequest): SipResponse | undefined;
}

export interface ServerLayerOptions {
  clock: Clock;
  emit: (e: SipEvent) => void;
  /** Emit `wire` events for the responses sent. */
  wire: boolean;
  /** Timers for reliable and unreliable transports. */
  timers: (reliable: boolean) => TimerConfig;
  /** Builds a response to `req` (§8.2.6): the TU's builder, so the 100 and the 482 look like its own. */
  response(req: SipRequest, status: number, reason: string, toTag?: string): SipResponse;
  user: ServerLayerUser;
}

export class ServerTransactionLayer {
  private readonly live = new Map<string, ServerTransaction>();
  /** §8.2.2.2: live transactions by From tag, Call-ID and CSeq. */
  private readonly merged = new Map<string, string>();
  private closed = false;

  constructor(private readonly o: ServerLayerOptions) {}

  /** Live transactions (tests: none is kept after its timers ran out). */
  get size(): number {
    return this.live.size;
  }

  /**
   * One request from the wire, already parsed. `peer` is `host:port` of the source; `reply`
   * sends on the flow it came in on.
   */
  receive(req: SipRequest, bytes: number, reply: SendPort, peer: string, transport: TransportName, reliable: boolean): void {
    if (this.closed) return;
    const k = serverKey(req);
    const tx = k ? this.match(req, k.key, k.toTag) : undefined;
    this.emitEvent({
      type: 'request.received',
      method: req.method,
      uri: req.uri,
      from: peer,
      transport,
      callId: req.headers.get('call-id') ?? '',
      cseq: req.headers.get('cseq') ?? '',
      branch: k?.branch ?? '',
      bytes,
      retransmission: tx !== undefined && req.method !== 'ACK',
    });
    if (tx) {
      tx.receive(req);
      return;
    }
    if (req.method === 'ACK') {
      this.o.user.onAck(req, peer);
      return;
    }
    if (k) {
      const pure = this.o.user.stateless?.(req);
      if (pure) {
        this.sendStateless(pure, req.method, reply, peer, transport);
        return;
      }
    }
    if (!k) {
      // No usable top Via: RFC 3261 §18.2.2 has nowhere to send a response. Said, not answered.
      this.emitEvent({ type: 'note', level: 'warn', code: 'request-without-via', text: `a ${req.method} from ${peer} has no usable Via: it cannot be answered (RFC 3261 §8.1.1.7, §18.2.2)` });
      return;
    }
    const created = new ServerTransaction(
      {
        clock: this.o.clock,
        emit: this.o.emit,
        wire: this.o.wire,
        trying: (r) => this.o.response(r, 100, 'Trying'),
        forget: (t) => this.forget(t),
      },
      req,
      k.key,
      k.branch,
      reply,
      peer,
      transport,
      this.o.timers(reliable),
    );
    this.live.set(k.key, created);
    const mk = mergeKey(req);
    const other = mk !== undefined ? this.merged.get(mk) : undefined;
    if (mk !== undefined && other === undefined) this.merged.set(mk, k.key);
    created.begin();
    // The 100 Trying could not be sent (§17.2.4): the transaction is over before the TU saw it.
    if (created.state === 'Terminated') return;
    if (other !== undefined && other !== k.key && this.live.has(other)) {
      // §8.2.2.2: the same request reached us twice by different paths (a forking proxy):
      // "the UAS core SHOULD generate a 482 (Loop Detected) response".
      this.emitEvent({ type: 'note', level: 'info', code: 'merged-request', text: `a ${req.method} from ${peer} is a second copy of a request we are already handling (same From tag, Call-ID and CSeq, another branch): 482 Loop Detected (RFC 3261 §8.2.2.2)` });
      created.respond(this.o.response(req, 482, 'Loop Detected', undefined));
      return;
    }
    this.o.user.onRequest(req, created);
  }

  /**
   * Sends a response outside any transaction (a 400 to bytes that did not parse, §8.2): it is
   * shown like any other response sent.
   */
  sendStateless(res: SipResponse, method: string, reply: SendPort, peer: string, transport: TransportName): void {
    if (this.closed) return;
    const bytes = serialize(res);
    this.emitEvent({
      type: 'response.sent',
      status: res.status,
      reason: res.reason,
      category: describeStatus(res.status).category,
      method,
      to: peer,
      transport,
      callId: res.headers.get('call-id') ?? '',
      cseq: res.headers.get('cseq') ?? '',
      bytes: bytes.length,
      retransmission: false,
    });
    if (this.o.wire) this.emitEvent({ type: 'wire', direction: 'out', transport, peer, text: bytes.toString('utf8') });
    try {
      reply(bytes);
    } catch {
      // Nothing to retry: a stateless response is sent once.
    }
  }

  /** The INVITE transaction a CANCEL cancels (RFC 3261 §9.2), if it is still live. */
  inviteFor(cancel: SipRequest): ServerTransaction | undefined {
    const k = cancelledInviteKey(cancel);
    if (!k) return undefined;
    const tx = this.live.get(k.key);
    return tx && tx.method === 'INVITE' && (k.toTag === undefined || requestToTag(tx) === k.toTag) ? tx : undefined;
  }

  /** Stops every transaction's timers; nothing more is sent. */
  close(): void {
    this.closed = true;
    for (const tx of this.live.values()) tx.dispose('closing');
    this.live.clear();
    this.merged.clear();
  }

  private match(req: SipRequest, key: string, tag: string | undefined): ServerTransaction | undefined {
    const tx = this.live.get(key);
    if (!tx) return undefined;
    // RFC 2543 peers (§17.2.3): the To tag is compared apart, against our response's for an
    // ACK and against the creating request's otherwise.
    if (req.method === 'ACK') {
      if (tag !== undefined && tx.responseToTag !== undefined && !isRfc3261(tx) && tag !== tx.responseToTag) return undefined;
      return tx;
    }
    if (!isRfc3261(tx) && tag !== requestToTag(tx)) return undefined;
    return tx;
  }

  private forget(tx: ServerTransaction): void {
    if (this.live.get(tx.key) === tx) this.live.delete(tx.key);
    const mk = tx.mergeKey;
    if (mk !== undefined && this.merged.get(mk) === tx.key) this.merged.delete(mk);
  }

  private emitEvent(e: EventInput): void {
    this.o.emit({ ...e, t: this.o.clock.now() } as SipEvent);
  }
}

function isRfc3261(tx: ServerTransaction): boolean {
  return tx.branch.startsWith('z9hG4bK');
}

function requestToTag(tx: ServerTransaction): string | undefined {
  return tx.requestToTag;
}
