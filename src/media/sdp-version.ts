/**
 * The `<sess-version>` of our SDP in one session (RFC 4566 §5.2 `o=`), as RFC 3264 §8 asks:
 *
 * > When issuing an offer that modifies the session, the "o=" line of the new SDP MUST be
 * > identical to that in the previous SDP, except that the version in the origin field MUST
 * > increment by one from the previous SDP. If the version in the origin line does not
 * > increment, the SDP MUST be identical to the SDP with that version number.
 *
 * So an SDP that differs from the last one we sent goes one version up, and one that is the
 * same (a session refresh, a re-INVITE repeating its offer) keeps the version: a peer may take
 * a new version as a new negotiation and re-open its media, and strict peers (SIPp scenarios
 * that compare the `o=` line) fail the call. The first SDP has the session id as its version
 * (RFC 4566 §5.2 leaves both to the creating tool).
 */
export class SdpVersion {
  private n = 0;
  private last: string | undefined;

  constructor(readonly sessionId: string) {}

  /**
   * Our next SDP of the session. `build` makes it for a given `<sess-version>`: first for the
   * current one; when that differs from the last SDP sent, again one version up, which becomes
   * the current one. A result without `sdp` (a refusal) changes nothing.
   */
  next<R extends object>(build: (sessionVersion: string) => R): R {
    const same = build(this.version(this.n));
    const body = sdpIn(same);
    if (body === undefined || this.last === undefined || body === this.last) {
      if (body !== undefined) this.last = body;
      return same;
    }
    const up = build(this.version(this.n + 1));
    const upBody = sdpIn(up);
    if (upBody !== undefined) {
      this.n += 1;
      this.last = upBody;
    }
    return up;
  }

  /** `next` for a builder that always gives a body. */
  nextBody(build: (sessionVersion: string) => string): string {
    return this.next((v) => ({ sdp: build(v) })).sdp;
  }

  private version(n: number): string {
    return (BigInt(this.sessionId) + BigInt(n)).toString();
  }
}

/** The SDP body a builder gave (`{ sdp }`), or undefined for a refusal. */
function sdpIn(r: object): string | undefined {
  return 'sdp' in r && typeof r.sdp === 'string' ? r.sdp : undefined;
}
