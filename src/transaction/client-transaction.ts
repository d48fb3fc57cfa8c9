/**
 * One live client transaction: the pure state machine (`step`) plus what it needs to act on
 * its effects — the clock for timers, the send port, the event sink, the TU callbacks.
 * Created by `TransactionLayer.send`; the handle the engine keeps.
 */
import type { Clock } from '../clock/clock.js';
import type { SipEvent, TimerName, TransportName } from '../events/types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { serialize } from '../sip/serialize.js';
import { tagOf } from '../sip/name-addr.js';
import { describeStatus } from '../sip/status.js';
import { buildAck } from './ack.js';
import type { SendOptions, TransactionUser, TransportFailure } from './ports.js';
import { start, step } from './step.js';
import { StepEvents } from './step-events.js';
import type { TimerConfig } from './timer-config.js';
import { ArmedTimers } from './armed-timers.js';
import type { ClientEffect, ClientInput, ClientState, ClientStateName } from './types.js';

/** What a transaction needs from the layer that owns it. */
export interface TransactionContext {
  readonly clock: Clock;
  readonly emit: (e: SipEvent) => void;
  /** Emit `wire` events (the full text of every message). */
  readonly wire: boolean;
  /** Called once, when the transaction reaches Terminated. */
  forget(tx: ClientTransaction): void;
}

/** Data about the input being processed, needed by some effects. */
interface InputContext {
  response?: SipResponse;
  from?: string;
  retransmission?: boolean;
  /** For a timer input: when that timer was due. Timers restarted in that step count from
   *  there, not from `now`, so lateness of one firing does not push back the next. For the
   *  first step: when the transport took the request (set by `transmit`, see `begin`). */
  firedDue?: number;
}

/** The timers whose firing re-sends the request (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E). */
const RESENDING_TIMERS: ReadonlySet<TimerName> = new Set<TimerName>(['A', 'E']);

