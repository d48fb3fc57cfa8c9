/**
 * The 2xx responses to our INVITE (RFC 3261 §13.2.2.4): each sets up a dialog (§12.1.2) and is
 * ACKed by the core, not the transaction ("The UAC core MUST generate an ACK request for each
 * 2xx received from the transaction layer"); a re-sent 2xx gets the same ACK again; a 2xx from
 * another fork is ACKed and ended with BYE; a 2xx whose Contact or Record-Route cannot be used
 * fails the run; a 2xx that matches no transaction (RFC 6026) is not ACKed.
 */
import { ackFor2xx, dialogFromResponse, inDialogRequest, type Dialog } from '../../dialog/dialog.js';
import type { DialogDefect } from '../../dialog/dialog-checks.js';
import { headerParam } from '../../dialog/name-addr-uri.js';
import { topBranch } from '../../sip/fields.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { RunOutcome } from '../outcome.js';
import { transactAuthenticated } from '../transact-auth.js';
import { NOTE_CODE } from '../verdict/codes.js';
import type { CallHost } from './call-host.js';

export class Responses2xx {
  /** ACK bytes per remote tag, re-sent unchanged for each re-sent 2xx. */
  private readonly acks = new Map<string, { bytes: Buffer; count: number; request: SipRequest }>();
  /** The 2xx that answered the call could not be used (bad Contact or Record-Route): the run fails. */
  private unusableAnswer?: { status: number; reason: string; defects: DialogDefect[] };

  constructor(
    private readonly call: CallHost,
    /** The ACK of our last re-INVITE's 2xx (reinvite.ts). */
    private readonly reinviteAck: () => SipRequest | undefined,
    /** A 2xx to take as the call's own (call.ts). */
    private readonly success: (res: SipResponse) => void,
  ) {}

  /** True when the 2xx that answered the call could not be used: the call ends at once with BYE. */
  get unusable(): boolean {
    return this.unusableAnswer !== undefined;
  }

  /** A 2xx again from a remote tag already ACKed: the same ACK again (true), else false. */
  resend(tag: string): boolean {
    const known = this.acks.get(tag);
    if (!known) return false;
    // §13.2.2.4: the ACK is re-sent for each re-sent 2xx; the same bytes.
    known.count++;
    this.call.ctx.session.sendDirect(known.request, known.count, known.bytes);
    return true;
  }

  /**
   * The dialog of a 2xx (RFC 3261 §12.1.2), with what could not be used in it said in a note
   * (code `bad-contact` or `bad-record-route`, read by the verdict). A To without a tag is
   * allowed (§12.1.2: "the tag is considered to have a value of null") and only noted. With an
   * unusable Contact or Record-Route the ACK goes where the INVITE went, and the call is ended
   * with BYE at once (dialog.ts, docs/engine.md): `unusable` makes the run fail.
   */
  dialogOf(res: SipResponse, tag: string, fork = false): Dialog {
    const { dialog, defects } = dialogFromResponse(this.call.invite, res);
    const s = this.call.ctx.session;
    if (!tag) s.emit({ type: 'note', level: 'warn', text: `the ${res.status} ${res.reason} has no To tag (RFC 3261 §8.2.6.2 requires one; §12.1.2 takes it as null)` });
    for (const d of defects) {
      const instead = d.field === 'contact' ? `the ACK and the BYE go to the INVITE's Request-URI ${dialog.remoteTarget}` : `the ACK and the BYE follow the INVITE's own route${dialog.routeSet.length ? ` (${dialog.routeSet.join(', ')})` : ' (none: straight to the remote target)'}`;
      s.emit({
        type: 'note',
        level: 'warn',
        code: d.field === 'contact' ? NOTE_CODE.badContact : NOTE_CODE.badRecordRoute,
        text: `the ${res.status} ${res.reason} has an unusable ${d.field === 'contact' ? 'Contact' : 'Record-Route'} ${JSON.stringify(d.value)}: ${d.why}; ${instead}, and the call ends`,
      });
    }
    if (defects.length > 0 && !fork) this.unusableAnswer = { status: res.status, reason: res.reason, defects };
    return dialog;
  }

