/**
 * Timer values for the client and server transactions (RFC 3261 §17.1, §17.2, Table 4 of §A;
 * RFC 6026 §8.4, §8.7).
 *
 * | timer | value here | RFC |
 * |---|---|---|
 * | T1 | 500 ms default | "T1 is an estimate of the round-trip time (RTT), and it defaults to 500 ms" (§17.1.1.1) |
 * | T2 | 4 s default | "the maximum retransmit interval for non-INVITE requests" (Table 4) |
 * | T4 | 5 s default | "maximum duration a message will remain in the network" (Table 4) |
 * | A | initially T1, doubles, no cap (UDP only) | §17.1.1.2 |
 * | B | 64·T1 | §17.1.1.2 |
 * | D | 64·T1 on UDP (= 32 s at the default T1), 0 on TCP/TLS | §17.1.1.2 "at least 32 seconds" |
 * | E | initially T1, doubles up to T2 (UDP only) | §17.1.2.2 |
 * | F | 64·T1 | §17.1.2.2 |
 * | K | T4 on UDP, 0 on TCP/TLS | §17.1.2.2 |
 * | M | 64·T1 | RFC 6026 §8.4 |
 * | G | initially T1, doubles up to T2 (UDP only) | §17.2.1 (server: re-sent non-2xx final) |
 * | H | 64·T1 | §17.2.1 (server: wait for the ACK) |
 * | I | T4 on UDP, 0 on TCP/TLS | §17.2.1 (server: absorb re-sent ACKs) |
 * | J | 64·T1 on UDP, 0 on TCP/TLS | §17.2.2 (server: absorb re-sent non-INVITE requests) |
 * | L | 64·T1 | RFC 6026 §8.7 (server: Accepted, absorb re-sent INVITEs) |
 *
 * Timer D: RFC 3261 §17.1.1.2 asks for "a value of at least 32 seconds for unreliable
 * transports". D exists to absorb retransmissions of the final response, which the server
 * sends until its Timer H (64·T1) runs out; so D follows 64·T1 too. At the default T1 that
 * is exactly 32 s; when the user scales T1 (a lab with a fast peer that was given the same
 * T1), D scales with it and can be shorter than 32 s. That is a deliberate departure,
 * explained in docs/transactions.md.
 */

/** RFC 3261 §17.1.1.1: "T1 … defaults to 500 ms". */
export const DEFAULT_T1 = 500;
/** RFC 3261 Table 4: T2 = 4 s. */
export const DEFAULT_T2 = 4000;
/** RFC 3261 Table 4: T4 = 5 s. */
export const DEFAULT_T4 = 5000;

/** The input of `timerConfig`: the base timers (ms) and whether the transport is reliable. */
export interface TimerOptions {
  t1?: number;
  t2?: number;
  t4?: number;
  /** TCP, TLS, WS, WSS (RFC 3261 §18: "reliable transport protocol"). UDP is not. */
  reliable?: boolean;
}

/** Every timer value a client transaction needs, in milliseconds, derived once. */
export interface TimerConfig {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  readonly reliable: boolean;
  /** First interval of Timer A (INVITE retransmit, unreliable only): T1. */
  readonly timerA: number;
  /** INVITE transaction timeout in Calling: 64·T1. */
  readonly timerB: number;
  /** Wait time for response retransmits in INVITE Completed: 64·T1, or 0 when reliable. */
  readonly timerD: number;
  /** First interval of Timer E (non-INVITE retransmit, unreliable only): T1. */
  readonly timerE: number;
  /** Non-INVITE transaction timeout: 64·T1. */
  readonly timerF: number;
  /** Wait time for response retransmits in non-INVITE Completed: T4, or 0 when reliable. */
  readonly timerK: number;
  /** Wait time for 2xx retransmits and forks in Accepted (RFC 6026): 64·T1. */
  readonly timerM: number;
  /** First interval of Timer G (server: re-sent non-2xx final, unreliable only): T1. */
  readonly timerG: number;
  /** Server: wait for the ACK of a non-2xx final: 64·T1. */
  readonly timerH: number;
  /** Server: absorb ACK retransmits in Confirmed: T4, or 0 when reliable. */
  readonly timerI: number;
  /** Server: absorb non-INVITE request retransmits in Completed: 64·T1, or 0 when reliable. */
  readonly timerJ: number;
  /** Server: absorb INVITE retransmits in Accepted (RFC 6026 §8.7): 64·T1. */
  readonly timerL: number;
}

/** A timer value the user gave is unusable; the CLI reports it as a usage error. */
export class TimerConfigError extends Error {
  override readonly name = 'TimerConfigError';
  /** Which setting is wrong: `t1`, `t2` or `t4`. */
  readonly field: 't1' | 't2' | 't4';
  readonly value: unknown;

  constructor(field: 't1' | 't2' | 't4', value: unknown, why: string) {
    super(`invalid ${field.toUpperCase()} ${String(value)}: ${why}`);
    this.field = field;
    this.value = value;
  }
}

function checkPositive(field: 't1' | 't2' | 't4', value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TimerConfigError(field, value, 'must be a positive number of milliseconds');
  }
  return value;
}

/**
 * Validates T1, T2, T4 and derives every client transaction timer from them.
 *
 * @throws TimerConfigError when a value is not a positive finite number, or T2 < T1
 *   (RFC 3261 §17.1.2.2: E "caps at T2", which only makes sense when T2 ≥ T1).
 */
export function timerConfig(options: TimerOptions = {}): TimerConfig {
  const t1 = checkPositive('t1', options.t1 ?? DEFAULT_T1);
  const t2 = checkPositive('t2', options.t2 ?? DEFAULT_T2);
  const t4 = checkPositive('t4', options.t4 ?? DEFAULT_T4);
  if (t2 < t1) throw new TimerConfigError('t2', t2, `must be at least T1 (${t1} ms)`);
  const reliable = options.reliable ?? false;
  return Object.freeze({
    t1,
    t2,
    t4,
    reliable,
    timerA: t1,
    timerB: 64 * t1,
    timerD: reliable ? 0 : 64 * t1,
    timerE: t1,
    timerF: 64 * t1,
    timerK: reliable ? 0 : t4,
    timerM: 64 * t1,
    timerG: t1,
    timerH: 64 * t1,
    timerI: reliable ? 0 : t4,
    timerJ: reliable ? 0 : 64 * t1,
    timerL: 64 * t1,
  });
}

/** The same base timers for another transport (reliable or not). */
export function forTransport(config: TimerConfig, reliable: boolean): TimerConfig {
  if (config.reliable === reliable) return config;
  return timerConfig({ t1: config.t1, t2: config.t2, t4: config.t4, reliable });
}
