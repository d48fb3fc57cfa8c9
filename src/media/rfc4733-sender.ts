/**
 * Sends one RFC 4733 event (a DTMF digit) as telephone-event packets, one per packet time.
 * Pure: the caller's pacing loop calls {@link Rfc4733Sender.next} once per ptime and puts
 * each packet on the wire with its own RTP header.
 *
 * What the packets obey (RFC 4733):
 * - §2.2.2 "The RTP marker bit indicates the beginning of a new event": M = 1 on the first
 *   packet only ("only the first segment will have the marker bit set").
 * - §2.2.1 "the RTP timestamp identifies the beginning of the event, i.e., several RTP packets
 *   may carry the same timestamp": the timestamp is the event start, constant for all its
 *   packets (for a segmented event, the start of the segment).
 * - §2.3.5 the duration says how long the event "has so far lasted", in timestamp units: it
 *   grows by one packet time per packet (160, 320, … at 8 kHz and 20 ms). The first packet
 *   already reports one packet time, never 0: "A sender MUST NOT transmit a zero duration for
 *   events other than those defined as states."
 * - §2.5.1.4 "The final packet for each event and for each segment SHOULD be sent a total of
 *   three times at the interval used by the source for updates": the last report goes out
 *   three times, on three consecutive calls, E = 1 each time ("Once the sender has set the E
 *   bit for a packet, it MUST continue to set the E bit for any further retransmissions of
 *   that packet").
 * - §2.5.1.3 / §2.3.5: an event longer than the 16-bit duration field can hold (0xFFFF units,
 *   8.19 s at 8 kHz) is split into contiguous segments. Each segment is cut at the largest
 *   whole number of packet times that fits (65440 units at 8 kHz/20 ms), so the next segment
 *   starts on a packet boundary, with the timestamp of its start. Its final report (E = 0) is
 *   also sent three times; the next segment's first report then already counts the time
 *   those repeats took. "only the final packet for the final segment will have the E bit set"
 *   (§2.3.2).
 * - §2.3.4 the volume is the tone's power as −dBm0 (10 means −10 dBm0, as libre sends).
 *
 * **The caller's contract:** every packet returned, the three copies of the final one
 * included, gets a new RTP sequence number (RFC 4733 §2.5.1.6 and RFC 3550 §5.1: the
 * sequence number "increments by one for each RTP data packet sent"). Reusing one for the
 * repeats, as SIPp's `dtmf_2833_*.pcap` files do, lets receivers drop them as duplicates.
 * Send them with the telephone-event payload type, on the audio stream's SSRC, and keep the
 * audio timestamps running meanwhile.
 */
import { RFC4733_MAX_DURATION, RFC4733_PAYLOAD_LENGTH, writeRfc4733 } from './rfc4733-payload.js';

/** Settings of a {@link Rfc4733Sender}; every field has a default. */
export interface Rfc4733SenderOptions {
  /** The telephone-event clock: the audio clock, 8000 for PCMU/PCMA/G.722. Default 8000. */
  clockRate?: number;
  /** The packet time, which is also the update interval. Default 20. */
  ptimeMs?: number;
  /** How long each event lasts unless {@link Rfc4733Sender.start} says otherwise. Default 160. */
  durationMs?: number;
  /** −dBm0 (0..63). Default 10. */
  volume?: number;
}

/**
 * One packet to send. The object and its `payload` are reused: read them before the next call
 * to {@link Rfc4733Sender.next}.
 */
export interface Rfc4733Packet {
  /** The 4-octet telephone-event payload. */
  readonly payload: Uint8Array;
  /** The RTP marker bit. */
  marker: boolean;
  /** The RTP timestamp: the start of the event (or segment), 0..2^32−1. */
  timestamp: number;
  /** The E bit. */
  end: boolean;
  /** The event code carried. */
  event: number;
  /** The duration field, in timestamp units. */
  duration: number;
  /** True for the second and third copy of a final report. */
  retransmission: boolean;
}

/** An argument out of range, or an event started while another is still being sent. */
export class Rfc4733SenderError extends RangeError {
  override readonly name = 'Rfc4733SenderError';
  readonly code: 'busy' | 'range';
  constructor(code: 'busy' | 'range', message: string) {
    super(message);
    this.code = code;
  }
}

/** The number of times a final report goes out (RFC 4733 §2.5.1.4). */
export const RFC4733_FINAL_COPIES = 3;

type Phase = 'idle' | 'updates' | 'final';

/** Sends RFC 4733 events one packet time at a time; see the module comment. */
export class Rfc4733Sender {
  readonly clockRate: number;
  readonly ptimeMs: number;
  readonly durationMs: number;
  readonly volume: number;
  /** Timestamp units per packet time (160 at 8 kHz and 20 ms). */
  readonly stepUnits: number;
  /** The longest segment: the largest multiple of `stepUnits` that fits in 16 bits. */
  readonly maxSegmentUnits: number;

