import type { ConnectionLimits } from './connection-limits.js';
import type { AddressPort } from './endpoint.js';
import { openTcpListener } from './tcp-listener.js';
import type { Listener } from './transport.js';
import { openUdpListener } from './udp-listener.js';

export interface ListenOptions extends AddressPort, Partial<ConnectionLimits> {
  transport: 'UDP' | 'TCP';
  /** TCP only: the largest message accepted from a connection. Default 64 KiB. */
  maxMessageSize?: number;
  // TCP only, the connection limits (connection-limits.ts): incompleteMessageTimeoutMs
  // (default 32 s), maxConnections (1,000), maxBufferedBytes (largest message + 64 KiB).
}

/**
 * The server side for `sipcall answer`: listens on `address:port` (0 = any free port) and
 * hands each message to `onMessage` with a `reply` that sends back to its source
 * (RFC 3261 §18.2.2). Over TCP, connections that break a limit are closed and reported through
 * `onDrop`. Rejects with a TransportError (EADDRINUSE, EADDRNOTAVAIL, EACCES).
 */
export function listen(options: ListenOptions): Promise<Listener> {
  return options.transport === 'UDP'
    ? openUdpListener({ address: options.address, port: options.port })
    : openTcpListener(options);
}
