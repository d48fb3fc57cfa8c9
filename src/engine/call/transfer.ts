/**
 * Transfer by REFER (RFC 3515), both ways. We transfer the peer (`--transfer-to`, key T): REFER
 * with Refer-To; §2.4.4: "The NOTIFY mechanism defined in [RFC 3265] MUST be used to inform the
 * agent sending the REFER of the status of the reference", so the peer's NOTIFYs (Event:
 * refer, message/sipfrag) tell how its call to the target goes. The peer transfers us
 * (`--accept-transfer`): 202, our NOTIFYs, and the call to the target placed as a new run.
 */
import type { TimerHandle } from '../../clock/clock.js';
import { inDialogRequest } from '../../dialog/dialog.js';
import { uriOfNameAddr } from '../../dialog/name-addr-uri.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../transaction/server-transaction.js';
import { parseTarget } from '../target.js';
import { transactAuthenticated } from '../transact-auth.js';
import type { CallHost } from './call-host.js';
import { reply } from './reply.js';

export class Transfer {
  private transferTarget?: string;
  private transferGuard?: TimerHandle;
  /** How the transfer ended, for the result line. */
  private transferResult?: string;

  constructor(
    private readonly call: CallHost,
    /** Ends the --duration wait: a call the peer transferred ends with that transfer. */
    private readonly stopDuration: () => void,
  ) {}

  /** How the transfer ended, for the result line; undefined without one. */
  get result(): string | undefined {
    return this.transferResult;
  }

  /**
   * `--transfer-to URI`: a blind transfer (RFC 3515) one second after the answer (after the
   * hold and resume when those are asked for): REFER with Refer-To and Referred-By; a 202 means
   * the peer took it on, and its NOTIFYs (Event: refer, message/sipfrag, §2.4.4) report how the
   * call to the target goes. A 2xx there ends our call with BYE; a failure leaves it as it was.
   */
  schedule(): void {
    const { plan, clock } = this.call;
    const target = plan.transferTo;
    if (!target) return;
    const delayS = 1 + (plan.holdAfterS !== undefined ? plan.holdAfterS + (plan.holdForS ?? 0) + 0.5 : 0);
    this.call.keep(clock.setTimer(delayS * 1000, () => void this.refer(target)));
  }

  /** REFER to `target` in the confirmed dialog; the call goes on whatever the answer. */
  async refer(target: string): Promise<void> {
    const { ctx, plan, clock } = this.call;
    const dialog = this.call.dialog;
    const s = ctx.session;
    if (!dialog || this.call.phase !== 'confirmed') return;
    const ourUri = uriOfNameAddr(dialog.localFrom);
    const req = inDialogRequest(dialog, 'REFER', ctx.via().value, plan.request.userAgent, undefined, {
      contact: `<${ctx.contactUri()}>`,
      headers: [
        { name: 'Refer-To', value: `<${target}>` },
        // RFC 3892: who asked for the transfer.
        { name: 'Referred-By', value: `<${ourUri}>` },
      ],
    });
    s.emit({ type: 'note', level: 'info', code: 'transfer', text: `transfer: REFER to ${target} (RFC 3515)` });
    const { result, request } = await transactAuthenticated(ctx, req);
    dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
    const f = result.final;
    if (this.call.phase !== 'confirmed') return;
    if (!f || f.status >= 300) {
      this.transferResult = `transfer to ${target} refused: ${f ? `${f.status} ${f.reason}` : result.outcome}`;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-refused', text: `${this.transferResult}; the call goes on` });
      return;
    }
    this.transferTarget = target;
    s.emit({ type: 'note', level: 'info', code: 'transfer-accepted', text: `transfer: ${f.status} ${f.reason}; waiting for the NOTIFYs that report the call to ${target} (RFC 3515 §2.4.4)` });
    // RFC 3515 §2.4.5 leaves the subscription's length to the notifier: 64·T1 without a final
    // NOTIFY and the transfer is taken as failed; our call goes on.
    this.transferGuard = clock.setTimer(64 * plan.net.t1, () => {
      if (!this.transferTarget) return;
      this.transferResult = `transfer to ${target}: no final NOTIFY in ${(64 * plan.net.t1) / 1000} s`;
      this.transferTarget = undefined;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-no-final', text: `${this.transferResult}; the call goes on` });
    });
    this.call.keep(this.transferGuard);
  }

