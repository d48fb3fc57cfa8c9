import type { ConnectionLimit, ConnectionLimits } from './connection-limits.js';

/** The limits one connection is held to (the listener's count of connections is its own). */
export type GuardLimits = Pick<ConnectionLimits, 'incompleteMessageTimeoutMs' | 'maxBufferedBytes'>;

/**
 * Watches one server-side connection (connection-limits.ts): the bytes it holds, and how long
 * it has held an incomplete message since it last completed one. Calls `trip` once, with the
 * limit, what was held and the limit's value, when one is broken; the owner closes the
 * connection. Uses the host's timers: it lives in the I/O layer, beside the socket.
 */
export class ConnectionGuard {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tripped = false;
  private pending = 0;

  constructor(
    private readonly limits: GuardLimits,
    private readonly trip: (limit: ConnectionLimit, held: number, max: number) => void,
  ) {}

  /**
   * After a chunk was framed: `pending` bytes of an unfinished message are held, `unsent`
   * bytes of replies wait to be sent, and `completed` messages were framed from the chunk.
   * Returns false once a limit is broken.
   */
  afterData(pending: number, unsent: number, completed: number): boolean {
    this.pending = pending;
    if (!this.checkBytes(pending + unsent)) return false;
    if (pending === 0 || completed > 0) this.clearTimer();
    if (pending > 0 && this.timer === undefined) {
      const max = this.limits.incompleteMessageTimeoutMs;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.fire('incomplete-message-timeout', this.pending, max);
      }, max);
    }
    return true;
  }

  /** After a reply was queued: `held` bytes in all (unfinished message and unsent replies). */
  afterWrite(held: number): boolean {
    return this.checkBytes(held);
  }

  /** The connection is gone: no timer is left behind. */
  stop(): void {
    this.tripped = true;
    this.clearTimer();
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

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
