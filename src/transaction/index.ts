// Client transactions (RFC 3261 §17.1, RFC 6026): pure state machines, timers, matching, ACK
// for non-2xx, and the driver that runs them on a Clock. See docs/transactions.md.
export { TransactionLayer } from './transaction-layer.js';
export type { TransactionLayerOptions } from './transaction-layer.js';
export { ClientTransaction } from './client-transaction.js';
export type { SendOptions, SendPort, ResponseInfo, TransactionEnd, TransactionUser, TransportFailure } from './ports.js';
export { DuplicateTransactionError, TransactionRequestError } from './errors.js';
export { timerConfig, forTransport, TimerConfigError, DEFAULT_T1, DEFAULT_T2, DEFAULT_T4 } from './timer-config.js';
export type { TimerConfig, TimerOptions } from './timer-config.js';
export { nextInterval } from './backoff.js';
export { start as startClientTransaction, step as stepClientTransaction } from './step.js';
export { startInviteClient, inviteClientStep } from './invite-client.js';
export { startNonInviteClient, nonInviteClientStep } from './non-invite-client.js';
export { TIMEOUT_STATUS, TRANSPORT_ERROR_STATUS } from './types.js';
export type {
  ClientEffect,
  ClientInput,
  ClientState,
  ClientStateName,
  InviteClientState,
  InviteClientStateName,
  NonInviteClientState,
  NonInviteClientStateName,
  Step,
} from './types.js';
export { responseKey } from './match.js';
export type { ResponseKey, StrayReason } from './match.js';
export { buildAck, AckBuildError } from './ack.js';
