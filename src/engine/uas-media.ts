import type { EventInput } from '../events/types.js';
import { negotiate } from '../media/negotiate.js';
import { buildAnswer, buildOffer, localMediaOf } from '../media/sdp-offer.js';
import { SdpVersion } from '../media/sdp-version.js';
import type { SipRequest } from '../sip/message.js';
import { sdpOf } from './call-media.js';
import type { MediaPlan } from './media-plan.js';
import { MediaStream } from './media-stream.js';
import type { EngineEnv } from './session.js';

/** The RTP port our SDP names when a call has no stream of its own (`--no-media`). */
const NO_MEDIA_PORT = 40002;

/**
 * The media of the calls `sipcall answer` answers (RFC 3264 offer/answer over RFC 3261 §13.3),
 * by dialog id (uas-dialog.ts): the RTP stream bound when the INVITE arrives, the answer to the
 * INVITE's offer (§6: "The answer to an offered session description is based on the offered
 * session description") or our offer in the 2xx when it had none (RFC 3261 §13.2.1: then the
 * answer comes in the ACK), the offers and answers of re-INVITEs and UPDATEs with our `o=`
 * session id kept and its version one up each time our SDP changes, the same when it does not
 * (RFC 3264 §8, src/media/sdp-version.ts), `--dtmf` once media runs, and the end of each stream.
 */
export class UasMedia {
  /** Media streams of answered calls, by dialog id. */
  private readonly streams = new Map<string, MediaStream>();
  /** Our SDP session id and version per dialog (RFC 3264 §8). */
  private readonly versions = new Map<string, SdpVersion>();
  private recorded = false;

  constructor(
    private readonly plan: MediaPlan | undefined,
    private readonly env: EngineEnv,
    private readonly emit: (e: EventInput) => void,
  ) {}

  /**
   * Binds RTP for a new call now, so the port is ready when the answer names it (`--record`
   * records the first call only). Undefined when it cannot: the call goes on without media.
   */
  open(address: string): Promise<MediaStream | undefined> {
    const media = this.recorded ? { ...this.plan!, record: undefined } : this.plan!;
    if (media.record) this.recorded = true;
    return MediaStream.open(media, this.env, address).catch((err: Error) => {
      this.emit({ type: 'note', level: 'warn', code: 'rtp-open-failed', text: `no RTP for this call: ${err.message}` });
      return undefined;
    });
  }

  /** Our offer in a 2xx when the call has no stream (`--no-media`, or RTP could not open). */
  placeholderOffer(address: string, dialogId: string): string {
    const version = new SdpVersion('1');
    this.versions.set(dialogId, version);
    return version.nextBody((sessionVersion) => buildOffer({ address, port: NO_MEDIA_PORT, sessionId: version.sessionId, sessionVersion }));
  }

  /**
   * The SDP answer for the INVITE's offer (RFC 3264 §6), or our offer when it had none
   * (`offered`: the answer then comes in the ACK). On success the stream is the dialog's and
   * starts at once.
   */
  answer(invite: SipRequest, dialogId: string, stream: MediaStream): { ok: true; sdp: string; offered: boolean } | { ok: false; warning: string } {
    const offer = sdpOf(invite);
    const version = new SdpVersion(String(Date.now()));
    this.versions.set(dialogId, version);
    const opts = { address: stream.address, port: stream.port, sessionId: version.sessionId };
    if (!offer) {
      this.streams.set(dialogId, stream);
      return { ok: true, sdp: version.nextBody((sessionVersion) => buildOffer({ ...opts, sessionVersion })), offered: true };
    }
    const f = this.plan?.faults;
    // The SDP as sent, faults included, is the one later SDP of the dialog is compared with.
    const ans = version.next((sessionVersion) => {
      const a = buildAnswer(offer, { ...opts, sessionVersion });
      if (!a.ok) return a;
      let sdp = a.sdp;
      // --fault sdp-port / sdp-address: name a place where nothing listens (a wrong c= or m=).
      if (f?.sdpPort !== undefined) sdp = sdp.replace(/^m=audio \d+/m, `m=audio ${f.sdpPort}`);
      if (f?.sdpAddress !== undefined) sdp = sdp.replace(/^c=IN (IP[46]) \S+/m, (_m, fam: string) => `c=IN ${fam} ${f.sdpAddress}`);
      return { ...a, sdp };
    });
    if (!ans.ok) return { ok: false, warning: ans.warning };
    // Media starts at once: the caller may send as soon as it has our answer (RFC 3264 §6).
    void stream.start(ans.agreement, false, 'offer in the INVITE');
    this.streams.set(dialogId, stream);
    return { ok: true, sdp: ans.sdp, offered: false };
  }

