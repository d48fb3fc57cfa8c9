import { decodeG711 } from './g711.js';
import type { G711Name } from './rtp-sender.js';
import { Rfc4733Receiver } from './rfc4733-receiver.js';
import { newRtpHeader, readRtp } from './rtp.js';
import { RtpReceiverStats } from './rtp-stats.js';
import type { PlayoutBuffer } from './playout.js';

/** Where RTP came from, and how much. */
export interface RtpSourceCount {
  address: string;
  port: number;
  packets: number;
  firstMs: number;
  lastMs: number;
}

export interface RtpReceiverConfig {
  codec: G711Name;
  payloadType: number;
  dtmfPayloadType?: number;
  frameSamples: number;
  /** Our own SSRC: an RTP mirror (SIPp -rtp_echo) sends it back to us. */
  ownSsrc: number;
}

export interface ReceivedDigit {
  digit: string;
  durationMs: number;
  atMs: number;
}

/**
 * The receiving half of an RTP stream: validation and statistics (RFC 3550 A.1, A.3, A.8 in
 * rtp-stats.ts), audio decoded into the playout buffer, telephone-events to the RFC 4733
 * receiver, and the facts a verdict needs: which addresses sent, which payload types came
 * that were not negotiated, invalid packets. The stats are per source SSRC; an SSRC change
 * (RFC 3550 §8.2) resets them and is counted.
 */
export class RtpReceiver {
  readonly stats = new RtpReceiverStats();
  private readonly header = newRtpHeader();
  private readonly pcm: Int16Array;
  readonly sources: RtpSourceCount[] = [];
  private last?: RtpSourceCount;
  readonly dtmf: Rfc4733Receiver;
  invalid = 0;
  /** Packets with a payload type the SDP did not name for this stream, by type. */
  readonly unexpectedPt = new Map<number, number>();
  comfortNoise = 0;
  dtmfPackets = 0;
  audioPackets = 0;
  ownSsrcSeen = 0;
  private lastSsrc?: number;
  onDigit?: (d: ReceivedDigit) => void;
  onLint?: (code: string, text: string) => void;
  /** Each decoded audio frame, at arrival (echo-check and other arrival-time detectors). */
  onAudio?: (pcm: Int16Array, count: number, arrivalMs: number) => void;

  constructor(
    private readonly cfg: RtpReceiverConfig,
    private readonly playout: PlayoutBuffer,
  ) {
    this.pcm = new Int16Array(Math.max(cfg.frameSamples, 1500));
    this.dtmf = new Rfc4733Receiver({
      onDigit: (d) => {
        if (d.digit !== undefined) this.onDigit?.({ digit: d.digit, durationMs: d.durationMs, atMs: d.atMs });
      },
      onLint: (n) => this.onLint?.(n.code, n.text),
    });
  }

  packet(buf: Uint8Array, length: number, address: string, port: number, arrivalMs: number): void {
    this.countSource(address, port, arrivalMs);
    const h = this.header;
    if (readRtp(buf, length, h) !== undefined) {
      this.invalid++;
      return;
    }
    if (h.ssrc === this.cfg.ownSsrc) this.ownSsrcSeen++;
    if (this.lastSsrc !== undefined && h.ssrc !== this.lastSsrc) this.playout.reset();
    this.lastSsrc = h.ssrc;
    const pt = h.payloadType;
    const audio = pt === this.cfg.payloadType;
    this.stats.onPacket(h, arrivalMs, 8000, audio);
    if (audio) {
      this.audioPackets++;
      const n = Math.min(h.payloadLength, this.pcm.length);
      decodeG711(this.cfg.codec, buf.subarray(h.payloadOffset, h.payloadOffset + n), this.pcm, n);
      this.playout.push(h.timestamp, this.pcm, n);
      this.onAudio?.(this.pcm, n, arrivalMs);
      return;
    }
    if (pt === this.cfg.dtmfPayloadType) {
      this.dtmfPackets++;
      this.dtmf.push(h.sequence, h.timestamp, h.marker, buf, h.payloadOffset, h.payloadLength, h.ssrc, arrivalMs);
      return;
    }
    if (pt === 13) {
      this.comfortNoise++;
      return;
    }
    this.unexpectedPt.set(pt, (this.unexpectedPt.get(pt) ?? 0) + 1);
  }

  /** Ends a digit whose end packets never came (RFC 4733 receiver timeout). */
  tick(nowMs: number): void {
    this.dtmf.tick(nowMs);
  }

  private countSource(address: string, port: number, t: number): void {
    const l = this.last;
    if (l && l.port === port && l.address === address) {
      l.packets++;
      l.lastMs = t;
      return;
    }
    let s = this.sources.find((x) => x.port === port && x.address === address);
    if (!s) {
      s = { address, port, packets: 0, firstMs: t, lastMs: t };
      this.sources.push(s);
    }
    s.packets++;
    s.lastMs = t;
    this.last = s;
  }
}
