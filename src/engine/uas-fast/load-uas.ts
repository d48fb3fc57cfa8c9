/**
 * `sipcall answer --load` (docs/answer-load.md): the UAS core and its server transactions for
 * INVITE, ACK, BYE and CANCEL over UDP at load rates, with the RFC behaviour of the full path
 * and none of its per-message cost: no parse into objects, no event per message, no Node timer
 * per RFC timer. Each call is a slot in typed arrays; its RFC timers are deadlines in the slot,
 * of which the earliest sits in one hashed timer wheel (src/clock/timer-wheel.ts), driven by
 * one Node timer. What it does not serve (see scan.ts) it hands back to the full path.
 *
 * Per call, RFC 3261 and RFC 6026:
 * - INVITE → 180 with our To tag at once (so no 100 Trying, §17.2.1: "unless it knows that the
 *   TU will generate a provisional or final response within 200 ms"), the final after `ringMs`.
 * - A re-sent INVITE: Proceeding → the 180 again (§17.2.1), Completed → the final again,
 *   Accepted/Confirmed → absorbed (RFC 6026 §8.7 Figure 7).
 * - 2xx: re-sent by the core at T1, 2·T1, … capped at T2 until the ACK, for 64·T1 (§13.3.1.4);
 *   the transaction stays Accepted for Timer L = 64·T1 (RFC 6026 §8.7).
 * - non-2xx (--respond, 487, 488): Completed, Timer G re-sends, Timer H = 64·T1; its ACK (same
 *   branch) → Confirmed for Timer I = T4 (§17.2.1).
 * - BYE → 200; its transaction answers re-sent copies with the same 200 for Timer J = 64·T1
 *   (§17.2.2). CANCEL → 200 (To tag as the INVITE's, §9.2), and 487 if still ringing.
 * - The ACK of a 2xx (its own branch) finds its call by our To tag, which carries the slot
 *   number after 32 random bits (§19.3: "at least 32 bits of randomness").
 * - §8.2.2.2: an INVITE without To tag whose From tag, Call-ID and CSeq are those of an INVITE
 *   transaction still going, but on another branch (a merged request, forked to us twice),
 *   gets 482 (Loop Detected). The transactions are found by Call-ID (a Map hit is then checked
 *   for the From tag and CSeq), so the key costs no string of its own.
 * - In a dialog of ours (found by our To tag, with its Call-ID and From tag, §12.2.2): a CSeq
 *   lower than the last one → 500; a re-INVITE → 200 with our SDP (RFC 3264 §8: the same
 *   version when nothing changed) or 488, in its own server transaction (reinvite-tx.ts), and
 *   500 with Retry-After while the first INVITE still rings (§14.2); UPDATE (RFC 3311 §5.2),
 *   OPTIONS (§11.2), INFO, MESSAGE, NOTIFY → 200; any other method → 501 with Allow (§8.2.1).
 */
import { randomFillSync } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock/clock.js';
import { TimerWheel } from '../../clock/timer-wheel.js';
import type { ReplyFn } from '../../transport/transport.js';
import { newCounters, type LoadCounters } from './counters.js';
import { ResponseWriter } from './response-writer.js';
import { ReInviteTx, RE_ACCEPTED } from './reinvite-tx.js';
import { M_ACK, M_BYE, M_CANCEL, M_INFO, M_INVITE, M_MESSAGE, M_NOTIFY, M_OPTIONS, M_UPDATE, RequestView, scanRequest } from './scan.js';
import { SdpAnswers } from './sdp-answers.js';

export interface LoadUasOptions {
  clock: Clock;
  t1: number;
  t2: number;
  /** RFC 3261 T4 (Timer I), default 5000 ms. */
  t4?: number;
  /** Milliseconds between the 180 and the final response. */
  ringMs: number;
  /** The final status and reason phrase for INVITE. */
  respond: number;
  reason: string;
  /** Server header value. */
  server: string;
  /** Our Contact (a name-addr) and media address (for the SDP). */
  contact: string;
  mediaAddress: string;
  allow: string;
  /** The socket buffers the kernel granted (SO_RCVBUF, SO_SNDBUF), for the counters. */
  socketBuffers?: { receive: number; send: number };
}

