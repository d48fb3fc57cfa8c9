import type { EventInput } from '../events/types.js';
import { headerParam } from '../dialog/name-addr-uri.js';
import type { RandomSource } from '../sip/ids.js';
import type { SipRequest } from '../sip/message.js';
import { badRequestFor, refusalFor } from './request-checks.js';
import { parseMessage } from '../sip/parse.js';
import { describeStatus } from '../sip/status.js';
import { ServerTransactionLayer } from '../transaction/server-layer.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { timerConfig } from '../transaction/timer-config.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import { listen } from '../transport/listen.js';
import { tapListener } from '../transport/tap.js';
import type { Listener, ReplyFn } from '../transport/transport.js';
import type { AnswerPlan } from './plan.js';
import type { EngineEnv } from './session.js';
import { sdpOf } from './call-media.js';
import { parseDtmfInfo } from '../media/dtmf-info.js';
import { LoadUas } from './uas-fast/load-uas.js';
import type { LoadCounters } from './uas-fast/counters.js';
import { ACCEPT, ALLOW, SUPPORTED } from './uas-capabilities.js';
import { dialogIdOf } from './uas-dialog.js';
import { optionsHeaders, registerContacts, statelessAnswer } from './uas-stateless.js';
import type { CallDecision, IncomingCall } from './incoming-call.js';
import type { Flow } from './pending-invite.js';
import { UasMedia } from './uas-media.js';
import { ByeAfter } from './uas-bye-after.js';
import { UasInvites } from './uas-invites.js';
import { listenerPlace, type UasPlace } from './uas-place.js';
import { UasResponses } from './uas-responses.js';

/** `--load`: the UDP socket buffers asked for (4 MiB, as SIPp's `-buff_size 4194304`). */
const LOAD_SOCKET_BUFFER = 4 * 1024 * 1024;

/**
 * `sipcall answer`: a small auto-answering UAS (RFC 3261 §8.2, §13.3) on server transactions
 * (§17.2, src/transaction/server-layer.ts). INVITE → 100 (the transaction's), 180, then after
 * `ringMs` the final status (200 with an SDP answer by default). A non-2xx final is re-sent by
 * its transaction (Timer G) until the ACK; a 2xx by this core until the ACK (§13.3.1.4,
 * "starting at T1 … doubled … until it reaches T2"), for at most 64·T1. A re-sent request of
 * any method gets the same response again from its transaction (a re-sent BYE the same 200,
 * never a 481). BYE → 200, CANCEL → 200 and 487, OPTIONS → 200 with Allow; REGISTER, MESSAGE,
 * INFO, NOTIFY → 200; anything else → 501.
 */
export class AutoAnswer {
  /**
   * On a terminal: asks a person what to do with each incoming call (answer, reject, redirect)
   * instead of answering after `ringMs` with `respond`.
   */
  ask?: (call: IncomingCall) => Promise<CallDecision>;
  private listener?: Listener;
  private layer?: ServerTransactionLayer;
  private place?: UasPlace;
  /** The INVITEs being answered, each until its transaction ends. */
  private readonly invites: UasInvites;
  /** Dialogs of ours that are up, by dialog id (uas-dialog.ts). */
  private readonly dialogs = new Set<string>();
  /** The media of answered calls, by dialog id. */
  private readonly media: UasMedia;
  /** The flow each new request came on, for the calls `--bye-after` hangs up. */
  private readonly flows = new WeakMap<SipRequest, Flow>();
  /** The calls we will hang up (`--bye-after`) and the client transactions of our BYEs. */
  private readonly byeAfter: ByeAfter;
  private readonly responses: UasResponses;
  /** Calls answered, with media figures, for the summary at the end. */
  readonly served = { calls: 0, withMedia: 0 };
  /** `--load` (docs/answer-load.md): the fast path that serves plain INVITE/ACK/BYE/CANCEL. */
  private fast?: LoadUas;
  private closed = false;

  constructor(
    private readonly plan: AnswerPlan,
    private readonly env: EngineEnv,
    random?: RandomSource,
  ) {
    const emit = (e: EventInput): void => this.emit(e);
    const { dialogs, served } = this;
    const media = new UasMedia(plan.media, env, emit);
    const byeAfter = new ByeAfter({ byeAfterS: plan.byeAfterS, userAgent: plan.userAgent, env, emit, random, dialogs, media });
    const responses = new UasResponses(plan.userAgent, random);
    this.media = media;
    this.byeAfter = byeAfter;
    this.responses = responses;
    this.invites = new UasInvites({ plan, env, emit, random, responses, media, byeAfter, dialogs, served, place: () => this.place!, ask: () => this.ask });
  }

