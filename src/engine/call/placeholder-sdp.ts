/**
 * The place-holder SDP of a call with --no-media (and an SDP body): an offer that names port
 * 40000, where nothing listens, so that the peer still sees an offer, a hold and a resume.
 * RFC 3264 §8: "When issuing an offer that modifies the session, the "o=" line of the new SDP
 * MUST be identical to that in the previous SDP, except that the version in the origin field
 * MUST increment by one from the previous SDP": one session id for the call, one version up
 * for each offer that differs, the same for one that does not (a session refresh;
 * src/media/sdp-version.ts).
 */
import { buildOffer } from '../../media/sdp-offer.js';
import { SdpVersion } from '../../media/sdp-version.js';

export class PlaceholderSdp {
  /** o= of the place-holder SDP with --no-media (RFC 3264 §8: one session, versions counting up). */
  private readonly sdpVersion = new SdpVersion(String(Math.floor(Date.now() / 1000)));

  /** The offer of the INVITE. */
  offer(address: string): string {
    return this.reoffer(address, 'sendrecv');
  }

  /** The offer of a re-INVITE with the direction asked for: one version up when it changed. */
  reoffer(address: string, direction: 'sendrecv' | 'sendonly' | 'inactive'): string {
    return this.sdpVersion.nextBody((sessionVersion) => buildOffer({ address, port: 40000, sessionId: this.sdpVersion.sessionId, sessionVersion, direction }));
  }
}