// INVITE server transaction states (RFC 3261 Figure 7, RFC 6026 Figure 7).
const FREE = 0;
const PROCEEDING = 1;
const ACCEPTED = 2;
const COMPLETED = 3;
const CONFIRMED = 4;
const TERMINATED = 5;
// The dialog (RFC 3261 §12): none yet or gone, confirmed by our 2xx, ended by a BYE.
const NO_DIALOG = 0;
const DIALOG = 1;
const ENDED = 2;

const NEVER = Infinity;
const HEX = '0123456789abcdef';
const enc = (text: string): Buffer => Buffer.from(text, 'latin1');

export class LoadUas {
  readonly counters: LoadCounters = newCounters();
  private readonly wheel: TimerWheel;
  private readonly writer: ResponseWriter;
  private readonly sdp: SdpAnswers;
  private readonly view = new RequestView();
  private readonly later = new RequestView();
  private readonly t4: number;
  /** INVITE transactions by branch (RFC 3261 §17.2.3; the sent-by is compared on a hit). */
  private readonly invites = new Map<string, number>();
  /**
   * INVITE transactions by Call-ID, until they terminate (§8.2.2.2, merged requests): the last
   * one per Call-ID; a hit is checked for its From tag and CSeq.
   */
  private readonly byCallId = new Map<string, number>();
  /** The re-INVITE transaction of a call, while one lives (reinvite-tx.ts). */
  private readonly reinvites = new Map<number, ReInviteTx>();
  private readonly timings: { t1: number; t2: number; t4: number };
  /** Pre-encoded header lines of in-dialog answers. */
  private readonly acceptLine = enc('Accept: application/sdp\r\n');
  private readonly allowLine: Buffer;
  private native: TimerHandle | undefined;
  private nativeAt = NEVER;
  private closed = false;
  private readonly fire = (slot: number): void => this.service(slot);
  private readonly tick = (): void => this.onTick();

  private cap = 0;
  private freeTop = 0;
  private freeList = new Int32Array(0);
  private txState = new Uint8Array(0);
  private dialog = new Uint8Array(0);
  private acked = new Uint8Array(0);
  private rand = new Uint32Array(0);
  private sentBy = new Uint32Array(0);
  private cseq = new Uint32Array(0);
  /** The remote sequence number of the dialog (§12.2.2): the highest CSeq seen from the caller. */
  private rCseq = new Uint32Array(0);
  private handle = new Float64Array(0);
  private handleAt = new Float64Array(0);
  private dRing = new Float64Array(0);
  private dRetx = new Float64Array(0);
  private dTx = new Float64Array(0);
  private dBye = new Float64Array(0);
  private dCancel = new Float64Array(0);
  /** The earliest deadline of the call's re-INVITE transaction. */
  private dRe = new Float64Array(0);
  private interval = new Float64Array(0);
  private finalAt = new Float64Array(0);
  private branch: Array<string | undefined> = [];
  private callId: Array<string | undefined> = [];
  private fromTag: Array<string | undefined> = [];
  private byeBranch: Array<string | undefined> = [];
  private tag: Array<string | undefined> = [];
  /** The last response of the INVITE transaction, while it may be sent again. */
  private last: Array<Buffer | undefined> = [];
  private reply: Array<ReplyFn | undefined> = [];
  /** The INVITE, kept while ringing (the final is built from it). */
  private request: Array<Buffer | undefined> = [];
  /** Our SDP in the dialog now (RFC 3264 §8): a cached body, shared while unchanged. */
  private session: Array<Buffer | undefined> = [];

  private readonly pool = new Uint32Array(1024);
  private poolAt = 1024;