function bytesText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export class ClientTransaction {
  /** The branch of the request's top Via (RFC 3261 §8.1.1.7), set by the caller. */
  readonly branch: string;
  readonly method: string;
  /** @internal The next live transaction with the same branch (an INVITE and its CANCEL). */
  nextSameBranch: ClientTransaction | undefined;

  private st: ClientState;
  private readonly armed: ArmedTimers;
  private readonly bytes: Buffer;
  private ackBytes: Buffer | undefined;
  private acks = 0;
  private attempts = 0;
  /** `status toTag` of every final response seen, to flag retransmissions. */
  private finals: string[] | undefined;
  /** The effects of the first step, until `begin()` performs them. */
  private initial: readonly ClientEffect[] | undefined;
  private busy = false;
  private queue: Array<[ClientInput, InputContext]> | undefined;

  constructor(
    private readonly ctx: TransactionContext,
    private readonly request: SipRequest,
    branch: string,
    private readonly callId: string,
    private readonly cseq: number,
    private readonly opts: SendOptions,
    private readonly config: TimerConfig,
    private readonly user: TransactionUser,
  ) {
    this.branch = branch;
    this.method = request.method;
    this.bytes = serialize(request);
    this.events = new StepEvents(ctx.clock, (e) => ctx.emit(e));
    this.armed = new ArmedTimers(ctx.clock, (e) => this.events.emit(e), branch, request.method, (timer, due) => this.fired(timer, due));
    const first = start(this.method, config);
    this.st = first.state;
    this.initial = first.effects;
  }

  /** The current state, named as in RFC 3261 Figures 5 and 6 and RFC 6026. */
  get state(): ClientStateName {
    return this.st.name;
  }

  /** @internal Sends the request and enters Calling or Trying. */
  begin(): void {
    const effects = this.initial;
    this.initial = undefined;
    if (!effects) return;
    // As a timer's firing (see `fired`): the request leaves first and the step's events are
    // told after, with the step's time. Timers A/E and B/F run from the instant the transport
    // took the request (§17.1.1.2 "MUST start timer A with a value of T1"; `transmit` notes it
    // in `ictx`); before, they ran from after the events had been printed.
    this.events.begin();
    const ictx: InputContext = {};
    this.firstSend = ictx;
    try {
      this.run(() => this.perform(effects, ictx));
    } finally {
      this.firstSend = undefined;
      this.events.end();
    }
  }

  /** While the first step runs: where `transmit` notes when the request left (see `begin`). */
  private firstSend: InputContext | undefined;

  /**
   * Reports a fatal transport failure for this transaction (RFC 3261 §17.1.4); it ends with
   * outcome `transport-error` and a local 503, unless its state ignores transport errors.
   */
  transportError(err: TransportFailure): void {
    if (this.st.name === 'Terminated') return;
    this.events.emit({ type: 'transport.error', transport: this.opts.transport, code: err.code, message: err.message, to: this.opts.to });
    this.input({ type: 'transport-error' }, {});
  }

  /** @internal A response that matched this transaction (RFC 3261 §17.1.3). */
  receive(res: SipResponse, cseq: string, from: string, transport: TransportName, size: number): void {
    const info = describeStatus(res.status);
    const toValue = res.headers.get('to');
    const toTag = toValue === undefined ? undefined : tagOf(toValue);
    let retransmission = false;
    if (res.status >= 200) {
      const key = `${res.status} ${toTag ?? ''}`;
      if (this.finals?.includes(key)) retransmission = true;
      else (this.finals ??= []).push(key);
    }
    const fromValue = res.headers.get('from');
    const fromTag = fromValue === undefined ? undefined : tagOf(fromValue);
    this.events.emit({
      type: 'response.received',
      status: res.status,
      reason: res.reason,
      category: info.category,
      meaning: info.meaning,
      branch: this.branch,
      callId: res.headers.get('call-id') ?? this.callId,
      cseq,
      method: this.method,
      ...(fromTag === undefined ? {} : { fromTag }),
      ...(toTag === undefined ? {} : { toTag }),
      from,
      transport,
      bytes: size,
      retransmission,
    });
    this.input({ type: 'response', status: res.status }, { response: res, from, retransmission });
  }

  /** @internal Stops every timer without reaching Terminated (the layer is closing). */
  dispose(reason: string): void {
    this.armed.stopAll(reason);
  }

  /** @internal How many timers are armed (0 once Terminated). */
  get armedTimers(): number {
    return this.armed.count;
  }

  private input(input: ClientInput, ictx: InputContext): void {
    if (this.busy) {
      // Run to completion: an input that arrives while effects run (a send that throws, a TU
      // callback that reports an error) is processed after them.
      (this.queue ??= []).push([input, ictx]);
      return;
    }
    this.run(() => this.apply(input, ictx));
  }

  private run(body: () => void): void {
    this.busy = true;
    let failure: { err: unknown } | undefined;
    const attempt = (f: () => void): void => {
      try {
        f();
      } catch (err) {
        failure ??= { err };
      }
    };
    attempt(body);
    for (let next = this.queue?.shift(); next; next = this.queue?.shift()) {
      const [input, ictx] = next;
      attempt(() => this.apply(input, ictx));
    }
    this.busy = false;
    this.queue = undefined;
    if (failure) throw failure.err;
  }

  private apply(input: ClientInput, ictx: InputContext): void {
    const next = step(this.st, input, this.config);
    this.st = next.state;
    this.perform(next.effects, ictx);
  }

  /** Performs every effect even if a TU callback throws; rethrows the first error after. */
  private perform(effects: readonly ClientEffect[], ictx: InputContext): void {
    let failure: { err: unknown } | undefined;
    for (const effect of effects) {
      try {
        this.effect(effect, ictx);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }

  private effect(e: ClientEffect, ictx: InputContext): void {
    switch (e.type) {
      case 'transition':
        this.events.emit({ type: 'transaction.state', branch: this.branch, method: this.method, from: e.from, to: e.to });
        return;
      case 'send':
        if (e.what === 'ack') this.sendAck(ictx.response);
        else this.sendRequest(e.what === 'retransmit');
        return;
      case 'start-timer':
        this.armed.start(e.timer, e.ms, ictx.firedDue);
        return;
      case 'stop-timer':
        this.armed.stop(e.timer, e.reason);
        return;
      case 'pass-up':
        // Held events go out before the TU hears anything (it may emit events of its own).
        this.events.release();
        if (ictx.response) {
          this.user.onResponse(ictx.response, { retransmission: ictx.retransmission ?? false, from: ictx.from ?? '' });
        }
        return;
      case 'drop':
        if (ictx.response && !ictx.retransmission) {
          this.events.emit({ type: 'note', level: 'info', text: `${ictx.response.status} ${ictx.response.reason} ignored: ${e.reason}` });
        }
        return;
      case 'terminate':
        this.events.release();
        this.dispose('terminated');
        this.ctx.forget(this);
        this.events.emit({
          type: 'transaction.terminated',
          branch: this.branch,
          method: this.method,
          outcome: e.outcome,
          ...(e.status === undefined ? {} : { status: e.status, local: e.local }),
        });
        this.user.onTerminated(e.status === undefined ? { outcome: e.outcome } : { outcome: e.outcome, status: e.status, local: e.local });
        return;
    }
  }

  private sendRequest(retransmission: boolean): void {
    this.attempts++;
    // A re-send `fired` has already put on its way is only told here.
    const sent = retransmission ? this.early : undefined;
    if (sent) this.early = undefined;
    this.transmit(this.request, this.bytes, this.attempts, retransmission, sent);
  }

  private sendAck(response: SipResponse | undefined): void {
    if (!this.ackBytes) {
      if (!response) return;
      this.ackBytes = serialize(buildAck(this.request, response));
    }
    this.acks++;
    this.transmit({ method: 'ACK', uri: this.request.uri }, this.ackBytes, this.acks, this.acks > 1);
  }

  /** Sends `bytes` (unless `sent` says they already left, see `fired`), then tells it. */
  private transmit(
    req: { method: string; uri: string },
    bytes: Buffer,
    attempt: number,
    retransmission: boolean,
    sent?: { failure?: { err: unknown } },
  ): void {
    // The bytes go out first and are told after (with the step's events held until now, in
    // their order and with their time): printing a line costs 0.2–0.7 ms, which would
    // otherwise be added to every send's lateness (issue 14 §3) and to the round trip measured
    // from the `request.sent` event.
    let failure = sent?.failure;
    if (!sent) {
      try {
        this.opts.port(bytes);
      } catch (err) {
        failure = { err };
      }
    }
    if (this.firstSend) {
      // Taken when the send port has returned: a UDP send port has then handed the datagram to
      // the kernel. A first send on a fresh socket takes 0.2–0.4 ms (cold code, lazy set-up),
      // and timers run from before it made every re-send look that much early on the wire.
      this.firstSend.firedDue = this.ctx.clock.now();
      this.firstSend = undefined;
    }
    this.events.release();
    this.told(req, bytes, attempt, retransmission);
    if (failure) this.sendFailed(failure.err);
  }

  /** The `request.sent` (and `wire`) events of one send. */
  private told(req: { method: string; uri: string }, bytes: Buffer, attempt: number, retransmission: boolean): void {
    const { transport, to } = this.opts;
    this.events.emit({
      type: 'request.sent',
      method: req.method,
      uri: req.uri,
      attempt,
      retransmission,
      transport,
      to,
      bytes: bytes.length,
      branch: this.branch,
      callId: this.callId,
      cseq: this.cseq,
    });
    if (this.ctx.wire) this.events.emit({ type: 'wire', direction: 'out', transport, peer: to, text: bytesText(bytes) });
  }

  private sendFailed(err: unknown): void {
    const e = err as { code?: unknown; message?: unknown };
    this.transportError({
      code: typeof e?.code === 'string' ? e.code : 'ESEND',
      message: typeof e?.message === 'string' ? e.message : String(err),
    });
  }

  private fired(timer: TimerName, due: number): void {
    // A firing of Timer A or E re-sends the request, and that send is the first effect of its
    // step in every state where the timer can be armed (§17.1.1.2, §17.1.2.2; the machines'
    // invariant, test/transaction/resend-first.test.ts). The bytes leave here, before the step
    // is even computed: on a transaction that fires a few times in its life that code runs
    // cold, and computing the step first made the re-send 0.1 ms late, the first one 0.5 ms.
    if (RESENDING_TIMERS.has(timer) && !this.busy) {
      this.early = {};
      try {
        this.opts.port(this.bytes);
      } catch (err) {
        this.early.failure = { err };
      }
    }
    // Everything one firing causes (the re-send, the timer re-armed) happens at one instant:
    // the events carry the same `t`, so readers can show them as one line.
    this.events.begin();
    // Held until a re-send has left (transmit) or the firing is done, whichever is first.
    try {
      this.events.emit({ type: 'timer.fired', timer, branch: this.branch, method: this.method });
      this.input({ type: 'timer', timer }, { firedDue: due });
      if (this.early) {
        this.early = undefined;
        throw new Error(`internal: Timer ${timer} fired in ${this.st.name} without a re-send, after the request had been sent`);
      }
    } finally {
      this.events.end();
    }
  }

  /** This transaction's events (held during a step until its send has left). */
  private readonly events: StepEvents;
  /** A re-send that `fired` put on the wire before its step ran, until the step tells it. */
  private early: { failure?: { err: unknown } } | undefined;
}
