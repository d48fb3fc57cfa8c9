/**
 * Media events (RFC 3550 RTP/RTCP, RFC 4733 DTMF): part of the event stream union in
 * types.ts. Plain JSON data; docs/events.md lists the fields.
 */

/** An RTP stream started (after the answer, or on a 183 with SDP for early media). */
export interface MediaStartedEvent {
  type: 'media.started';
  t: number;
  /** Our RTP `address:port` (RTCP on port + 1). */
  local: string;
  /** Where we send RTP, from the SDP (`address:port`), and RTCP. */
  remote: string;
  remoteRtcp: string;
  codec: string;
  payloadType: number;
  /** RFC 4733 telephone-event payload type, when both sides have it. */
  dtmfPayloadType?: number;
  ptimeMs: number;
  /** Our side (RFC 3264 §6.1): may we send, may we receive. */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** What we send: `tone 440 Hz -20 dBFS`, `file a.wav`, `echo`, `silence`. */
  source: string;
  early: boolean;
  ssrc: number;
  /** The SDP lines the remote address came from: `answer line 5: c=IN IP4 127.0.0.1`. */
  sdp: string[];
}

/** Once a second while media runs. */
export interface MediaStatsEvent {
  type: 'media.stats';
  t: number;
  second: number;
  sent: { packets: number; total: number };
  received: { packets: number; total: number; lost: number; lossPct: number; jitterMs: number };
  levelDbfs?: number;
  toneHeard?: boolean;
  source?: string;
  sendJitterP99Ms: number;
  peer?: { fractionLost: number; jitterMs: number; rttMs?: number };
}

/** A DTMF digit sent or received. */
export interface MediaDtmfEvent {
  type: 'media.dtmf';
  t: number;
  direction: 'sent' | 'received';
  digit: string;
  method: 'rfc4733' | 'info' | 'inband';
  durationMs?: number;
}

/** The per-direction summary at the end of a stream. */
export interface MediaSummary {
  codec: string;
  local: string;
  remote: string;
  durationMs: number;
  sent: { packets: number; octets: number; dtmfPackets: number; sendJitterMs: { p50: number; p99: number; max: number }; skipped: number };
  received: {
    packets: number;
    lost: number;
    lossPct: number;
    jitterMs: number;
    duplicates: number;
    reordered: number;
    maxGapMs: number;
    levelDbfs?: number;
    sources: Array<{ address: string; port: number; packets: number }>;
    unexpectedPayloadTypes: Array<{ pt: number; packets: number }>;
    firstAfterMs?: number;
  };
  /** What the peer's RTCP said about our stream. */
  peer?: { fractionLost: number; cumulativeLost: number; jitterMs: number; rttMs?: number; reports: number };
  rtcp: { sent: number; received: number };
  mos?: { value: number; r: number; label: string; inputs: Record<string, number | string | boolean> };
  tone?: { hz: number; heard: boolean; firstHeardMs?: number; levelDbfs?: number };
  echo?: { burstsSent: number; burstsReturned: number; minMs?: number; medianMs?: number; maxMs?: number };
  digitsReceived: string;
  digitsSent: string;
  /** `answer --fault`: what the injector did (the truth a peer's figures are checked against). */
  injected?: { offered: number; dropped: number; sent: number; dropPct: number; jitterMs: number };
}

export interface MediaStoppedEvent {
  type: 'media.stopped';
  t: number;
  reason: string;
  summary: MediaSummary;
}
