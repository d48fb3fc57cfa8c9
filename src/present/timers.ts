/**
 * Timer wording by RFC 3261 §17.1 names, and the little memory needed to say it: how long each
 * timer was set for, and how many times a retransmission timer has fired.
 */
import type { TimerFiredEvent, TimerName, TimerStartedEvent, TimerStoppedEvent } from '../events/types.js';
import { formatSeconds } from './format.js';

/**
 * What each timer is for (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2; RFC 6026 §8.4 for
 * Timer M, §8.7 for Timer L).
 */
const PURPOSE: Record<TimerName, string> = {
  A: 'INVITE retransmission',
  B: 'INVITE transaction timeout',
  D: 'wait time for re-sent responses',
  E: 'non-INVITE retransmission',
  F: 'non-INVITE transaction timeout',
  K: 'wait time for re-sent responses',
  M: 'wait time for re-sent 2xx',
  G: 'response retransmission',
  H: 'wait time for the ACK',
  I: 'wait time for re-sent ACKs',
  J: 'wait time for re-sent requests',
  L: 'wait time for re-sent INVITEs',
};

/** Timers whose firing means "retransmit the request" (A: INVITE, E: non-INVITE). */
export function isRetransmitTimer(timer: TimerName): boolean {
  return timer === 'A' || timer === 'E';
}

/** The retransmission timer for a method: A for INVITE (§17.1.1.2), E otherwise (§17.1.2.2). */
export function retransmitTimerFor(method: string): TimerName {
  return method === 'INVITE' ? 'A' : 'E';
}

export class TimerMemory {
  private readonly duration = new Map<string, number>();
  private readonly fired = new Map<string, number>();

  /** Records a start; call in event order. */
  started(e: TimerStartedEvent): void {
    this.duration.set(key(e.branch, e.timer), e.ms);
  }

  /** Records a firing and returns how many times this timer has fired on this branch. */
  fire(e: TimerFiredEvent): number {
    const k = key(e.branch, e.timer);
    const n = (this.fired.get(k) ?? 0) + 1;
    this.fired.set(k, n);
    return n;
  }

  /** How long the timer last ran before firing, when its start was seen. */
  lastDuration(branch: string, timer: TimerName): number | undefined {
    return this.duration.get(key(branch, timer));
  }
}

function key(branch: string, timer: TimerName): string {
  return `${branch}\u0000${timer}`;
}

/** `Timer B started: 32 s for a final response` */
export function describeStarted(e: TimerStartedEvent): string {
  const d = formatSeconds(e.ms);
  switch (e.timer) {
    case 'A':
    case 'E':
      return `Timer ${e.timer} started: retransmit in ${d}`;
    case 'B':
    case 'F':
      return `Timer ${e.timer} started: ${d} for a final response`;
    case 'D':
      return `Timer D started: absorbing re-sent finals for ${d}`;
    case 'K':
      return `Timer K started: absorbing re-sent responses for ${d}`;
    case 'M':
      return `Timer M started: accepting re-sent 2xx for ${d}`;
    case 'G':
      return `Timer G started: re-send the final response in ${d}`;
    case 'H':
      return `Timer H started: ${d} for the ACK`;
    case 'I':
      return `Timer I started: absorbing re-sent ACKs for ${d}`;
    case 'J':
      return `Timer J started: absorbing re-sent requests for ${d}`;
    case 'L':
      return `Timer L started: absorbing re-sent INVITEs for ${d}`;
  }
}

/** `Timer A stopped (provisional response)` */
export function describeStopped(e: TimerStoppedEvent): string {
  return `Timer ${e.timer} stopped (${e.reason || PURPOSE[e.timer]})`;
}

export interface FiredDetails {
  /** The retransmission number this firing caused (A/E). */
  retransmit?: number;
  /** The interval the timer was restarted with (A/E). */
  nextMs?: number;
  /** How long the timer had been running. */
  ranMs?: number;
}

/**
 * `Timer A fired — retransmit #3, next in 2 s`, `Timer B expired after 32 s — no final response`,
 * `Timer D expired after 32 s (absorbing re-sent finals) — done`.
 */
export function describeFired(e: TimerFiredEvent, d: FiredDetails): string {
  const after = d.ranMs !== undefined ? ` after ${formatSeconds(d.ranMs)}` : '';
  switch (e.timer) {
    case 'A':
    case 'E': {
      const parts: string[] = [];
      if (d.retransmit !== undefined) parts.push(`retransmit #${d.retransmit}`);
      if (d.nextMs !== undefined) parts.push(`next in ${formatSeconds(d.nextMs)}`);
      return `Timer ${e.timer} fired${parts.length ? ` — ${parts.join(', ')}` : ''}`;
    }
    case 'B':
    case 'F':
      return `Timer ${e.timer} expired${after} — no final response`;
    case 'D':
      return `Timer D expired${after} (absorbing re-sent finals) — done`;
    case 'K':
      return `Timer K expired${after} (absorbing re-sent responses) — done`;
    case 'M':
      return `Timer M expired${after} (accepting re-sent 2xx) — done`;
    case 'G': {
      const parts: string[] = [];
      if (d.retransmit !== undefined) parts.push(`response re-sent #${d.retransmit}`);
      if (d.nextMs !== undefined) parts.push(`next in ${formatSeconds(d.nextMs)}`);
      return `Timer G fired${parts.length ? ` — ${parts.join(', ')}` : ''}`;
    }
    case 'H':
      return `Timer H expired${after} — no ACK for our final response`;
    case 'I':
      return `Timer I expired${after} (absorbing re-sent ACKs) — done`;
    case 'J':
      return `Timer J expired${after} (absorbing re-sent requests) — done`;
    case 'L':
      return `Timer L expired${after} (absorbing re-sent INVITEs) — done`;
  }
}
