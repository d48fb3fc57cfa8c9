/**
 * The server transaction of one re-INVITE in a dialog of `answer --load` (RFC 3261 §14.2,
 * docs/answer-load.md). The load path answers a re-INVITE at once, so the transaction starts
 * with its final response sent:
 * - a 2xx: Accepted (RFC 6026 §8.7); the core re-sends it at T1, 2·T1, … capped at T2 until
 *   the ACK, for 64·T1 (§13.3.1.4); Timer L = 64·T1 ends the transaction;
 * - a non-2xx (488 for an offer it cannot take, 500 with Retry-After): Completed, Timer G
 *   re-sends it, Timer H = 64·T1; its ACK (same branch) → Confirmed for Timer I = T4 (§17.2.1).
 *
 * One object per re-INVITE, kept by its call's slot only while it lives: a call without a
 * re-INVITE costs nothing here. Its deadlines are the slot's `dRe` in call-slots.ts.
 */
import type { ReplyFn } from '../../transport/transport.js';

const NEVER = Infinity;

export const RE_ACCEPTED = 1;
export const RE_COMPLETED = 2;
export const RE_CONFIRMED = 3;
export const RE_TERMINATED = 4;

/** RFC 3261 T1, T2 and T4 (Table 4). */
export interface ReInviteTimings {
  t1: number;
  t2: number;
  t4: number;
}

export class ReInviteTx {
  state: number;
  /** The ACK of a 2xx came (§13.3.1.4). */
  acked = false;
  /** The final, while it may be sent again. */
  last: Buffer | undefined;
  private interval: number;
  private readonly finalAt: number;
  private dRetx: number;
  private dEnd: number;

  constructor(
    /** The top Via branch and sent-by hash (RFC 3261 §17.2.3) and the CSeq number. */
    readonly branch: string,
    readonly sentBy: number,
    readonly cseq: number,
    private readonly reply: ReplyFn,
    final: Buffer,
    success: boolean,
    now: number,
    private readonly t: ReInviteTimings,
  ) {
    this.last = final;
    this.state = success ? RE_ACCEPTED : RE_COMPLETED;
    this.finalAt = now;
    this.interval = t.t1;
    this.dRetx = now + t.t1;
    this.dEnd = now + 64 * t.t1;
    reply(final);
  }

  /** The earliest deadline (Infinity: none). */
  get due(): number {
    return Math.min(this.dRetx, this.dEnd);
  }

  get ended(): boolean {
    return this.state === RE_TERMINATED;
  }

  /**
   * A copy of the re-INVITE (same branch): Completed sends the final again (§17.2.1); Accepted
   * and Confirmed absorb it (RFC 6026 §8.7). True when the final went out again.
   */
  again(): boolean {
    if (this.state !== RE_COMPLETED || !this.last) return false;
    this.reply(this.last);
    return true;
  }

  /**
   * An ACK for this re-INVITE. `sameBranch`: it carries the re-INVITE's branch (the ACK of a
   * non-2xx, §17.1.1.3). True when it was the first ACK (the final is confirmed now).
   */
  ack(sameBranch: boolean, now: number): boolean {
    if (this.state === RE_ACCEPTED && !this.acked) {
      // §13.3.1.4: the ACK ends the 2xx re-sends; Accepted stays for Timer L.
      this.acked = true;
      this.dRetx = NEVER;
      this.last = undefined;
      return true;
    }
    if (this.state === RE_COMPLETED && sameBranch) {
      // §17.2.1: Confirmed, no more Timer G, Timer I = T4.
      this.state = RE_CONFIRMED;
      this.dRetx = NEVER;
      this.last = undefined;
      this.dEnd = now + this.t.t4;
      return true;
    }
    return false;
  }

  /** The dialog ended (BYE): no more 2xx re-sends (§15.1.2). */
  stop(): void {
    if (this.state === RE_ACCEPTED) {
      this.dRetx = NEVER;
      this.last = undefined;
    }
  }

  /**
   * The due timers. Returns 'resent' when the final went out again; 'no-ack-2xx' when the 2xx
   * gave up after 64·T1 without an ACK (§13.3.1.4: the session SHOULD end); 'no-ack' when
   * Timer H fired for a non-2xx (the dialog goes on, §14.2); else undefined.
   */
  service(now: number): 'resent' | 'no-ack-2xx' | 'no-ack' | undefined {
    let what: 'resent' | 'no-ack-2xx' | 'no-ack' | undefined;
    if (this.dRetx <= now) {
      const giveUp = this.finalAt + 64 * this.t.t1;
      if (this.state === RE_ACCEPTED && now >= giveUp) {
        // §13.3.1.4: no ACK in 64·T1.
        this.dRetx = NEVER;
        this.last = undefined;
        what = 'no-ack-2xx';
      } else if ((this.state === RE_ACCEPTED || this.state === RE_COMPLETED) && this.last) {
        this.reply(this.last);
        this.interval = Math.min(this.interval * 2, this.t.t2);
        this.dRetx = this.state === RE_ACCEPTED ? Math.min(now + this.interval, giveUp) : now + this.interval;
        what = 'resent';
      } else this.dRetx = NEVER;
    }
    if (this.dEnd <= now) {
      // Timer L (Accepted), H (Completed: no ACK) or I (Confirmed): Terminated.
      if (this.state === RE_COMPLETED) what = 'no-ack';
      this.state = RE_TERMINATED;
      this.dRetx = this.dEnd = NEVER;
      this.last = undefined;
    }
    return what;
  }
}
