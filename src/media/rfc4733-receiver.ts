/**
 * Turns received RFC 4733 telephone-event packets into digits, each reported exactly once,
 * and notes (lint) where the peer strays from the RFC. Pure: the caller passes each packet's
 * RTP header fields, payload and arrival time, and calls {@link Rfc4733Receiver.tick} now and
 * then so that an event whose end packets were lost still ends.
 *
 * When an event ends (RFC 4733 §2.5.2; media.md §3 "Receiver rules"):
 * - a packet with the E bit: "this packet contains the end of the event" (§2.3.2);
 * - a packet of another event, or with a new timestamp: "The RTP marker bit indicates the
 *   beginning of a new event" (§2.2.2), and all packets of one event "carry the same
 *   timestamp" (§2.2.1);
 * - silence: no packet for `endTimeoutMs` (default 3 × ptime + 50 ms, longer when the peer's
 *   updates come further apart).
 *
 * The copies of the final packet (§2.5.1.4 "sent a total of three times") are recognised by
 * (SSRC, timestamp, event) and never report the digit again.
 *
 * Tolerated, and noted once per receiver (that is, per call):
 *
 * | code | what the peer did |
 * |---|---|
 * | `rfc4733-no-marker` | began an event without M = 1 (§2.2.2) |
 * | `rfc4733-marker-repeated` | set M on a later packet of the same event (§2.2.2) |
 * | `rfc4733-repeated-seq` | sent two packets with one sequence number (§2.5.1.6) |
 * | `rfc4733-zero-duration` | reported a duration of 0 for a DTMF event (§2.3.5) |
 * | `rfc4733-duration-rate` | let the duration grow faster than real time (§2.3.5) |
 * | `rfc4733-no-end` | never sent an E = 1 packet for an event (§2.3.2, §2.5.1.4) |
 * | `rfc4733-timestamp-moved` | changed the timestamp within one event (§2.2.1): receivers that key on the timestamp report the digit twice |
 * | `rfc4733-short-payload` | sent a telephone-event payload under 4 octets (§2.3) |
 *
 * Nothing is allocated per packet; a digit or a note allocates its own small object.
 */
import { dtmfSymbol, type DtmfSymbol } from './dtmf-digits.js';
import { readRfc4733, type Rfc4733Payload } from './rfc4733-payload.js';

/** One received event, reported once. */
export interface Rfc4733Digit {
  /** The key (or `!` for flash) of events 0..16; undefined for other events. */
  digit: DtmfSymbol | undefined;
  /** The event code, 0..255. */
  event: number;
  ssrc: number;
  /** The RTP timestamp of the event's first packet: its start (§2.2.1). */
  startTimestamp: number;
  /** The longest duration reported, all segments together, in ms. */
  durationMs: number;
  /** −dBm0 as last reported. */
  volume: number;
  /** Arrival of the event's first packet. */
  atMs: number;
  /** Arrival of the packet that ended it, or the time of the tick that timed it out. */
  endMs: number;
  /** True when an end packet (E = 1) arrived. */
  ended: boolean;
  /** What ended it: the E bit, a packet of a new event, or silence. */
  endedBy: 'end-bit' | 'new-event' | 'timeout';
}

/** The lint codes of {@link Rfc4733Receiver}; see the module comment. */
export type Rfc4733LintCode =
  | 'rfc4733-no-marker'
  | 'rfc4733-marker-repeated'
  | 'rfc4733-repeated-seq'
  | 'rfc4733-zero-duration'
  | 'rfc4733-duration-rate'
  | 'rfc4733-no-end'
  | 'rfc4733-timestamp-moved'
  | 'rfc4733-short-payload';

/** A deviation from RFC 4733 seen in the peer's packets; `text` names the RFC section. */
export interface Rfc4733LintNote {
  code: Rfc4733LintCode;
  text: string;
}

/** Settings of a {@link Rfc4733Receiver}; every field has a default. */
export interface Rfc4733ReceiverOptions {
  /** The telephone-event clock rate from the SDP (`telephone-event/8000`). Default 8000. */
  clockRate?: number;
  /** The packet time; default 20. */
  ptimeMs?: number;
  /** Silence that ends an event without an end packet. Default 3 × ptime + 50 ms. */
  endTimeoutMs?: number;
  onDigit?: (digit: Rfc4733Digit) => void;
  onLint?: (note: Rfc4733LintNote) => void;
}

