import type { ConnectionLimit, ConnectionLimits, ConnectionTimers } from './connection-limits.js';
import { HOST_TIMERS } from './connection-limits.js';

/** The limits one connection is held to (the listener's count of connections is its own). */
export type GuardLimits = Pick<ConnectionLimits, 'incompleteMessageTimeoutMs' | 'maxBufferedBytes'> & Partial<Pick<ConnectionLimits, 'idleTimeoutMs'>>;

/**
 * Watches one server-side connection (connection-limits.ts): the bytes it holds, how long it
 * has held an incomplete message since it last completed one, and, with `idleTimeoutMs`, how
 * long it has been idle (no partial message, no traffic either way). Calls `trip` once, with
 * the limit, what was held and the limit's value, when one is broken; the owner closes the
 * connection. Before tripping the idle timeout it asks `inUse` whether something of ours still
 * needs the connection (a transaction or dialog bound to it); if so the idle period starts
 * again. Its timers are `timers` (the run's clock), the host's when none is given. The idle
 * period starts as soon as the guard is made: a connection that never sends a byte is idle.
 */
export class ConnectionGuard {
  private incomplete: object | undefined;
  private idle: object | undefined;
  private tripped = false;
  private pending = 0;

  constructor(
    private readonly limits: GuardLimits,
    private readonly trip: (limit: ConnectionLimit, held: number, max: number) => void,
    private readonly timers: ConnectionTimers = HOST_TIMERS,
    private readonly inUse: () => boolean = () => false,
  ) {
    this.armIdle();
  }

  /**
   * After a chunk was framed: `pending` bytes of an unfinished message are held, `unsent`
   * bytes of replies wait to be sent, and `completed` messages were framed from the chunk.
   * Returns false once a limit is broken.
   */
  afterData(pending: number, unsent: number, completed: number): boolean {
    this.pending = pending;
    if (!this.checkBytes(pending + unsent)) return false;
    if (pending === 0 || completed > 0) this.clearIncomplete();
    if (pending > 0) {
      // Something is in progress: the incomplete-message timeout watches it, not the idle one.
      this.clearIdle();
      if (this.incomplete === undefined) {
        const max = this.limits.incompleteMessageTimeoutMs;
        this.incomplete = this.timers.setTimer(max, () => {
          this.incomplete = undefined;
          this.fire('incomplete-message-timeout', this.pending, max);
        });
      }
    } else {
      this.armIdle();
    }
    return true;
  }

  /** After a reply was queued: `held` bytes in all (unfinished message and unsent replies). */
  afterWrite(held: number): boolean {
    if (!this.checkBytes(held)) return false;
    // Traffic: the idle period starts again (unless a message is half in, which has its own timer).
    if (this.pending === 0) this.armIdle();
    return true;
  }

  /** The connection is gone: no timer is left behind. */
  stop(): void {
    this.tripped = true;
    this.clearIncomplete();
    this.clearIdle();
  }

  private armIdle(): void {
    const max = this.limits.idleTimeoutMs;
    if (this.tripped || max === undefined) return;
    this.clearIdle();
    this.idle = this.timers.setTimer(max, () => {
      this.idle = undefined;
      if (this.inUse()) this.armIdle();
      else this.fire('idle-timeout', 0, max);
    });
  }

  private checkBytes(held: number): boolean {
    if (this.tripped) return false;
    if (held <= this.limits.maxBufferedBytes) return true;
    this.fire('max-buffered-bytes', held, this.limits.maxBufferedBytes);
    return false;
  }

  private fire(limit: ConnectionLimit, held: number, max: number): void {
    if (this.tripped) return;
    this.stop();
    this.trip(limit, held, max);
  }

  private clearIncomplete(): void {
    if (this.incomplete === undefined) return;
    this.timers.clearTimer(this.incomplete);
    this.incomplete = undefined;
  }

  private clearIdle(): void {
    if (this.idle === undefined) return;
    this.timers.clearTimer(this.idle);
    this.idle = undefined;
  }
}
