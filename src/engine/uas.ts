import { createHash } from 'node:crypto';
import type { TimerHandle } from '../clock/clock.js';
import type { EventInput } from '../events/types.js';
import { headerParam } from '../dialog/name-addr-uri.js';
import { newBranch, newTag, type RandomSource } from '../sip/ids.js';
import type { TransportName } from '../events/types.js';
import { inDialogRequest, type Dialog } from '../dialog/dialog.js';
import { checkRemoteTarget, checkRouteSet } from '../dialog/dialog-checks.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { responseFor } from './response-for.js';
import { retransmit2xx } from './retransmit-2xx.js';
import { badRequestFor, refusalFor } from './request-checks.js';
import { parseMessage } from '../sip/parse.js';
import { describeStatus } from '../sip/status.js';
import { ServerTransactionLayer } from '../transaction/server-layer.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { timerConfig, type TimerConfig } from '../transaction/timer-config.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import { listen } from '../transport/listen.js';
import { tapListener } from '../transport/tap.js';
import type { Listener, ReplyFn } from '../transport/transport.js';
import type { AnswerPlan } from './plan.js';
import type { EngineEnv } from './session.js';
import { MediaStream } from './media-stream.js';
import { sdpOf } from './call-media.js';
import { buildAnswer, buildOffer, localMediaOf } from '../media/sdp-offer.js';
import { negotiate } from '../media/negotiate.js';
import { parseDtmfInfo } from '../media/dtmf-info.js';
import { LoadUas } from './uas-fast/load-uas.js';
import type { LoadCounters } from './uas-fast/counters.js';

/** `--load`: the UDP socket buffers asked for (4 MiB, as SIPp's `-buff_size 4194304`). */
const LOAD_SOCKET_BUFFER = 4 * 1024 * 1024;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE, INFO, NOTIFY, UPDATE';
/** Option tags `answer` understands (RFC 3261 §8.2.2.3): none yet. */
const SUPPORTED: readonly string[] = [];
/** Body types `answer` reads, by method (RFC 3261 §8.2.3). */
const ACCEPT: Readonly<Record<string, readonly string[]>> = {
  INVITE: ['application/sdp'],
  UPDATE: ['application/sdp'],
  INFO: ['application/dtmf-relay', 'application/dtmf'],
};

/** One INVITE we are answering: its server transaction and what the UAS core keeps for it. */
interface PendingInvite {
  request: SipRequest;
  tx: ServerTransaction;
  toTag: string;
  /** A final response was passed to the transaction. */
  final: boolean;
  acked: boolean;
  /** The ring timer. */
  timers: TimerHandle[];
  /** The core's own 2xx retransmissions (RFC 3261 §13.3.1.4), until the ACK. */
  resend?: { stop(): void };
  /** The RTP stream for this call, bound when the INVITE arrived (docs/media.md). */
  media?: Promise<MediaStream | undefined>;
  /** True when the INVITE had no offer: ours goes in the 2xx, the answer comes in the ACK. */
  offeredInAnswer?: boolean;
  /** A re-INVITE in an existing dialog (not a new call). */
  reinvite?: boolean;
  /** The flow the INVITE came on (answer's own listener; absent for `serve`). */
  flow?: Flow;
}

/** Where a request came from, and the way back to it (RFC 3261 §18.2.2). */
interface Flow {
  reply: ReplyFn;
  /** `host:port`, IPv6 in brackets. */
  peer: string;
  transport: TransportName;
  reliable: boolean;
}

/** A call we answered and may hang up (`--bye-after`): its dialog as the UAS (§12.1.1). */
interface AnsweredCall {
  dialog: Dialog;
  flow: Flow;
  /** The ACK came: the call is confirmed. */
  confirmedAt?: number;
  byeTimer?: TimerHandle;
}

/**
 * The UAS side of a dialog (RFC 3261 §12.1.1) from the INVITE and our 2xx's To tag: "The route
 * set MUST be set to the list of URIs in the Record-Route header field from the request, taken
 * in order … The remote target MUST be set to the URI from the Contact header field of the
 * request. The remote sequence number MUST be set to the value of the sequence number in the
 * CSeq header field of the request. The local sequence number MUST be empty." Our first request
 * (a BYE) then takes CSeq 1 (§12.2.1.1: any value when it is empty). Returns undefined when
 * the INVITE has no usable Contact (§8.1.1.8 requires one SIP or SIPS URI) or Record-Route
 * (src/dialog/dialog-checks.ts): no request of ours may carry them as its Request-URI.
 */