  /**
   * The ACK of the first INVITE's 2xx came (RFC 3261 §13.3.1.4): when that INVITE had no offer
   * (`offeredInAnswer`), the ACK carries the answer to ours (§13.2.1) and the stream starts on
   * it; then `--dtmf`.
   */
  confirmed(dialogId: string, ack: SipRequest, offeredInAnswer: boolean | undefined): void {
    const stream = this.streams.get(dialogId);
    if (stream && offeredInAnswer) {
      // The INVITE had no offer: the ACK carries the answer to ours (RFC 3261 §13.2.1).
      const sdp = sdpOf(ack);
      const a = sdp ? negotiate(localMediaOf({}), sdp, 'offerer') : undefined;
      if (!a?.ok) {
        this.emit({ type: 'note', level: 'warn', code: 'media-refused', text: `the ACK carries ${a ? `no usable answer: ${a.text}` : 'no SDP answer to our offer'}; no media for this call` });
        return;
      }
      void stream.start(a, false, 'answer in the ACK').then(() => this.afterStart(stream));
      return;
    }
    if (stream) this.afterStart(stream);
  }

  /**
   * Our SDP for an offer (or its absence) in a dialog: the answer that steers the stream (RFC
   * 3264 §8: hold when the peer says sendonly or c=0.0.0.0), or our own offer when the request
   * carried none; the session version goes up by one when our SDP changes (a hold answered
   * recvonly, a resume) and stays when it does not (a session refresh repeating its offer, §8).
   */
  inDialog(req: SipRequest, id: string, what: 're-INVITE' | 'UPDATE', address: string): { body: string } | { warning: string } {
    const stream = this.streams.get(id);
    const version = this.versions.get(id) ?? new SdpVersion(stream ? String(Date.now()) : '1');
    this.versions.set(id, version);
    const offer = sdpOf(req);
    if (!stream) return { body: version.nextBody((sessionVersion) => buildOffer({ address, port: NO_MEDIA_PORT, sessionId: version.sessionId, sessionVersion })) };
    const opts = { address: stream.address, port: stream.port, sessionId: version.sessionId };
    if (!offer) return { body: version.nextBody((sessionVersion) => buildOffer({ ...opts, sessionVersion })) };
    const ans = version.next((sessionVersion) => buildAnswer(offer, { ...opts, sessionVersion }));
    if (!ans.ok) return { warning: ans.warning };
    if (ans.agreement.hold === 'c=0.0.0.0') stream.setDirection(ans.agreement.direction);
    else void stream.start(ans.agreement, false, `offer in the ${what}`);
    if (ans.agreement.hold !== 'none') this.emit({ type: 'note', level: 'info', code: 'peer-hold', text: `the caller put the call on hold (${ans.agreement.hold} in its ${what}): we answered ${ans.agreement.direction} (RFC 3264 §8.4)` });
    return { body: ans.sdp };
  }

  /**
   * The caller ended the dialog (RFC 3261 §15.1.2: "the UAS SHOULD terminate the session (and
   * therefore stop sending and listening for media)"): its stream stops.
   */
  ended(id: string, why: string): void {
    this.versions.delete(id);
    this.streams.get(id)?.stop(why);
    this.streams.delete(id);
  }

  /**
   * We end the dialog (our BYE, RFC 3261 §15.1.1: "The UAC MUST consider the session terminated
   * (and therefore stop sending or listening for media) as soon as the BYE request is passed to
   * the client transaction"): the stream stops sending at once; the caller of this stops it for
   * good once the BYE is answered (uas-bye-after.ts says why).
   */
  silence(id: string): MediaStream | undefined {
    this.versions.delete(id);
    const stream = this.streams.get(id);
    this.streams.delete(id);
    stream?.setDirection('inactive');
    return stream;
  }

  /** `answer` stops: every stream ends. */
  close(): void {
    for (const m of this.streams.values()) m.stop('answer stopped');
    this.streams.clear();
  }

  /** Once media runs: the --dtmf digits, half a second in (RFC 4733, else in-band). */
  private afterStart(stream: MediaStream): void {
    const dtmf = this.plan?.dtmf;
    if (!dtmf?.length) return;
    this.env.clock.setTimer(500, () => stream.sendDtmf(dtmf, stream.canSendRfc4733 ? 'rfc4733' : 'inband'));
  }
}
