/**
 * One live server transaction: the pure machine (server-step.ts) plus what it needs to act on
 * its effects: the clock for timers, the reply path to the peer, the event sink. Created by
 * `ServerTransactionLayer` for each new request; the TU answers through `respond`.
 */
import type { Clock } from '../clock/clock.js';
import { StepEvents } from './step-events.js';
import type { SipEvent, TimerName, TransportName } from '../events/types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { toTag } from '../sip/fields.js';
import { serialize } from '../sip/serialize.js';
import { describeStatus } from '../sip/status.js';
import type { SendPort } from './ports.js';
import { mergeKey } from './server-match.js';
import { serverStep, startServer } from './server-step.js';
import type { ServerEffect, ServerInput, ServerOutcome, ServerState, ServerStateName } from './server-types.js';
import type { TimerConfig } from './timer-config.js';
import { ArmedTimers } from './armed-timers.js';

/** What a server transaction needs from the layer that owns it. */
export interface ServerTransactionContext {
  readonly clock: Clock;
  readonly emit: (e: SipEvent) => void;
  /** Emit `wire` events (the full text of every message sent). */
  readonly wire: boolean;
  /** Builds the 100 Trying the INVITE transaction sends itself (§17.2.1, §8.2.6.1). */
  trying(req: SipRequest): SipResponse;
  /** Called once, when the transaction reaches Terminated. */
  forget(tx: ServerTransaction): void;
}

/** The TU's side of one server transaction. */
export interface ServerTransactionUser {
  /** An ACK passed up in Accepted (RFC 6026 Figure 7). */
  onAck?(ack: SipRequest): void;
  /** The transaction ended: done, Timer H without an ACK, or a transport failure. */
  onTerminated?(outcome: ServerOutcome, tx: ServerTransaction): void;
}

interface InputContext {
  request?: SipRequest;
  response?: { res: SipResponse; bytes: Buffer; retransmission: boolean };
  firedDue?: number;
}

export class ServerTransaction {
  readonly method: string;
  /** Our To tag in the final response, for RFC 2543 ACK matching (§17.2.3). */
  responseToTag: string | undefined;
  user: ServerTransactionUser = {};
  private st: ServerState;
  private readonly armed: ArmedTimers;
  /** The last response sent, as bytes and the fields its events name. */
  private last: { status: number; reason: string; callId: string; cseq: string; bytes: Buffer } | undefined;
  private initial: readonly ServerEffect[] | undefined;
  /** This transaction's events (held during a firing until its re-send has left). */
  private readonly events: StepEvents;
  private busy = false;
  /** Closed by its layer: nothing more is sent or armed. */
  private disposed = false;
  private queue: Array<[ServerInput, InputContext]> | undefined;

  /** RFC 2543 matching: the To tag of the request that created the transaction (§17.2.3). */
  readonly requestToTag: string | undefined;
  /** §8.2.2.2 identity (server-match.ts mergeKey), kept after the request is let go. */
  readonly mergeKey: string | undefined;
  private req: SipRequest | undefined;

  constructor(
    private readonly ctx: ServerTransactionContext,
    request: SipRequest,
    /** The §17.2.3 key (server-match.ts). */
    readonly key: string,
    readonly branch: string,
    private readonly reply: SendPort,
    /** The peer, `host:port`, as the events name it. */
    readonly peer: string,
    readonly transport: TransportName,
    private readonly config: TimerConfig,
  ) {
    this.method = request.method;
    this.events = new StepEvents(ctx.clock, (e) => ctx.emit(e));
    this.armed = new ArmedTimers(ctx.clock, (e) => this.events.emit(e), branch, request.method, (timer, due) => this.fired(timer, due));
    this.req = request;
    this.requestToTag = toTag(request);
    this.mergeKey = mergeKey(request);
    const first = startServer(this.method, config);
    this.st = first.state;
    this.initial = first.effects;
  }

  /**
   * The request that created the transaction, until its final response went out; after that
   * only the response bytes are kept (a long run answering many requests stays small).
   */
  get request(): SipRequest | undefined {
    return this.req;
  }

  /** The current state, named as in RFC 3261 Figures 7 and 8 and RFC 6026. */
  get state(): ServerStateName {
    return this.st.name;
  }

  /** The status of the last response sent, if any. */
  get lastStatus(): number | undefined {
    return this.st.last;
  }

  /** True once a final response went out (or the transaction ended). */
  get answered(): boolean {
    return (this.st.last ?? 0) >= 200 || this.st.name === 'Terminated';
  }

  /** @internal Enters the first state: the 100 Trying for an INVITE. The TU is told by the layer. */
  begin(): void {
    const effects = this.initial;
    this.initial = undefined;
    if (!effects) return;
    this.busy = true;
    try {
      this.perform(effects, { request: this.req });
    } finally {
      this.busy = false;
    }
    const queued = this.queue ?? [];
    this.queue = undefined;
    for (const [i, c] of queued) this.input(i, c);
  }

  /**
   * The TU passes a response down (RFC 3261 §17.2.1, §17.2.2). `retransmission` marks a 2xx
   * the TU re-sends itself (§13.3.1.4). A response the state does not allow is not sent.
   */
  respond(res: SipResponse, retransmission = false): void {
    const bytes = serialize(res);
    this.input({ type: 'respond', status: res.status }, { response: { res, bytes, retransmission } });
  }

  /** @internal A request (a re-sent copy, or an ACK) that matched this transaction. */
  receive(req: SipRequest): void {
    this.input(req.method === 'ACK' ? { type: 'ack' } : { type: 'request' }, { request: req });
  }