  constructor(private readonly o: LoadUasOptions) {
    this.t4 = o.t4 ?? 5000;
    this.wheel = new TimerWheel(o.clock.now(), 4096);
    this.writer = new ResponseWriter({ server: o.server, contact: o.contact, allow: o.allow });
    this.sdp = new SdpAnswers(o.mediaAddress);
    this.timings = { t1: o.t1, t2: o.t2, t4: this.t4 };
    this.allowLine = enc(`Allow: ${o.allow}\r\n`);
    if (o.socketBuffers) {
      this.counters.rcvbuf = o.socketBuffers.receive;
      this.counters.sndbuf = o.socketBuffers.send;
    }
    this.grow(1024);
  }

  /** Calls whose state is kept now. */
  get live(): number {
    return this.counters.live;
  }

  /** Timers armed in the wheel (tests). */
  get armed(): number {
    return this.wheel.size;
  }

  /**
   * One datagram. True when the load path served it; false when it belongs to the full path
   * (the caller passes it on unchanged).
   */
  receive(buf: Buffer, reply: ReplyFn): boolean {
    if (this.closed) return false;
    const v = this.view;
    let done = false;
    if (scanRequest(buf, v)) {
      switch (v.method) {
        case M_INVITE:
          done = this.invite(buf, v, reply);
          break;
        case M_ACK:
          done = this.ack(buf, v);
          break;
        case M_BYE:
          done = this.bye(buf, v, reply);
          break;
        case M_CANCEL:
          done = this.cancel(buf, v, reply);
          break;
        default:
          // UPDATE, INFO, OPTIONS, … : ours only inside a dialog of ours.
          done = v.toTagS >= 0 && this.inDialog(buf, v, reply);
      }
    }
    if (!done) this.counters.fullPath++;
    return done;
  }

  close(): void {
    this.closed = true;
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.native = undefined;
    this.invites.clear();
    this.byCallId.clear();
    this.reinvites.clear();
    this.last = [];
    this.reply = [];
    this.request = [];
  }

  // ---- requests ----

  private invite(buf: Buffer, v: RequestView, reply: ReplyFn): boolean {
    // With a To tag: a re-INVITE in a dialog (§14.2).
    if (v.toTagS >= 0) return this.inDialog(buf, v, reply);
    const branch = buf.toString('latin1', v.branchS, v.branchE);
    const known = this.invites.get(branch);
    if (known !== undefined) {
      if (this.sentBy[known] !== v.sentByHash) return false;
      this.counters.absorbed++;
      const st = this.txState[known]!;
      // §17.2.1: Proceeding → the last provisional again; Completed → the final again.
      if ((st === PROCEEDING || st === COMPLETED) && this.last[known]) {
        this.counters.resent++;
        reply(this.last[known]!);
      }
      return true;
    }
    const now = this.o.clock.now();
    const callId = buf.toString('latin1', v.callIdVS, v.callIdVE);
    const fromTag = v.fromTagS >= 0 ? buf.toString('latin1', v.fromTagS, v.fromTagE) : '';
    const other = this.byCallId.get(callId);
    const merged = other !== undefined && this.cseq[other] === v.cseq && this.fromTag[other] === fromTag && this.txState[other] !== TERMINATED && this.txState[other] !== FREE;
    const s = this.alloc();
    this.invites.set(branch, s);
    this.branch[s] = branch;
    this.callId[s] = callId;
    this.fromTag[s] = fromTag;
    this.cseq[s] = v.cseq;
    this.rCseq[s] = v.cseq;
    this.sentBy[s] = v.sentByHash;
    this.reply[s] = reply;
    this.txState[s] = PROCEEDING;
    if (merged) {
      // §8.2.2.2: "If the From tag, Call-ID, and CSeq exactly match those associated with an
      // ongoing transaction, but the request does not match that transaction …, the UAS core
      // SHOULD generate a 482 (Loop Detected) response". Its own transaction takes the ACK.
      this.counters.merged++;
      this.nonSuccess(s, buf, v, 482, 'Loop Detected', now);
      this.reschedule(s);
      return true;
    }
    this.byCallId.set(callId, s);
    this.counters.invites++;
    const ringing = this.writer.write(buf, v, 180, 'Ringing', this.tag[s], true);
    this.last[s] = ringing;
    reply(ringing);
    if (this.o.ringMs <= 0) {
      this.final(s, buf, v, now);
    } else {
      this.request[s] = buf;
      this.dRing[s] = now + this.o.ringMs;
    }
    this.reschedule(s);
    return true;
  }

