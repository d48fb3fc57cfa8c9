import type { Clock } from '../clock/clock.js';
import type { EventInput, EventSink, TransportName } from '../events/types.js';
import { parseMessage } from '../sip/parse.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { topBranch } from '../sip/fields.js';
import { serialize } from '../sip/serialize.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import { ServerTransactionLayer } from '../transaction/server-layer.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { TransactionUser } from '../transaction/ports.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import { forTransport, type TimerConfig } from '../transaction/timer-config.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import { transportError, type TransportError } from '../transport/errors.js';
import type { CloseReason, Listener, Transport } from '../transport/transport.js';
import type { WireTap } from '../transport/tap.js';
import { responseFor } from './response-for.js';
import { badRequestFor } from './request-checks.js';
import { NOTE_CODE } from './verdict/codes.js';
import { UDP_SIZE_LIMIT, type OversizeRequest } from './verdict/udp-size.js';

/** What the engine needs from the outside world: time, an event sink, and (`--pcap`) a tap. */
export interface EngineEnv {
  clock: Clock;
  sink: EventSink;
  /**
   * Sees every SIP message, RTP and RTCP packet sent and received (`--pcap FILE`,
   * docs/pcap.md): the transports, listeners and RTP sockets the engine opens are tapped.
   */
  capture?: WireTap;
}

/** How the session treats transport trouble (from the plan's TransportPlan). */
export interface SessionOptions {
  /** `--keep-trying`: an ICMP error on UDP is reported but does not end the transactions. */
  keepTrying?: boolean;
  /** The user chose the transport: an oversize request stays on UDP (with a warning). */
  transportForced?: boolean;
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
  /**
   * Requests that arrive from the peer (BYE during a call, re-INVITE, INFO, OPTIONS, …), each
   * with its server transaction (RFC 3261 §17.2): the TU answers with `tx.respond`, and a
   * re-sent copy gets the same answer from the transaction without reaching the TU. With no
   * TU set, requests are answered 481 (there is no dialog or transaction for them here).
   */
  onRequest: ((req: SipRequest, tx: ServerTransaction) => void) | undefined;
  /** The ACK of a 2xx we sent to a re-INVITE from the peer (RFC 3261 §13.3.1.4). */
  onAck: ((ack: SipRequest) => void) | undefined;
  /** The server transactions of the requests the peer sends us. */
  readonly servers: ServerTransactionLayer;
  /** Responses that matched no transaction (a 2xx re-sent after Timer M, …). */
  onUnmatched: ((res: SipResponse) => void) | undefined;
  private closed = false;
  /** Sources of responses other than the target, each noted once (`reply-from-other-address`). */
  private readonly otherSources = new Set<string>();
  /** The extra listener on the Via sent-by port (docs/verdicts.md), if any. */
  private sentBy: Listener | undefined;
  /** Holds the transaction of a request that was not sent because it needs TCP. */
  private limbo: TransactionLayer | undefined;
  private oversizeFound!: (o: OversizeRequest) => void;
  /**
   * Resolves when a request turned out too big for UDP (RFC 3261 §18.1.1) and the transport
   * was not forced: the run must start again over TCP (src/engine/run-uac.ts).
   */
  readonly oversize: Promise<OversizeRequest> = new Promise((resolve) => (this.oversizeFound = resolve));