  ack(dialog: Dialog, tag: string, body?: string): void {
    const { ctx, plan, invite } = this.call;
    const via = ctx.via();
    const ack = ackFor2xx(dialog, invite, via.value, plan.request.userAgent);
    if (body !== undefined) {
      // RFC 3261 §13.2.2.4 / §13.2.1: the answer to an offer in the 2xx goes in the ACK.
      ack.body = Buffer.from(body);
      ack.headers.delete('content-length');
      ack.headers.append('Content-Type', 'application/sdp');
      ack.headers.append('Content-Length', String(ack.body.length));
    }
    const bytes = ctx.session.sendDirect(ack);
    this.acks.set(tag, { bytes, count: 1, request: ack });
  }

  /**
   * A 2xx from another branch of a forking proxy (RFC 3261 §13.2.2.4: "the UAC core MUST
   * generate an ACK … for each 2xx"; §13.2.2.4 also: if it does not want to continue with that
   * dialog, "it MUST terminate the dialog by sending a BYE").
   */
  fork(res: SipResponse, tag: string): void {
    const dialog = this.dialogOf(res, tag, true);
    this.call.ctx.session.emit({ type: 'note', level: 'info', text: `another 2xx from a forked branch (To tag ${tag || '(none)'}): ACK and BYE it, keeping the first call` });
    this.ack(dialog, tag);
    const via = this.call.ctx.via();
    void transactAuthenticated(this.call.ctx, inDialogRequest(dialog, 'BYE', via.value, this.call.plan.request.userAgent));
  }

  /** A 2xx for our INVITE after its transaction ended (Timer M): still ACK it. */
  unmatched(res: SipResponse): void {
    const { ctx, invite } = this.call;
    if (res.status < 200 || res.status >= 300) return;
    if (res.headers.get('call-id') !== ctx.callId) return;
    const cseq = res.headers.get('cseq') ?? '';
    if (!/\bINVITE\b/i.test(cseq)) return;
    const seq = Number.parseInt(cseq, 10);
    // A 2xx to our re-INVITE, re-sent after its transaction ended: its own ACK again.
    const reinviteAck = this.reinviteAck();
    if (reinviteAck && seq === Number.parseInt(reinviteAck.headers.get('cseq') ?? '', 10)) {
      ctx.session.sendDirect(reinviteAck, 2);
      return;
    }
    if (seq !== Number.parseInt(invite.headers.get('cseq') ?? '', 10)) return;
    // Only a 2xx we already ACKed, re-sent after Timer M ended our INVITE's transaction, with
    // that INVITE's branch, is ACKed again. Anything else matches no transaction and sets up
    // no dialog: RFC 6026 (its change to RFC 3261 §18.1.2) has a UA discard a response that
    // matches no transaction. The layer has reported it (response.stray).
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    if (this.acks.has(tag) && topBranch(res) === topBranch(invite)) {
      this.success(res);
      return;
    }
    ctx.session.emit({
      type: 'note',
      level: 'warn',
      code: NOTE_CODE.strayTwoHundred,
      text: `a ${res.status} ${res.reason} for our INVITE with branch ${topBranch(res) ?? '(none)'}, which is not that of a live transaction (${topBranch(invite) ?? '?'}): ignored, no ACK and no dialog (RFC 3261 §17.1.3, §18.1.2 as RFC 6026 amends it)`,
    });
  }

  /** A success outcome of a call whose 2xx could not be used becomes a failure (docs/engine.md). */
  failIfUnusable(outcome: RunOutcome): void {
    if (!this.unusableAnswer || outcome.outcome !== 'success') return;
    // The 2xx came but its dialog could not be used: not a success, whatever --expect says
    // (no status, so that an --expect 200 is not met by it either).
    const u = this.unusableAnswer;
    const what = u.defects.map((d) => (d.field === 'contact' ? 'Contact' : 'Record-Route')).join(' and ');
    outcome.outcome = 'failure-response';
    outcome.summary = `call answered (${u.status} ${u.reason}) with an unusable ${what}: ACKed where the INVITE went, ${outcome.summary.replace(/^call answered \([^)]*\), held [\d.]+ s, /, '')}`;
    delete outcome.status;
    delete outcome.reason;
    delete outcome.statusLocal;
  }
}
