import type { ReportBlock } from './rtcp.js';
import type { RtpHeader } from './rtp.js';

/**
 * Receive statistics of one RTP stream: RFC 3550 A.1 (sequence validation), A.3 (loss) and
 * A.8 (interarrival jitter), plus what a probe wants on top (duplicates, reordering, SSRC and
 * payload type changes, markers, arrival gaps, octets), and the data of an RTCP reception
 * report block (§6.4.1).
 *
 * `onPacket` runs for every packet and allocates nothing. Time comes in as arguments (ms on
 * any monotonic clock); nothing here reads a clock.
 *
 * **One source at a time.** A packet with another SSRC starts a new source (RFC 3550 §8.2
 * expects one per stream here): the A.1/A.3/A.8 state and the report block start again,
 * `ssrcChanges` counts it. The counting getters (`received`, `expected`, `lost`,
 * `duplicates`, …) are totals over the whole session: each finished run (an earlier source,
 * or the run before an A.1 resync) is added in when the next one starts.
 *
 * **Departures from A.1, on purpose.**
 * - The packets that validate a source are counted. A.1's `update_seq` calls
 *   `init_seq(s, seq)` on the MIN_SEQUENTIAL-th in-sequence packet, so its `received` and
 *   `base_seq` leave out the MIN_SEQUENTIAL − 1 before it; A.1 also allows those packets to
 *   be "stored and delivered once validation has been achieved". We take that reading: base
 *   is the first packet of the validating run and they all count as received, so a peer
 *   that sent 50 packets shows 50 received, not 49. Likewise the packet before a resync
 *   (`bad_seq − 1`), which with the resyncing one makes "two sequential packets".
 * - On probation, "packet is in sequence" is `seq == (max_seq + 1) mod 2^16`: the C text
 *   compares with `s->max_seq + 1` promoted to int, which never equals 0 after 65535.
 * - `lost` is expected minus the distinct sequence numbers received; the A.3 figure
 *   (expected − received, where received "includes any which are late or duplicated, and
 *   hence may be negative", §6.4.1) is kept for the report block.
 */

/** "Source is not valid until MIN_SEQUENTIAL packets with sequential sequence numbers have
 *  been received" (A.1). */
export const MIN_SEQUENTIAL = 2;
/** A.1: "the sequence number is considered valid if it is no more than MAX_DROPOUT ahead of
 *  s->max_seq nor more than MAX_MISORDER behind" (1 minute at 50 packets/s). */
export const MAX_DROPOUT = 3000;
/** A.1: 2 s of misordering at 50 packets/s. */
export const MAX_MISORDER = 100;
/** The sequence number space, 2^16. */
export const RTP_SEQ_MOD = 1 << 16;
/** Sequence numbers remembered for duplicate detection, more than MAX_MISORDER needs. */
export const DUPLICATE_WINDOW = 1024;

/** How `updateSeq` classed a packet. */
const enum Seq {
  /** Not counted: the source is on probation. */
  Probation,
  /** The source just became valid with this packet. */
  Validated,
  /** In order, "with permissible gap" (or a repeat of the highest). */
  InOrder,
  /** A very large jump, not (yet) believed. */
  Bad,
  /** The second packet after a large jump: "just re-sync". */
  Resync,
  /** "duplicate or reordered packet". */
  Late,
}