export function uasDialog(invite: SipRequest, toTag: string): Dialog | undefined {
  const target = checkRemoteTarget(invite.headers.list('contact'));
  const routes = checkRouteSet(invite.headers.list('record-route'));
  if ('field' in target || 'field' in routes) return undefined;
  const from = invite.headers.get('from') ?? '';
  const to = invite.headers.get('to') ?? '';
  return {
    callId: invite.headers.get('call-id') ?? '',
    localTag: toTag,
    remoteTag: headerParam(from, 'tag') ?? '',
    localFrom: `${to};tag=${toTag}`,
    remoteTo: from,
    localSeq: 0,
    remoteTarget: target.uri,
    // §12.1.1: the request's Record-Route "taken in order" (checkRouteSet returns them reversed, for a UAC).
    routeSet: routes.routeSet.reverse(),
  };
}

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
/**
 * Where the UAS core answers from: the address for RTP, the Contact of its 2xx, whether the
 * transport is reliable (no 2xx re-sends), and how a CANCEL finds its INVITE. `answer` sets it
 * from its own listener; `register --listen` from the registration's flow.
 */
export interface UasPlace {
  mediaAddress: string;
  /** The Contact value of our 2xx (a name-addr). */
  contact: string;
  reliable: boolean;
  inviteFor(cancel: SipRequest): ServerTransaction | undefined;
}

/** An incoming call, as a person deciding on it sees it. */
export interface IncomingCall {
  /** The caller: the From header value. */
  from: string;
  subject?: string;
  /** The codecs the offer names, e.g. `PCMU/8000`, `telephone-event/8000`. */
  codecs: string[];
  callId: string;
}

/** What to do with an incoming call. */
export type CallDecision = { action: 'answer' } | { action: 'reject'; status: number } | { action: 'redirect'; to: string };

/**
 * A To tag that is the same for every copy of a request (RFC 3261 §8.2.7: a stateless UAS must
 * give a retransmission the same response): a hash of Call-ID, From tag, CSeq and branch.
 */
function statelessTag(req: SipRequest): string {
  const h = createHash('sha1');
  h.update(`${req.headers.get('call-id') ?? ''}|${headerParam(req.headers.get('from') ?? '', 'tag') ?? ''}|${req.headers.get('cseq') ?? ''}|${req.headers.list('via')[0] ?? ''}`);
  return h.digest('hex').slice(0, 16);
}

/** Names the static payload types (RFC 3551 §6) and the rtpmap'd ones of an offer. */
function offeredCodecs(req: SipRequest): string[] {
  const sdp = sdpOf(req);
  const m = sdp?.media.find((x) => x.type === 'audio');
  if (!m) return [];
  const STATIC: Record<string, string> = { '0': 'PCMU/8000', '3': 'GSM/8000', '4': 'G723/8000', '8': 'PCMA/8000', '9': 'G722/8000', '18': 'G729/8000' };
  return m.formats.map((f) => {
    const r = m.rtpmap.get(Number(f));
    return r ? `${r.encoding}/${r.clockRate}` : (STATIC[f] ?? `PT ${f}`);
  });
}

export class AutoAnswer {
  /**
   * On a terminal: asks a person what to do with each incoming call (answer, reject, redirect)
   * instead of answering after `ringMs` with `respond`.
   */
  ask?: (call: IncomingCall) => Promise<CallDecision>;
  private listener?: Listener;
  private layer?: ServerTransactionLayer;
  private place?: UasPlace;
  /** INVITEs whose transaction is live, by transaction key. */
  private readonly invites = new Map<string, PendingInvite>();
  private readonly dialogs = new Set<string>();
  /** Media streams of answered calls, by dialog id. */
  private readonly streams = new Map<string, MediaStream>();
  private recorded = false;
  /** The flow each new request came on, for the calls `--bye-after` hangs up. */
  private readonly flows = new WeakMap<SipRequest, Flow>();
  /** Answered calls we will hang up (`--bye-after`), by dialog id. */
  private readonly calls = new Map<string, AnsweredCall>();
  /** Client transactions for our own requests (the BYE of `--bye-after`). */
  private clients?: TransactionLayer;
  private clientTimers?: { reliable: TimerConfig; unreliable: TimerConfig };
  /** Calls answered, with media figures, for the summary at the end. */
  readonly served = { calls: 0, withMedia: 0 };
  /** `--load` (docs/answer-load.md): the fast path that serves plain INVITE/ACK/BYE/CANCEL. */
  private fast?: LoadUas;
  private closed = false;