/** How many ended events are remembered to drop their late copies. */
const ENDED_MEMORY = 16;

/**
 * A segment boundary (§2.5.1.3) is only believed when the previous segment had reached this
 * many units: near the 16-bit limit, as segmenting senders cut there.
 */
const SEGMENT_MIN_UNITS = 0xf000;

/** A peer's durations must grow this much faster than its packets arrive to be noted. */
const RATE_FACTOR = 1.5;

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Receives RFC 4733 events; see the module comment. */
export class Rfc4733Receiver {
  readonly clockRate: number;
  readonly ptimeMs: number;
  readonly endTimeoutMs: number;
  /** Every digit reported, in order. */
  readonly digits: Rfc4733Digit[] = [];
  /** Every lint note, in order, each code at most once. */
  readonly notes: Rfc4733LintNote[] = [];

  private readonly onDigit: ((digit: Rfc4733Digit) => void) | undefined;
  private readonly onLint: ((note: Rfc4733LintNote) => void) | undefined;
  private readonly scratch: Rfc4733Payload = { event: 0, end: false, volume: 0, duration: 0 };
  private readonly noted = new Set<Rfc4733LintCode>();
  private readonly stepUnits: number;

  private haveSeq = false;
  private lastSeq = 0;
  private lastSeqSsrc = 0;

  private readonly endedSsrc = new Uint32Array(ENDED_MEMORY);
  private readonly endedTs = new Uint32Array(ENDED_MEMORY);
  private readonly endedEvent = new Int16Array(ENDED_MEMORY).fill(-1);
  private endedNext = 0;

  // The event being received.
  private active = false;
  private ssrc = 0;
  private event = 0;
  private firstTs = 0;
  /** Timestamp of the current segment (§2.5.1.3), or the latest moved timestamp. */
  private ts = 0;
  /** Units before the current segment's timestamp, since the event start. */
  private before = 0;
  /** Longest duration reported in the current segment. */
  private duration = 0;
  /** Longest `before + duration` so far. */
  private total = 0;
  private volume = 0;
  private endBit = false;
  private atMs = 0;
  private lastMs = 0;
  private maxGapMs = 0;
  // Least-squares fit of total units over arrival ms (relative to atMs), for the rate note.
  private n = 0;
  private sumT = 0;
  private sumD = 0;
  private sumTT = 0;
  private sumTD = 0;
  private firstD = 0;
  private lastT = 0;
  private lastD = 0;

  constructor(options: Rfc4733ReceiverOptions = {}) {
    const { clockRate = 8000, ptimeMs = 20 } = options;
    this.clockRate = clockRate;
    this.ptimeMs = ptimeMs;
    this.endTimeoutMs = options.endTimeoutMs ?? 3 * ptimeMs + 50;
    this.stepUnits = Math.max(1, Math.round((ptimeMs * clockRate) / 1000));
    this.onDigit = options.onDigit;
    this.onLint = options.onLint;
  }

  /**
   * One received telephone-event packet: its RTP sequence number, timestamp, marker bit and
   * SSRC, the payload at `payload[offset .. offset+length)`, and when it arrived (ms).
   */
  push(
    sequence: number,
    timestamp: number,
    marker: boolean,
    payload: Uint8Array,
    offset: number,
    length: number,
    ssrc: number,
    arrivalMs: number,
  ): void {
    this.tick(arrivalMs);
    timestamp >>>= 0;
    ssrc >>>= 0;

    if (this.haveSeq && ssrc === this.lastSeqSsrc && sequence === this.lastSeq && this.fresh('rfc4733-repeated-seq')) {
      this.note(
        'rfc4733-repeated-seq',
        `sequence number ${sequence} arrived twice (SSRC ${hex32(ssrc)}): RFC 4733 §2.5.1.6 and RFC 3550 §5.1 ` +
          'want a new sequence number for every packet, the retransmitted end packets included; ' +
          'a receiver that drops duplicates loses those copies',
      );
    }
    this.haveSeq = true;
    this.lastSeq = sequence;
    this.lastSeqSsrc = ssrc;

    if (length < 4 || offset < 0 || offset + 4 > payload.length) {
      if (this.fresh('rfc4733-short-payload')) this.note(
        'rfc4733-short-payload',
        `a telephone-event payload of ${length} octets was ignored: RFC 4733 §2.3 defines 4 octets per event`,
      );
      return;
    }
    const p = readRfc4733(payload, offset, length, this.scratch);
    if (this.wasEnded(ssrc, timestamp, p.event)) return;

    if (this.active) {
      if (ssrc === this.ssrc && p.event === this.event && timestamp === this.ts) {
        if (marker && this.fresh('rfc4733-marker-repeated')) {
          this.note(
            'rfc4733-marker-repeated',
            `event ${p.event} at timestamp ${timestamp} set the marker bit again: RFC 4733 §2.2.2 sets it ` +
              'only on the first packet of an event ("The RTP marker bit indicates the beginning of a new event")',
          );
        }
        this.update(p, arrivalMs);
        return;
      }
      if (ssrc === this.ssrc && p.event === this.event && !marker && !this.endBit && this.continues(timestamp)) {
        this.update(p, arrivalMs);
        return;
      }
      this.finish('new-event', arrivalMs);
    }
    this.begin(ssrc, timestamp, marker, p, arrivalMs);
  }

