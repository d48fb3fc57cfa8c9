import type { Clock } from '../clock/clock.js';
import { setTimerAt } from '../clock/deadline.js';
import { newRtpHeader, readRtp } from './rtp.js';
import { RtpReceiverStats } from './rtp-stats.js';

/** What the fault injector does to the RTP we send (`answer --fault`, docs/media.md). */
export interface ImpairmentConfig {
  /** Drop each packet with this probability, in percent. */
  dropPct?: number;
  /**
   * Interarrival jitter to cause, in ms (RFC 3550 A.8 sense): each packet is delayed by a
   * uniform random time in [0, 3·jitterMs], since for independent uniform delays on [0, D] the
   * mean |D(i−1, i)| that A.8 averages is D/3. Packets may reorder, as on a real network.
   */
  jitterMs?: number;
  /** Send nothing from this many seconds after the first packet on (a mid-call media timeout). */
  stopAfterS?: number;
  /** Send no RTP at all (RTCP still goes: the peer's view of one-way audio). */
  noRtp?: boolean;
}

/** What the injector did: the ground truth a receiver's figures are checked against. */
export interface ImpairmentReport {
  offered: number;
  dropped: number;
  sent: number;
  /** Dropped / offered, percent. */
  dropPct: number;
  /**
   * RFC 3550 A.8 interarrival jitter of the packets as they were scheduled to arrive (send
   * deadline + injected delay, in the order they went out), in ms: what a perfect receiver
   * would measure. Zero without delay.
   */
  jitterMs: number;
}

/**
 * A fault injector for the RTP a stream sends: drop, delay (jitter), stop. Each packet passes
 * `send`; a delayed one is copied and sent at its deadline on the clock. It keeps its own
 * RFC 3550 receiver statistics over the times the packets really left, so a test compares what the
 * far end measured with what was injected, not with a guess. A test tool: copies per packet.
 */
export class Impairment {
  private readonly truth = new RtpReceiverStats();
  private readonly header = newRtpHeader();
  private offered = 0;
  private dropped = 0;
  private sent = 0;
  private firstMs?: number;

  constructor(
    private readonly cfg: ImpairmentConfig,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly out: (buf: Uint8Array, length: number) => boolean,
  ) {}

  send(buf: Uint8Array, length: number): boolean {
    const now = this.clock.now();
    this.firstMs ??= now;
    if (this.cfg.noRtp) return true;
    if (this.cfg.stopAfterS !== undefined && now - this.firstMs >= this.cfg.stopAfterS * 1000) return true;
    this.offered++;
    if (this.cfg.dropPct && this.random() * 100 < this.cfg.dropPct) {
      this.dropped++;
      return true;
    }
    const delay = this.cfg.jitterMs ? this.random() * 3 * this.cfg.jitterMs : 0;
    if (delay <= 0) {
      this.account(buf, length, now);
      return this.out(buf, length);
    }
    const copy = Buffer.from(buf.subarray(0, length));
    const at = now + delay;
    setTimerAt(this.clock, at, () => {
      // The truth is when the packet really left (the scheduled time plus our own lateness,
      // which a loaded machine adds and the far end sees too), not when it was due.
      this.account(copy, copy.length, this.clock.now());
      this.out(copy, copy.length);
    });
    return true;
  }

  report(): ImpairmentReport {
    return {
      offered: this.offered,
      dropped: this.dropped,
      sent: this.sent,
      dropPct: this.offered ? Math.round((this.dropped / this.offered) * 10000) / 100 : 0,
      jitterMs: Math.round(this.truth.jitterMs * 1000) / 1000,
    };
  }

  private account(buf: Uint8Array, length: number, arrivalMs: number): void {
    this.sent++;
    if (readRtp(buf, length, this.header) === undefined) this.truth.onPacket(this.header, arrivalMs, 8000, true);
  }
}
