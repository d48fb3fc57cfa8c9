/**
 * What the media does by itself once the call is up: the `--dtmf` digits (RFC 4733: "This memo
 * describes how to carry dual-tone multifrequency (DTMF) signalling, other tone signals, and
 * telephony events in RTP packets"; or in-band, or one SIP INFO per digit in the dialog), and
 * a watch that says at once when no RTP comes. A hang-up waits for the digits to go out.
 */
import type { TimerHandle } from '../../clock/clock.js';
import { inDialogRequest } from '../../dialog/dialog.js';
import { transactAuthenticated } from '../transact-auth.js';
import type { CallHost } from './call-host.js';

export class MediaActions {
  private dtmfPending = false;
  private hangupAfterDtmf = false;
  private mediaWatch?: TimerHandle;

  constructor(private readonly call: CallHost) {}

  /** After the answer: DTMF (--dtmf), and a watch that says at once when no RTP comes. */
  start(): void {
    const { clock } = this.call;
    const media = this.call.media!;
    const plan = this.call.plan.media!;
    if (plan.dtmf?.length) {
      this.dtmfPending = true;
      // Half a second of audio first: some peers start listening for digits only then.
      clock.setTimer(500, () => {
        void media
          .sendDtmf((body, contentType) => this.sendInfo(body, contentType))
          .finally(() => {
            this.dtmfPending = false;
            if (this.hangupAfterDtmf) {
              // Wait a moment for digits the peer sends back (an echo relays them).
              clock.setTimer(1000, () => this.call.hangup());
            }
          });
      });
    }
    const ms = plan.timeoutS * 1000;
    this.mediaWatch = clock.setTimer(ms, () => {
      this.mediaWatch = undefined;
      const snap = media.stream.snapshot();
      if (!snap || this.call.phase !== 'confirmed') return;
      if (snap.received.packets === 0) {
        this.call.ctx.session.emit({ type: 'note', level: 'warn', code: 'no-rtp-yet', text: `no RTP received ${plan.timeoutS} s after the answer (we sent ${snap.sent.packets} packets)` });
      }
    });
  }

  /** A hang-up asked for while digits are still going out: true, and the BYE follows them. */
  deferHangup(): boolean {
    if (!this.dtmfPending) return false;
    this.hangupAfterDtmf = true;
    return true;
  }

  /** The end of the call: the no-RTP watch has nothing left to say. */
  stop(): void {
    if (this.mediaWatch) this.call.clock.clearTimer(this.mediaWatch);
  }

  /** One INFO in the dialog (DTMF by SIP INFO); resolves when its transaction ends. */
  private async sendInfo(body: string, contentType: string): Promise<void> {
    const { ctx, plan, dialog } = this.call;
    if (!dialog || this.call.phase !== 'confirmed') return;
    const req = inDialogRequest(dialog, 'INFO', ctx.via().value, plan.request.userAgent);
    req.body = Buffer.from(body);
    req.headers.delete('content-length');
    req.headers.append('Content-Type', contentType);
    req.headers.append('Content-Length', String(req.body.length));
    const { result } = await transactAuthenticated(ctx, req);
    if (!result.final || result.final.status >= 300) {
      ctx.session.emit({ type: 'note', level: 'warn', code: 'dtmf-info-refused', text: `the INFO with a DTMF digit got ${result.final ? `${result.final.status} ${result.final.reason}` : result.outcome}: the peer may not take DTMF by SIP INFO (try --dtmf-mode rfc4733)` });
    }
  }
}
