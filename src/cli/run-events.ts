// What a run keeps of its events for its verdict: src/engine/run-events.ts.
export { allEvents, DEFAULT_KEPT_EVENTS, keptFor, noEvents, verdictEvents, type RunEvents } from '../engine/run-events.js';