  /** Reports that the transport could not send (RFC 3261 §17.2.4). */
  transportError(): void {
    this.input({ type: 'transport-error' }, {});
  }

  /** @internal Stops every timer without reaching Terminated (the layer is closing). */
  dispose(reason: string): void {
    this.disposed = true;
    this.armed.stopAll(reason);
  }

  /** @internal Timers armed now. */
  get armedTimers(): number {
    return this.armed.count;
  }

  private input(input: ServerInput, ictx: InputContext): void {
    if (this.disposed) return;
    if (this.busy) {
      // Run to completion: an input that arrives while effects run (a send that throws and
      // becomes a transport error) is processed after them, on the state they left.
      (this.queue ??= []).push([input, ictx]);
      return;
    }
    this.busy = true;
    try {
      for (let next: [ServerInput, InputContext] | undefined = [input, ictx]; next; next = this.queue?.shift()) {
        const step = serverStep(this.st, next[0], this.config);
        this.st = step.state;
        this.perform(step.effects, next[1]);
      }
    } finally {
      this.busy = false;
      this.queue = undefined;
    }
  }

  private perform(effects: readonly ServerEffect[], ictx: InputContext): void {
    for (const e of effects) this.effect(e, ictx);
  }

  private effect(e: ServerEffect, ictx: InputContext): void {
    switch (e.type) {
      case 'transition':
        this.events.emit({ type: 'transaction.state', branch: this.branch, method: this.method, from: e.from, to: e.to });
        return;
      case 'start-timer':
        this.armed.start(e.timer, e.ms, ictx.firedDue);
        return;
      case 'stop-timer':
        this.armed.stop(e.timer, e.reason);
        return;
      case 'send':
        if (e.what === 'trying') {
          if (!this.req) return;
          const res = this.ctx.trying(this.req);
          this.transmit(res, serialize(res), false);
        } else if (e.what === 'response' && ictx.response) {
          this.transmit(ictx.response.res, ictx.response.bytes, ictx.response.retransmission);
        } else if (this.last) {
          // A re-send `fired` has already put on its way is only told here.
          const sent = this.early;
          this.early = undefined;
          this.sendThenTell(this.last, true, sent);
        }
        return;
      case 'pass-up':
        // The first copy of a request is passed up by the layer (it creates the transaction
        // for it); here only an ACK in Accepted.
        if (ictx.request?.method === 'ACK') this.user.onAck?.(ictx.request);
        return;
      case 'drop':
        return;
      case 'terminate':
        this.dispose('terminated');
        this.ctx.forget(this);
        this.user.onTerminated?.(e.outcome, this);
        return;
    }
  }

  private transmit(res: SipResponse, bytes: Buffer, retransmission: boolean): void {
    this.last = { status: res.status, reason: res.reason, callId: res.headers.get('call-id') ?? '', cseq: res.headers.get('cseq') ?? '', bytes };
    // §17.2.3: an old peer's ACK matches "the To tag of the response sent by the server
    // transaction": the one sent, not one the TU passed and the machine dropped.
    if (res.status >= 200) {
      this.responseToTag = toTag(res) ?? this.responseToTag;
      this.req = undefined;
    }
    this.sendThenTell(this.last, retransmission);
  }

  /**
   * The bytes go out first (unless `sent` says they already left, see `fired`); then the events
   * held since the step began (a timer's firing), then `response.sent`: printing a line costs 0.2–0.7 ms, which would otherwise be added to every
   * response and every Timer G re-send (issue 14 §3).
   */
  private sendThenTell(r: NonNullable<ServerTransaction['last']>, retransmission: boolean, sent?: { failed: boolean }): void {
    let failed = sent?.failed ?? false;
    if (!sent) {
      try {
        this.reply(r.bytes);
      } catch {
        failed = true;
      }
    }
    this.events.release();
    this.emitSent(r, retransmission);
    if (failed) this.transportError();
  }

  private emitSent(r: NonNullable<ServerTransaction['last']>, retransmission: boolean): void {
    this.events.emit({
      type: 'response.sent',
      status: r.status,
      reason: r.reason,
      category: describeStatus(r.status).category,
      method: this.method,
      to: this.peer,
      transport: this.transport,
      callId: r.callId,
      cseq: r.cseq,
      bytes: r.bytes.length,
      retransmission,
    });
    if (this.ctx.wire) this.events.emit({ type: 'wire', direction: 'out', transport: this.transport, peer: this.peer, text: r.bytes.toString('utf8') });
  }

  private fired(timer: TimerName, due: number): void {
    // A firing of Timer G re-sends the final response, and that send is the first effect of its
    // step (§17.2.1; the machine's invariant, test/transaction/resend-first.test.ts). The bytes
    // leave here, before the step is computed (see ClientTransaction.fired).
    if (timer === 'G' && this.last && !this.busy) {
      this.early = { failed: false };
      try {
        this.reply(this.last.bytes);
      } catch {
        this.early.failed = true;
      }
    }
    this.events.begin();
    // Held until a re-send has left (sendThenTell) or the firing is done, whichever is first.
    try {
      this.events.emit({ type: 'timer.fired', timer, branch: this.branch, method: this.method });
      this.input({ type: 'timer', timer }, { firedDue: due });
      if (this.early) {
        this.early = undefined;
        throw new Error(`internal: Timer ${timer} fired in ${this.st.name} without a re-send, after the response had been sent`);
      }
    } finally {
      this.events.end();
    }
  }

  /** A re-send that `fired` put on the wire before its step ran, until the step tells it. */
  private early: { failed: boolean } | undefined;
}
