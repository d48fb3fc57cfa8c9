/**
 * Groups a retransmission timer's firing with what it caused, so one line can say
 * "Timer A fired — retransmit #3, next in 2 s" although the send and the restart arrive as
 * separate events after it (RFC 3261 §17.1.1.2: "When timer A fires, the client transaction
 * MUST retransmit the request […] and reset the timer with a value of 2*T1").
 *
 * A group opens at a Timer A/E `timer.fired` and takes the events at the same instant that
 * belong to it (the retransmission, the restart, and wire/state/timer events around them). It
 * closes as soon as both the retransmission and the restart are in, or when any other event
 * arrives, or at `flush()`. Nothing is held across a wait: the engine emits them together.
 */
import type { RequestSentEvent, SipEvent, TimerFiredEvent, TimerStartedEvent } from '../events/types.js';
import { isRetransmitTimer } from './timers.js';

export type Group =
  | { kind: 'event'; event: SipEvent }
  | {
      kind: 'retransmit';
      fired: TimerFiredEvent;
      /** Events that came with it, in arrival order (includes `sent` and `restarted`). */
      members: SipEvent[];
      sent?: RequestSentEvent;
      restarted?: TimerStartedEvent;
    };

type Open = Extract<Group, { kind: 'retransmit' }>;

const MAY_JOIN: ReadonlySet<SipEvent['type']> = new Set([
  'request.sent',
  'timer.started',
  'timer.stopped',
  'wire',
  'transaction.state',
]);

export class RetransmitGrouper {
  private open: Open | null = null;

  /** Takes one event; returns the groups that are complete now, in order. */
  push(e: SipEvent): Group[] {
    const out: Group[] = [];
    if (this.open) {
      if (this.joins(this.open, e)) {
        this.open.members.push(e);
        if (this.open.sent && this.open.restarted) out.push(...this.flush());
        return out;
      }
      out.push(...this.flush());
    }
    if (e.type === 'timer.fired' && isRetransmitTimer(e.timer)) {
      this.open = { kind: 'retransmit', fired: e, members: [] };
    } else {
      out.push({ kind: 'event', event: e });
    }
    return out;
  }

  /** Closes the open group, if any. */
  flush(): Group[] {
    const g = this.open;
    this.open = null;
    return g ? [g] : [];
  }

  private joins(g: Open, e: SipEvent): boolean {
    if (e.t !== g.fired.t || !MAY_JOIN.has(e.type)) return false;
    const branch = g.fired.branch;
    if (e.type === 'request.sent') {
      if (g.sent || !e.retransmission || e.branch !== branch) return false;
      g.sent = e;
    } else if (e.type === 'timer.started' && e.branch === branch && e.timer === g.fired.timer) {
      if (g.restarted) return false;
      g.restarted = e;
    }
    return true;
  }
}
