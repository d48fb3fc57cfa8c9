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
import type { ReplyFn } from '../../transport/transport.js';
import { ACCEPTED, COMPLETED, CONFIRMED, DIALOG, ENDED, FREE, NEVER, PROCEEDING, TERMINATED } from './call-slots.js';
import { DialogRequests } from './in-dialog.js';
import type { LoadUasOptions } from './options.js';
import { RE_ACCEPTED } from './reinvite-tx.js';
import { M_ACK, M_BYE, M_CANCEL, M_INVITE, RequestView, scanRequest } from './scan.js';


/**
 * The load path's requests: each datagram is scanned (scan.ts) and served here or handed back.
 * The layers below hold the rest, on the same object: the call slots (call-slots.ts), their
 * timers (slot-timers.ts), the INVITE transactions (invite-server.ts), requests in a dialog
 * (in-dialog.ts).
 */
export class LoadUas extends DialogRequests {
  private readonly view = new RequestView();
  private readonly t4: number;

  constructor(o: LoadUasOptions) {
    super(o);
    this.t4 = o.t4 ?? 5000;
  }

  /** Calls whose state is kept now. */
  get live(): number {
    return this.counters.live;
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
    this.stopTimers();
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
}