  private readonly packet: Rfc4733Packet;
  private phase: Phase = 'idle';
  private event = 0;
  private startTimestamp = 0;
  private totalUnits = 0;
  private ticks = 0;
  private segmentStart = 0;
  private segmentLength = 0;
  private copiesLeft = 0;
  private first = false;

  constructor(options: Rfc4733SenderOptions = {}) {
    const { clockRate = 8000, ptimeMs = 20, durationMs = 160, volume = 10 } = options;
    if (!Number.isInteger(clockRate) || clockRate <= 0) {
      throw new Rfc4733SenderError('range', `clock rate ${clockRate} is not a positive integer`);
    }
    const step = Math.round((ptimeMs * clockRate) / 1000);
    if (!(ptimeMs > 0) || step < 1 || step > RFC4733_MAX_DURATION) {
      throw new Rfc4733SenderError('range', `ptime ${ptimeMs} ms gives ${step} timestamp units per packet; need 1..65535`);
    }
    checkVolume(volume);
    checkDuration(durationMs);
    this.clockRate = clockRate;
    this.ptimeMs = ptimeMs;
    this.durationMs = durationMs;
    this.volume = volume;
    this.stepUnits = step;
    this.maxSegmentUnits = Math.floor(RFC4733_MAX_DURATION / step) * step;
    this.packet = {
      payload: new Uint8Array(RFC4733_PAYLOAD_LENGTH),
      marker: false,
      timestamp: 0,
      end: false,
      event: 0,
      duration: 0,
      retransmission: false,
    };
  }

  /** True from {@link Rfc4733Sender.start} until the last copy of the final report is out. */
  get busy(): boolean {
    return this.phase !== 'idle';
  }

  /**
   * Begins sending `event` (0..255; DTMF 0..16) whose start is the RTP timestamp
   * `startTimestamp` (normally the audio timestamp of the packet time it replaces). Throws
   * {@link Rfc4733SenderError} while busy or for a value out of range.
   */
  start(event: number, startTimestamp: number, durationMs = this.durationMs): void {
    if (this.busy) throw new Rfc4733SenderError('busy', `event ${this.event} is still being sent`);
    if (!Number.isInteger(event) || event < 0 || event > 255) {
      throw new Rfc4733SenderError('range', `event ${event} is not 0..255 (RFC 4733 §2.3.1)`);
    }
    if (!Number.isInteger(startTimestamp) || startTimestamp < 0 || startTimestamp > 0xffffffff) {
      throw new Rfc4733SenderError('range', `RTP timestamp ${startTimestamp} is not 0..2^32-1`);
    }
    checkDuration(durationMs);
    this.event = event;
    this.startTimestamp = startTimestamp;
    this.totalUnits = Math.max(1, Math.round((durationMs * this.clockRate) / 1000));
    this.ticks = 0;
    this.segmentStart = 0;
    this.segmentLength = Math.min(this.maxSegmentUnits, this.totalUnits);
    this.first = true;
    this.phase = 'updates';
  }

  /**
   * The packet for this packet time, or undefined when idle. Call once per ptime; see the
   * module comment for the sequence-number contract.
   */
  next(): Rfc4733Packet | undefined {
    if (this.phase === 'idle') return undefined;
    this.ticks++;
    const p = this.packet;
    const lastSegment = this.segmentStart + this.segmentLength >= this.totalUnits;
    if (this.phase === 'updates') {
      const elapsed = this.ticks * this.stepUnits - this.segmentStart;
      const duration = Math.min(elapsed, this.segmentLength);
      const final = duration === this.segmentLength;
      this.fill(p, duration, final && lastSegment, this.first, false);
      this.first = false;
      if (final) {
        this.phase = 'final';
        this.copiesLeft = RFC4733_FINAL_COPIES - 1;
      }
      return p;
    }
    // phase 'final': a repeat of the final report of this segment.
    this.fill(p, this.segmentLength, lastSegment, false, true);
    this.copiesLeft--;
    if (this.copiesLeft === 0) {
      if (lastSegment) {
        this.phase = 'idle';
      } else {
        this.segmentStart += this.segmentLength;
        this.segmentLength = Math.min(this.maxSegmentUnits, this.totalUnits - this.segmentStart);
        this.phase = 'updates';
      }
    }
    return p;
  }

  private fill(p: Rfc4733Packet, duration: number, end: boolean, marker: boolean, retransmission: boolean): void {
    p.marker = marker;
    p.timestamp = (this.startTimestamp + this.segmentStart) >>> 0;
    p.end = end;
    p.event = this.event;
    p.duration = duration;
    p.retransmission = retransmission;
    writeRfc4733(p.payload, 0, this.event, end, this.volume, duration);
  }
}

function checkVolume(volume: number): void {
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) {
    throw new Rfc4733SenderError('range', `volume ${volume} is not 0..63, i.e. 0 to -63 dBm0 (RFC 4733 §2.3.4)`);
  }
}

function checkDuration(durationMs: number): void {
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) {
    throw new Rfc4733SenderError('range', `event duration ${durationMs} ms is not a positive number`);
  }
}
