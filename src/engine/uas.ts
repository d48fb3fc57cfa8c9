import type { TimerHandle } from '../clock/clock.js';
import type { EventInput } from '../events/types.js';
import { headerParam } from '../dialog/name-addr-uri.js';
import { Headers } from '../sip/headers.js';
import { newTag, type RandomSource } from '../sip/ids.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../sip/message.js';
import { parseMessage } from '../sip/parse.js';
import { topBranch } from '../sip/fields.js';
import { serialize } from '../sip/serialize.js';
import { describeStatus } from '../sip/status.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import { listen } from '../transport/listen.js';
import type { Listener, ReplyFn } from '../transport/transport.js';
import type { AnswerPlan } from './plan.js';
import type { EngineEnv } from './session.js';
import { MediaStream } from './media-stream.js';
import { sdpOf } from './call-media.js';
import { buildAnswer, buildOffer, localMediaOf } from '../media/sdp-offer.js';
import { negotiate } from '../media/negotiate.js';
import { parseDtmfInfo } from '../media/dtmf-info.js';

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE, INFO, NOTIFY';

/** One INVITE we are answering (a server transaction with its 2xx retransmissions). */
interface PendingInvite {
  request: SipRequest;
  reply: ReplyFn;
  peer: string;
  toTag: string;
  /** Last response bytes, re-sent for a retransmitted INVITE (RFC 3261 §17.2.1). */
  last?: { res: SipResponse; bytes: Buffer };
  final: boolean;
  acked: boolean;
  timers: TimerHandle[];
  /** The map key (branch and method), to forget the INVITE once its transaction is over. */
  key: string;
  /** Removes the INVITE 64·T1 after its final response (Timer H / §13.3.1.4 horizon). */
  forget?: TimerHandle;
  /** The RTP stream for this call, bound when the INVITE arrived (docs/media.md). */
  media?: Promise<MediaStream | undefined>;
  /** True when the INVITE had no offer: ours goes in the 2xx, the answer comes in the ACK. */
  offeredInAnswer?: boolean;
}

/**
 * `sipcall answer`: a small auto-answering UAS (RFC 3261 §8.2, §13.3, §17.2). INVITE → 100,
 * 180, then after `ringMs` the final status (200 with an SDP answer by default); the final is
 * re-sent over UDP until the ACK arrives (2xx: §13.3.1.4, "starting at T1 … doubled … until it
 * reaches T2"; non-2xx: Timer G, §17.2.1) for at most 64·T1. BYE → 200, CANCEL → 200 and 487,
 * OPTIONS → 200 with Allow; REGISTER, MESSAGE, INFO, NOTIFY → 200; anything else → 501.
 */
export class AutoAnswer {
  private listener?: Listener;
  private readonly invites = new Map<string, PendingInvite>();
  private readonly dialogs = new Set<string>();
  /** Media streams of answered calls, by dialog id. */
  private readonly streams = new Map<string, MediaStream>();
  private recorded = false;
  /** Calls answered, with media figures, for the summary at the end. */
  readonly served = { calls: 0, withMedia: 0 };
  private closed = false;

  constructor(
    private readonly plan: AnswerPlan,
    private readonly env: EngineEnv,
    private readonly random?: RandomSource,
  ) {}

