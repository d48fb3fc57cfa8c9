/**
 * The place-holder SDP of a call with --no-media (and an SDP body): an offer that names port
 * 40000, where nothing listens, so that the peer still sees an offer, a hold and a resume.
 * RFC 3264 §8: "When issuing an offer that modifies the session, the "o=" line of the new SDP
 * MUST be identical to that in the previous SDP, except that the version in the origin field
 * MUST increment by one from the previous SDP": one session id for the call, versions counting up.
 */
import { buildOffer } from '../../media/sdp-offer.js';

export class PlaceholderSdp {
  /** o= of the place-holder SDP with --no-media (RFC 3264 §8: one session, versions counting up). */
  private readonly session = String(Math.floor(Date.now() / 1000));
  private version = 0;

  /** The offer of the INVITE. */
  offer(address: string): string {
    return buildOffer({ address, port: 40000, sessionId: this.session });
  }

  /** The offer of a re-INVITE, one version higher, with the direction asked for. */
  reoffer(address: string, direction: 'sendrecv' | 'sendonly' | 'inactive'): string {
    return buildOffer({ address, port: 40000, sessionId: this.session, sessionVersion: String(BigInt(this.session) + BigInt(++this.version)), direction });
  }
}