  /** A NOTIFY of the refer subscription (RFC 3515 §2.4.4): the sipfrag status line is the progress. */
  progress(req: SipRequest): void {
    const target = this.transferTarget;
    if (!target || !/^refer\b/i.test((req.headers.get('event') ?? '').trim())) return;
    const frag = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(Buffer.from(req.body).toString('utf8'));
    if (!frag) return;
    const status = Number(frag[1]);
    const { ctx, clock } = this.call;
    const s = ctx.session;
    s.emit({ type: 'note', level: 'info', code: 'transfer-progress', text: `transfer to ${target}: ${status} ${frag[2]}` });
    if (status < 200) return;
    this.transferTarget = undefined;
    if (this.transferGuard) clock.clearTimer(this.transferGuard);
    if (status < 300) {
      this.transferResult = `transferred to ${target} (${status} ${frag[2]})`;
      // RFC 5589 §6.1: after a successful blind transfer the transferor ends its call.
      clock.setTimer(0, () => this.call.hangup());
    } else {
      this.transferResult = `transfer to ${target} failed: ${status} ${frag[2]}`;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-failed', text: `${this.transferResult}; the call goes on` });
    }
  }

  /**
   * A REFER from the peer (RFC 3515): with `--accept-transfer`, 202 Accepted, a NOTIFY
   * "SIP/2.0 100 Trying" at once (§2.4.4: the initial NOTIFY), the call to the Refer-To target,
   * a NOTIFY with its final status (Subscription-State: terminated), and, when it was answered,
   * our BYE on this call (we were transferred). Without the flag, 603 Decline and a note.
   * A Refer-To that is not a SIP URI gets 400.
   */
  fromPeer(req: SipRequest, tx: ServerTransaction): void {
    const { ctx, plan, controls } = this.call;
    const s = ctx.session;
    const referTo = req.headers.get('refer-to');
    const target = referTo ? uriOfNameAddr(referTo) : '';
    if (!plan.acceptTransfer || !controls.placeCall) {
      s.emit({ type: 'note', level: 'info', code: 'transfer-declined', text: `the peer asks us to call ${target || '(no Refer-To)'} (REFER): declined with 603, give --accept-transfer to follow it` });
      return reply(ctx, req, tx, 603, 'Decline');
    }
    let uri: string;
    try {
      uri = parseTarget(target, 'Refer-To').uri;
    } catch (err) {
      s.emit({ type: 'note', level: 'warn', code: 'transfer-bad-target', text: `a REFER whose Refer-To cannot be called: ${(err as Error).message}` });
      return reply(ctx, req, tx, 400, 'Bad Refer-To');
    }
    reply(ctx, req, tx, 202, 'Accepted', [{ name: 'Contact', value: `<${ctx.contactUri()}>` }]);
    s.emit({ type: 'note', level: 'info', code: 'transferred', text: `the peer transfers us to ${uri} (REFER, RFC 3515): calling it; this call waits for that one` });
    // This call now ends with the transfer, not with --duration.
    this.stopDuration();
    this.notifyRefer('SIP/2.0 100 Trying', 'active;expires=60');
    void controls.placeCall(uri).then((o) => {
      const status = o.status ?? (o.outcome === 'success' ? 200 : 503);
      const reason = o.reason ?? (o.outcome === 'success' ? 'OK' : 'Service Unavailable');
      this.notifyRefer(`SIP/2.0 ${status} ${reason}`, 'terminated;reason=noresource');
      this.transferResult = o.outcome === 'success' ? `transferred by the peer to ${uri}: ${o.summary}` : `the transfer to ${uri} failed: ${o.summary}`;
      s.emit({ type: 'note', level: o.outcome === 'success' ? 'info' : 'warn', code: 'transfer-done', text: this.transferResult });
      if (o.outcome === 'success') this.call.hangup();
    });
  }

  /** A NOTIFY of the implicit refer subscription (RFC 3515 §2.4.4, RFC 3420 message/sipfrag). */
  private notifyRefer(frag: string, state: string): void {
    const { ctx, plan } = this.call;
    const dialog = this.call.dialog;
    if (!dialog || this.call.phase !== 'confirmed') return;
    const body = Buffer.from(`${frag}\r\n`);
    const req = inDialogRequest(dialog, 'NOTIFY', ctx.via().value, plan.request.userAgent, undefined, {
      contact: `<${ctx.contactUri()}>`,
      headers: [
        { name: 'Event', value: 'refer' },
        { name: 'Subscription-State', value: state },
      ],
      body,
      contentType: 'message/sipfrag;version=2.0',
    });
    void transactAuthenticated(ctx, req).then(({ request }) => {
      dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
    });
  }
}
