/**
 * The SDP of `answer --load`'s 2xx (RFC 3264 §6), one per distinct offer: a load generator sends
 * the same offer again and again, so each answer is built once (with the real offer/answer code,
 * src/media/sdp-offer.ts) and kept, up to 256 distinct offers (then the cache starts afresh).
 * The answer names a port nothing listens on: `--load` is signalling only, like `--no-media`.
 */
import { buildAnswer, buildOffer } from '../../media/sdp-offer.js';
import { parseSdp } from '../../media/sdp.js';

/** An answer body, or the Warning of the 488 to send instead (RFC 3261 §21.4.26). */
export type SdpOutcome = { body: Buffer } | { warning: string };

const MAX = 256;
/** The port our SDP names (the one `--no-media` names too). */
export const LOAD_MEDIA_PORT = 40002;

export class SdpAnswers {
  private readonly cache = new Map<string, SdpOutcome>();
  private readonly sessionId = String(Date.now());
  private offer?: Buffer;

  constructor(private readonly address: string) {}

  /** The answer to `offer` (the INVITE's body, latin1). */
  answer(offer: string): SdpOutcome {
    let r = this.cache.get(offer);
    if (r) return r;
    const a = buildAnswer(parseSdp(offer), { address: this.address, port: LOAD_MEDIA_PORT, sessionId: this.sessionId });
    r = a.ok ? { body: Buffer.from(a.sdp, 'latin1') } : { warning: a.warning };
    if (this.cache.size >= MAX) this.cache.clear();
    this.cache.set(offer, r);
    return r;
  }

  /** Our offer, for an INVITE without one (the answer then comes in the ACK, RFC 3261 §13.2.1). */
  ourOffer(): Buffer {
    return (this.offer ??= Buffer.from(buildOffer({ address: this.address, port: LOAD_MEDIA_PORT, sessionId: this.sessionId }), 'latin1'));
  }
}
