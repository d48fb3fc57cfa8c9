/** The seams between the transaction layer, the transport and the transaction user. */
import type { TransactionOutcome, TransportName } from '../events/types.js';
import type { SipResponse } from '../sip/message.js';
import type { TimerConfig } from './timer-config.js';

/** Hands bytes to the transport; may throw synchronously (treated as a transport error). */
export type SendPort = (bytes: Uint8Array) => void;

export interface SendOptions {
  transport: TransportName;
  /** TCP, TLS, WS, WSS: no retransmissions, D = K = 0. Wins over `timers.reliable`. */
  reliable: boolean;
  /** Destination `host:port` (IPv6 in brackets), for events. */
  to: string;
  timers: TimerConfig;
  port: SendPort;
}

export interface ResponseInfo {
  /** True when a final response with the same status and To tag was already seen. */
  retransmission: boolean;
  /** Source `host:port`. */
  from: string;
}

export interface TransactionEnd {
  outcome: TransactionOutcome;
  /** The final status: from the wire, or made up (408 timeout, 503 transport error). */
  status?: number;
  /** True when `status` was made up by sipcall (RFC 3261 §8.1.3.1). */
  local?: boolean;
}

/** The transaction user (RFC 3261 §5): the engine, which receives what the machine passes up. */
export interface TransactionUser {
  onResponse(res: SipResponse, info: ResponseInfo): void;
  onTerminated(end: TransactionEnd): void;
}

/** A fatal transport failure, e.g. `{ code: 'ECONNREFUSED', message: '…' }`. */
export interface TransportFailure {
  code: string;
  message: string;
}