  /**
   * Ends an event whose packets stopped `endTimeoutMs` ago (or longer, for peers whose updates
   * come further apart). Call at least every few packet times while a call has telephone
   * events; {@link Rfc4733Receiver.push} calls it too.
   */
  tick(nowMs: number): void {
    if (!this.active) return;
    const timeout = Math.max(this.endTimeoutMs, 3 * this.maxGapMs + 50);
    if (nowMs - this.lastMs >= timeout) this.finish('timeout', nowMs);
  }

  /** True while an event is being received and not yet reported. */
  get busy(): boolean {
    return this.active;
  }

  /**
   * A packet of the current event (same SSRC and event code, no marker, no end seen yet) with
   * another timestamp: a new segment of a long event, or a timestamp that moved. Either way the
   * same event goes on; returns false when the timestamp is not a plausible continuation.
   */
  private continues(timestamp: number): boolean {
    const delta = (timestamp - this.ts) >>> 0;
    if (delta === 0 || delta >= 0x80000000) return false;
    const slack = 8 * this.stepUnits;
    if (this.duration >= SEGMENT_MIN_UNITS && delta <= this.duration + slack) {
      // RFC 4733 §2.5.2.3 / §2.5.1.3: the next segment of an event too long for 16 bits.
      this.shift(delta);
      return true;
    }
    if (delta <= Math.max(this.duration, this.stepUnits) + slack) {
      if (this.fresh('rfc4733-timestamp-moved')) this.note(
        'rfc4733-timestamp-moved',
        `the RTP timestamp of event ${this.event} moved from ${this.ts} to ${timestamp} while the event went on ` +
          '(no marker bit, no end bit): RFC 4733 §2.2.1 keeps the timestamp of the event start in all its ' +
          'packets ("the RTP timestamp identifies the beginning of the event"); receivers that go by the ' +
          'timestamp report this digit twice',
      );
      // Such peers (re-stamping relays) keep counting the duration from the event start, so
      // only the timestamp to match moves; the duration is not rebased.
      this.ts = timestamp;
      return true;
    }
    return false;
  }

  private shift(delta: number): void {
    this.before += delta;
    this.ts = (this.ts + delta) >>> 0;
    this.duration = 0;
  }

  private begin(ssrc: number, timestamp: number, marker: boolean, p: Rfc4733Payload, arrivalMs: number): void {
    this.active = true;
    this.ssrc = ssrc;
    this.event = p.event;
    this.firstTs = timestamp;
    this.ts = timestamp;
    this.before = 0;
    this.duration = 0;
    this.total = 0;
    this.volume = p.volume;
    this.endBit = false;
    this.atMs = arrivalMs;
    this.lastMs = arrivalMs;
    this.maxGapMs = 0;
    this.n = 0;
    this.sumT = 0;
    this.sumD = 0;
    this.sumTT = 0;
    this.sumTD = 0;
    if (!marker && this.fresh('rfc4733-no-marker')) {
      this.note(
        'rfc4733-no-marker',
        `event ${p.event} at timestamp ${timestamp} began without the marker bit (or its first packet was lost): ` +
          'RFC 4733 §2.2.2 "The RTP marker bit indicates the beginning of a new event"',
      );
    }
    this.update(p, arrivalMs);
  }

