/**
 * The INVITE server transaction of each `sipcall answer --load` call, and the core's 2xx
 * re-sends (docs/answer-load.md), on the call's slot (call-slots.ts):
 * - the final after `ringMs`: a 2xx with our SDP answer → Accepted (RFC 6026 §8.5), re-sent by
 *   the core at T1, 2·T1, … capped at T2 until the ACK, for 64·T1 (RFC 3261 §13.3.1.4: "The
 *   2xx response is passed to the transport with an interval that starts at T1 seconds and
 *   doubles for each retransmission until it reaches T2 seconds"), Timer L = 64·T1;
 * - a non-2xx (--respond, 487, 488, 482) → Completed, Timer G re-sends it, Timer H = 64·T1
 *   (§17.2.1); its ACK → Confirmed for Timer I = T4 (load-uas.ts);
 * - when a slot's deadlines come (`service`): the ring ends, G/2xx re-sends, H/I/L end the
 *   transaction, Timer J ends the BYE's, the CANCEL's lingering ends, the re-INVITE's timers
 *   (reinvite-tx.ts); a slot with nothing left is freed.
 */
import { ResponseWriter } from './response-writer.js';
import { ACCEPTED, COMPLETED, DIALOG, NEVER, NO_DIALOG, TERMINATED } from './call-slots.js';
import type { LoadUasOptions } from './options.js';
import { RequestView, scanRequest } from './scan.js';
import { SdpAnswers } from './sdp-answers.js';
import { SlotTimers } from './slot-timers.js';

export abstract class InviteServer extends SlotTimers {
  protected readonly writer: ResponseWriter;
  protected readonly sdp: SdpAnswers;
  /** A second view, for the INVITE kept while ringing (scanned again for its final). */
  protected readonly later = new RequestView();
  /** INVITE transactions by branch (RFC 3261 §17.2.3; the sent-by is compared on a hit). */
  protected readonly invites = new Map<string, number>();
  /**
   * INVITE transactions by Call-ID, until they terminate (§8.2.2.2, merged requests): the last
   * one per Call-ID; a hit is checked for its From tag and CSeq.
   */
  protected readonly byCallId = new Map<string, number>();

  constructor(o: LoadUasOptions) {
    super(o);
    this.writer = new ResponseWriter({ server: o.server, contact: o.contact, allow: o.allow });
    this.sdp = new SdpAnswers(o.mediaAddress);
  }

  protected final(s: number, buf: Buffer, v: RequestView, now: number): void {
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

  protected nonSuccess(s: number, buf: Buffer, v: RequestView, status: number, reason: string, now: number, extra?: Buffer): void {
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

  protected override service(s: number): void {
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
}
