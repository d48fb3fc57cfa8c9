import type { SipRequest, SipResponse } from '../sip/message.js';
import type { MediaSummary, Verdict } from '../events/types.js';
import { parseSdp } from '../media/sdp.js';
import { type SdpSession } from '../media/sdp-session.js';
import { negotiate } from '../media/negotiate.js';
import { buildAnswer, buildOffer, localMediaOf } from '../media/sdp-offer.js';
import { SdpVersion } from '../media/sdp-version.js';
import { parseDtmfInfo, buildDtmfRelay, DTMF_RELAY_CONTENT_TYPE } from '../media/dtmf-info.js';
import { MediaStream } from './media-stream.js';
import type { MediaPlan } from './media-plan.js';
import type { EngineEnv } from './session.js';
import { mediaVerdicts, type MediaVerdicts } from './verdict/media.js';

/** The SDP body of a message, parsed, or undefined when it has none (or not application/sdp). */
export function sdpOf(msg: SipRequest | SipResponse): SdpSession | undefined {
  const type = (msg.headers.get('content-type') ?? '').toLowerCase();
  if (!msg.body.length || !type.startsWith('application/sdp')) return undefined;
  try {
    return parseSdp(Buffer.from(msg.body).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The media side of one outgoing call (RFC 3264 offer/answer over RFC 3261 §13): the offer
 * in the INVITE (or, with `--late-offer`, none, and our answer in the ACK), early media on a
 * 183 with SDP, the stream after the 2xx, DTMF, and the media verdicts at the end.
 */
export class CallMedia {
  /** RFC 3264 §8: an SDP that differs from our last one goes one version up; the same one keeps it. */
  private readonly sdpVersion = new SdpVersion(String(Date.now()));
  /** The direction of our last offer (RFC 3264 §8.4 hold: sendonly). */
  private offeredDirection: 'sendrecv' | 'sendonly' | 'inactive' = 'sendrecv';
  private offered = false;
  private answeredInAck = false;

  private constructor(
    readonly plan: MediaPlan,
    private readonly env: EngineEnv,
    readonly stream: MediaStream,
  ) {}

  static async open(plan: MediaPlan, env: EngineEnv, address: string): Promise<CallMedia> {
    return new CallMedia(plan, env, await MediaStream.open(plan, env, address));
  }

  /** The SDP offer for the INVITE; undefined with --late-offer (RFC 3261 §13.2.1: the offer then comes in the 2xx). */
  offerBody(): string | undefined {
    if (this.plan.lateOffer) return undefined;
    this.offered = true;
    return this.sdpVersion.nextBody((sessionVersion) => buildOffer({ address: this.stream.address, port: this.stream.port, sessionId: this.sdpVersion.sessionId, sessionVersion }));
  }

  /** A 1xx with SDP: the answer, early (RFC 3261 §13.2.1; RFC 3960 early media). */
  async provisional(res: SipResponse): Promise<void> {
    if (!this.offered) return;
    const sdp = sdpOf(res);
    if (!sdp) return;
    const a = negotiate(localMediaOf({}), sdp, 'offerer');
    if (!a.ok) {
      this.note(`the ${res.status} carries SDP sipcall cannot use for early media: ${a.text}`, 'early-media-unusable');
      return;
    }
    await this.stream.start(a, true, `${res.status} answer`);
  }

  /**
   * The 2xx: the answer to our offer, or (late offer) the offer we answer in the ACK. Sync,
   * so the ACK goes at once; `start` aims the stream (it binds the sending sockets).
   */
  answered(res: SipResponse): { ok: true; ackBody?: string; start: () => Promise<void> } | { ok: false } {
    const sdp = sdpOf(res);
    if (!this.offered) {
      if (!sdp) {
        this.stream.facts.refused = { ok: false, reason: 'unusable-sdp', text: `the ${res.status} has no SDP offer although the INVITE had none (RFC 3261 §13.2.1: the 2xx must then carry the offer)` };
        return { ok: false };
      }
      const ans = this.sdpVersion.next((sessionVersion) => buildAnswer(sdp, { address: this.stream.address, port: this.stream.port, sessionId: this.sdpVersion.sessionId, sessionVersion }));
      if (!ans.ok) {
        this.stream.facts.refused = ans.refusal.reason === 'address-family' ? { ok: false, reason: 'unusable-sdp', line: ans.refusal.line, text: ans.refusal.text } : ans.refusal;
        return { ok: false };
      }
      this.answeredInAck = true;
      return { ok: true, ackBody: ans.sdp, start: () => this.stream.start(ans.agreement, false, 'offer in the 200') };
    }
    if (!sdp) {
      // RFC 3261 §13.2.1: an answer in a 1xx stands when the 2xx carries none.
      if (this.stream.running) return { ok: true, start: async () => {} };
      this.stream.facts.refused = { ok: false, reason: 'unusable-sdp', text: `the ${res.status} carries no SDP answer to our offer` };
      return { ok: false };
    }
    const a = negotiate(localMediaOf({}), sdp, 'offerer');
    if (!a.ok) {
      this.stream.facts.refused = a;
      return { ok: false };
    }
    // The note texts cite their line already ("answer line 7: m=audio …").
    for (const n of a.notes) this.note(n.text, `sdp-${n.code}`);
    return { ok: true, start: () => this.stream.start(a, false, 'answer') };
  }

  get lateOfferAnswered(): boolean {
    return this.answeredInAck;
  }

  /**
   * Sends the --dtmf digits in the mode chosen (auto: RFC 4733 when the answer has
   * telephone-event, else SIP INFO). `sendInfo` sends one INFO in the dialog and resolves
   * when its transaction ends.
   */
  async sendDtmf(sendInfo: (body: string, contentType: string) => Promise<void>): Promise<void> {
    const items = this.plan.dtmf;
    if (!items?.length) return;
    let mode = this.plan.dtmfMode;
    if (mode === 'auto') mode = this.stream.canSendRfc4733 ? 'rfc4733' : 'info';
    if (mode === 'rfc4733' && !this.stream.canSendRfc4733) {
      this.note('--dtmf-mode rfc4733: the answer has no telephone-event payload type (RFC 4733 §7.1.1); sending the digits as SIP INFO instead', 'dtmf-fallback-info');
      mode = 'info';
    }
    if (mode === 'info') {
      for (const item of items) {
        if (item.kind === 'pause') {
          await new Promise<void>((r) => this.env.clock.setTimer(item.ms, r));
          continue;
        }
        await sendInfo(buildDtmfRelay(item.digit, item.durationMs), DTMF_RELAY_CONTENT_TYPE);
        this.stream.noteInfoDigitSent(item.digit);
        this.env.sink({ type: 'media.dtmf', t: this.env.clock.now(), direction: 'sent', digit: item.digit, method: 'info', durationMs: item.durationMs });
      }
      return;
    }
    this.stream.sendDtmf(items, mode);
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        if (!this.stream.dtmfBusy || !this.stream.running) resolve();
        else this.env.clock.setTimer(50, poll);
      };
      this.env.clock.setTimer(50, poll);
    });
  }

  /**
   * An offer from the peer inside the dialog: a re-INVITE or an UPDATE (RFC 3264 §8, RFC 3311):
   * hold (`a=sendonly` → we answer `recvonly`, `a=inactive` → `inactive`, RFC 3264 §6.1), resume,
   * a new address or codec. Returns our answer, and re-aims the stream; a refusal names the
   * Warning for the 488 (RFC 3261 §21.4.26). `what` names the request for the evidence.
   */
  reoffer(offer: SdpSession, what: string): { ok: true; sdp: string; direction: string; hold: string } | { ok: false; warning: string } {
    const ans = this.sdpVersion.next((sessionVersion) => buildAnswer(offer, { address: this.stream.address, port: this.stream.port, sessionId: this.sdpVersion.sessionId, sessionVersion }));
    if (!ans.ok) return { ok: false, warning: ans.warning };
    // RFC 2543 hold (c=0.0.0.0): nothing is sent anywhere; the stream keeps its peer address.
    if (ans.agreement.hold === 'c=0.0.0.0') this.stream.setDirection(ans.agreement.direction);
    else void this.stream.start(ans.agreement, false, `offer in the ${what}`);
    return { ok: true, sdp: ans.sdp, direction: ans.agreement.direction, hold: ans.agreement.hold };
  }

  /**
   * Our offer for a re-INVITE of ours (RFC 3264 §8): `sendonly` to hold (§8.4), `sendrecv` to
   * resume, the same direction for a session refresh (RFC 4028), whose SDP is unchanged and so
   * keeps its version ("If the version in the origin line does not increment, the SDP MUST be
   * identical to the SDP with that version number", src/media/sdp-version.ts).
   */
  offerDirection(direction: 'sendrecv' | 'sendonly' | 'inactive'): string {
    this.offeredDirection = direction;
    return this.sdpVersion.nextBody((sessionVersion) => buildOffer({ address: this.stream.address, port: this.stream.port, sessionId: this.sdpVersion.sessionId, sessionVersion, direction }));
  }

  /** The answer to our re-INVITE offer: the stream follows it. False when it cannot be used. */
  reanswered(res: SipResponse, what: string): boolean {
    const sdp = sdpOf(res);
    if (!sdp) {
      this.note(`the 2xx to our ${what} carries no SDP answer (RFC 3264 §8): the stream stays as it was`, 'reinvite-no-answer');
      return false;
    }
    const a = negotiate(localMediaOf({ direction: this.offeredDirection }), sdp, 'offerer');
    if (!a.ok) {
      this.note(`the answer to our ${what} is not usable: ${a.text}`, 'reinvite-bad-answer');
      return false;
    }
    if (a.hold === 'c=0.0.0.0') this.stream.setDirection(a.direction);
    else void this.stream.start(a, false, `answer to our ${what}`);
    return true;
  }

  /** RTP packets received so far (for the hold check: the peer must stop sending). */
  get receivedPackets(): number {
    return this.stream.snapshot()?.received.packets ?? 0;
  }

  /**
   * Our session again as an offer (a re-INVITE without an offer, RFC 3261 §14.2): one version up
   * when it differs from our last SDP (an answer that kept fewer codecs, a hold), else the same.
   */
  offerAgain(): string {
    return this.sdpVersion.nextBody((sessionVersion) => buildOffer({ address: this.stream.address, port: this.stream.port, sessionId: this.sdpVersion.sessionId, sessionVersion }));
  }

  /** An INFO from the peer: DTMF by SIP INFO (application/dtmf-relay or application/dtmf). */
  info(req: SipRequest): void {
    const type = req.headers.get('content-type') ?? '';
    if (!type) return;
    const r = parseDtmfInfo(type, Buffer.from(req.body).toString('utf8'));
    if ('error' in r) return;
    this.env.sink({ type: 'media.dtmf', t: this.env.clock.now(), direction: 'received', digit: r.digit, method: 'info', durationMs: r.durationMs });
  }

  /** Stops the stream and judges it. */
  finish(reason: string, ctx: { signallingPeer: string; viaReceived?: { address: string; port?: number } }): { summary?: MediaSummary; judged: MediaVerdicts } {
    const summary = this.stream.stop(reason);
    const judged = mediaVerdicts({ facts: this.stream.facts, timeoutS: this.plan.timeoutS, signallingPeer: ctx.signallingPeer, viaReceived: ctx.viaReceived, expectToneHz: this.plan.expectToneHz });
    return { summary, judged };
  }

  /** The verdict for a refused answer, after ACK and BYE (RFC 3261 §13.2.2.4). */
  refusalVerdict(): Verdict | undefined {
    return mediaVerdicts({ facts: this.stream.facts, timeoutS: this.plan.timeoutS, signallingPeer: '' }).verdicts[0];
  }

  close(): void {
    this.stream.close();
  }

  private note(text: string, code: string): void {
    this.env.sink({ type: 'note', t: this.env.clock.now(), level: 'warn', code, text });
  }
}