/** A once-a-second picture of the receive side, JSON-ready. */
export interface RtpReceiveSnapshot {
  /** The source being tracked (null before the first packet). */
  ssrc: number | null;
  /** The source before the last SSRC change. */
  previousSsrc: number | null;
  /** Whether the current source passed A.1 validation. */
  valid: boolean;
  /** Every packet handed to `onPacket`. */
  packets: number;
  /** Payload octets of those packets (padding excluded). */
  payloadBytes: number;
  /** Packets with the marker bit set. */
  markers: number;
  /** Packets A.1 accepted (late and duplicate ones included). */
  received: number;
  /** Packets A.1 did not accept: on probation, or a jump not confirmed. packets = received + invalid. */
  invalid: number;
  /** A.3 expected, summed over the runs of the session. */
  expected: number;
  /** Expected sequence numbers never received. */
  lost: number;
  /** lost / expected, in %. */
  lossPercent: number;
  duplicates: number;
  /** Packets that arrived after a higher sequence number (first copies only). */
  reordered: number;
  /** A.1 resyncs after a jump (source restarts). */
  resyncs: number;
  ssrcChanges: number;
  /** Changes of the audio payload type between consecutive audio packets. */
  ptChanges: number;
  /** The payload type of the last audio packet. */
  payloadType: number | null;
  /** A.8 interarrival jitter of the current source, in ms. */
  jitterMs: number;
  /** The same in timestamp units, as a report block carries it. */
  jitter: number;
  /** The longest time between two consecutive arrivals. */
  maxGapMs: number;
  firstArrivalMs: number | null;
  lastArrivalMs: number | null;
  /** The extended highest sequence number of the current source (cycles · 2^16 + max_seq). */
  extendedHighestSeq: number | null;
}

export class RtpReceiverStats {
  // --- session-wide -------------------------------------------------------------------
  private packetsN = 0;
  private payloadBytesN = 0;
  private markersN = 0;
  private invalidN = 0;
  private duplicatesN = 0;
  private reorderedN = 0;
  private resyncsN = 0;
  private ssrcChangesN = 0;
  private ptChangesN = 0;
  private firstArrival = 0;
  private lastArrival = 0;
  private maxGap = 0;
  private hasSource = false;
  private currentSsrc = 0;
  private prevSsrc = -1;
  private lastAudioPt = -1;
  /** Totals of the runs that ended (earlier sources, runs before a resync). */
  private priorExpected = 0;
  private priorReceived = 0;
  private priorUnique = 0;

  // --- A.1 / A.3, per source -------------------------------------------------------------
  private maxSeq = 0;
  private cycles = 0;
  /** A.1 `base_seq`: the first sequence number of the run, 0..65535. */
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = MIN_SEQUENTIAL;
  private receivedA1 = 0;
  private receivedPrior = 0;
  private expectedPrior = 0;
  /** Distinct sequence numbers received in this run. */
  private unique = 0;
  /** The highest extended sequence number, and a bitmap of the last DUPLICATE_WINDOW. */
  private maxExt = 0;
  private readonly seen = new Uint32Array(DUPLICATE_WINDOW / 32);

  // --- A.8, per source --------------------------------------------------------------------
  /** The jitter estimate times 16, as A.8's integer form keeps it. */
  private jitter16 = 0;
  private jitterPrimed = false;
  private jitterPrevSeq = 0;
  private jitterPrevTs = 0;
  /** Arrival of the previous packet, in timestamp units. */
  private jitterPrevArrival = 0;
  private clockRate = 8000;

  // --- the peer's last SR (for LSR/DLSR) ---------------------------------------------------
  private lsr = 0;
  private lsrArrival = 0;

  /**
   * One received RTP packet (already through `readRtp`). `arrivalMs` is its arrival on a
   * monotonic ms clock, `clockRate` the RTP clock of its payload format (8000 for PCMU), and
   * `isAudio` false for telephone-event and CN packets, which A.8's jitter skips.
   */
  onPacket(h: RtpHeader, arrivalMs: number, clockRate: number, isAudio: boolean): void {
    this.packetsN++;
    this.payloadBytesN += h.payloadLength;
    if (h.marker) this.markersN++;
    if (this.packetsN === 1) this.firstArrival = arrivalMs;
    else if (arrivalMs - this.lastArrival > this.maxGap) this.maxGap = arrivalMs - this.lastArrival;
    this.lastArrival = arrivalMs;

    if (!this.hasSource) {
      this.hasSource = true;
      this.startSource(h.ssrc, h.sequence);
    } else if (h.ssrc !== this.currentSsrc) {
      this.ssrcChangesN++;
      this.prevSsrc = this.currentSsrc;
      this.foldRun();
      this.startSource(h.ssrc, h.sequence);
      this.lsr = 0;
      this.lastAudioPt = -1;
    }
    if (isAudio) {
      if (this.lastAudioPt >= 0 && h.payloadType !== this.lastAudioPt) this.ptChangesN++;
      this.lastAudioPt = h.payloadType;
    }

    const seq = h.sequence;
    const kind = this.updateSeq(seq);
    if (kind === Seq.Probation || kind === Seq.Bad) {
      this.invalidN++;
      return;
    }
    let advanced = false;
    if (kind === Seq.Validated || kind === Seq.Resync) {
      this.restartWindow(this.cycles + seq);
      advanced = true;
    } else if (kind === Seq.InOrder) {
      const ext = this.cycles + seq;
      advanced = ext > this.maxExt;
      this.account(ext);
    } else {
      this.account(this.cycles + seq - (seq > this.maxSeq ? RTP_SEQ_MOD : 0));
    }
    if (advanced && isAudio) this.updateJitter(seq, h.timestamp, arrivalMs, clockRate);
  }