  private ack(buf: Buffer, v: RequestView): boolean {
    const branch = buf.toString('latin1', v.branchS, v.branchE);
    const t = this.invites.get(branch);
    if (t !== undefined && this.sentBy[t] === v.sentByHash && (this.txState[t] === COMPLETED || this.txState[t] === CONFIRMED)) {
      if (this.txState[t] === CONFIRMED) {
        // §17.2.1: Confirmed absorbs the ACKs of re-sent finals.
        this.counters.absorbed++;
        return true;
      }
      // §17.2.1: the ACK of a non-2xx: Confirmed, no more Timer G, Timer I = T4.
      this.txState[t] = CONFIRMED;
      this.dRetx[t] = NEVER;
      this.dTx[t] = this.o.clock.now() + this.t4;
      this.last[t] = undefined;
      this.reschedule(t);
      return true;
    }
    const s = this.slotOf(buf, v);
    if (s < 0 || this.callId[s] !== buf.toString('latin1', v.callIdVS, v.callIdVE)) return false;
    const re = this.reinvites.size > 0 ? this.reinvites.get(s) : undefined;
    if (re !== undefined && re.cseq === v.cseq && (v.cseq !== this.cseq[s] || re.branch === branch)) {
      // The ACK of a re-INVITE's final: its 2xx (§13.3.1.4) or, on its branch, a non-2xx.
      const was2xx = re.state === RE_ACCEPTED;
      if (re.ack(re.branch === branch && re.sentBy === v.sentByHash, this.o.clock.now())) {
        if (was2xx) this.counters.acks++;
        this.dRe[s] = re.due;
        this.reschedule(s);
      } else this.counters.absorbed++;
      return true;
    }
    if (this.cseq[s] !== v.cseq) return false;
    if (this.txState[s] !== ACCEPTED || this.acked[s] === 1) {
      this.counters.absorbed++;
      return true;
    }
    // §13.3.1.4: the ACK ends the 2xx retransmissions.
    this.acked[s] = 1;
    this.counters.acks++;
    this.dRetx[s] = NEVER;
    this.last[s] = undefined;
    this.reschedule(s);
    return true;
  }

  private bye(buf: Buffer, v: RequestView, reply: ReplyFn): boolean {
    const s = this.slotOf(buf, v);
    if (s < 0 || this.callId[s] !== buf.toString('latin1', v.callIdVS, v.callIdVE)) return false;
    if (v.fromTagS < 0 || this.fromTag[s] !== buf.toString('latin1', v.fromTagS, v.fromTagE)) return false;
    const branch = buf.toString('latin1', v.branchS, v.branchE);
    if (this.dialog[s] === ENDED && this.byeBranch[s] === branch) {
      // §17.2.2: Completed re-sends the final for a re-sent request; the same 200 is built again.
      this.counters.absorbed++;
      this.counters.resent++;
      reply(this.writer.write(buf, v, 200, 'OK', undefined, false));
      return true;
    }
    if (this.dialog[s] !== DIALOG) return false; // a BYE in no dialog of ours: 481 from the full path
    reply(this.writer.write(buf, v, 200, 'OK', undefined, false));
    this.counters.byes++;
    this.dialog[s] = ENDED;
    this.byeBranch[s] = branch;
    // §17.2.2: Timer J = 64·T1 over UDP.
    this.dBye[s] = this.o.clock.now() + 64 * this.o.t1;
    if (this.acked[s] === 0) {
      // The call ended before its ACK: no more 2xx (the dialog is gone).
      this.dRetx[s] = NEVER;
      this.last[s] = undefined;
    }
    const re = this.reinvites.size > 0 ? this.reinvites.get(s) : undefined;
    if (re !== undefined) {
      re.stop();
      this.dRe[s] = re.due;
    }
    this.reschedule(s);
    return true;
  }

  // ---- in a dialog (RFC 3261 §12.2.2) ----

