/**
 * Reliable provisional responses (RFC 3262): a 1xx that requires `100rel` starts an early
 * dialog (§4: "the UAC … MUST send a PRACK"), and each one in sequence is acknowledged there
 * with a PRACK whose RAck names it. The early dialog's CSeq numbers carry over to the dialog
 * of the 2xx.
 */
import { dialogFromResponse, inDialogRequest, type Dialog } from '../../dialog/dialog.js';
import { headerParam } from '../../dialog/name-addr-uri.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { InvitePlan } from '../plan.js';
import { transactAuthenticated } from '../transact-auth.js';
import type { UacContext } from '../uac-context.js';

export class ReliableProvisionals {
  /** Early dialogs of reliable provisionals (RFC 3262), by To tag, with the last RSeq acknowledged. */
  private readonly early = new Map<string, { dialog: Dialog; rseq: number }>();

  constructor(
    private readonly ctx: UacContext,
    private readonly plan: InvitePlan,
  ) {}

  /**
   * RFC 3262: a 1xx with `Require: 100rel` and an RSeq is acknowledged with a PRACK in its
   * early dialog (§4: "the UAC … MUST send a PRACK … The RAck header … contains the RSeq of
   * the provisional response and the CSeq of the request"). A re-sent one (an RSeq already
   * seen) is ignored: its PRACK transaction does the re-sending. §4: "If the UAC receives
   * another reliable provisional response to the same request, and its RSeq value is not one
   * higher than the value of the sequence number, that provisional response MUST NOT be
   * acknowledged with a PRACK, and MUST NOT be processed further by the UAC." False when the
   * response must not be processed further.
   */
  accept(invite: SipRequest, res: SipResponse): boolean {
    if (res.status === 100 || (this.plan.rel100 ?? 'supported') === 'off') return true;
    const required = res.headers.list('require').map((t) => t.trim().toLowerCase());
    if (!required.includes('100rel')) return true;
    const note = (text: string) => this.ctx.session.emit({ type: 'note', level: 'warn', code: 'prack', text });
    const rseq = Number((res.headers.get('rseq') ?? '').trim());
    if (!Number.isInteger(rseq) || rseq < 1 || rseq > 2 ** 31 - 1) {
      note(`the ${res.status} ${res.reason} requires 100rel but its RSeq is missing or not 1–2³¹−1: not acknowledged (RFC 3262 §7.1)`);
      return false;
    }
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    let early = this.early.get(tag);
    if (!early) {
      const { dialog, defects } = dialogFromResponse(invite, res);
      if (!tag || defects.length > 0) {
        note(`the reliable ${res.status} ${res.reason} ${tag ? `cannot start an early dialog: ${defects[0]!.why}` : 'has no To tag'}, so there is no early dialog to send the PRACK in (RFC 3262 §4, RFC 3261 §12.1)`);
        return false;
      }
      early = { dialog, rseq: 0 };
      this.early.set(tag, early);
    }
    if (rseq <= early.rseq) return false; // re-sent: already acknowledged
    if (early.rseq > 0 && rseq !== early.rseq + 1) {
      note(`the reliable ${res.status} ${res.reason} has RSeq ${rseq}, not ${early.rseq + 1}: not acknowledged, not processed (RFC 3262 §4)`);
      return false;
    }
    early.rseq = rseq;
    const cseq = Number.parseInt(invite.headers.get('cseq') ?? '1', 10);
    const prack = inDialogRequest(early.dialog, 'PRACK', this.ctx.via().value, this.plan.request.userAgent);
    prack.headers.append('RAck', `${rseq} ${cseq} INVITE`);
    void transactAuthenticated(this.ctx, prack).then(({ result }) => {
      const f = result.final;
      if (!f || f.status >= 300) note(`the PRACK for RSeq ${rseq} ended ${f ? `${f.status} ${f.reason}` : 'without a final response'}`);
    });
    return true;
  }

  /** The local CSeq the early dialog with this To tag has reached by its PRACKs, if there is one. */
  localSeq(tag: string): number | undefined {
    return this.early.get(tag)?.dialog.localSeq;
  }
}
