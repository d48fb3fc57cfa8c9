import { goertzel } from './goertzel.js';
import { dbfs } from './level.js';
import { ToneSource } from './tone.js';

/** `--check echo`: what came back of the bursts we sent. */
export interface EchoCheckResult {
  burstsSent: number;
  burstsReturned: number;
  /** Audio round trip per returned burst, ms (send deadline of its first packet → arrival). */
  rttMs: number[];
  minMs?: number;
  medianMs?: number;
  maxMs?: number;
}

const BURST_HZ = 1000;
const PERIOD_MS = 1000;
const BURST_MS = 100;

/**
 * Audio round trip with bursts: every second, 100 ms of 1 kHz at −10 dBFS, silence between.
 * A received frame with the burst's tone (Goertzel ratio > 0.5, above −40 dBFS) answers the
 * oldest burst still unanswered within 2 s. The RTT is measured at packet granularity from
 * the first burst packet's send time to the arrival of the first packet that carries it back,
 * so it includes the peer's jitter buffer when the peer decodes and re-encodes (baresip
 * echo.so) and only the network when it mirrors packets (SIPp -rtp_echo). Unlike SIPp's
 * rtpcheck (a memcmp of payloads), this survives transcoding.
 */
export class EchoCheck {
  private readonly tone = new ToneSource([BURST_HZ], -10);
  private nextBurst = -1;
  private burstEnd = -1;
  private readonly pending: number[] = [];
  private readonly rtts: number[] = [];
  private sent = 0;
  private inBurstReturn = false;

  /** The frame to send at `nowMs`: a burst frame or silence. */
  fill(out: Int16Array, nowMs: number): void {
    if (this.nextBurst < 0) this.nextBurst = nowMs + 500;
    if (nowMs >= this.nextBurst) {
      this.pending.push(nowMs);
      this.sent++;
      this.burstEnd = nowMs + BURST_MS;
      this.nextBurst += PERIOD_MS;
    }
    if (nowMs < this.burstEnd) this.tone.fill(out);
    else out.fill(0);
  }

  /** A decoded frame at its arrival time. */
  received(pcm: Int16Array, count: number, arrivalMs: number): void {
    if (count < 40) return;
    const hit = dbfs(pcm, 0, count) > -40 && goertzel(pcm, 0, count, BURST_HZ, 8000) > 0.5;
    if (!hit) {
      this.inBurstReturn = false;
      return;
    }
    if (this.inBurstReturn) return;
    this.inBurstReturn = true;
    while (this.pending.length && arrivalMs - this.pending[0] > 2000) this.pending.shift();
    const sentAt = this.pending.shift();
    if (sentAt !== undefined) this.rtts.push(Math.round((arrivalMs - sentAt) * 100) / 100);
  }

  result(): EchoCheckResult {
    const s = [...this.rtts].sort((a, b) => a - b);
    return {
      burstsSent: this.sent,
      burstsReturned: this.rtts.length,
      rttMs: [...this.rtts],
      minMs: s[0],
      medianMs: s.length ? s[Math.floor((s.length - 1) / 2)] : undefined,
      maxMs: s[s.length - 1],
    };
  }
}
