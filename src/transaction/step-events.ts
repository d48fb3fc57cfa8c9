import type { Clock } from '../clock/clock.js';
import type { EventInput, SipEvent } from '../events/types.js';

/**
 * A transaction's events, stamped with the clock and, during a step whose send must leave
 * first, held until the bytes have left (issue 14 §3: a printer writing a line costs 0.2–0.7 ms,
 * which would otherwise be added to the send). Held events keep their order and carry the
 * step's time, so readers can show a firing (`timer.fired`, the re-send, the timer re-armed) as
 * one instant. Shared by the client and server transactions.
 */
export class StepEvents {
  /** The clock time of the step being processed, if any: all its events carry it. */
  private time: number | undefined;
  private held: SipEvent[] | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (e: SipEvent) => void,
  ) {}

  /** Starts a step now: its events carry this time and are held until `release` or `end`. */
  begin(): void {
    this.time = this.clock.now();
    this.held = [];
  }

  emit(e: EventInput): void {
    const ev = { ...e, t: this.time ?? this.clock.now() } as SipEvent;
    if (this.held) this.held.push(ev);
    else this.sink(ev);
  }

  /** Tells what is held (the send has left); later events of the step go out at once. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    if (held) for (const ev of held) this.sink(ev);
  }

  /** Ends the step: tells what is still held. */
  end(): void {
    this.release();
    this.time = undefined;
  }
}