  /** Starts listening; returns the bound endpoint. */
  async start(): Promise<Endpoint> {
    const listener = await listen({
      transport: this.plan.transport.toUpperCase() as Uppercase<AnswerPlan['transport']>,
      address: this.plan.address,
      port: this.plan.port,
      // --load: room for SIPp's bursts (the kernel caps it at net.core.rmem_max / wmem_max).
      ...(this.plan.load ? { socketBufferBytes: LOAD_SOCKET_BUFFER } : {}),
      ...(this.plan.certificate ? { certificate: this.plan.certificate } : {}),
      // Stream transports: idle connections are closed on the run's clock, unless one of ours
      // needs it (src/transport/connection-limits.ts, --idle-timeout).
      timers: this.env.clock,
      inUse: (remote: Endpoint) => this.needsFlow(formatEndpoint(remote)),
      ...(this.plan.idleTimeoutS !== undefined ? { idleTimeoutMs: this.plan.idleTimeoutS * 1000 } : {}),
    });
    this.listener = this.env.capture ? tapListener(listener, this.env.capture) : listener;
    const t = { t1: this.plan.t1, t2: this.plan.t2 };
    const reliableTimers = timerConfig({ ...t, reliable: true });
    const udpTimers = timerConfig({ ...t, reliable: false });
    this.byeAfter.start(this.listener, { reliable: reliableTimers, unreliable: udpTimers });
    this.layer = new ServerTransactionLayer({
      clock: this.env.clock,
      emit: (e) => this.env.sink(e),
      wire: true,
      timers: (reliable) => (reliable ? reliableTimers : udpTimers),
      response: (req, status, reason, toTag) => this.responses.response(req, status, reason, toTag),
      user: {
        onRequest: (req, tx) => this.request(req, tx),
        onAck: (ack) => this.invites.ack(ack),
        stateless: (req) => statelessAnswer(req, this.plan.userAgent),
      },
    });
    this.listener.onMessage((buf, from, reply) => this.receive(buf, from, reply));
    // A TCP connection dropped for one of its limits (src/transport/connection-limits.ts).
    this.listener.onDrop?.((d) => this.emit({ type: 'note', level: d.limit === 'idle-timeout' ? 'info' : 'warn', code: d.limit, text: d.message }));
    this.listener.onError((err) => this.emit({ type: 'transport.error', transport: this.listener!.name, code: err.code, message: err.message, to: err.remote ? formatEndpoint(err.remote) : '' }));
    const local = this.listener.local;
    this.place = listenerPlace(this.listener, this.plan.transport, this.layer);
    if (this.plan.load) {
      const granted = listener.socketBufferSizes?.();
      this.fast = new LoadUas({
        clock: this.env.clock,
        t1: this.plan.t1,
        t2: this.plan.t2,
        ringMs: this.plan.ringMs,
        respond: this.plan.respond,
        reason: describeStatus(this.plan.respond).reason,
        server: this.plan.userAgent,
        contact: this.place.contact,
        mediaAddress: local.address,
        allow: ALLOW,
        // What the kernel granted of the 4 MiB asked for (docs/answer-load.md).
        ...(granted ? { socketBuffers: granted } : {}),
      });
    }
    return local;
  }

  /**
   * Serves requests that arrive elsewhere (`register --listen`: the registration's own flow,
   * RFC 5626 style): the caller passes them in with `request` and `ack`.
   */
  serve(place: UasPlace): void {
    this.place = place;
  }

  /** A new request with its server transaction, from a layer that is not ours (see `serve`). */
  take(req: SipRequest, tx: ServerTransaction): void {
    if (!this.closed) this.request(req, tx);
  }

  /** An ACK that matched no transaction of that layer (the ACK of our 2xx). */
  takeAck(ack: SipRequest): void {
    if (!this.closed) this.invites.ack(ack);
  }

  /** Server transactions alive now (an OPTIONS flood keeps none: §8.2.7 stateless answers). */
  get liveTransactions(): number {
    return this.layer?.size ?? 0;
  }

  /**
   * Whether a request's flow (`host:port` of its connection) is still needed: an INVITE of its
   * is being answered or waits for its ACK, or a call of its will be hung up on it
   * (`--bye-after`). RFC 3261 §18.2.2: the response "MUST be sent using the existing
   * connection". Other requests over a stream are answered at once (Timer J = 0).
   */
  private needsFlow(peer: string): boolean {
    return this.invites.needsFlow(peer) || this.byeAfter.needsFlow(peer);
  }

  /** INVITEs whose transaction is still remembered (tests: none is kept forever). */
  get pendingInvites(): number {
    return this.invites.size;
  }

  get local(): Endpoint | undefined {
    return this.listener?.local;
  }

  private emit(e: EventInput): void {
    this.env.sink({ ...e, t: this.env.clock.now() } as Parameters<EngineEnv['sink']>[0]);
  }

  /** `--load`: what the fast path counted (undefined without `--load`). */
  get loadCounters(): LoadCounters | undefined {
    return this.fast?.counters;
  }