  constructor(
    private readonly plan: AnswerPlan,
    private readonly env: EngineEnv,
    private readonly random?: RandomSource,
  ) {}

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
    this.clientTimers = { reliable: reliableTimers, unreliable: udpTimers };
    this.clients = new TransactionLayer({ clock: this.env.clock, emit: (e) => this.env.sink(e) });
    this.layer = new ServerTransactionLayer({
      clock: this.env.clock,
      emit: (e) => this.env.sink(e),
      wire: true,
      timers: (reliable) => (reliable ? reliableTimers : udpTimers),
      response: (req, status, reason, toTag) => this.response(req, status, reason, toTag),
      user: {
        onRequest: (req, tx) => this.request(req, tx),
        onAck: (ack) => this.ack(ack),
        stateless: (req) => this.statelessAnswer(req),
      },
    });
    this.listener.onMessage((buf, from, reply) => this.receive(buf, from, reply));
    // A TCP connection dropped for one of its limits (src/transport/connection-limits.ts).
    this.listener.onDrop?.((d) => this.emit({ type: 'note', level: d.limit === 'idle-timeout' ? 'info' : 'warn', code: d.limit, text: d.message }));
    this.listener.onError((err) => this.emit({ type: 'transport.error', transport: this.listener!.name, code: err.code, message: err.message, to: err.remote ? formatEndpoint(err.remote) : '' }));
    const local = this.listener.local;
    const host = local.family === 6 ? `[${local.address}]` : local.address;
    const layer = this.layer;
    this.place = {
      mediaAddress: local.address,
      // RFC 7118 §7 registers only "ws" as a transport parameter: WSS uses it too.
      contact: `<sip:answer@${host}:${local.port}${this.plan.transport === 'udp' ? '' : `;transport=${this.plan.transport === 'wss' ? 'ws' : this.plan.transport}`}>`,
      reliable: this.listener.reliable,
      inviteFor: (cancel) => layer.inviteFor(cancel),
    };
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
    if (!this.closed) this.ack(ack);
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
    for (const p of this.invites.values()) if (p.flow?.peer === peer) return true;
    for (const c of this.calls.values()) if (c.flow.peer === peer) return true;
    return false;
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
      this.clients!.receive(msg, peer, transport, buf);
      return;
    }
    if (msg.method === 'INVITE') this.flows.set(msg, { reply, peer, transport, reliable: this.listener!.reliable });
    this.layer!.receive(msg, buf.length, reply, peer, transport, this.listener!.reliable);
  }

  /**
   * RFC 3261 §8.2.7: OPTIONS (and REGISTER, which `answer` only acknowledges) are answered
   * statelessly: the response depends on the request alone, and the To tag is a hash of the
   * request's identity, so a re-sent copy gets the very same response regenerated. Nothing is
   * kept for them (a long run stays flat under an OPTIONS flood).
   */
  private statelessAnswer(req: SipRequest): SipResponse | undefined {
    if (req.method !== 'OPTIONS' && req.method !== 'REGISTER') return undefined;
    if (refusalFor(req, SUPPORTED, ACCEPT)) return undefined; // the refusal goes the stateful way
    const tag = headerParam(req.headers.get('to') ?? '', 'tag') ?? statelessTag(req);
    if (req.method === 'OPTIONS') {
      return this.response(req, 200, 'OK', tag, [
        { name: 'Allow', value: ALLOW },
        { name: 'Accept', value: 'application/sdp' },
      ]);
    }
    const contacts = req.headers.list('contact');
    const expires = req.headers.get('expires') ?? '3600';
    return this.response(req, 200, 'OK', tag, contacts.map((c) => ({ name: 'Contact', value: headerParam(c, 'expires') !== undefined || c === '*' ? c : `${c};expires=${expires}` })));
  }

  /** A new request with its server transaction (RFC 3261 §8.2): the UAS core's answer. */
  private request(msg: SipRequest, tx: ServerTransaction): void {
    const refused = refusalFor(msg, SUPPORTED, ACCEPT);
    if (refused) {
      this.emit({ type: 'note', level: 'info', code: 'request-refused', text: refused.why });
      return this.respond(msg, tx, refused.status, refused.reason, refused.extra);
    }
    switch (msg.method) {
      case 'INVITE':
        // With a To tag: a re-INVITE in a dialog of ours (RFC 3261 §14.2), not a new call.
        if (headerParam(msg.headers.get('to') ?? '', 'tag') !== undefined) return this.reinvite(msg, tx);
        return this.invite(msg, tx);
      case 'CANCEL':
        return this.cancel(msg, tx);
      case 'UPDATE':
        return this.update(msg, tx);
      case 'BYE': {
        const id = this.dialogId(msg);
        if (!this.dialogs.has(id)) return this.respond(msg, tx, 481, 'Call/Transaction Does Not Exist');
        this.dialogs.delete(id);
        this.sdpIds.delete(id);
        this.forgetCall(id);
        this.respond(msg, tx, 200, 'OK');
        this.streams.get(id)?.stop('the caller hung up (BYE)');
        this.streams.delete(id);
        return;
      }
      case 'OPTIONS':
        return this.respond(msg, tx, 200, 'OK', [
          { name: 'Allow', value: ALLOW },
          { name: 'Accept', value: 'application/sdp' },
        ]);
      case 'REGISTER': {
        const contacts = msg.headers.list('contact');
        const expires = msg.headers.get('expires') ?? '3600';
        return this.respond(msg, tx, 200, 'OK', contacts.map((c) => ({ name: 'Contact', value: headerParam(c, 'expires') !== undefined || c === '*' ? c : `${c};expires=${expires}` })));
      }
      case 'INFO':
        this.dtmfInfo(msg);
        return this.respond(msg, tx, 200, 'OK');
      case 'MESSAGE':
      case 'NOTIFY':
        return this.respond(msg, tx, 200, 'OK');
      default:
        return this.respond(msg, tx, 501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
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

  private dialogId(req: SipRequest): string {
    return `${req.headers.get('call-id')}|${headerParam(req.headers.get('from') ?? '', 'tag')}|${headerParam(req.headers.get('to') ?? '', 'tag')}`;
  }

  private invite(req: SipRequest, tx: ServerTransaction): void {
    const flow = this.flows.get(req);
    const p: PendingInvite = { request: req, tx, toTag: newTag(this.random), final: false, acked: false, timers: [], ...(flow ? { flow } : {}) };
    this.invites.set(tx.key, p);
    tx.user = {
      onAck: (ack) => this.ack(ack),
      onTerminated: (outcome) => {
        if (outcome === 'no-ack') this.emit({ type: 'note', level: 'warn', text: `no ACK for our ${tx.lastStatus ?? 'final'} response after ${(64 * this.plan.t1) / 1000} s (Timer H): the caller never confirmed it` });
        this.forget(p);
      },
    };
    if (this.plan.media) {
      // Bind RTP now, so the port is ready when the answer names it.
      const media = this.recorded ? { ...this.plan.media, record: undefined } : this.plan.media;
      if (media.record) this.recorded = true;
      p.media = MediaStream.open(media, this.env, this.place!.mediaAddress).catch((err: Error) => {
        this.emit({ type: 'note', level: 'warn', code: 'rtp-open-failed', text: `no RTP for this call: ${err.message}` });
        return undefined;
      });
    }
    // The transaction sent 100 Trying already (§17.2.1).
    tx.respond(this.response(req, 180, 'Ringing', p.toTag));
    if (this.ask) {
      const subject = req.headers.get('subject');
      void this.ask({ from: req.headers.get('from') ?? '', ...(subject ? { subject } : {}), codecs: offeredCodecs(req), callId: req.headers.get('call-id') ?? '' }).then((d) => this.decided(p, d));
      return;
    }
    p.timers.push(
      this.env.clock.setTimer(this.plan.ringMs, () => {
        if (p.final) return;
        const code = this.plan.respond;
        if (p.media && code >= 200 && code < 300) {
          void p.media.then((m) => {
            if (!p.final && !this.closed) this.sendFinal(p, code, describeStatus(code).reason, m);
          });
          return;
        }
        void p.media?.then((m) => m?.close());
        this.sendFinal(p, code, describeStatus(code).reason);
      }),
    );
  }

  /**
   * A re-INVITE from the caller (RFC 3261 §14.2): hold, resume, a new offer, a session refresh.
   * The offer is answered from the call's stream (RFC 3264 §6.1 directions; our `o=` session id
   * kept, its version one up, §8) and the stream follows; without an offer, our session is the
   * offer in the 2xx. The 2xx is re-sent until its ACK. No dialog: 481.
   */
  private reinvite(req: SipRequest, tx: ServerTransaction): void {
    const id = this.dialogId(req);
    if (!this.dialogs.has(id)) return this.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    const sdp = this.sdpInDialog(req, id, 're-INVITE');
    if ('warning' in sdp) return this.respond(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: sdp.warning }]);
    const body = sdp.body;
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag')!;
    const p: PendingInvite = { request: req, tx, toTag, final: true, acked: false, timers: [], reinvite: true };
    this.invites.set(tx.key, p);
    tx.user = { onAck: (ack) => this.ack(ack), onTerminated: () => this.forget(p) };
    const res = this.response(req, 200, 'OK', toTag, [{ name: 'Contact', value: this.place!.contact }, { name: 'Allow', value: ALLOW }], Buffer.from(body));
    tx.respond(res);
    if (this.place!.reliable) return;
    p.resend = retransmit2xx(this.env.clock, this.plan.t1, this.plan.t2, () => tx.respond(res, true), () =>
      this.emit({ type: 'note', level: 'warn', text: `no ACK for our 200 to the re-INVITE after ${(64 * this.plan.t1) / 1000} s` }),
    );
  }

  /**
   * An UPDATE in a dialog of ours (RFC 3311 §5.2): an SDP offer in it is answered in the 200
   * (hold, resume, a new address), like a re-INVITE's but without an ACK; without a body it is
   * a session refresh (RFC 4028 §9) and gets a plain 200.
   */
  private update(req: SipRequest, tx: ServerTransaction): void {
    const id = this.dialogId(req);
    if (!this.dialogs.has(id)) return this.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    const contact = [{ name: 'Contact', value: this.place!.contact }];
    if (!sdpOf(req)) return this.respond(req, tx, 200, 'OK', contact);
    const sdp = this.sdpInDialog(req, id, 'UPDATE');
    if ('warning' in sdp) return this.respond(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: sdp.warning }]);
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag')!;
    tx.respond(this.response(req, 200, 'OK', toTag, [...contact, { name: 'Allow', value: ALLOW }], Buffer.from(sdp.body)));
  }

  /**
   * Our SDP for an offer (or its absence) in a dialog: the answer that steers the stream (RFC
   * 3264 §8: hold when the peer says sendonly or c=0.0.0.0), or our own offer when the request
   * carried none; the session version goes up by one each time (§8).
   */
  private sdpInDialog(req: SipRequest, id: string, what: 're-INVITE' | 'UPDATE'): { body: string } | { warning: string } {
    const stream = this.streams.get(id);
    const ids = this.sdpIds.get(id) ?? { sessionId: String(Date.now()), version: 0 };
    ids.version++;
    this.sdpIds.set(id, ids);
    const offer = sdpOf(req);
    if (!stream) return { body: buildOffer({ address: this.place!.mediaAddress, port: 40002, sessionId: '1', sessionVersion: String(1 + ids.version) }) };
    const opts = { address: stream.address, port: stream.port, sessionId: ids.sessionId, sessionVersion: (BigInt(ids.sessionId) + BigInt(ids.version)).toString() };
    if (!offer) return { body: buildOffer(opts) };
    const ans = buildAnswer(offer, opts);
    if (!ans.ok) return { warning: ans.warning };
    if (ans.agreement.hold === 'c=0.0.0.0') stream.setDirection(ans.agreement.direction);
    else void stream.start(ans.agreement, false, `offer in the ${what}`);
    if (ans.agreement.hold !== 'none') this.emit({ type: 'note', level: 'info', code: 'peer-hold', text: `the caller put the call on hold (${ans.agreement.hold} in its ${what}): we answered ${ans.agreement.direction} (RFC 3264 §8.4)` });
    return { body: ans.sdp };
  }

  /** Our SDP session id and version per dialog (RFC 3264 §8). */
  private readonly sdpIds = new Map<string, { sessionId: string; version: number }>();

  /** A person's decision on a ringing call (a CANCEL may have ended it meanwhile). */
  private decided(p: PendingInvite, d: CallDecision): void {
    if (p.final || this.closed) return;
    if (d.action === 'answer') {
      if (p.media) {
        void p.media.then((m) => {
          if (!p.final && !this.closed) this.sendFinal(p, 200, 'OK', m);
        });
      } else this.sendFinal(p, 200, 'OK');
      return;
    }
    void p.media?.then((m) => m?.close());
    if (d.action === 'redirect') {
      // RFC 3261 §21.3.3: "the Contact header field … SHOULD contain the new address".
      this.sendFinal(p, 302, 'Moved Temporarily', undefined, undefined, [{ name: 'Contact', value: `<${d.to}>` }]);
      return;
    }
    this.sendFinal(p, d.status, describeStatus(d.status).reason);
  }

  private sendFinal(p: PendingInvite, status: number, reason: string, stream?: MediaStream, warning?: string, more: Array<{ name: string; value: string }> = []): void {
    p.final = true;
    const extra: Array<{ name: string; value: string }> = [];
    let body: Uint8Array | undefined;
    if (status >= 200 && status < 300) {
      extra.push({ name: 'Contact', value: this.place!.contact });
      extra.push({ name: 'Allow', value: ALLOW });
      const dialogId = `${p.request.headers.get('call-id')}|${headerParam(p.request.headers.get('from') ?? '', 'tag')}|${p.toTag}`;
      if (stream) {
        const answer = this.mediaAnswer(p, stream);
        if (!answer.ok) {
          // RFC 3264 §6 / RFC 3261 §21.4.26: no usable stream in the offer: 488 with a Warning.
          stream.close();
          p.final = false;
          return this.sendFinal(p, 488, 'Not Acceptable Here', undefined, answer.warning);
        }
        body = Buffer.from(answer.sdp);
        this.streams.set(dialogId, stream);
        this.served.withMedia++;
      } else {
        body = Buffer.from(buildOffer({ address: this.place!.mediaAddress, port: 40002, sessionId: '1' }));
      }
      this.served.calls++;
      this.dialogs.add(dialogId);
      if (this.plan.byeAfterS !== undefined) {
        const dialog = uasDialog(p.request, p.toTag);
        if (p.flow && dialog) this.calls.set(dialogId, { dialog, flow: p.flow });
        else this.emit({ type: 'note', level: 'warn', code: 'no-bye', text: `--bye-after: cannot hang up this call (${dialog ? 'no flow back to the caller' : 'the INVITE has no usable Contact or Record-Route'}); it ends when the caller hangs up` });
      }
    }
    if (warning) extra.push({ name: 'Warning', value: warning });
    extra.push(...more);
    const res = this.response(p.request, status, reason, p.toTag, extra, body);
    p.tx.respond(res);
    // A non-2xx is re-sent by its transaction (Timer G, §17.2.1); a 2xx by the core.
    if (status >= 300 || this.place!.reliable) return;
    // §13.3.1.4: "The 2xx response is passed to the transport with an interval that starts at
    // T1 seconds and doubles for each retransmission until it reaches T2 seconds. […] The server
    // retransmits the 2xx response until it receives an ACK or 64*T1 seconds have elapsed."
    p.resend = retransmit2xx(
      this.env.clock,
      this.plan.t1,
      this.plan.t2,
      () => p.tx.respond(res, true),
      () => this.emit({ type: 'note', level: 'warn', text: `no ACK for our ${status} after ${(64 * this.plan.t1) / 1000} s: giving up on it` }),
    );
  }

  /**
   * An ACK for a 2xx (its own branch, §13.2.2.4), or one passed up by an INVITE transaction in
   * Accepted: found by Call-ID and our To tag. The ACK for a non-2xx never gets here: its
   * transaction absorbs it (§17.2.1).
   */
  private ack(req: SipRequest): void {
    const callId = req.headers.get('call-id');
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag');
    // The CSeq number tells a re-INVITE's ACK from the first INVITE's (same Call-ID and tags).
    const seq = Number.parseInt(req.headers.get('cseq') ?? '', 10);
    let p: PendingInvite | undefined;
    for (const cand of this.invites.values()) {
      if (cand.request.headers.get('call-id') === callId && cand.toTag === toTag && Number.parseInt(cand.request.headers.get('cseq') ?? '', 10) === seq) p = cand;
    }
    if (!p) {
      this.emit({ type: 'note', level: 'warn', text: 'an ACK that matches no INVITE we answered: ignored' });
      return;
    }
    const first = !p.acked;
    p.acked = true;
    p.resend?.stop();
    for (const t of p.timers) this.env.clock.clearTimer(t);
    p.timers = [];
    if (!first || p.reinvite) return;
    const dialogId = `${p.request.headers.get('call-id')}|${headerParam(p.request.headers.get('from') ?? '', 'tag')}|${p.toTag}`;
    this.hangUpLater(dialogId);
    const stream = this.streams.get(dialogId);
    if (stream && p.offeredInAnswer) {
      // The INVITE had no offer: the ACK carries the answer to ours (RFC 3261 §13.2.1).
      const sdp = sdpOf(req);
      const a = sdp ? negotiate(localMediaOf({}), sdp, 'offerer') : undefined;
      if (!a?.ok) {
        this.emit({ type: 'note', level: 'warn', code: 'media-refused', text: `the ACK carries ${a ? `no usable answer: ${a.text}` : 'no SDP answer to our offer'}; no media for this call` });
        return;
      }
      void stream.start(a, false, 'answer in the ACK').then(() => this.afterStart(stream));
      return;
    }
    if (stream) this.afterStart(stream);
  }

  /** `--bye-after S`: S seconds after the ACK, we end the call with a BYE. */
  private hangUpLater(dialogId: string): void {
    const call = this.calls.get(dialogId);
    if (!call || this.plan.byeAfterS === undefined || call.byeTimer !== undefined) return;
    call.confirmedAt = this.env.clock.now();
    call.byeTimer = this.env.clock.setTimer(this.plan.byeAfterS * 1000, () => this.hangUp(dialogId));
  }

  /**
   * Our BYE (RFC 3261 §15.1.1): a request in the dialog (§12.2.1.1: CSeq one up, To = the
   * caller, Request-URI the caller's Contact, Route from its Record-Route) through a non-INVITE
   * client transaction. It goes back on the flow the INVITE came on (the datagram's source,
   * the same TCP/TLS/WebSocket connection: RFC 3261 §18.2.2's way back, and over WebSocket the
   * only one, RFC 7118 §5.2), not to a connection of its own. The media stops at once (§15.1.1:
   * "the caller's UA MUST NOT send … media after it sent the BYE").
   */
  private hangUp(dialogId: string): void {
    const call = this.calls.get(dialogId);
    this.calls.delete(dialogId);
    if (!call || this.closed || !this.dialogs.has(dialogId)) return;
    this.dialogs.delete(dialogId);
    this.sdpIds.delete(dialogId);
    const local = this.listener!.local;
    const host = local.family === 6 ? `[${local.address}]` : local.address;
    const via = `SIP/2.0/${call.flow.transport} ${host}:${local.port};branch=${newBranch(this.random)};rport`;
    const bye = inDialogRequest(call.dialog, 'BYE', via, this.plan.userAgent);
    const after = ((this.env.clock.now() - (call.confirmedAt ?? this.env.clock.now())) / 1000).toFixed(1);
    // We stop sending at once; the RTP socket stays open until the BYE is answered, so that
    // the caller's packets still on their way (it sends until it has our BYE) do not meet a
    // closed port and draw ICMP port unreachable errors, which the caller would rightly read
    // as rtp-port-unreachable.
    const stream = this.streams.get(dialogId);
    this.streams.delete(dialogId);
    stream?.setDirection('inactive');
    const timers = call.flow.reliable ? this.clientTimers!.reliable : this.clientTimers!.unreliable;
    // Said at the final response (over UDP the transaction lingers for Timer K after it), or
    // when the transaction ends without one (Timer F, a transport error).
    let said = false;
    const done = (answer: string, ok: boolean): void => {
      if (said) return;
      said = true;
      stream?.stop('we hung up (BYE)');
      this.emit({ type: 'note', level: ok ? 'info' : 'warn', code: 'we-hung-up', text: `we hung up after ${after} s (--bye-after): BYE answered ${answer}` });
    };
    this.clients!.send(bye, { transport: call.flow.transport, reliable: call.flow.reliable, to: call.flow.peer, timers, port: (bytes) => call.flow.reply(bytes) }, {
      onResponse: (res) => {
        if (res.status >= 200) done(`${res.status} ${res.reason}`, res.status < 300);
      },
      onTerminated: (end) => done(end.status === undefined ? end.outcome : `${end.status}${end.local ? ' (local)' : ''} (${end.outcome})`, false),
    });
  }

  /** The call ended by the caller: no BYE of ours any more. */
  private forgetCall(dialogId: string): void {
    const call = this.calls.get(dialogId);
    if (call?.byeTimer !== undefined) this.env.clock.clearTimer(call.byeTimer);
    this.calls.delete(dialogId);
  }

  /** Once media runs: the --dtmf digits, half a second in (RFC 4733, else in-band). */
  private afterStart(stream: MediaStream): void {
    const dtmf = this.plan.media?.dtmf;
    if (!dtmf?.length) return;
    this.env.clock.setTimer(500, () => stream.sendDtmf(dtmf, stream.canSendRfc4733 ? 'rfc4733' : 'inband'));
  }

  /** The SDP answer for the INVITE's offer (RFC 3264 §6), or our offer when it had none. */
  private mediaAnswer(p: PendingInvite, stream: MediaStream): { ok: true; sdp: string } | { ok: false; warning: string } {
    const offer = sdpOf(p.request);
    const sessionId = String(Date.now());
    this.sdpIds.set(`${p.request.headers.get('call-id')}|${headerParam(p.request.headers.get('from') ?? '', 'tag')}|${p.toTag}`, { sessionId, version: 0 });
    const opts = { address: stream.address, port: stream.port, sessionId };
    if (!offer) {
      p.offeredInAnswer = true;
      return { ok: true, sdp: buildOffer(opts) };
    }
    const ans = buildAnswer(offer, opts);
    if (!ans.ok) return { ok: false, warning: ans.warning };
    const f = this.plan.media?.faults;
    let sdp = ans.sdp;
    // --fault sdp-port / sdp-address: name a place where nothing listens (a wrong c= or m=).
    if (f?.sdpPort !== undefined) sdp = sdp.replace(/^m=audio \d+/m, `m=audio ${f.sdpPort}`);
    if (f?.sdpAddress !== undefined) sdp = sdp.replace(/^c=IN (IP[46]) \S+/m, (_m, fam: string) => `c=IN ${fam} ${f.sdpAddress}`);
    // Media starts at once: the caller may send as soon as it has our answer (RFC 3264 §6).
    void stream.start(ans.agreement, false, 'offer in the INVITE');
    return { ok: true, sdp };
  }

  /** RFC 3261 §9.2: CANCEL finds its INVITE transaction; 200 to the CANCEL, 487 to the INVITE. */
  private cancel(req: SipRequest, tx: ServerTransaction): void {
    const inviteTx = this.place!.inviteFor(req);
    const p = inviteTx ? this.invites.get(inviteTx.key) : undefined;
    // §9.2: "If the UAS did not find a matching transaction for the CANCEL according to the
    // procedure above, it SHOULD respond to the CANCEL with a 481".
    if (!p) return this.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    this.respond(req, tx, 200, 'OK');
    // §9.2: "the UAS … SHOULD then respond to the INVITE with a 487 (Request Terminated)".
    if (!p.final) {
      for (const t of p.timers) this.env.clock.clearTimer(t);
      p.timers = [];
      void p.media?.then((m) => m?.close());
      this.sendFinal(p, 487, 'Request Terminated');
    }
  }

  /** The transaction of an INVITE ended: its call state here goes too (bounded memory). */
  private forget(p: PendingInvite): void {
    p.resend?.stop();
    for (const t of p.timers) this.env.clock.clearTimer(t);
    p.timers = [];
    if (this.invites.get(p.tx.key) === p) this.invites.delete(p.tx.key);
  }

  private respond(req: SipRequest, tx: ServerTransaction, status: number, reason: string, extra: Array<{ name: string; value: string }> = []): void {
    const tag = headerParam(req.headers.get('to') ?? '', 'tag') ?? newTag(this.random);
    tx.respond(this.response(req, status, reason, tag, extra));
  }

  /** §8.2.6.2 (response-for.ts), with our Server header. */
  private response(req: SipRequest, status: number, reason: string, toTag: string | undefined, extra: Array<{ name: string; value: string }> = [], body?: Uint8Array): SipResponse {
    return responseFor(req, status, reason, { toTag, extra, body, server: this.plan.userAgent });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fast?.close();
    for (const p of this.invites.values()) {
      p.resend?.stop();
      for (const t of p.timers) this.env.clock.clearTimer(t);
    }
    this.invites.clear();
    for (const id of [...this.calls.keys()]) this.forgetCall(id);
    this.layer?.close();
    this.clients?.close();
    for (const m of this.streams.values()) m.stop('answer stopped');
    this.streams.clear();
    await this.listener?.close();
  }
}
