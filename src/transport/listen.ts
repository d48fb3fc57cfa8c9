import type { ConnectionLimits, ConnectionTimers } from './connection-limits.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { openTcpListener } from './tcp-listener.js';
import type { ServerCertificate } from './tls-listener.js';
import type { Listener } from './transport.js';
import { openUdpListener } from './udp-listener.js';

export interface ListenOptions extends AddressPort, Partial<ConnectionLimits> {
  transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';
  /** Stream transports: the largest message accepted from a connection. Default 64 KiB. */
  maxMessageSize?: number;
  /** UDP: SO_RCVBUF and SO_SNDBUF to ask for (the kernel caps them at rmem_max / wmem_max). */
  socketBufferBytes?: number;
  /** TLS and WSS: our certificate and key (PEM). */
  certificate?: ServerCertificate;
  // TCP/TLS, the connection limits (connection-limits.ts): incompleteMessageTimeoutMs
  // (default 32 s), idleTimeoutMs (120 s), maxConnections (1,000), maxBufferedBytes (largest
  // message + 64 KiB). WS/WSS: maxMessageSize, maxConnections and idleTimeoutMs.
  /** Stream transports: the timers of the connection limits (the run's clock). */
  timers?: ConnectionTimers;
  /** Stream transports: whether an idle connection from `remote` is still needed by us. */
  inUse?: (remote: Endpoint) => boolean;
}

/**
 * The server side for `sipcall answer`: listens on `address:port` (0 = any free port) and
 * hands each message to `onMessage` with a `reply` that sends back to its source
 * (RFC 3261 §18.2.2): the datagram's source over UDP, the same connection over TCP, TLS and
 * WebSocket (RFC 7118 §5.2). Over stream transports, connections that break a limit are closed
 * and reported through `onDrop`. TLS and WSS need `certificate`. The TLS and WebSocket
 * listeners are loaded only when asked for. Rejects with a TransportError (EADDRINUSE,
 * EADDRNOTAVAIL, EACCES).
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  switch (options.transport) {
    case 'UDP':
      return openUdpListener({ address: options.address, port: options.port, ...(options.socketBufferBytes !== undefined ? { socketBufferBytes: options.socketBufferBytes } : {}) });
    case 'TCP':
      return openTcpListener(options);
    case 'TLS': {
      const certificate = needCertificate(options);
      const { openTlsListener } = await import('./tls-listener.js');
      return openTlsListener({ ...options, ...certificate });
    }
    case 'WS':
    case 'WSS': {
      const certificate = options.transport === 'WSS' ? needCertificate(options) : undefined;
      const { openWsListener } = await import('./ws-listener.js');
      return openWsListener({ address: options.address, port: options.port, ...(certificate ? { certificate } : {}), ...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}), ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}), ...streamUse(options) });
    }
  }
}

/** The WS listener's share of the options: the idle timeout, its clock, `inUse`. */
function streamUse(o: ListenOptions): Pick<ListenOptions, 'idleTimeoutMs' | 'timers' | 'inUse'> {
  return { ...(o.idleTimeoutMs !== undefined ? { idleTimeoutMs: o.idleTimeoutMs } : {}), ...(o.timers ? { timers: o.timers } : {}), ...(o.inUse ? { inUse: o.inUse } : {}) };
}

function needCertificate(options: ListenOptions): ServerCertificate {
  if (!options.certificate) throw new Error(`a ${options.transport} listener needs a certificate and its key`);
  return options.certificate;
}