  /**
   * A request with a To tag other than BYE, ACK and CANCEL: ours when the tag names a call of
   * ours with the same Call-ID and From tag whose dialog is up (or early: the INVITE still
   * rings); else false, and the full path answers 481 (§12.2.2).
   */
  private inDialog(buf: Buffer, v: RequestView, reply: ReplyFn): boolean {
    const s = this.slotOf(buf, v);
    if (s < 0 || this.callId[s] !== buf.toString('latin1', v.callIdVS, v.callIdVE)) return false;
    if (v.fromTagS < 0 || this.fromTag[s] !== buf.toString('latin1', v.fromTagS, v.fromTagE)) return false;
    const early = this.txState[s] === PROCEEDING && this.dialog[s] === NO_DIALOG;
    if (this.dialog[s] !== DIALOG && !early) return false;
    const invite = v.method === M_INVITE;
    const branch = buf.toString('latin1', v.branchS, v.branchE);
    const re = this.reinvites.get(s);
    if (invite && re !== undefined && re.branch === branch) {
      if (re.sentBy !== v.sentByHash) return false;
      // A copy of the re-INVITE (§17.2.1, RFC 6026 §8.7).
      this.counters.absorbed++;
      if (re.again()) this.counters.resent++;
      return true;
    }
    const now = this.o.clock.now();
    if (invite) this.counters.reinvites++;
    else this.counters.inDialog++;
    // §12.2.2: "If the remote sequence number was not empty, but the sequence number of the
    // request is lower than the remote sequence number, the request is out of order and MUST
    // be rejected with a 500 (Server Internal Error) response."
    if (v.cseq < this.rCseq[s]!) return this.inDialogAnswer(s, buf, v, reply, branch, now, 500, 'Server Internal Error', false);
    this.rCseq[s] = v.cseq;
    const offer = v.bodyE > v.bodyS ? buf.toString('latin1', v.bodyS, v.bodyE) : undefined;
    switch (v.method) {
      case M_INVITE:
      case M_UPDATE: {
        // §14.2: "A UAS that receives a second INVITE before it sends the final response to a
        // first INVITE with a lower CSeq sequence number on the same dialog MUST return a 500
        // … with a Retry-After header field with a randomly chosen value of between 0 and 10
        // seconds." RFC 3311 §5.2 the same for an offer in UPDATE while ours is pending.
        if (early && (invite || offer !== undefined)) return this.inDialogAnswer(s, buf, v, reply, branch, now, 500, 'Server Internal Error', false, undefined, enc(`Retry-After: ${Math.floor(Math.random() * 11)}\r\n`));
        if (!invite && offer === undefined) return this.inDialogAnswer(s, buf, v, reply, branch, now, 200, 'OK', true);
        const a = this.sdp.inDialog(offer, this.session[s] ?? this.sdp.ourOffer());
        // RFC 3261 §14.2: an offer it cannot take: 488, and the session goes on as it was.
        if ('warning' in a) return this.inDialogAnswer(s, buf, v, reply, branch, now, 488, 'Not Acceptable Here', false, undefined, enc(`Warning: ${a.warning}\r\n`));
        this.session[s] = a.body;
        return this.inDialogAnswer(s, buf, v, reply, branch, now, 200, 'OK', true, a.body);
      }
      case M_OPTIONS:
        // §11.2: Allow (with Contact), and Accept.
        return this.inDialogAnswer(s, buf, v, reply, branch, now, 200, 'OK', true, undefined, this.acceptLine);
      case M_INFO:
      case M_MESSAGE:
      case M_NOTIFY:
        return this.inDialogAnswer(s, buf, v, reply, branch, now, 200, 'OK', false);
      default:
        // §8.2.1: a method it does not serve: 501 with Allow (the full path's answer too).
        return this.inDialogAnswer(s, buf, v, reply, branch, now, 501, 'Not Implemented', false, undefined, this.allowLine);
    }
  }

