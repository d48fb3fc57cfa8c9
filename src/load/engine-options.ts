/**
 * What a `LoadEngine` (engine.ts) is given (docs/load.md, "Engine"): the scenario, the schedule
 * and the metrics it feeds, the injected clock and send port, and the RFC 3261 values of its
 * requests (Request-URI §8.1.1.1, To/From §8.1.1.2–3, Contact §8.1.1.8, Via sent-by §18.1.1,
 * T1/T2 §17.1.1.1: "T1 is an estimate of the round-trip time (RTT)").
 */
import type { DigestCredentials } from '../auth/index.js';
import type { Clock } from '../clock/clock.js';
import type { LoadMetrics } from './metrics.js';
import type { ArrivalSchedule } from './schedule.js';
import type { LoadInterval } from './summary.js';

export type LoadScenario = 'call' | 'options' | 'register';

export interface LoadEngineOptions {
  scenario: LoadScenario;
  schedule: ArrivalSchedule;
  metrics: LoadMetrics;
  clock: Clock;
  /**
   * Sends one message to the target. `call` is the plan-wide number of the call it belongs to
   * (a stream run picks the call's connection by it), or -1 for an ACK of a late response
   * (sent where that response came from).
   */
  send: (buf: Buffer, offset: number, length: number, call: number) => void;
  /** The transport in Via (default UDP); TCP and TLS are reliable: no retransmissions. */
  transport?: 'UDP' | 'TCP' | 'TLS';
  /** A call is starting, before its first send (a stream run opens the call's connection). */
  onCallStart?: (call: number) => void;
  /** A call has ended (a stream run closes a connection whose calls have all ended). */
  onCallEnd?: (call: number) => void;
  /** Request-URI of the first request (for `register`, the registrar's URI). */
  requestUri: string;
  /** To URI: the callee, or the address-of-record for `register`. */
  toUri: string;
  /** From URI (for `register`, the same address-of-record). */
  fromUri: string;
  /** Our Contact URI. */
  contactUri: string;
  /** host:port for Via (§18.1.1). */
  sentBy: string;
  /** The address in the SDP offer (c=). */
  mediaAddress: string;
  userAgent: string;
  t1: number;
  t2: number;
  /** Time between the ACK and the BYE, ms (0: BYE right after the ACK). */
  holdMs: number;
  /** No final response to the INVITE this long after it was sent: CANCEL. */
  ringTimeoutMs: number;
  /** Expires of each REGISTER, s. */
  expires: number;
  /** A due call that finds this many in progress is dropped (counted). */
  maxConcurrent?: number;
  credentials?: DigestCredentials;
  /** Length of an interval for `onInterval`, ms (default 1000). */
  intervalMs?: number;
  onInterval?: (ev: LoadInterval) => void;
  /** Run id in Call-IDs, tags and branches (default: 8 random hex digits). */
  runId?: string;
}
