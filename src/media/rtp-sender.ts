import { encodeG711 } from './g711.js';
import { LatenessHistogram } from './lateness.js';
import { Rfc4733Sender } from './rfc4733-sender.js';
import { writeRtpHeader } from './rtp.js';

import type { G711Codec } from './g711.js';

/** The codecs we send (g711.ts). */
export type G711Name = G711Codec;

export interface RtpSenderConfig {
  codec: G711Name;
  payloadType: number;
  /** RFC 4733 telephone-event payload type, when the answer accepted it. */
  dtmfPayloadType?: number;
  ssrc: number;
  /** Random initial values (RFC 3550 §5.1: "SHOULD be random"). */
  sequence: number;
  timestamp: number;
  frameSamples: number;
  ptimeMs: number;
}

/** One queued DTMF item: a digit (RFC 4733 event code) or a pause. */
export type DtmfQueueItem = { kind: 'digit'; event: number; digit: string; durationMs: number } | { kind: 'pause'; ms: number };

/**
 * The sending half of an RTP stream (RFC 3550 §5.1, RFC 3551): one packet per packet time,
 * G.711 audio or, while a digit plays, RFC 4733 telephone-events. The sequence number grows
 * by one per packet sent (§5.1); the timestamp by the frame's samples per packet time,
 * whether or not a packet is sent for it, so pauses in sending (hold, a stall) keep the
 * sampling clock (RFC 3550 §5.1: "the timestamp … increments monotonically and linearly").
 * One buffer, reused for every packet.
 */
export class RtpSender {
  private readonly buf: Uint8Array;
  private seq: number;
  private ts: number;
  private marker = true;
  private readonly dtmf: Rfc4733Sender | undefined;
  private readonly queue: DtmfQueueItem[] = [];
  private pauseTicks = 0;
  private current?: { digit: string; event: number; startedAtMs: number; durationMs: number };
  packets = 0;
  octets = 0;
  dtmfPackets = 0;
  /** How late each send was against its deadline (our own send jitter). */
  readonly lateness = new LatenessHistogram();
  /** Packet times skipped because the process stalled for more than three of them. */
  skipped = 0;
  /** Digits whose last packet went out: for the media.dtmf events. */
  onDigitSent?: (digit: string, event: number, startedAtMs: number, durationMs: number) => void;

  constructor(
    private readonly cfg: RtpSenderConfig,
    private readonly send: (buf: Uint8Array, length: number) => boolean,
  ) {
    this.buf = new Uint8Array(12 + Math.max(cfg.frameSamples, 4));
    this.seq = cfg.sequence & 0xffff;
    this.ts = cfg.timestamp >>> 0;
    this.dtmf = cfg.dtmfPayloadType !== undefined ? new Rfc4733Sender({ clockRate: 8000, ptimeMs: cfg.ptimeMs }) : undefined;
  }

  get ssrc(): number {
    return this.cfg.ssrc;
  }

  get timestamp(): number {
    return this.ts;
  }

  get canSendRfc4733(): boolean {
    return this.dtmf !== undefined;
  }

  /** Queue RFC 4733 digits and pauses; they go out in order, before audio resumes. */
  queueDtmf(items: readonly DtmfQueueItem[]): void {
    this.queue.push(...items);
  }

  /** True while digits are queued or one is playing. */
  get dtmfBusy(): boolean {
    return this.queue.length > 0 || this.pauseTicks > 0 || (this.dtmf?.busy ?? false);
  }

  /**
   * One packet time. `pcm` is the frame to send (already silence when muted); `send` false
   * (hold, recvonly) keeps the clock going without a packet.
   */
  tick(pcm: Int16Array, latenessMs: number, send: boolean, nowMs: number): void {
    this.lateness.record(Math.max(0, latenessMs));
    if (send && this.tickDtmf(nowMs)) {
      this.ts = (this.ts + this.cfg.frameSamples) >>> 0;
      return;
    }
    if (send) {
      const b = this.buf;
      writeRtpHeader(b, 0, this.marker, this.cfg.payloadType, this.seq, this.ts, this.cfg.ssrc);
      encodeG711(this.cfg.codec, pcm, b, 12);
      if (this.send(b, 12 + this.cfg.frameSamples)) {
        this.marker = false;
        this.packets++;
        this.octets += this.cfg.frameSamples;
      }
      this.seq = (this.seq + 1) & 0xffff;
    } else {
      // RFC 3551 §4.1: the first packet of a talkspurt (after hold) carries the marker.
      this.marker = true;
    }
    this.ts = (this.ts + this.cfg.frameSamples) >>> 0;
  }

  /** Skips `n` packet times after a stall: the timestamp moves on, no burst is sent. */
  skip(n: number): void {
    this.skipped += n;
    this.ts = (this.ts + n * this.cfg.frameSamples) >>> 0;
    this.marker = true;
  }

  /** Sends the next RFC 4733 packet if a digit is due; true when it used this packet time. */
  private tickDtmf(nowMs: number): boolean {
    const d = this.dtmf;
    if (!d) return false;
    if (!d.busy) {
      if (this.current) {
        const c = this.current;
        this.current = undefined;
        this.onDigitSent?.(c.digit, c.event, c.startedAtMs, c.durationMs);
      }
      if (this.pauseTicks > 0) {
        this.pauseTicks--;
        return false;
      }
      const item = this.queue.shift();
      if (!item) return false;
      if (item.kind === 'pause') {
        this.pauseTicks = Math.max(0, Math.round(item.ms / this.cfg.ptimeMs) - 1);
        return false;
      }
      // RFC 4733 §2.5.1.2: the event's timestamp is its start, on the audio clock.
      d.start(item.event, this.ts, item.durationMs);
      this.current = { digit: item.digit, event: item.event, startedAtMs: nowMs, durationMs: item.durationMs };
      // Digits are separated by at least one packet time of audio (a gap of 100 ms).
      this.pauseTicks = Math.round(100 / this.cfg.ptimeMs);
    }
    const p = d.next();
    if (!p) return false;
    const b = this.buf;
    writeRtpHeader(b, 0, p.marker, this.cfg.dtmfPayloadType!, this.seq, p.timestamp, this.cfg.ssrc);
    b.set(p.payload, 12);
    // §2.5.1.6: every packet, the retransmitted end packets too, gets a new sequence number.
    this.seq = (this.seq + 1) & 0xffff;
    if (this.send(b, 16)) {
      this.packets++;
      this.dtmfPackets++;
      this.octets += 4;
    }
    return true;
  }
}