  /**
   * Sends the answer to an in-dialog request. A re-INVITE's final opens its server
   * transaction (reinvite-tx.ts); for other methods the response is all (a copy of the request
   * gets the same response built again, as for BYE).
   */
  private inDialogAnswer(s: number, buf: Buffer, v: RequestView, reply: ReplyFn, branch: string, now: number, status: number, reason: string, dialog: boolean, body?: Buffer, extra?: Buffer): boolean {
    const res = this.writer.write(buf, v, status, reason, undefined, dialog, body, extra);
    if (v.method !== M_INVITE) {
      reply(res);
      return true;
    }
    if (status >= 300) this.counters.rejected++;
    const tx = new ReInviteTx(branch, v.sentByHash, v.cseq, reply, res, status < 300, now, this.timings);
    this.reinvites.set(s, tx);
    this.dRe[s] = tx.due;
    this.reschedule(s);
    return true;
  }

  private cancel(buf: Buffer, v: RequestView, reply: ReplyFn): boolean {
    // §9.2: the CANCEL matches the INVITE transaction by its branch (and sent-by).
    const branch = buf.toString('latin1', v.branchS, v.branchE);
    const s = this.invites.get(branch);
    if (s === undefined || this.sentBy[s] !== v.sentByHash || this.txState[s] === TERMINATED) return false;
    // §9.2: "The To tag of the response to the CANCEL and the To tag in the response to the
    // original request SHOULD be the same."
    const ok = this.writer.write(buf, v, 200, 'OK', this.tag[s], false);
    if (this.dCancel[s] !== NEVER) {
      this.counters.absorbed++;
      this.counters.resent++;
      reply(ok);
      return true;
    }
    reply(ok);
    this.counters.cancels++;
    const now = this.o.clock.now();
    this.dCancel[s] = now + 64 * this.o.t1;
    if (this.txState[s] === PROCEEDING && this.request[s]) {
      // §9.2: "the UAS … SHOULD then respond to the INVITE with a 487 (Request Terminated)".
      this.dRing[s] = NEVER;
      const inv = this.request[s]!;
      if (scanRequest(inv, this.later)) this.nonSuccess(s, inv, this.later, 487, 'Request Terminated', now);
    }
    this.reschedule(s);
    return true;
  }

  // ---- responses ----

  private final(s: number, buf: Buffer, v: RequestView, now: number): void {
    this.request[s] = undefined;
    this.dRing[s] = NEVER;
    const status = this.o.respond;
    if (status >= 300) return this.nonSuccess(s, buf, v, status, this.o.reason, now);
    let body: Buffer;
    if (v.bodyE > v.bodyS) {
      const a = this.sdp.answer(buf.toString('latin1', v.bodyS, v.bodyE));
      if ('warning' in a) {
        // RFC 3264 §6 / RFC 3261 §21.4.26: no usable stream in the offer.
        return this.nonSuccess(s, buf, v, 488, 'Not Acceptable Here', now, Buffer.from(`Warning: ${a.warning}\r\n`, 'latin1'));
      }
      body = a.body;
    } else body = this.sdp.ourOffer();
    this.session[s] = body;
    const res = this.writer.write(buf, v, status, this.o.reason, this.tag[s], true, body);
    this.reply[s]!(res);
    this.counters.answered++;
    // RFC 6026 §8.5: Accepted; Timer L = 64·T1. §13.3.1.4: the core re-sends from T1 on.
    this.last[s] = res;
    this.txState[s] = ACCEPTED;
    this.dialog[s] = DIALOG;
    this.finalAt[s] = now;
    this.interval[s] = this.o.t1;
    this.dRetx[s] = now + this.o.t1;
    this.dTx[s] = now + 64 * this.o.t1;
  }

  private nonSuccess(s: number, buf: Buffer, v: RequestView, status: number, reason: string, now: number, extra?: Buffer): void {
    this.request[s] = undefined;
    const res = this.writer.write(buf, v, status, reason, this.tag[s], false, undefined, extra);
    this.reply[s]!(res);
    this.counters.rejected++;
    // §17.2.1: Completed; Timer G = T1 over UDP, Timer H = 64·T1.
    this.last[s] = res;
    this.txState[s] = COMPLETED;
    this.interval[s] = this.o.t1;
    this.dRetx[s] = now + this.o.t1;
    this.dTx[s] = now + 64 * this.o.t1;
  }