  /**
   * The peer sent an SR: keep "the middle 32 bits out of 64 in the NTP timestamp" and when
   * it arrived, for the LSR and DLSR of our next report block (RFC 3550 §6.4.1).
   */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.lsr = ntpMiddle32 >>> 0;
    this.lsrArrival = arrivalMs;
  }

  /**
   * Fills `out` with the reception report block about the current source at `nowMs` (RFC
   * 3550 §6.4.1, A.3) and starts a new reporting interval. False, with `out` untouched,
   * while no source is valid.
   *
   * A.3: "extended_max = s->cycles + s->max_seq; expected = extended_max - s->base_seq + 1;
   * ... lost = expected - s->received;" clamped to 24 bits; the fraction is over the interval
   * since the last report: "if (expected_interval == 0 || lost_interval <= 0) fraction = 0;
   * else fraction = (lost_interval << 8) / expected_interval;". Jitter is A.8's
   * `s->jitter >> 4`. DLSR is "the delay ... between receiving the last SR packet from source
   * SSRC_n and sending this reception report block", in 1/65536 s.
   */
  reportBlock(nowMs: number, out: ReportBlock): boolean {
    if (!this.hasSource || this.probation > 0) return false;
    const extendedMax = this.cycles + this.maxSeq;
    const expected = extendedMax - this.baseSeq + 1;
    const lost = expected - this.receivedA1;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedA1 - this.receivedPrior;
    this.receivedPrior = this.receivedA1;
    const lostInterval = expectedInterval - receivedInterval;
    out.ssrc = this.currentSsrc;
    out.fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    out.cumulativeLost = Math.max(-0x80_0000, Math.min(0x7f_ffff, lost));
    out.extendedHighestSeq = extendedMax >>> 0;
    out.jitter = Math.min(0xffff_ffff, Math.floor(this.jitter16 / 16));
    out.lsr = this.lsr;
    out.dlsr = this.lsr === 0 ? 0 : Math.min(0xffff_ffff, Math.max(0, Math.round((nowMs - this.lsrArrival) * 65.536)));
    return true;
  }

  /** Packets accepted by A.1 in the session, late and duplicate ones included. */
  get received(): number {
    return this.priorReceived + this.receivedA1;
  }

  /** A.3 expected (extended highest − base + 1), summed over the runs of the session. */
  get expected(): number {
    return this.priorExpected + this.runExpected();
  }

  /** Expected sequence numbers never received (each distinct number counted once). */
  get lost(): number {
    return this.expected - this.priorUnique - this.unique;
  }

  /** Cumulative loss in %: lost / expected × 100 (0 before anything is expected). */
  get lossFraction(): number {
    const expected = this.expected;
    return expected > 0 ? (this.lost * 100) / expected : 0;
  }

  /** A.8 interarrival jitter of the current source in ms (J / clock rate). */
  get jitterMs(): number {
    return (this.jitter16 / 16) * (1000 / this.clockRate);
  }

  get duplicates(): number {
    return this.duplicatesN;
  }

  get reordered(): number {
    return this.reorderedN;
  }

  get ssrcChanges(): number {
    return this.ssrcChangesN;
  }

  get ptChanges(): number {
    return this.ptChangesN;
  }

  get maxGapMs(): number {
    return this.maxGap;
  }

  /** The source being tracked; undefined before the first packet. */
  get ssrc(): number | undefined {
    return this.hasSource ? this.currentSsrc : undefined;
  }

  /** Every packet handed to `onPacket`. */
  get packets(): number {
    return this.packetsN;
  }

  snapshot(): RtpReceiveSnapshot {
    const valid = this.hasSource && this.probation === 0;
    const expected = this.expected;
    return {
      ssrc: this.hasSource ? this.currentSsrc : null,
      previousSsrc: this.prevSsrc >= 0 ? this.prevSsrc : null,
      valid,
      packets: this.packetsN,
      payloadBytes: this.payloadBytesN,
      markers: this.markersN,
      received: this.received,
      invalid: this.invalidN,
      expected,
      lost: this.lost,
      lossPercent: this.lossFraction,
      duplicates: this.duplicatesN,
      reordered: this.reorderedN,
      resyncs: this.resyncsN,
      ssrcChanges: this.ssrcChangesN,
      ptChanges: this.ptChangesN,
      payloadType: this.lastAudioPt >= 0 ? this.lastAudioPt : null,
      jitterMs: this.jitterMs,
      jitter: Math.floor(this.jitter16 / 16),
      maxGapMs: this.maxGap,
      firstArrivalMs: this.packetsN > 0 ? this.firstArrival : null,
      lastArrivalMs: this.packetsN > 0 ? this.lastArrival : null,
      extendedHighestSeq: valid ? this.cycles + this.maxSeq : null,
    };
  }

  // -----------------------------------------------------------------------------------------

  /**
   * A.1: "When a new source is heard for the first time ... init_seq(s, seq); s->max_seq =
   * seq - 1; s->probation = MIN_SEQUENTIAL;". The A.8 state and the duplicate window start
   * afresh too.
   */
  private startSource(ssrc: number, seq: number): void {
    this.currentSsrc = ssrc;
    this.initSeq(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = MIN_SEQUENTIAL;
    this.resetJitter();
  }

  /** A.1 `init_seq`. */
  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1; // "so seq == bad_seq is false"
    this.cycles = 0;
    this.receivedA1 = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
    this.unique = 0;
  }

  /**
   * `init_seq(s, seq)` for a run whose last `count` packets, up to `seq`, all count. When
   * the run began before a wrap (…, 65535, 0), the base stays in the first cycle and `cycles`
   * starts at 2^16, so the extended numbers read as the sender's do.
   */
  private startRun(seq: number, count: number): void {
    this.initSeq(seq);
    const base = seq - (count - 1);
    if (base < 0) {
      this.baseSeq = base + RTP_SEQ_MOD;
      this.cycles = RTP_SEQ_MOD;
    } else {
      this.baseSeq = base;
    }
    this.receivedA1 = count;
  }

  /** Adds the current run into the session totals (before a new source or a resync). */
  private foldRun(): void {
    this.priorExpected += this.runExpected();
    this.priorReceived += this.receivedA1;
    this.priorUnique += this.unique;
    this.receivedA1 = 0;
    this.unique = 0;
  }

  private runExpected(): number {
    return this.hasSource && this.probation === 0 ? this.cycles + this.maxSeq - this.baseSeq + 1 : 0;
  }

  /**
   * A.1 `update_seq`, with the two departures described on the class. "u_int16 udelta = seq -
   * s->max_seq;"
   */
  private updateSeq(seq: number): Seq {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // "packet is in sequence"
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          // The MIN_SEQUENTIAL packets of the validating run all count (see the class note).
          this.startRun(seq, MIN_SEQUENTIAL);
          this.invalidN -= MIN_SEQUENTIAL - 1;
          return Seq.Validated;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return Seq.Probation;
    } else if (udelta < MAX_DROPOUT) {
      // "in order, with permissible gap"
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // "Sequence number wrapped - count another 64K cycle."
      this.maxSeq = seq;
      this.receivedA1++;
      return Seq.InOrder;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // "the sequence number made a very large jump"
      if (seq === this.badSeq) {
        // "Two sequential packets -- assume that the other side restarted without telling us
        // so just re-sync (i.e., pretend this was the first packet)." A.1: "Since multiple
        // complete sequence number cycles may have been missed, the packet loss statistics
        // are reset."
        this.foldRun();
        this.startRun(seq, 2); // the packet that set bad_seq counts too
        this.invalidN--;
        this.resyncsN++;
        this.resetJitter();
        return Seq.Resync;
      }
      this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
      return Seq.Bad;
    }
    // "duplicate or reordered packet"
    this.receivedA1++;
    return Seq.Late;
  }

  /** A (re)started run: the window holds exactly base..ext. */
  private restartWindow(ext: number): void {
    this.seen.fill(0);
    this.maxExt = ext;
    for (let e = this.baseSeq; e <= ext; e++) this.mark(e);
    this.unique = ext - this.baseSeq + 1;
  }

  /** Duplicate and reorder bookkeeping for an accepted packet with extended number `ext`. */
  private account(ext: number): void {
    if (ext > this.maxExt) {
      const gap = ext - this.maxExt;
      if (gap >= DUPLICATE_WINDOW) this.seen.fill(0);
      else for (let e = this.maxExt + 1; e < ext; e++) this.unmark(e);
      this.maxExt = ext;
      this.mark(ext);
      this.unique++;
    } else if (ext < this.baseSeq) {
      this.reorderedN++; // from before the run started: late, not expected
    } else if (this.maxExt - ext >= DUPLICATE_WINDOW) {
      this.reorderedN++; // beyond the window; cannot happen within MAX_MISORDER
      this.unique++;
    } else if (this.isMarked(ext)) {
      this.duplicatesN++;
    } else {
      this.mark(ext);
      this.unique++;
      this.reorderedN++;
    }
  }

  private mark(ext: number): void {
    const bit = ext & (DUPLICATE_WINDOW - 1);
    this.seen[bit >>> 5] |= 1 << (bit & 31);
  }

  private unmark(ext: number): void {
    const bit = ext & (DUPLICATE_WINDOW - 1);
    this.seen[bit >>> 5] &= ~(1 << (bit & 31));
  }

  private isMarked(ext: number): boolean {
    const bit = ext & (DUPLICATE_WINDOW - 1);
    return (this.seen[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  private resetJitter(): void {
    this.jitter16 = 0;
    this.jitterPrimed = false;
  }

  /**
   * A.8: "int transit = arrival - r->ts; int d = transit - s->transit; s->transit = transit;
   * if (d < 0) d = -d; ... s->jitter += d - ((s->jitter + 8) >> 4);" with the arrival in
   * timestamp units. D is taken only between packets one sequence number apart whose
   * timestamps differ (a lost packet in between, or a frame split over packets, says
   * nothing about spacing), and only for audio: telephone-event and CN packets never come
   * here, so the packet after a DTMF event is not one apart and is skipped too.
   */
  private updateJitter(seq: number, timestamp: number, arrivalMs: number, clockRate: number): void {
    const arrival = (arrivalMs * clockRate) / 1000;
    if (clockRate !== this.clockRate) {
      this.clockRate = clockRate;
      this.resetJitter();
    } else if (this.jitterPrimed && seq === ((this.jitterPrevSeq + 1) & 0xffff) && timestamp !== this.jitterPrevTs) {
      // (Rj − Ri) − (Sj − Si), the timestamp difference taken modulo 2^32 as signed.
      const d = Math.abs(Math.round(arrival - this.jitterPrevArrival - ((timestamp - this.jitterPrevTs) | 0)));
      this.jitter16 += d - Math.floor((this.jitter16 + 8) / 16);
    }
    this.jitterPrimed = true;
    this.jitterPrevSeq = seq;
    this.jitterPrevTs = timestamp;
    this.jitterPrevArrival = arrival;
  }
}
