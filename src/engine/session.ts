import type { Clock } from '../clock/clock.js';
import type { EventInput, EventSink, TransportName } from '../events/types.js';
import { parseMessage } from '../sip/parse.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { serialize } from '../sip/serialize.js';
import { describeStatus } from '../sip/status.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import type { TransactionUser } from '../transaction/ports.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import { forTransport, type TimerConfig } from '../transaction/timer-config.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import type { TransportError } from '../transport/errors.js';
import type { Transport } from '../transport/transport.js';

/** What the engine needs from the outside world: time, an event sink. */
export interface EngineEnv {
  clock: Clock;
  sink: EventSink;
}

/**
 * One run's SIP plumbing on the UAC side (the transaction user's view of RFC 3261 §8.1 and
 * §17): a transport, the client transaction layer, parsing of everything that arrives, and
 * the event stream. It sends requests through transactions, and sends the ACK for a 2xx
 * (which is not a transaction's job, RFC 3261 §13.2.2.4 and RFC 6026) directly.
 */
export class Session {
  readonly layer: TransactionLayer;
  private readonly live = new Set<ClientTransaction>();
  /** Requests that arrive from the peer (BYE during a call, OPTIONS, …). */
  onRequest: ((req: SipRequest, from: Endpoint) => void) | undefined;
  /** Responses that matched no transaction (a 2xx re-sent after Timer M, …). */
  onUnmatched: ((res: SipResponse) => void) | undefined;
  private closed = false;

  constructor(
    readonly env: EngineEnv,
    readonly transport: Transport,
    readonly timers: TimerConfig,
  ) {
    this.layer = new TransactionLayer({ clock: env.clock, emit: env.sink });
    transport.onMessage((buf, from) => this.receive(buf, from));
    transport.onError((err) => this.transportFailed(err));
  }

  /** Emits an event, stamped with the clock. */
  emit(e: EventInput): void {
    this.env.sink({ ...e, t: this.env.clock.now() } as Parameters<EventSink>[0]);
  }

  get transportName(): TransportName {
    return this.transport.name;
  }

  /** The peer as `host:port`. */
  get peer(): string {
    return formatEndpoint(this.transport.remote);
  }

  /** Starts a client transaction for `request` (its top Via carries the branch). */
  request(request: SipRequest, user: TransactionUser): ClientTransaction {
    const tx = this.layer.send(
      request,
      {
        transport: this.transport.name,
        reliable: this.transport.reliable,
        to: this.peer,
        timers: forTransport(this.timers, this.transport.reliable),
        port: (bytes) => this.transport.send(bytes),
      },
      {
        onResponse: (res, info) => user.onResponse(res, info),
        onTerminated: (t) => {
          this.live.delete(tx);
          user.onTerminated(t);
        },
      },
    );
    this.live.add(tx);
    return tx;
  }

  /**
   * Sends a request outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4, "the ACK
   * … is passed directly to the transport layer"). Returns the bytes so they can be re-sent
   * unchanged for each re-sent 2xx (§13.2.2.4: "the UAC core … MUST … generate an ACK … for
   * each 2xx received").
   */
  sendDirect(request: SipRequest, attempt = 1, bytes: Buffer = serialize(request)): Buffer {
    this.transport.send(bytes);
    const via = request.headers.list('via')[0] ?? '';
    const branch = /;\s*branch=([^;\s,]+)/i.exec(via)?.[1] ?? '';
    this.emit({
      type: 'request.sent',
      method: request.method,
      uri: request.uri,
      attempt,
      retransmission: attempt > 1,
      transport: this.transport.name,
      to: this.peer,
      bytes: bytes.length,
      branch,
      callId: request.headers.get('call-id') ?? '',
      cseq: Number.parseInt(request.headers.get('cseq') ?? '0', 10),
    });
    this.emit({ type: 'wire', direction: 'out', transport: this.transport.name, peer: this.peer, text: bytes.toString('utf8') });
    return bytes;
  }

  /** Sends a response to a request the peer sent us (e.g. 200 to its BYE). */
  sendResponse(res: SipResponse, method: string, retransmission = false): void {
    const bytes = serialize(res);
    this.transport.send(bytes);
    const cseq = res.headers.get('cseq') ?? '';
    this.emit({
      type: 'response.sent',
      status: res.status,
      reason: res.reason,
      category: describeStatus(res.status).category,
      method,
      to: this.peer,
      transport: this.transport.name,
      callId: res.headers.get('call-id') ?? '',
      cseq,
      bytes: bytes.length,
      retransmission,
    });
    this.emit({ type: 'wire', direction: 'out', transport: this.transport.name, peer: this.peer, text: bytes.toString('utf8') });
  }

  private receive(buf: Buffer, from: Endpoint): void {
    if (this.closed) return;
    const fromText = formatEndpoint(from);
    const parsed = parseMessage(buf);
    // Responses are shown in full by the transaction layer; the rest here.
    if (!parsed.ok || parsed.message.kind === 'request') {
      this.emit({ type: 'wire', direction: 'in', transport: this.transport.name, peer: fromText, text: buf.toString('utf8') });
    }
    if (!parsed.ok) {
      this.emit({ type: 'message.invalid', from: fromText, bytes: buf.length, error: parsed.error.reason, offset: parsed.error.offset });
      return;
    }
    const msg = parsed.message;
    if (msg.kind === 'response') {
      const matched = this.layer.receive(msg, fromText, this.transport.name, buf);
      if (!matched) this.onUnmatched?.(msg);
      return;
    }
    const via = msg.headers.list('via')[0] ?? '';
    this.emit({
      type: 'request.received',
      method: msg.method,
      uri: msg.uri,
      from: fromText,
      transport: this.transport.name,
      callId: msg.headers.get('call-id') ?? '',
      cseq: msg.headers.get('cseq') ?? '',
      branch: /;\s*branch=([^;\s,]+)/i.exec(via)?.[1] ?? '',
      bytes: buf.length,
      retransmission: false,
    });
    this.onRequest?.(msg, from);
  }

  private transportFailed(err: TransportError): void {
    if (this.closed) return;
    // Each live transaction reports the error itself (and ends with a local 503); with none
    // live, the session reports it.
    if (this.live.size === 0) {
      this.emit({ type: 'transport.error', transport: this.transport.name, code: err.code, message: err.message, to: this.peer });
      return;
    }
    for (const tx of [...this.live]) this.layer.transportError(tx.branch, { code: err.code, message: err.message });
  }

  /** Stops every timer and closes the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.layer.close();
    await this.transport.close();
  }
}
