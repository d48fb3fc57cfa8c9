import type { PeerView } from './rtcp-agent.js';
import type { RtpSourceCount } from './rtp-receiver.js';

/** The per-second line: what moved in the last second, and the running figures. */
export interface MediaSecondStats {
  /** Seconds since media started. */
  second: number;
  sent: { packets: number; total: number };
  received: { packets: number; total: number; lost: number; lossPct: number; jitterMs: number };
  levelDbfs?: number;
  toneHeard?: boolean;
  /** Where the last RTP came from. */
  source?: string;
  sendJitterP99Ms: number;
  peer?: { fractionLost: number; jitterMs: number; rttMs?: number };
}

interface Totals {
  sentPackets: number;
  receivedPackets: number;
  lost: number;
  jitterMs: number;
  levelDbfs?: number;
  toneHeard?: boolean;
  source?: RtpSourceCount;
  sendJitterP99: number;
  peer?: PeerView;
}

/** Turns running totals into per-second differences, one line a second. */
export class MediaSecond {
  private next = 0;
  private start = 0;
  private lastSent = 0;
  private lastReceived = 0;
  private lastLost = 0;

  begin(now: number): void {
    this.start = now;
    this.next = now + 1000;
  }

  due(now: number): boolean {
    return now >= this.next;
  }

  take(now: number, t: Totals): MediaSecondStats {
    this.next += 1000;
    if (this.next <= now) this.next = now + 1000;
    const sent = t.sentPackets - this.lastSent;
    const received = t.receivedPackets - this.lastReceived;
    const lost = t.lost - this.lastLost;
    this.lastSent = t.sentPackets;
    this.lastReceived = t.receivedPackets;
    this.lastLost = t.lost;
    const expected = received + Math.max(0, lost);
    return {
      second: Math.round((now - this.start) / 1000),
      sent: { packets: sent, total: t.sentPackets },
      received: {
        packets: received,
        total: t.receivedPackets,
        lost: Math.max(0, lost),
        lossPct: expected > 0 ? Math.round((Math.max(0, lost) / expected) * 1000) / 10 : 0,
        jitterMs: Math.round(t.jitterMs * 100) / 100,
      },
      levelDbfs: t.levelDbfs === undefined ? undefined : Math.round(t.levelDbfs * 10) / 10,
      toneHeard: t.toneHeard,
      source: t.source ? `${t.source.address.includes(':') ? `[${t.source.address}]` : t.source.address}:${t.source.port}` : undefined,
      sendJitterP99Ms: Math.round(t.sendJitterP99 * 100) / 100,
      peer: t.peer ? { fractionLost: t.peer.fractionLost, jitterMs: t.peer.jitterMs, rttMs: t.peer.rttMs } : undefined,
    };
  }
}