  private receive(buf: Buffer, from: Endpoint, reply: ReplyFn): void {
    if (this.closed) return;
    if (this.fast?.receive(buf, reply)) return;
    const peer = formatEndpoint(from);
    const transport = this.listener!.name;
    this.emit({ type: 'wire', direction: 'in', transport, peer, text: buf.toString('utf8') });
    const parsed = parseMessage(buf);
    if (!parsed.ok) {
      this.emit({ type: 'message.invalid', from: peer, bytes: buf.length, error: parsed.error.reason, offset: parsed.error.offset });
      // §8.2 / §21.4.1: a malformed request gets a 400 that names the problem, not silence.
      const bad = badRequestFor(buf, parsed.error.reason, this.plan.userAgent);
      if (bad) this.layer!.sendStateless(bad, (bad.headers.get('cseq') ?? '').split(/\s+/)[1] ?? '', reply, peer, transport);
      return;
    }
    const msg = parsed.message;
    if (msg.kind === 'response') {
      // The answer to our own BYE (--bye-after); anything else is a stray, said by the layer.
      this.byeAfter.receive(msg, peer, transport, buf);
      return;
    }
    if (msg.method === 'INVITE') this.flows.set(msg, { reply, peer, transport, reliable: this.listener!.reliable });
    this.layer!.receive(msg, buf.length, reply, peer, transport, this.listener!.reliable);
  }

  /** A new request with its server transaction (RFC 3261 §8.2): the UAS core's answer. */
  private request(msg: SipRequest, tx: ServerTransaction): void {
    const refused = refusalFor(msg, SUPPORTED, ACCEPT);
    if (refused) {
      this.emit({ type: 'note', level: 'info', code: 'request-refused', text: refused.why });
      return this.responses.respond(msg, tx, refused.status, refused.reason, refused.extra);
    }
    switch (msg.method) {
      case 'INVITE':
        // With a To tag: a re-INVITE in a dialog of ours (RFC 3261 §14.2), not a new call.
        if (headerParam(msg.headers.get('to') ?? '', 'tag') !== undefined) return this.invites.reinvite(msg, tx);
        return this.invites.invite(msg, tx, this.flows.get(msg));
      case 'CANCEL':
        return this.invites.cancel(msg, tx);
      case 'UPDATE':
        return this.update(msg, tx);
      case 'BYE': {
        const id = dialogIdOf(msg);
        if (!this.dialogs.has(id)) return this.responses.respond(msg, tx, 481, 'Call/Transaction Does Not Exist');
        this.dialogs.delete(id);
        this.byeAfter.forget(id);
        this.responses.respond(msg, tx, 200, 'OK');
        this.media.ended(id, 'the caller hung up (BYE)');
        return;
      }
      case 'OPTIONS':
        return this.responses.respond(msg, tx, 200, 'OK', optionsHeaders());
      case 'REGISTER':
        return this.responses.respond(msg, tx, 200, 'OK', registerContacts(msg));
      case 'INFO':
        this.dtmfInfo(msg);
        return this.responses.respond(msg, tx, 200, 'OK');
      case 'MESSAGE':
      case 'NOTIFY':
        return this.responses.respond(msg, tx, 200, 'OK');
      default:
        return this.responses.respond(msg, tx, 501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
    }
  }

  /** DTMF by SIP INFO (application/dtmf-relay, application/dtmf) from the caller. */
  private dtmfInfo(req: SipRequest): void {
    const type = req.headers.get('content-type');
    if (!type || !req.body.length) return;
    const r = parseDtmfInfo(type, Buffer.from(req.body).toString('utf8'));
    if ('error' in r) return;
    this.emit({ type: 'media.dtmf', direction: 'received', digit: r.digit, method: 'info', durationMs: r.durationMs });
  }

  /**
   * An UPDATE in a dialog of ours (RFC 3311 §5.2): an SDP offer in it is answered in the 200
   * (hold, resume, a new address), like a re-INVITE's but without an ACK; without a body it is
   * a session refresh (RFC 4028 §9) and gets a plain 200.
   */
  private update(req: SipRequest, tx: ServerTransaction): void {
    const id = dialogIdOf(req);
    if (!this.dialogs.has(id)) return this.responses.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    const contact = [{ name: 'Contact', value: this.place!.contact }];
    if (!sdpOf(req)) return this.responses.respond(req, tx, 200, 'OK', contact);
    const sdp = this.media.inDialog(req, id, 'UPDATE', this.place!.mediaAddress);
    if ('warning' in sdp) return this.responses.respond(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: sdp.warning }]);
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag')!;
    tx.respond(this.responses.response(req, 200, 'OK', toTag, [...contact, { name: 'Allow', value: ALLOW }], Buffer.from(sdp.body)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fast?.close();
    this.invites.close();
    this.layer?.close();
    this.byeAfter.close();
    this.media.close();
    await this.listener?.close();
  }
}
