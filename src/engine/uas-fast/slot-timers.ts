/**
 * The RFC timers of `sipcall answer --load`'s calls without a Node timer each
 * (docs/answer-load.md). A call's timers (RFC 3261 §17.2.1 G, H and I, e.g. "When the
 * "Completed" state is entered, timer H MUST be set to fire in 64*T1 seconds for all
 * transports"; §17.2.2 J; RFC 6026 §8.7 L; the 2xx re-sends of §13.3.1.4; the re-INVITE's) are
 * deadlines in its slot (call-slots.ts); the earliest of them sits in one hashed timer wheel
 * (src/clock/timer-wheel.ts), and the wheel's earliest in one Node timer. When a slot's
 * deadline comes, `service(slot)` (invite-server.ts) does what the timers that fired say.
 */
import type { TimerHandle } from '../../clock/clock.js';
import { CallSlots, NEVER } from './call-slots.js';

export abstract class SlotTimers extends CallSlots {
  private native: TimerHandle | undefined;
  private nativeAt = NEVER;
  protected closed = false;
  private readonly fire = (slot: number): void => this.service(slot);
  private readonly tick = (): void => this.onTick();

  /** Timers armed in the wheel (tests). */
  get armed(): number {
    return this.wheel.size;
  }

  /** The slot's deadlines that have come: what their timers do. */
  protected abstract service(s: number): void;

  /** Puts the slot's earliest deadline in the wheel (one wheel timer per call at most). */
  protected reschedule(s: number): void {
    const at = Math.min(this.dRing[s]!, this.dRetx[s]!, this.dTx[s]!, this.dBye[s]!, this.dCancel[s]!, this.dRe[s]!);
    if (at === this.handleAt[s]) return;
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handleAt[s] = at;
    if (at === NEVER) {
      this.handle[s] = -1;
      return;
    }
    this.handle[s] = this.wheel.schedule(at, s);
    if (at < this.nativeAt) this.arm(at);
  }

  /** The Node timer goes (`close`). */
  protected stopTimers(): void {
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.native = undefined;
  }

  private arm(at: number): void {
    if (this.closed) return;
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.nativeAt = at;
    this.native = this.o.clock.setTimer(Math.max(1, Math.ceil(at - this.o.clock.now())), this.tick);
  }

  private onTick(): void {
    this.native = undefined;
    this.nativeAt = NEVER;
    if (this.closed) return;
    this.wheel.advance(this.o.clock.now(), this.fire);
    const next = this.wheel.nextDue();
    if (next !== undefined && next < this.nativeAt) this.arm(next);
  }
}
