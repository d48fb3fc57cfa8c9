import type { EventInput } from '../events/types.js';
import { headerParam } from '../dialog/name-addr-uri.js';
import { newTag, type RandomSource } from '../sip/ids.js';
import type { SipRequest } from '../sip/message.js';
import { describeStatus } from '../sip/status.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { ByeAfter } from './uas-bye-after.js';
import { ALLOW } from './uas-capabilities.js';
import { dialogIdFor, dialogIdOf } from './uas-dialog.js';
import type { UasMedia } from './uas-media.js';
import type { UasPlace } from './uas-place.js';
import type { UasResponses } from './uas-responses.js';
import { incomingCall, type CallDecision, type IncomingCall } from './incoming-call.js';
import type { MediaStream } from './media-stream.js';
import type { Flow, PendingInvite } from './pending-invite.js';
import type { AnswerPlan } from './plan.js';
import { retransmit2xx } from './retransmit-2xx.js';
import type { EngineEnv } from './session.js';

export interface UasInvitesOptions {
  plan: AnswerPlan;
  env: EngineEnv;
  emit: (e: EventInput) => void;
  random: RandomSource | undefined;
  responses: UasResponses;
  media: UasMedia;
  byeAfter: ByeAfter;
  /** The dialogs of ours that are up, by dialog id: each 2xx of ours adds one. */
  dialogs: Set<string>;
  /** Calls answered, with media figures, for the summary at the end (AutoAnswer.served). */
  served: { calls: number; withMedia: number };
  /** Where the core answers from (set by `start` or `serve`). */
  place: () => UasPlace;
  /** Who decides on each call, when a person does (AutoAnswer.ask, set after construction). */
  ask: () => ((call: IncomingCall) => Promise<CallDecision>) | undefined;
}

/**
 * The INVITEs `sipcall answer` is answering, each in its server transaction (RFC 3261 §17.2.1)
 * until that ends: the UAS processing of RFC 3261 §13.3.1. A new INVITE rings (180), then after
 * `ringMs` (or a person's decision) gets its final status: a 2xx with our SDP creates the
 * dialog (§12.1.1) and is re-sent by this core until the ACK (§13.3.1.4: "the INVITE server
 * transaction will be destroyed as soon as it receives this final response and passes it to
 * the transport. Therefore, it is necessary to periodically pass the response directly to the
 * transport until the ACK arrives"); a non-2xx is re-sent by its transaction. A re-INVITE in
 * a dialog of ours (§14.2) gets a 200 with our answer, re-sent the same way. A CANCEL ends a
 * ringing INVITE with 487 (§9.2). The ACK of a 2xx (§13.2.2.4) confirms the call: its media
 * starts on an answer in the ACK, and `--bye-after` counts from it.
 */
export class UasInvites {
  /** INVITEs whose transaction is live, by transaction key. */
  private readonly invites = new Map<string, PendingInvite>();
  private closed = false;

  constructor(private readonly o: UasInvitesOptions) {}

  /** INVITEs whose transaction is still remembered (tests: none is kept forever). */
  get size(): number {
    return this.invites.size;
  }

  /** Whether an INVITE of the flow `peer` (`host:port`) is being answered or waits for its ACK. */
  needsFlow(peer: string): boolean {
    for (const p of this.invites.values()) if (p.flow?.peer === peer) return true;
    return false;
  }

  /** `answer` stops: no more re-sends or ring timers, and nothing is kept. */
  close(): void {
    this.closed = true;
    for (const p of this.invites.values()) {
      p.resend?.stop();
      for (const t of p.timers) this.o.env.clock.clearTimer(t);
    }
    this.invites.clear();
  }

