import type { SipEvent } from '../events/types.js';
import { VERDICT_EVENT_TYPES } from './verdict/index.js';

/** What a run keeps of its events, for the verdict drawn at its end (docs/verdicts.md). */
export interface RunEvents {
  add(e: SipEvent): void;
  /** The events kept, oldest first. */
  list(): readonly SipEvent[];
}

/** Every event: a request or a call is short, and its verdict may read any of them. */
export function allEvents(): RunEvents {
  const events: SipEvent[] = [];
  return { add: (e) => void events.push(e), list: () => events };
}

/** How many events a long-running command keeps by default. */
export const DEFAULT_KEPT_EVENTS = 1000;

/**
 * For a command that runs until stopped (`answer`): only the kinds of event a verdict reads
 * (no `wire` texts, no `request.received`, no media figures), and of those only the last
 * `limit`. Memory stays flat however long it runs; counts of what it served are kept apart.
 */
export function verdictEvents(limit = DEFAULT_KEPT_EVENTS): RunEvents {
  const ring: SipEvent[] = [];
  let next = 0;
  return {
    add(e) {
      if (!VERDICT_EVENT_TYPES.has(e.type)) return;
      if (ring.length < limit) ring.push(e);
      else ring[next] = e;
      next = (next + 1) % limit;
    },
    list: () => (ring.length < limit ? ring : [...ring.slice(next), ...ring.slice(0, next)]),
  };
}

/** Nothing: for runs whose engine keeps what its verdict needs itself (runUac). */
export function noEvents(): RunEvents {
  return { add: () => undefined, list: () => [] };
}

/**
 * What `runUac` keeps for the verdict of `plan`: every event for a request or a call, which
 * ends; only what a verdict reads, and the last of those, for `register --listen`, which runs
 * until stopped and must stay flat in memory however many calls it takes.
 */
export function keptFor(plan: { kind: string; listen?: unknown }): RunEvents {
  return plan.kind === 'register' && plan.listen !== undefined ? verdictEvents() : allEvents();
}
