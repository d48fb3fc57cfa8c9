/**
 * The SDP of `answer --load`'s 2xx (RFC 3264 §6), one per distinct offer: a load generator sends
 * the same offer again and again, so each answer is built once (with the real offer/answer code,
 * src/media/sdp-offer.ts) and kept, up to 256 distinct offers (then the cache starts afresh).
 * The answer names a port nothing listens on: `--load` is signalling only, like `--no-media`.
 *
 * In a dialog (a re-INVITE or an UPDATE, RFC 3261 §14.2, RFC 3311 §5.2) `inDialog` gives our
 * SDP by RFC 3264 §8: the `o=` line stays ours, and its version goes up by one only when the
 * description changed ("If the session description is unchanged, the version number stays the
 * same"); the same offer again gets the very same body, without a copy.
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

  /**
   * Our SDP in a dialog whose current description is `current`: with no `offer`, the current
   * description itself (the offer of a 2xx to a re-INVITE without one, §14.2, unchanged so the
   * same version); else the answer to `offer`, `current` again when only the version would
   * differ, or the new description with `current`'s version plus one (RFC 3264 §8).
   */
  inDialog(offer: string | undefined, current: Buffer): SdpOutcome {
    if (offer === undefined) return { body: current };
    const a = this.answer(offer);
    if ('warning' in a || a.body === current) return a;
    const was = splitOrigin(current.toString('latin1'));
    const now = splitOrigin(a.body.toString('latin1'));
    if (!was || !now) return a;
    if (was.before === now.before && was.after === now.after) return { body: current };
    return { body: Buffer.from(`${now.before}${(BigInt(was.version) + 1n).toString()}${now.after}`, 'latin1') };
  }

  /** Our offer, for an INVITE without one (the answer then comes in the ACK, RFC 3261 §13.2.1). */
  ourOffer(): Buffer {
    return (this.offer ??= Buffer.from(buildOffer({ address: this.address, port: LOAD_MEDIA_PORT, sessionId: this.sessionId }), 'latin1'));
  }
}

/**
 * An SDP body cut around the `<sess-version>` of its `o=` line (RFC 4566 §5.2: `o=<username>
 * <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`).
 */
function splitOrigin(sdp: string): { before: string; version: string; after: string } | undefined {
  const m = /(^|\r\n)o=\S+ \S+ (\d+) /.exec(sdp);
  if (!m) return undefined;
  const start = m.index + m[0].length - m[2]!.length - 1;
  return { before: sdp.slice(0, start), version: m[2]!, after: sdp.slice(start + m[2]!.length) };
}
