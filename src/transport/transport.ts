import type { TransportName } from '../events/types.js';
import type { ConnectionDrop } from './connection-limits.js';
import type { Endpoint } from './endpoint.js';
import type { TransportError, TransportErrorCode } from './errors.js';

/**
 * Why a transport closed: `local` when `close()` was called, `peer` when the peer ended the
 * connection (TCP FIN), `error` after a reset or a fatal framing error.
 */
export type CloseReason = 'local' | 'peer' | 'error';

/**
 * A client transport: one socket or connection to one target. It moves bytes and frames
 * messages; it does not parse SIP (RFC 3261 §18: "The transport layer is responsible for the
 * actual transmission of requests and responses over network transports").
 *
 * Register the callbacks right after opening; nothing is queued for late listeners.
 */
export interface Transport {
  readonly name: TransportName;
  /** RFC 3261 §17.1.1.2: timers A and E are not used over a reliable transport. */
  readonly reliable: boolean;
  /** The address and port we send from (for Via sent-by and Contact). */
  readonly local: Endpoint;
  /** The target. */
  readonly remote: Endpoint;
  /** Sends one message. Never throws: failures arrive through `onError`. */
  send(bytes: Uint8Array): void;
  /** One complete message: a datagram, or one framed from the stream. Garbage is delivered too. */
  onMessage(cb: (msg: Buffer, from: Endpoint) => void): void;
  onError(cb: (err: TransportError) => void): void;
  /** Called once when the transport is closed, for whatever reason. */
  onClose(cb: (reason: CloseReason) => void): void;
  /** Releases the socket; afterwards the process can exit. Idempotent. */
  close(): Promise<void>;
}

/** Sends a response back where the request came from (RFC 3261 §18.2.2). */
export type ReplyFn = (bytes: Uint8Array) => void;

/**
 * A server-side transport for the `answer` command: receives from anyone, replies to the
 * source (UDP) or on the same connection (TCP).
 */
export interface Listener {
  readonly name: TransportName;
  readonly reliable: boolean;
  /** The bound address and port (port 0 in the options is replaced by the one chosen). */
  readonly local: Endpoint;
  onMessage(cb: (msg: Buffer, from: Endpoint, reply: ReplyFn) => void): void;
  onError(cb: (err: TransportError) => void): void;
  /**
   * A connection closed (or refused) for breaking one of the listener's limits, with the
   * limit and the peer (connection-limits.ts). Stream listeners only; UDP never calls it.
   */
  onDrop(cb: (drop: ConnectionDrop) => void): void;
  /**
   * An accepted connection ended, for whatever reason (as `Transport.onClose`), with the code of
   * the last error on it, if any: `--pcap` draws its FIN or RST (docs/pcap.md). Stream
   * listeners only.
   */
  onConnectionClose?(cb: (remote: Endpoint, reason: CloseReason, lastError: TransportErrorCode | undefined) => void): void;
  /**
   * UDP: SO_RCVBUF and SO_SNDBUF as the kernel reports them now (Linux: twice what was set,
   * capped at net.core.rmem_max / wmem_max); undefined when they cannot be read.
   */
  socketBufferSizes?(): { receive: number; send: number } | undefined;
  /** Stops listening and closes every accepted connection. Idempotent. */
  close(): Promise<void>;
}