  constructor(
    readonly env: EngineEnv,
    readonly transport: Transport,
    readonly timers: TimerConfig,
    readonly options: SessionOptions = {},
  ) {
    this.layer = new TransactionLayer({ clock: env.clock, emit: env.sink });
    this.servers = new ServerTransactionLayer({
      clock: env.clock,
      emit: env.sink,
      wire: true,
      timers: (reliable) => forTransport(timers, reliable),
      response: (req, status, reason, toTag) => responseFor(req, status, reason, { toTag }),
      user: {
        onRequest: (req, tx) => {
          if (this.onRequest) this.onRequest(req, tx);
          else tx.respond(responseFor(req, 481, 'Call/Transaction Does Not Exist', { toTag: 'sipcall' }));
        },
        // An ACK that matches no server transaction: the ACK of a 2xx we sent (to a re-INVITE).
        onAck: (ack) => this.onAck?.(ack),
      },
    });
    transport.onMessage((buf, from) => this.receive(buf, from));
    transport.onError((err) => this.transportFailed(err));
    transport.onClose((reason) => this.closedByPeer(reason));
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

  /**
   * Also receives on `listener`: the port advertised in Via sent-by when it differs from the
   * port requests leave from. RFC 3261 §18.1.1: the client transport "MUST be prepared to
   * receive responses on the source IP address from which the request is sent … and the port
   * number in the "sent-by" field". A response arriving there is processed as usual, after a
   * note (code `rport-ignored`): the peer did not answer to our source port.
   */
  listenAlso(listener: Listener): void {
    this.sentBy = listener;
    listener.onMessage((buf, from) => this.receive(buf, from, listener));
    listener.onError(() => {}); // not where we send: nothing to report
  }

  /** Starts a client transaction for `request` (its top Via carries the branch). */
  request(request: SipRequest, user: TransactionUser): ClientTransaction {
    const size = this.transport.name === 'UDP' ? serialize(request).length : 0;
    if (size > UDP_SIZE_LIMIT) {
      const too = `the ${request.method} is ${size} bytes, over the ${UDP_SIZE_LIMIT} bytes RFC 3261 §18.1.1 allows on UDP when the path MTU is unknown`;
      if (!this.options.transportForced) {
        this.emit({ type: 'note', level: 'warn', code: NOTE_CODE.oversizeSwitch, text: `${too}: not sent on UDP; sipcall starts again over TCP, as the RFC says` });
        this.oversizeFound({ method: request.method, bytes: size });
        // Never sent: a transaction on a silent layer that session.close() disposes of.
        this.limbo ??= new TransactionLayer({ clock: this.env.clock, emit: () => {}, wire: false });
        return this.limbo.send(request, { transport: 'UDP', reliable: false, to: this.peer, timers: this.timers, port: () => {} }, user);
      }
      this.emit({ type: 'note', level: 'warn', code: NOTE_CODE.oversizeUdp, text: `${too}; sent on UDP anyway because UDP was forced: it will be fragmented, and fragments are often dropped` });
    }
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
    const branch = topBranch(request) ?? '';
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

  private receive(buf: Buffer, from: Endpoint, at?: Listener): void {
    if (this.closed) return;
    const fromText = formatEndpoint(from);
    const parsed = parseMessage(buf);
    if (at && parsed.ok && parsed.message.kind === 'response') {
      const r = parsed.message;
      this.emit({
        type: 'note',
        level: 'warn',
        code: NOTE_CODE.rportIgnored,
        text: `${r.status} ${r.reason} from ${fromText} arrived at ${formatEndpoint(at.local)}, the sent-by port of our Via, not at ${formatEndpoint(this.transport.local)} where the request was sent from (our Via asked for rport, RFC 3581)`,
      });
    }
    if (!at && parsed.ok && parsed.message.kind === 'response') this.noteOtherAddress(parsed.message, fromText);
    // Responses are shown in full by the transaction layer; the rest here.
    if (!parsed.ok || parsed.message.kind === 'request') {
      this.emit({ type: 'wire', direction: 'in', transport: this.transport.name, peer: fromText, text: buf.toString('utf8') });
    }
    if (!parsed.ok) {
      this.emit({ type: 'message.invalid', from: fromText, bytes: buf.length, error: parsed.error.reason, offset: parsed.error.offset });
      // §8.2 / §21.4.1: a malformed request from the peer gets a 400 that names the problem.
      const bad = badRequestFor(buf, parsed.error.reason);
      if (bad) this.servers.sendStateless(bad, (bad.headers.get('cseq') ?? '').split(/\s+/)[1] ?? '', (b) => this.transport.send(b), fromText, this.transport.name);
      return;
    }
    const msg = parsed.message;
    if (msg.kind === 'response') {
      const matched = this.layer.receive(msg, fromText, this.transport.name, buf);
      if (!matched) this.onUnmatched?.(msg);
      return;
    }
    this.servers.receive(msg, buf.length, (bytes) => this.transport.send(bytes), fromText, this.transport.name, this.transport.reliable);
  }

  /**
   * A response at our source port from another address or port than the one the request went
   * to (the UDP transport's unconnected sibling hears those, src/transport/udp-sibling.ts): a
   * note (code `reply-from-other-address`), once per source. It is processed as usual: RFC 3261
   * §18.1.2 matches a response to its transaction by the Via branch, not by its source.
   */
  private noteOtherAddress(r: SipResponse, fromText: string): void {
    if (this.transport.name !== 'UDP' || fromText === this.peer || this.otherSources.has(fromText)) return;
    this.otherSources.add(fromText);
    this.emit({
      type: 'note',
      level: 'warn',
      code: NOTE_CODE.replyFromOtherAddress,
      text: `${r.status} ${r.reason} came from ${fromText}, not from ${this.peer} where the request went; matched by its Via branch all the same (RFC 3261 §18.1.2), but a NAT or firewall on the way would drop it`,
    });
  }

  private transportFailed(err: TransportError): void {
    if (this.closed) return;
    const icmp = this.transport.name === 'UDP' && (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH');
    if (icmp && this.options.keepTrying) {
      // --keep-trying: report the ICMP error, and let Timers A/E go on retransmitting (the
      // RFC 3261 §18.4 notification is information, not an order to stop).
      this.emit({ type: 'transport.error', transport: this.transport.name, code: err.code, message: err.message, to: this.peer });
      return;
    }
    // Each live transaction reports the error itself (and ends with a local 503); with none
    // live, the session reports it.
    if (this.live.size === 0) {
      this.emit({ type: 'transport.error', transport: this.transport.name, code: err.code, message: err.message, to: this.peer });
      return;
    }
    for (const tx of [...this.live]) this.layer.transportError(tx.branch, { code: err.code, message: err.message });
  }

  /**
   * A stream the peer closed while a request still waits for its final response: no response
   * can come on it any more (RFC 3261 §18.2.2 would have the server open a new connection to
   * our sent-by, where sipcall does not listen), so those transactions fail now rather than at
   * Timer B/F. A close after the final responses is the normal end and says nothing.
   */
  private closedByPeer(reason: CloseReason): void {
    if (this.closed || reason !== 'peer') return;
    const waiting = [...this.live].filter((tx) => tx.state === 'Calling' || tx.state === 'Trying' || tx.state === 'Proceeding');
    if (waiting.length === 0) return;
    const err = transportError('CLOSED', { transport: this.transport.name, remote: this.transport.remote }, 'by the peer, before the final response');
    for (const tx of waiting) this.layer.transportError(tx.branch, { code: err.code, message: err.message });
  }

  /** Stops every timer and closes the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.layer.close();
    this.servers.close();
    this.limbo?.close();
    await Promise.all([this.transport.close(), this.sentBy?.close()]);
  }
}
