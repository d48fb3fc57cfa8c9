/**
 * Requests in a dialog of `sipcall answer --load` other than ACK, BYE and CANCEL
 * (docs/answer-load.md), found by our To tag with their Call-ID and From tag (RFC 3261 §12.2.2):
 * - a CSeq lower than the last one → 500 (§12.2.2: "the request is out of order and MUST be
 *   rejected with a 500 (Server Internal Error) response");
 * - a re-INVITE → 200 with our SDP (RFC 3264 §8: the same version when nothing changed) or
 *   488, in its own server transaction (reinvite-tx.ts), and 500 with Retry-After while the
 *   first INVITE still rings (§14.2); UPDATE the same without a transaction (RFC 3311 §5.2);
 * - OPTIONS (§11.2), INFO, MESSAGE, NOTIFY → 200; any other method → 501 with Allow (§8.2.1).
 * A request in no dialog of ours goes to the full path, which answers 481.
 */
import type { ReplyFn } from '../../transport/transport.js';
import { DIALOG, NO_DIALOG, PROCEEDING } from './call-slots.js';
import { InviteServer } from './invite-server.js';
import type { LoadUasOptions } from './options.js';
import { ReInviteTx } from './reinvite-tx.js';
import { M_INFO, M_INVITE, M_MESSAGE, M_NOTIFY, M_OPTIONS, M_UPDATE, type RequestView } from './scan.js';

const enc = (text: string): Buffer => Buffer.from(text, 'latin1');

export abstract class DialogRequests extends InviteServer {
  private readonly timings: { t1: number; t2: number; t4: number };
  /** Pre-encoded header lines of in-dialog answers. */
  private readonly acceptLine = enc('Accept: application/sdp\r\n');
  private readonly allowLine: Buffer;

  constructor(o: LoadUasOptions) {
    super(o);
    this.timings = { t1: o.t1, t2: o.t2, t4: o.t4 ?? 5000 };
    this.allowLine = enc(`Allow: ${o.allow}\r\n`);
  }

  /**
   * A request with a To tag other than BYE, ACK and CANCEL: ours when the tag names a call of
   * ours with the same Call-ID and From tag whose dialog is up (or early: the INVITE still
   * rings); else false, and the full path answers 481 (§12.2.2).
   */
  protected inDialog(buf: Buffer, v: RequestView, reply: ReplyFn): boolean {
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
}
