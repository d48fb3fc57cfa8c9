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
 * Two buffers, used in turn for every packet.
 */
export class RtpSender {
  private readonly bufs: [Uint8Array, Uint8Array];
  private buf: Uint8Array;
  private flip = 0;
  private seq: number;
  private ts: number;
  private marker = true;
  /** Length of the packet `prepare` left in `buf` for `fire`; 0 when none. */
  private prepared = 0;
  private preparedDtmf = false;
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
    this.bufs = [new Uint8Array(12 + Math.max(cfg.frameSamples, 4)), new Uint8Array(12 + Math.max(cfg.frameSamples, 4))];
    this.buf = this.bufs[0]!;
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
   * One packet time: `prepare` then `fire`. `pcm` is the frame to send (already silence when
   * muted); `send` false (hold, recvonly) keeps the clock going without a packet.
   */
  tick(pcm: Int16Array, latenessMs: number, send: boolean, nowMs: number): void {
    this.prepare(pcm, send, nowMs);
    this.fire(latenessMs);
  }

  /**
   * Builds the next packet (audio or an RFC 4733 event) in the buffer ahead of its deadline,
   * so that at the deadline only the send is left (`fire`): with a hundred streams due in the
   * same millisecond, encoding in the gap between deadlines keeps every send on time. The
   * sequence number is written at `fire`, so a packet that is not sent leaves no gap.
   */
  prepare(pcm: Int16Array, send: boolean, nowMs: number): void {
    this.prepared = 0;
    // Two buffers, used in turn: the packet just sent may still sit in the socket's send queue
    // (libuv keeps a pointer to it until the datagram leaves), so the next one is built in the
    // other buffer.
    this.flip ^= 1;
    this.buf = this.bufs[this.flip]!;
    if (send && this.tickDtmf(nowMs)) return;
    if (send) {
      writeRtpHeader(this.buf, 0, this.marker, this.cfg.payloadType, 0, this.ts, this.cfg.ssrc);
      encodeG711(this.cfg.codec, pcm, this.buf, 12);
      this.prepared = 12 + this.cfg.frameSamples;
      this.preparedDtmf = false;
    } else {
      // RFC 3551 §4.1: the first packet of a talkspurt (after hold) carries the marker.
      this.marker = true;
    }
  }

  /**
   * Forgets a prepared audio packet (or the lack of one) so that it can be prepared again with
   * what changed since: hold, mute, digits queued. A prepared RFC 4733 packet stays: a digit
   * in progress is not cut. True when the caller should prepare again.
   */
  unprepare(): boolean {
    if (this.prepared !== 0 && this.preparedDtmf) return false;
    this.prepared = 0;
    return true;
  }

  /**
   * Sends the prepared packet, `latenessMs` after its deadline. `allowed` false (the stream
   * went on hold since it was prepared) drops it; the next audio packet then carries the marker.
   */
  fire(latenessMs: number, allowed = true): void {
    this.lateness.record(Math.max(0, latenessMs));
    // The sampling clock moves on by one packet time whether or not a packet goes out.
    this.ts = (this.ts + this.cfg.frameSamples) >>> 0;
    const length = this.prepared;
    if (length === 0) return;
    this.prepared = 0;
    if (!allowed) {
      this.marker = true;
      return;
    }
    const b = this.buf;
    b[2] = this.seq >> 8;
    b[3] = this.seq & 0xff;
    // §5.1 (and RFC 4733 §2.5.1.6 for the retransmitted end packets): a new number per packet.
    this.seq = (this.seq + 1) & 0xffff;
    if (!this.send(b, length)) return;
    this.packets++;
    this.octets += length - 12;
    if (this.preparedDtmf) this.dtmfPackets++;
    else this.marker = false;
  }

  /** Skips `n` packet times after a stall: the timestamp moves on, no burst is sent. */
  skip(n: number): void {
    this.skipped += n;
    this.ts = (this.ts + n * this.cfg.frameSamples) >>> 0;
    this.marker = true;
  }

  /** Prepares the next RFC 4733 packet if a digit is due; true when it uses this packet time. */
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
    writeRtpHeader(b, 0, p.marker, this.cfg.dtmfPayloadType!, 0, p.timestamp, this.cfg.ssrc);
    b.set(p.payload, 12);
    this.prepared = 16;
    this.preparedDtmf = true;
    return true;
  }
}
