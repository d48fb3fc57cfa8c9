import type { RtpPortChoice } from '../transport/rtp-socket.js';

/** DTMF transport (`--dtmf-mode`): RFC 4733 events, SIP INFO, in-band tones, or the best the answer allows. */
export type DtmfMode = 'rfc4733' | 'info' | 'inband' | 'auto';

/** What to play: a tone, a WAV file's samples (already read and checked), or silence. */
export type PlayPlan =
  | { kind: 'tone'; freqsHz: number[]; dbfs: number }
  | { kind: 'samples'; samples: Int16Array; label: string }
  | { kind: 'silence' };

/**
 * The media part of a call or of `answer` (docs/media.md). Absent from a plan: `--no-media`
 * (signalling only).
 */
export interface MediaPlan {
  play: PlayPlan;
  /** `--record FILE` (what we receive); `both`: stereo, L = sent, R = received. */
  record?: { path: string; both: boolean };
  /** `--dtmf DIGITS`, parsed (`,` = a pause). */
  dtmf?: Array<{ kind: 'digit'; digit: string; event: number; durationMs: number } | { kind: 'pause'; ms: number }>;
  dtmfMode: DtmfMode;
  /** `--media-timeout`: seconds without RTP that make a verdict (default 2). */
  timeoutS: number;
  /** `--expect-tone FREQ`: exit 5 when the peer's audio lacks it. */
  expectToneHz?: number;
  /** `--check echo`. */
  checkEcho: boolean;
  /** `--late-offer`: INVITE without SDP; the offer comes in the 2xx, our answer in the ACK. */
  lateOffer: boolean;
  /** `--rtp-port N|A-B`. */
  ports?: RtpPortChoice;
  /** answer --echo: loop the received audio back. */
  echo?: boolean;
  /** answer --fault: a fault injector for tests of a peer's media checks (docs/media.md). */
  faults?: MediaFaults;
}

/** `--fault` items: what `answer` does wrong on purpose. */
export interface MediaFaults {
  dropPct?: number;
  jitterMs?: number;
  stopAfterS?: number;
  noRtp?: boolean;
  /** Send audio with this payload type instead of the agreed one. */
  payloadType?: number;
  /** Send RTP from another port than the one the SDP names. */
  fromOtherPort?: boolean;
  /** Name this port in the SDP's m= line instead of ours. */
  sdpPort?: number;
  /** Name this address in the SDP's c= line instead of ours. */
  sdpAddress?: string;
}
