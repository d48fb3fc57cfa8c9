/**
 * The evidence for the verdict `hold-not-honoured`: RTP from the peer while we hold the call.
 * RFC 3264 §8.4: "If the stream to be placed on hold was previously a sendrecv media stream, it
 * is placed on hold by marking it sendonly"; the answer to a sendonly offer is recvonly or
 * inactive, and a peer that answered so must send no media. Packets in flight get half a
 * second's grace.
 */
import type { Verdict } from '../../events/types.js';

/** What the peer sent while we held the call (RFC 3264 §8.4): the evidence for hold-not-honoured. */
export class HoldWatch {
  private from?: { t: number; packets: number };
  private to?: { t: number; packets: number };

  constructor(
    readonly heldAt: number,
    private readonly packets: () => number,
  ) {}

  get ended(): boolean {
    return this.to !== undefined;
  }

  /** Half a second after the hold: packets already in flight have arrived. */
  graceOver(t: number): void {
    this.from ??= { t, packets: this.packets() };
  }

  end(t: number): void {
    if (this.from) this.to ??= { t, packets: this.packets() };
  }

  /** The verdict when the peer kept sending (more than 5 packets, 0.1 s of audio), else undefined. */
  verdict(): Verdict | undefined {
    if (!this.from) return undefined;
    const to = this.to ?? { t: this.from.t, packets: this.packets() };
    const got = to.packets - this.from.packets;
    const seconds = Math.max(0, (to.t - this.from.t) / 1000);
    if (got <= 5) return undefined;
    return {
      id: 'hold-not-honoured',
      text: `the peer kept sending RTP while the call was on hold (${got} packets in ${seconds.toFixed(1)} s)`,
      evidence: [
        `our re-INVITE offered a=sendonly at ${Math.round(this.heldAt)} ms and the peer accepted it with a 2xx (RFC 3264 §8.4: it must then send no media)`,
        `${got} RTP packets arrived from ${Math.round(this.from.t)} ms (0.5 s after the hold) to ${Math.round(to.t)} ms`,
      ],
      next: ["check the peer's hold handling: an answer of recvonly or inactive must stop its RTP; an echo or a media server that ignores the direction attribute shows up here"],
    };
  }
}
