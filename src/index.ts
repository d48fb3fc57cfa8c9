// The library API: everything a script needs to use sipcall's SIP machinery without the CLI.
export * from './sip/message.js';
export * from './sip/headers.js';
export * from './sip/serialize.js';
export * from './events/types.js';
export type { Clock, TimerHandle } from './clock/clock.js';
export { SystemClock } from './clock/system-clock.js';
