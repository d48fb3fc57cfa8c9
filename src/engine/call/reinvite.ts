/**
 * Our re-INVITE in the confirmed dialog (RFC 3261 §14.1: "The same offer-answer model that
 * applies to session descriptions in INVITEs applies to re-INVITEs"): hold and resume (RFC
 * 3264 §8.4) and session refreshes (RFC 4028) go out through it, ours one at a time (§14.1: "a
 * UAC MUST NOT initiate a new INVITE transaction within a dialog while another INVITE
 * transaction is in progress in either direction"), and a 491 is tried again after the wait
 * §14.1 gives.
 */
import { ackFor2xx, inDialogRequest } from '../../dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { transactAuthenticated } from '../transact-auth.js';
import type { CallHost } from './call-host.js';
import { ALLOW } from './invite-request.js';
import type { PlaceholderSdp } from './placeholder-sdp.js';

export class ReInvite {
  /** One re-INVITE of ours at a time (RFC 3261 §14.1: no new one while one is pending). */
  private reinviting = false;
  /** The ACK of our last re-INVITE's 2xx, re-sent when the 2xx comes again. */
  private reinviteAck?: SipRequest;

  constructor(
    private readonly call: CallHost,
    private readonly placeholder: PlaceholderSdp,
  ) {}

  /** The ACK of our last re-INVITE's 2xx, if one was ACKed. */
  get lastAck(): SipRequest | undefined {
    return this.reinviteAck;
  }

  /**
   * A re-INVITE of ours in the confirmed dialog (RFC 3261 §14.1): hold (`sendonly`, RFC 3264
   * §8.4), resume (`sendrecv`), or a session refresh (RFC 4028 §7.4: the same SDP). The 2xx is
   * ACKed (again for each re-sent 2xx, §13.2.2.4) and its answer steers the stream. A 491
   * (glare) is retried after the random wait of §14.1: 2.1–4 s when we own the Call-ID (we
   * sent the first INVITE), twice at most. True when the peer accepted it.
   */
  async send(direction: 'sendrecv' | 'sendonly' | 'inactive', what: string, extra: Array<{ name: string; value: string }> = []): Promise<SipResponse | undefined> {
    const { ctx, plan, clock } = this.call;
    const dialog = this.call.dialog;
    if (!dialog || this.call.phase !== 'confirmed' || this.reinviting) return undefined;
    this.reinviting = true;
    const s = ctx.session;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        // With --no-media the SDP is the same place-holder as the INVITE's (nothing listens on
        // it), with the direction asked for: the peer still sees a hold.
        const media = this.call.media;
        const body = media ? Buffer.from(media.offerDirection(direction)) : plan.sdp ? Buffer.from(this.placeholder.reoffer(ctx.mediaAddress, direction)) : undefined;
        const req = inDialogRequest(dialog, 'INVITE', ctx.via().value, plan.request.userAgent, undefined, {
          contact: `<${ctx.contactUri()}>`,
          headers: [{ name: 'Allow', value: ALLOW }, ...extra],
          ...(body ? { body, contentType: 'application/sdp' } : {}),
        });
        let ackBytes: Buffer | undefined;
        const { result, request } = await transactAuthenticated(ctx, req, undefined, () => {
          if (ackBytes) s.sendDirect(this.reinviteAck!, 2, ackBytes);
        });
        dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
        const f = result.final;
        if (this.call.phase !== 'confirmed') return undefined;
        if (!f) {
          s.emit({ type: 'note', level: 'warn', code: 'reinvite-failed', text: `our ${what} re-INVITE got no final response (${result.outcome})` });
          return undefined;
        }
        if (f.status >= 200 && f.status < 300) {
          this.reinviteAck = ackFor2xx(dialog, request, ctx.via().value, plan.request.userAgent);
          ackBytes = s.sendDirect(this.reinviteAck);
          this.call.media?.reanswered(f, `${what} re-INVITE`);
          return f;
        }
        if (f.status === 491 && attempt < 2) {
          // §14.1: "If the UAC … is the owner of the Call-ID … it MUST wait 2.1 to 4 seconds".
          const ms = 2100 + Math.floor(Math.random() * 1900);
          s.emit({ type: 'note', level: 'info', code: 'reinvite-glare', text: `491 Request Pending to our ${what} re-INVITE (both sides re-INVITEd at once): trying again in ${(ms / 1000).toFixed(1)} s (RFC 3261 §14.1)` });
          await new Promise<void>((r) => this.call.keep(clock.setTimer(ms, r)));
          if (this.call.phase !== 'confirmed') return undefined;
          continue;
        }
        // §14.1: a non-2xx final leaves the session as it was.
        s.emit({ type: 'note', level: 'warn', code: 'reinvite-refused', text: `our ${what} re-INVITE was refused: ${f.status} ${f.reason}; the session stays as it was (RFC 3261 §14.1)` });
        return undefined;
      }
      return undefined;
    } finally {
      this.reinviting = false;
    }
  }
}