  // ---- timers ----

  private service(s: number): void {
    this.handle[s] = -1;
    this.handleAt[s] = NEVER;
    const now = this.o.clock.now();
    if (this.dRing[s]! <= now) {
      const inv = this.request[s];
      if (inv && scanRequest(inv, this.later)) this.final(s, inv, this.later, now);
      else this.dRing[s] = NEVER;
    }
    if (this.dRetx[s]! <= now) {
      const st = this.txState[s];
      if (st === ACCEPTED) {
        const giveUp = this.finalAt[s]! + 64 * this.o.t1;
        if (now >= giveUp) {
          // §13.3.1.4: no ACK in 64·T1: the session ends; nothing more is sent.
          this.counters.noAck++;
          this.dRetx[s] = NEVER;
          this.last[s] = undefined;
          if (this.dialog[s] === DIALOG) this.dialog[s] = NO_DIALOG;
        } else {
          this.resend(s);
          this.dRetx[s] = Math.min(now + this.interval[s]!, giveUp);
        }
      } else if (st === COMPLETED) {
        // §17.2.1 Timer G: again, then MIN(2·interval, T2).
        this.resend(s);
        this.dRetx[s] = now + this.interval[s]!;
      } else this.dRetx[s] = NEVER;
    }
    if (this.dTx[s]! <= now) {
      // Timer L (Accepted), H (Completed: no ACK) or I (Confirmed): Terminated.
      if (this.txState[s] === COMPLETED) this.counters.noAck++;
      this.txState[s] = TERMINATED;
      this.dTx[s] = NEVER;
      this.dRetx[s] = NEVER;
      this.last[s] = undefined;
    }
    if (this.dBye[s]! <= now) this.dBye[s] = NEVER;
    if (this.dCancel[s]! <= now) this.dCancel[s] = NEVER;
    if (this.dRe[s]! <= now) this.serviceReInvite(s, now);
    if (this.txState[s] === TERMINATED && this.dCancel[s] === NEVER) {
      const b = this.branch[s];
      if (b !== undefined && this.invites.get(b) === s) this.invites.delete(b);
      const c = this.callId[s];
      if (c !== undefined && this.byCallId.get(c) === s) this.byCallId.delete(c);
      this.branch[s] = undefined;
      this.reply[s] = undefined;
      if (this.dialog[s] !== DIALOG && this.dBye[s] === NEVER && this.dRe[s] === NEVER) return this.release(s);
    }
    this.reschedule(s);
  }

  private serviceReInvite(s: number, now: number): void {
    const re = this.reinvites.get(s);
    if (re === undefined) {
      this.dRe[s] = NEVER;
      return;
    }
    const what = re.service(now);
    if (what === 'resent') this.counters.resent++;
    else if (what !== undefined) {
      this.counters.noAck++;
      // §13.3.1.4: a 2xx never ACKed: the session ends (nothing more is sent).
      if (what === 'no-ack-2xx' && this.dialog[s] === DIALOG) this.dialog[s] = NO_DIALOG;
    }
    if (re.ended) this.reinvites.delete(s);
    this.dRe[s] = re.ended ? NEVER : re.due;
  }

  private resend(s: number): void {
    const res = this.last[s];
    if (!res) return;
    this.interval[s] = Math.min(this.interval[s]! * 2, this.o.t2);
    this.counters.resent++;
    this.reply[s]?.(res);
  }

  /** Puts the slot's earliest deadline in the wheel (one wheel timer per call at most). */
  private reschedule(s: number): void {
    const at = Math.min(this.dRing[s]!, this.dRetx[s]!, this.dTx[s]!, this.dBye[s]!, this.dCancel[s]!, this.dRe[s]!);
    if (at === this.handleAt[s]) return;
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handleAt[s] = at;
    if (at === NEVER) {
      this.handle[s] = -1;
      return;
    }
    this.handle[s] = this.wheel.schedule(at, s);
    if (at < this.nativeAt) this.arm(at);
  }

