import type net from 'node:net';
import type { TransportName } from '../events/types.js';
import { ConnectionGuard, type GuardLimits } from './connection-guard.js';
import type { ConnectionLimit, ConnectionTimers } from './connection-limits.js';
import type { Endpoint } from './endpoint.js';
import { formatEndpoint } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { TransportError } from './errors.js';
import { StreamFramer } from './stream-framer.js';
import type { CloseReason } from './transport.js';

export interface StreamHandlers {
  message(msg: Buffer): void;
  error(err: TransportError): void;
  close(reason: CloseReason): void;
  /** With `limits`: the connection broke one and is being closed (reason `local`). */
  limit?(limit: ConnectionLimit, held: number, max: number): void;
}

export interface StreamOptions {
  transport: TransportName;
  remote: Endpoint;
  maxMessageSize?: number;
  /** Answer a double-CRLF "ping" with a single-CRLF "pong" (RFC 5626 §3.5.1), as a server does. */
  answerPings: boolean;
  /** Server side: close the connection when it breaks one of these (connection-limits.ts). */
  limits?: GuardLimits;
  /** The timers `limits` run on (the run's clock); the host's when absent. */
  timers?: ConnectionTimers;
  /** With `limits.idleTimeoutMs`: whether something of ours still needs this idle connection. */
  inUse?: () => boolean;
}

/**
 * How long a connection we end gracefully (a stream that cannot be framed, an idle one) may
 * take to flush what we wrote and see the peer's FIN before it is destroyed outright.
 */
export const GRACEFUL_CLOSE_MS = 2000;

/** What the owner of a framed stream can do with it. */
export interface FramedStream {
  /** Writes bytes; a closed or failing connection is reported through `error`, never thrown. */
  write(bytes: Uint8Array): void;
  /**
   * Closes the connection at once (bytes Node has not yet handed to the kernel are dropped);
   * resolves when the socket is released. `close` is reported with reason `local`.
   */
  end(): Promise<void>;
}

/**
 * Wires a connected socket to a StreamFramer: complete messages go to `message`; resets,
 * framing errors and a peer closing mid-message go to `error`; the end, whatever its cause,
 * to `close` (exactly once).
 */
export function frameStream(socket: net.Socket, options: StreamOptions, handlers: StreamHandlers): FramedStream {
  const framer = new StreamFramer({ maxMessageSize: options.maxMessageSize });
  const init = { transport: options.transport, remote: options.remote };
  let reason: CloseReason | undefined;
  let brokenLimit: ConnectionLimit | undefined;
  let closed: Promise<void> | undefined;
  const finished = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  /** After a framing error or the idle timeout: what still arrives is read and dropped. */
  let draining = false;
  /**
   * Ends the connection after the bytes we already wrote: `end()` flushes them and sends FIN,
   * while what the peer still sends is read and dropped (closing a socket with unread bytes
   * would send RST, and a peer's stack may then discard the reply it has not read yet).
   * Destroyed after GRACEFUL_CLOSE_MS if the peer does not close its side by then.
   */
  const endGracefully = (): void => {
    if (draining || socket.destroyed) return;
    draining = true;
    socket.end();
    const bound = setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_MS);
    bound.unref?.();
    socket.once('close', () => clearTimeout(bound));
  };
  const guard = options.limits
    ? new ConnectionGuard(
        options.limits,
        (limit, held, max) => {
          reason ??= 'local';
          brokenLimit = limit;
          // Idle: nothing is owed either way, a FIN will do. Otherwise the peer is misbehaving.
          if (limit === 'idle-timeout') endGracefully();
          else socket.destroy();
          handlers.limit?.(limit, held, max);
        },
        options.timers,
        options.inUse,
      )
    : undefined;

  socket.on('data', (chunk: Buffer) => {
    if (draining) return;
    const out = framer.push(chunk);
    for (const msg of out.messages) {
      if (socket.destroyed) return;
      handlers.message(msg);
    }
    if (options.answerPings && out.pings > 0 && socket.writable) socket.write('\r\n'.repeat(out.pings));
    if (out.error === undefined && guard && !guard.afterData(framer.buffered, socket.writableLength, out.messages.length)) return;
    if (out.error !== undefined) {
      reason ??= 'error';
      guard?.stop();
      handlers.error(transportError(out.error.code, init, `${out.error.message} (from ${formatEndpoint(options.remote)}, at stream offset ${out.error.offset}); the connection is closed because the stream cannot be split any further`));
      // RFC 3261 §18.3: the connection is closed, but after the replies already written (to
      // the messages framed before the error), which would otherwise be lost.
      endGracefully();
    }
  });
  socket.on('end', () => {
    reason ??= 'peer';
    if (draining) return;
    const pending = framer.buffered;
    if (pending > 0) {
      handlers.error(transportError('CLOSED_MID_MESSAGE', init, `${pending} bytes of an unfinished message were discarded`));
    }
  });
  socket.on('error', (err) => {
    reason ??= 'error';
    handlers.error(fromSystemError(err, init));
  });
  socket.on('close', () => {
    guard?.stop();
    handlers.close(reason ?? 'peer');
  });

  return {
    write(bytes) {
      if (socket.destroyed || !socket.writable) {
        const err = transportError('CLOSED', init, reason === 'local' ? (brokenLimit ? `sipcall closed it (${brokenLimit})` : 'close() was called') : 'nothing can be sent on it any more');
        queueMicrotask(() => handlers.error(err));
        return;
      }
      socket.write(bytes);
      guard?.afterWrite(framer.buffered + socket.writableLength);
    },
    end() {
      closed ??= (async () => {
        reason ??= 'local';
        socket.destroy();
        await finished;
      })();
      return closed;
    },
  };
}