  private update(p: Rfc4733Payload, arrivalMs: number): void {
    const gap = arrivalMs - this.lastMs;
    if (gap > this.maxGapMs) this.maxGapMs = gap;
    this.lastMs = arrivalMs;
    this.volume = p.volume;
    if (p.duration === 0) {
      if (this.fresh('rfc4733-zero-duration')) this.note(
        'rfc4733-zero-duration',
        `event ${p.event} at timestamp ${this.ts} reported a duration of 0: RFC 4733 §2.3.5 "A sender MUST NOT ` +
          'transmit a zero duration for events other than those defined as states" (DTMF is not a state); ' +
          'the report was used only to start the event',
      );
    } else if (p.duration > this.duration) {
      this.duration = p.duration;
      if (this.before + p.duration > this.total) this.total = this.before + p.duration;
    }
    const t = arrivalMs - this.atMs;
    const d = this.before + p.duration;
    if (this.n === 0) this.firstD = d;
    this.n++;
    this.sumT += t;
    this.sumD += d;
    this.sumTT += t * t;
    this.sumTD += t * d;
    this.lastT = t;
    this.lastD = d;
    if (p.end) {
      this.endBit = true;
      this.finish('end-bit', arrivalMs);
    }
  }

  private finish(endedBy: Rfc4733Digit['endedBy'], atMs: number): void {
    const digit: Rfc4733Digit = {
      digit: dtmfSymbol(this.event),
      event: this.event,
      ssrc: this.ssrc,
      startTimestamp: this.firstTs,
      durationMs: (this.total * 1000) / this.clockRate,
      volume: this.volume,
      atMs: this.atMs,
      endMs: atMs,
      ended: this.endBit,
      endedBy,
    };
    this.active = false;
    this.remember(this.ssrc, this.ts, this.event);
    if (!this.endBit && this.fresh('rfc4733-no-end')) {
      this.note(
        'rfc4733-no-end',
        `event ${this.event} at timestamp ${this.firstTs} ended without an end packet ` +
          `(${endedBy === 'timeout' ? `no packet for ${Math.round(atMs - this.lastMs)} ms` : 'a new event began'}): ` +
          'RFC 4733 §2.3.2 marks the end with the E bit, and §2.5.1.4 sends that packet "a total of three times"',
      );
    }
    this.checkRate();
    this.digits.push(digit);
    this.onDigit?.(digit);
  }

  /** Notes durations that grow faster than the packets arrive (a least-squares slope). */
  private checkRate(): void {
    const spanMs = this.lastT;
    if (this.n < 4 || spanMs < 3 * this.ptimeMs) return;
    const denominator = this.n * this.sumTT - this.sumT * this.sumT;
    if (!(denominator > 0)) return;
    const unitsPerMs = (this.n * this.sumTD - this.sumT * this.sumD) / denominator;
    const factor = unitsPerMs / (this.clockRate / 1000);
    if (factor <= RATE_FACTOR || !this.fresh('rfc4733-duration-rate')) return;
    const grewUnits = this.lastD - this.firstD;
    this.note(
      'rfc4733-duration-rate',
      `the duration of event ${this.event} grew ${factor.toFixed(1)}× faster than real time ` +
        `(${grewUnits} units = ${Math.round((grewUnits * 1000) / this.clockRate)} ms in ${Math.round(spanMs)} ms ` +
        `of packets): RFC 4733 §2.3.5 reports how long the event "has so far lasted" in timestamp units ` +
        `of the ${this.clockRate} Hz clock`,
    );
  }

  private wasEnded(ssrc: number, timestamp: number, event: number): boolean {
    for (let i = 0; i < ENDED_MEMORY; i++) {
      if (this.endedEvent[i] === event && this.endedTs[i] === timestamp && this.endedSsrc[i] === ssrc) return true;
    }
    return false;
  }

  private remember(ssrc: number, timestamp: number, event: number): void {
    const i = this.endedNext;
    this.endedSsrc[i] = ssrc;
    this.endedTs[i] = timestamp;
    this.endedEvent[i] = event;
    this.endedNext = (i + 1) % ENDED_MEMORY;
  }

  /** True when `code` has not been noted yet: callers test it before building the text. */
  private fresh(code: Rfc4733LintCode): boolean {
    return !this.noted.has(code);
  }

  private note(code: Rfc4733LintCode, text: string): void {
    if (this.noted.has(code)) return;
    this.noted.add(code);
    const note: Rfc4733LintNote = { code, text };
    this.notes.push(note);
    this.onLint?.(note);
  }
}