  /** A new INVITE (no To tag), which came on `flow` when on `answer`'s own listener. */
  invite(req: SipRequest, tx: ServerTransaction, flow: Flow | undefined): void {
    const { plan, env } = this.o;
    const p: PendingInvite = { request: req, tx, toTag: newTag(this.o.random), final: false, acked: false, timers: [], ...(flow ? { flow } : {}) };
    this.invites.set(tx.key, p);
    tx.user = {
      onAck: (ack) => this.ack(ack),
      onTerminated: (outcome) => {
        if (outcome === 'no-ack') this.o.emit({ type: 'note', level: 'warn', text: `no ACK for our ${tx.lastStatus ?? 'final'} response after ${(64 * plan.t1) / 1000} s (Timer H): the caller never confirmed it` });
        this.forget(p);
      },
    };
    // Bind RTP now, so the port is ready when the answer names it.
    if (plan.media) p.media = this.o.media.open(this.o.place().mediaAddress);
    // The transaction sent 100 Trying already (§17.2.1).
    tx.respond(this.o.responses.response(req, 180, 'Ringing', p.toTag));
    const ask = this.o.ask();
    if (ask) {
      void ask(incomingCall(req)).then((d) => this.decided(p, d));
      return;
    }
    p.timers.push(
      env.clock.setTimer(plan.ringMs, () => {
        if (p.final) return;
        const code = plan.respond;
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
  reinvite(req: SipRequest, tx: ServerTransaction): void {
    const { plan, responses } = this.o;
    const place = this.o.place();
    const id = dialogIdOf(req);
    if (!this.o.dialogs.has(id)) return responses.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    const sdp = this.o.media.inDialog(req, id, 're-INVITE', place.mediaAddress);
    if ('warning' in sdp) return responses.respond(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: sdp.warning }]);
    const body = sdp.body;
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag')!;
    const p: PendingInvite = { request: req, tx, toTag, final: true, acked: false, timers: [], reinvite: true };
    this.invites.set(tx.key, p);
    tx.user = { onAck: (ack) => this.ack(ack), onTerminated: () => this.forget(p) };
    const res = responses.response(req, 200, 'OK', toTag, [{ name: 'Contact', value: place.contact }, { name: 'Allow', value: ALLOW }], Buffer.from(body));
    tx.respond(res);
    if (place.reliable) return;
    p.resend = retransmit2xx(this.o.env.clock, plan.t1, plan.t2, () => tx.respond(res, true), () =>
      this.o.emit({ type: 'note', level: 'warn', text: `no ACK for our 200 to the re-INVITE after ${(64 * plan.t1) / 1000} s` }),
    );
  }

  /**
   * An ACK for a 2xx (its own branch, §13.2.2.4), or one passed up by an INVITE transaction in
   * Accepted: found by Call-ID and our To tag. The ACK for a non-2xx never gets here: its
   * transaction absorbs it (§17.2.1).
   */
  ack(req: SipRequest): void {
    const callId = req.headers.get('call-id');
    const toTag = headerParam(req.headers.get('to') ?? '', 'tag');
    // The CSeq number tells a re-INVITE's ACK from the first INVITE's (same Call-ID and tags).
    const seq = Number.parseInt(req.headers.get('cseq') ?? '', 10);
    let p: PendingInvite | undefined;
    for (const cand of this.invites.values()) {
      if (cand.request.headers.get('call-id') === callId && cand.toTag === toTag && Number.parseInt(cand.request.headers.get('cseq') ?? '', 10) === seq) p = cand;
    }
    if (!p) {
      this.o.emit({ type: 'note', level: 'warn', text: 'an ACK that matches no INVITE we answered: ignored' });
      return;
    }
    const first = !p.acked;
    p.acked = true;
    p.resend?.stop();
    for (const t of p.timers) this.o.env.clock.clearTimer(t);
    p.timers = [];
    if (!first || p.reinvite) return;
    const dialogId = dialogIdFor(p.request, p.toTag);
    this.o.byeAfter.confirmed(dialogId);
    this.o.media.confirmed(dialogId, req, p.offeredInAnswer);
  }

  /** RFC 3261 §9.2: CANCEL finds its INVITE transaction; 200 to the CANCEL, 487 to the INVITE. */
  cancel(req: SipRequest, tx: ServerTransaction): void {
    const inviteTx = this.o.place().inviteFor(req);
    const p = inviteTx ? this.invites.get(inviteTx.key) : undefined;
    // §9.2: "If the UAS did not find a matching transaction for the CANCEL according to the
    // procedure above, it SHOULD respond to the CANCEL with a 481".
    if (!p) return this.o.responses.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
    this.o.responses.respond(req, tx, 200, 'OK');
    // §9.2: "the UAS … SHOULD then respond to the INVITE with a 487 (Request Terminated)".
    if (!p.final) {
      for (const t of p.timers) this.o.env.clock.clearTimer(t);
      p.timers = [];
      void p.media?.then((m) => m?.close());
      this.sendFinal(p, 487, 'Request Terminated');
    }
  }

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
    const { plan, media, served } = this.o;
    const place = this.o.place();
    p.final = true;
    const extra: Array<{ name: string; value: string }> = [];
    let body: Uint8Array | undefined;
    if (status >= 200 && status < 300) {
      extra.push({ name: 'Contact', value: place.contact });
      extra.push({ name: 'Allow', value: ALLOW });
      const dialogId = dialogIdFor(p.request, p.toTag);
      if (stream) {
        const answer = media.answer(p.request, dialogId, stream);
        if (!answer.ok) {
          // RFC 3264 §6 / RFC 3261 §21.4.26: no usable stream in the offer: 488 with a Warning.
          stream.close();
          p.final = false;
          return this.sendFinal(p, 488, 'Not Acceptable Here', undefined, answer.warning);
        }
        if (answer.offered) p.offeredInAnswer = true;
        body = Buffer.from(answer.sdp);
        served.withMedia++;
      } else {
        body = Buffer.from(media.placeholderOffer(place.mediaAddress, dialogId));
      }
      served.calls++;
      this.o.dialogs.add(dialogId);
      this.o.byeAfter.answered(dialogId, p.request, p.toTag, p.flow);
    }
    if (warning) extra.push({ name: 'Warning', value: warning });
    extra.push(...more);
    const res = this.o.responses.response(p.request, status, reason, p.toTag, extra, body);
    p.tx.respond(res);
    // A non-2xx is re-sent by its transaction (Timer G, §17.2.1); a 2xx by the core.
    if (status >= 300 || place.reliable) return;
    // §13.3.1.4: "The 2xx response is passed to the transport with an interval that starts at
    // T1 seconds and doubles for each retransmission until it reaches T2 seconds. […] The server
    // retransmits the 2xx response until it receives an ACK or 64*T1 seconds have elapsed."
    p.resend = retransmit2xx(
      this.o.env.clock,
      plan.t1,
      plan.t2,
      () => p.tx.respond(res, true),
      () => this.o.emit({ type: 'note', level: 'warn', text: `no ACK for our ${status} after ${(64 * plan.t1) / 1000} s: giving up on it` }),
    );
  }

  /** The transaction of an INVITE ended: its call state here goes too (bounded memory). */
  private forget(p: PendingInvite): void {
    p.resend?.stop();
    for (const t of p.timers) this.o.env.clock.clearTimer(t);
    p.timers = [];
    if (this.invites.get(p.tx.key) === p) this.invites.delete(p.tx.key);
  }
}
