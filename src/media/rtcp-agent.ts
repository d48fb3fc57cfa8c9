import { ntpFromUnixMs, ntpMiddle32, parseRtcp, rttMs, writeBye, writeReceiverReport, writeSdes, writeSenderReport, type ReportBlock } from './rtcp.js';
import { rtcpInterval } from './rtcp-interval.js';
import type { RtpReceiverStats } from './rtp-stats.js';

/** What the peer's RTCP said about our stream (its report block for our SSRC, RFC 3550 §6.4.1). */
export interface PeerView {
  /** Fraction lost in its last interval, 0–1. */
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitterMs: number;
  /** RFC 3550 §6.4.1 A − LSR − DLSR, when the peer had an SR of ours to echo. */
  rttMs?: number;
  atMs: number;
}

export interface RtcpCounts {
  sent: number;
  received: number;
  /** Reports from the peer, with a block about our SSRC or not. */
  reportsAboutUs: number;
  reportsWithoutUs: number;
  /** Packets the peer says it sent (its last SR). */
  peerSentPackets?: number;
  byeReceived: boolean;
  problems: string[];
  cname?: string;
}

export interface RtcpAgentPorts {
  send(buf: Uint8Array, length: number): boolean;
  /** Wall-clock time in ms since the Unix epoch, for the NTP timestamps of SRs. */
  wallclockMs(): number;
  random(): number;
}

/**
 * RTCP for one stream (RFC 3550 §6): SR when we sent RTP since the last report, else RR, each
 * with a report block about the peer's SSRC and an SDES CNAME (§6.1: every compound packet);
 * BYE at the end. Intervals per §6.3.1 with two members (5 s minimum, halved for the first,
 * randomised). Received compounds yield the peer's view of our stream and the round-trip time.
 */
export class RtcpAgent {
  private readonly buf = new Uint8Array(512);
  private readonly block: ReportBlock = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
  private initial = true;
  private avgSize = 100;
  peer?: PeerView;
  readonly counts: RtcpCounts = { sent: 0, received: 0, reportsAboutUs: 0, reportsWithoutUs: 0, byeReceived: false, problems: [] };

  constructor(
    private readonly ssrc: number,
    private readonly cname: string,
    private readonly stats: RtpReceiverStats,
    private readonly ports: RtcpAgentPorts,
  ) {}

  /** Milliseconds until the next report (§6.3.1), for the caller's timer. */
  nextInterval(weSent: boolean): number {
    const ms = rtcpInterval({ members: 2, senders: weSent ? 2 : 1, rtcpBandwidth: 0.05 * 8000, weSent, avgRtcpSize: this.avgSize, initial: this.initial }, this.ports.random);
    this.initial = false;
    return ms;
  }

  /** Sends a report (SR if `sender` gives our counts, else RR), plus SDES, plus BYE when `bye`. */
  report(nowMs: number, sender: { packets: number; octets: number; rtpTimestamp: number } | undefined, bye = false): void {
    const b = this.buf;
    const reports: ReportBlock[] = this.stats.reportBlock(nowMs, this.block) ? [this.block] : [];
    let n: number;
    if (sender) {
      const ntp = ntpFromUnixMs(this.ports.wallclockMs());
      n = writeSenderReport(b, 0, { ssrc: this.ssrc, ntpSec: ntp.sec, ntpFrac: ntp.frac, rtpTimestamp: sender.rtpTimestamp, packetCount: sender.packets, octetCount: sender.octets, reports });
    } else {
      n = writeReceiverReport(b, 0, { ssrc: this.ssrc, reports });
    }
    n += writeSdes(b, n, this.ssrc, this.cname);
    if (bye) n += writeBye(b, n, this.ssrc);
    if (this.ports.send(b, n)) this.counts.sent++;
    // §6.3.3: avg_rtcp_size = 1/16 · packet_size + 15/16 · avg_rtcp_size (with UDP/IP overhead).
    this.avgSize = (n + 28) / 16 + (15 * this.avgSize) / 16;
  }

  /** A compound packet from the peer. */
  receive(buf: Uint8Array, length: number, arrivalMs: number): void {
    this.counts.received++;
    const c = parseRtcp(buf, length);
    for (const p of c.problems) if (this.counts.problems.length < 10) this.counts.problems.push(p);
    const ntpNow = ntpFromUnixMs(this.ports.wallclockMs());
    const a = ntpMiddle32(ntpNow.sec, ntpNow.frac);
    for (const p of c.packets) {
      if (p.type === 'sr') {
        this.stats.onSenderReport(ntpMiddle32(p.ntpSec, p.ntpFrac), arrivalMs);
        this.counts.peerSentPackets = p.packetCount;
      }
      if (p.type === 'sr' || p.type === 'rr') {
        const mine = p.reports.find((r) => r.ssrc === this.ssrc);
        if (!mine) {
          this.counts.reportsWithoutUs++;
          continue;
        }
        this.counts.reportsAboutUs++;
        this.peer = {
          fractionLost: mine.fractionLost / 256,
          cumulativeLost: mine.cumulativeLost,
          extendedHighestSeq: mine.extendedHighestSeq,
          jitterMs: mine.jitter / 8,
          rttMs: rttMs(a, mine.lsr, mine.dlsr),
          atMs: arrivalMs,
        };
      }
      if (p.type === 'sdes' && !this.counts.cname) {
        const cname = p.chunks[0]?.cname;
        if (cname) this.counts.cname = cname;
      }
      if (p.type === 'bye') this.counts.byeReceived = true;
    }
  }
}