  private arm(at: number): void {
    if (this.closed) return;
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.nativeAt = at;
    this.native = this.o.clock.setTimer(Math.max(1, Math.ceil(at - this.o.clock.now())), this.tick);
  }

  private onTick(): void {
    this.native = undefined;
    this.nativeAt = NEVER;
    if (this.closed) return;
    this.wheel.advance(this.o.clock.now(), this.fire);
    const next = this.wheel.nextDue();
    if (next !== undefined && next < this.nativeAt) this.arm(next);
  }

  // ---- slots ----

  /** The slot our To tag names (`<8 hex random>x<slot base 36>`), or -1. */
  private slotOf(buf: Buffer, v: RequestView): number {
    const s0 = v.toTagS;
    const e = v.toTagE;
    if (s0 < 0 || e - s0 < 10 || buf[s0 + 8] !== 120) return -1;
    let r = 0;
    for (let i = s0; i < s0 + 8; i++) {
      const c = buf[i]!;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return -1;
      r = r * 16 + d;
    }
    let slot = 0;
    for (let i = s0 + 9; i < e; i++) {
      const c = buf[i]!;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
      if (d < 0 || slot > this.cap) return -1;
      slot = slot * 36 + d;
    }
    if (slot >= this.cap || this.rand[slot] !== r >>> 0 || this.txState[slot] === FREE) return -1;
    return slot;
  }

  private alloc(): number {
    if (this.freeTop === 0) this.grow(this.cap * 2);
    const s = this.freeList[--this.freeTop]!;
    if (this.poolAt === this.pool.length) {
      randomFillSync(this.pool);
      this.poolAt = 0;
    }
    const r = this.pool[this.poolAt++]!;
    this.rand[s] = r;
    let hex = '';
    for (let k = 28; k >= 0; k -= 4) hex += HEX[(r >>> k) & 15];
    this.tag[s] = `${hex}x${s.toString(36)}`;
    this.acked[s] = 0;
    this.dialog[s] = NO_DIALOG;
    this.dRing[s] = this.dRetx[s] = this.dTx[s] = this.dBye[s] = this.dCancel[s] = this.dRe[s] = NEVER;
    this.counters.live++;
    return s;
  }

  private release(s: number): void {
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handle[s] = -1;
    this.handleAt[s] = NEVER;
    this.txState[s] = FREE;
    this.dialog[s] = NO_DIALOG;
    this.branch[s] = this.callId[s] = this.fromTag[s] = this.byeBranch[s] = this.tag[s] = undefined;
    this.last[s] = this.request[s] = this.session[s] = undefined;
    this.reply[s] = undefined;
    if (this.reinvites.size > 0) this.reinvites.delete(s);
    this.freeList[this.freeTop++] = s;
    this.counters.live--;
  }

  private grow(to: number): void {
    const from = this.cap;
    const u8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(to);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(to);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array, fill: number): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(to).fill(fill);
      b.set(a);
      return b;
    };
    this.txState = u8(this.txState);
    this.dialog = u8(this.dialog);
    this.acked = u8(this.acked);
    this.rand = u32(this.rand);
    this.sentBy = u32(this.sentBy);
    this.cseq = u32(this.cseq);
    this.rCseq = u32(this.rCseq);
    this.handle = f64(this.handle, -1);
    this.handleAt = f64(this.handleAt, NEVER);
    this.dRing = f64(this.dRing, NEVER);
    this.dRetx = f64(this.dRetx, NEVER);
    this.dTx = f64(this.dTx, NEVER);
    this.dBye = f64(this.dBye, NEVER);
    this.dCancel = f64(this.dCancel, NEVER);
    this.dRe = f64(this.dRe, NEVER);
    this.interval = f64(this.interval, 0);
    this.finalAt = f64(this.finalAt, 0);
    const free = new Int32Array(to);
    free.set(this.freeList.subarray(0, this.freeTop));
    for (let s = to - 1; s >= from; s--) free[this.freeTop++] = s;
    this.freeList = free;
    this.cap = to;
  }
}