  /** Starts listening; returns the bound endpoint. */
  async start(): Promise<Endpoint> {
    this.listener = await listen({ transport: this.plan.transport === 'tcp' ? 'TCP' : 'UDP', address: this.plan.address, port: this.plan.port });
    this.listener.onMessage((buf, from, reply) => this.receive(buf, from, reply));
    this.listener.onError((err) => this.emit({ type: 'transport.error', transport: this.listener!.name, code: err.code, message: err.message, to: '' }));
    return this.listener.local;
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

  private receive(buf: Buffer, from: Endpoint, reply: ReplyFn): void {
    if (this.closed) return;
    const peer = formatEndpoint(from);
    const transport = this.listener!.name;
    this.emit({ type: 'wire', direction: 'in', transport, peer, text: buf.toString('utf8') });
    const parsed = parseMessage(buf);
    if (!parsed.ok) {
      this.emit({ type: 'message.invalid', from: peer, bytes: buf.length, error: parsed.error.reason, offset: parsed.error.offset });
      return;
    }
    const msg = parsed.message;
    if (msg.kind === 'response') {
      this.emit({ type: 'note', level: 'warn', text: `a ${msg.status} response arrived from ${peer}, but sipcall answer sends no requests: ignored` });
      return;
    }
    const branch = topBranch(msg) ?? '';
    const key = `${branch}|${msg.method === 'ACK' ? 'INVITE' : msg.method}`;
    const pending = this.invites.get(key);
    const retransmission = msg.method === 'INVITE' && pending !== undefined;
    this.emit({
      type: 'request.received',
      method: msg.method,
      uri: msg.uri,
      from: peer,
      transport,
      callId: msg.headers.get('call-id') ?? '',
      cseq: msg.headers.get('cseq') ?? '',
      branch,
      bytes: buf.length,
      retransmission,
    });
    switch (msg.method) {
      case 'INVITE':
        if (pending) {
          if (pending.last) this.send(pending, pending.last.res, true);
          return;
        }
        return this.invite(msg, key, reply, peer);
      case 'ACK':
        return this.ack(msg, key);
      case 'CANCEL':
        return this.cancel(msg, branch, reply, peer);
      case 'BYE': {
        const id = this.dialogId(msg);
        if (!this.dialogs.has(id)) return this.respond(msg, reply, peer, 481, 'Call/Transaction Does Not Exist');
        this.dialogs.delete(id);
        this.respond(msg, reply, peer, 200, 'OK');
        this.streams.get(id)?.stop('the caller hung up (BYE)');
        this.streams.delete(id);
        return;
      }
      case 'OPTIONS':
        return this.respond(msg, reply, peer, 200, 'OK', [
          { name: 'Allow', value: ALLOW },
          { name: 'Accept', value: 'application/sdp' },
          { name: 'Supported', value: '' },
        ].filter((h) => h.value));
      case 'REGISTER': {
        const contacts = msg.headers.list('contact');
        const expires = msg.headers.get('expires') ?? '3600';
        return this.respond(msg, reply, peer, 200, 'OK', contacts.map((c) => ({ name: 'Contact', value: headerParam(c, 'expires') !== undefined || c === '*' ? c : `${c};expires=${expires}` })));
      }
      case 'INFO':
        this.dtmfInfo(msg);
        return this.respond(msg, reply, peer, 200, 'OK');
      case 'MESSAGE':
      case 'NOTIFY':
        return this.respond(msg, reply, peer, 200, 'OK');
      default:
        return this.respond(msg, reply, peer, 501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
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

  private invite(req: SipRequest, key: string, reply: ReplyFn, peer: string): void {
    const p: PendingInvite = { request: req, reply, peer, toTag: newTag(this.random), final: false, acked: false, timers: [], key };
    this.invites.set(key, p);
    if (this.plan.media) {
      // Bind RTP now, so the port is ready when the answer names it.
      const media = this.recorded ? { ...this.plan.media, record: undefined } : this.plan.media;
      if (media.record) this.recorded = true;
      p.media = MediaStream.open(media, this.env, this.listener!.local.address).catch((err: Error) => {
        this.emit({ type: 'note', level: 'warn', code: 'rtp-open-failed', text: `no RTP for this call: ${err.message}` });
        return undefined;
      });
    }
    // §17.2.1: the server transaction sends 100 Trying at once.
    this.send(p, this.response(req, 100, 'Trying', undefined));
    this.send(p, this.response(req, 180, 'Ringing', p.toTag));
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

  private sendFinal(p: PendingInvite, status: number, reason: string, stream?: MediaStream, warning?: string): void {
    p.final = true;
    // A long-running `answer` must not keep every call it ever answered: after 64·T1 no
    // re-sent INVITE or ACK of this transaction can arrive any more (Timer H, §17.2.1).
    p.forget = this.env.clock.setTimer(64 * this.plan.t1, () => {
      for (const t of p.timers) this.env.clock.clearTimer(t);
      this.invites.delete(p.key);
    });
    const extra: Array<{ name: string; value: string }> = [];
    let body: Uint8Array | undefined;
    if (status >= 200 && status < 300) {
      const local = this.listener!.local;
      const host = local.family === 6 ? `[${local.address}]` : local.address;
      extra.push({ name: 'Contact', value: `<sip:answer@${host}:${local.port}${this.plan.transport === 'tcp' ? ';transport=tcp' : ''}>` });
      extra.push({ name: 'Allow', value: ALLOW });
      const dialogId = `${p.request.headers.get('call-id')}|${headerParam(p.request.headers.get('from') ?? '', 'tag')}|${p.toTag}`;
      if (stream) {
        const answer = this.mediaAnswer(p, stream);
        if (!answer.ok) {
          // RFC 3264 §6 / RFC 3261 §21.4.26: no usable stream in the offer: 488 with a Warning.
          stream.close();
          p.final = false;
          if (p.forget) this.env.clock.clearTimer(p.forget);
          return this.sendFinal(p, 488, 'Not Acceptable Here', undefined, answer.warning);
        }
        body = Buffer.from(answer.sdp);
        this.streams.set(dialogId, stream);
        this.served.withMedia++;
      } else {
        body = Buffer.from(buildOffer({ address: local.address, port: 40002, sessionId: '1' }));
      }
      this.served.calls++;
      this.dialogs.add(dialogId);
    }
    if (warning) extra.push({ name: 'Warning', value: warning });
    const res = this.response(p.request, status, reason, p.toTag, extra, body);
    this.send(p, res);
    if (this.listener!.reliable) return;
    // Re-send until the ACK: T1, 2·T1, … capped at T2 (§13.3.1.4 for 2xx, Timer G §17.2.1),
    // for 64·T1 at most (Timer H / §13.3.1.4).
    let interval = this.plan.t1;
    let elapsed = 0;
    const again = () => {
      if (p.acked || this.closed) return;
      elapsed += interval;
      if (elapsed >= 64 * this.plan.t1) {
        this.emit({ type: 'note', level: 'warn', text: `no ACK for our ${status} after ${(64 * this.plan.t1) / 1000} s: giving up on it` });
        return;
      }
      this.send(p, res, true);
      interval = Math.min(interval * 2, this.plan.t2);
      p.timers.push(this.env.clock.setTimer(interval, again));
    };
    p.timers.push(this.env.clock.setTimer(interval, again));
  }

  private ack(req: SipRequest, key: string): void {
    // ACK for a non-2xx shares the INVITE's branch; ACK for a 2xx has its own (§17.1.1.3,
    // §13.2.2.4): find the INVITE by branch first, then by Call-ID and tags.
    let p = this.invites.get(key);
    if (!p) {
      const callId = req.headers.get('call-id');
      const toTag = headerParam(req.headers.get('to') ?? '', 'tag');
      for (const cand of this.invites.values()) if (cand.request.headers.get('call-id') === callId && cand.toTag === toTag) p = cand;
    }
    if (!p) {
      this.emit({ type: 'note', level: 'warn', text: 'an ACK that matches no INVITE we answered: ignored' });
      return;
    }
    const first = !p.acked;
    p.acked = true;
    for (const t of p.timers) this.env.clock.clearTimer(t);
    p.timers = [];
    if (!first) return;
    const stream = this.streams.get(`${p.request.headers.get('call-id')}|${headerParam(p.request.headers.get('from') ?? '', 'tag')}|${p.toTag}`);
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

  /** Once media runs: the --dtmf digits, half a second in (RFC 4733, else in-band). */
  private afterStart(stream: MediaStream): void {
    const dtmf = this.plan.media?.dtmf;
    if (!dtmf?.length) return;
    this.env.clock.setTimer(500, () => stream.sendDtmf(dtmf, stream.canSendRfc4733 ? 'rfc4733' : 'inband'));
  }

  /** The SDP answer for the INVITE's offer (RFC 3264 §6), or our offer when it had none. */
  private mediaAnswer(p: PendingInvite, stream: MediaStream): { ok: true; sdp: string } | { ok: false; warning: string } {
    const offer = sdpOf(p.request);
    const opts = { address: stream.address, port: stream.port, sessionId: String(Date.now()) };
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

  private cancel(req: SipRequest, branch: string, reply: ReplyFn, peer: string): void {
    const p = this.invites.get(`${branch}|INVITE`);
    if (!p) return this.respond(req, reply, peer, 481, 'Call/Transaction Does Not Exist');
    this.respond(req, reply, peer, 200, 'OK');
    // §9.2: "the UAS … SHOULD then respond to the INVITE with a 487 (Request Terminated)".
    if (!p.final) this.sendFinal(p, 487, 'Request Terminated');
  }

  private respond(req: SipRequest, reply: ReplyFn, peer: string, status: number, reason: string, extra: Array<{ name: string; value: string }> = []): void {
    const tag = headerParam(req.headers.get('to') ?? '', 'tag') ?? newTag(this.random);
    const res = this.response(req, status, reason, tag, extra);
    this.write(reply, peer, res, req.method, false);
  }

  /** §8.2.6.2: a response copies Via, From, Call-ID and CSeq, and To (adding our tag). */
  private response(req: SipRequest, status: number, reason: string, toTag: string | undefined, extra: Array<{ name: string; value: string }> = [], body?: Uint8Array): SipResponse {
    const h = new Headers();
    for (const v of req.headers.getAll('via')) h.append('Via', v);
    for (const v of req.headers.getAll('record-route')) h.append('Record-Route', v);
    h.append('From', req.headers.get('from') ?? '');
    let to = req.headers.get('to') ?? '';
    if (toTag && headerParam(to, 'tag') === undefined) to += `;tag=${toTag}`;
    h.append('To', to);
    h.append('Call-ID', req.headers.get('call-id') ?? '');
    h.append('CSeq', req.headers.get('cseq') ?? '');
    h.append('Server', this.plan.userAgent);
    for (const x of extra) h.append(x.name, x.value);
    if (body) h.append('Content-Type', 'application/sdp');
    h.append('Content-Length', String(body?.length ?? 0));
    return { kind: 'response', status, reason, version: SIP_VERSION, headers: h, body: body ?? new Uint8Array(0) };
  }

  private send(p: PendingInvite, res: SipResponse, retransmission = false): void {
    p.last = { res, bytes: serialize(res) };
    this.write(p.reply, p.peer, res, 'INVITE', retransmission, p.last.bytes);
  }

  private write(reply: ReplyFn, peer: string, res: SipResponse, method: string, retransmission: boolean, bytes: Buffer = serialize(res)): void {
    reply(bytes);
    const transport = this.listener!.name;
    this.emit({
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
      retransmission,
    });
    this.emit({ type: 'wire', direction: 'out', transport, peer, text: bytes.toString('utf8') });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.invites.values()) {
      for (const t of p.timers) this.env.clock.clearTimer(t);
      if (p.forget) this.env.clock.clearTimer(p.forget);
    }
    this.invites.clear();
    for (const m of this.streams.values()) m.stop('answer stopped');
    this.streams.clear();
    await this.listener?.close();
  }
}
