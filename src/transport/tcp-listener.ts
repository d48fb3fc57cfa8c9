import net from 'node:net';
import { ListenerCallbacks } from './listener-callbacks.js';
import { connectionDrop, connectionLimits, DEFAULT_LISTEN_MAX_MESSAGE_SIZE } from './connection-limits.js';
import type { ConnectionDrop, ConnectionLimits, ConnectionTimers } from './connection-limits.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode } from './endpoint.js';
import { fromSystemError } from './errors.js';
import type { TransportError, TransportErrorCode } from './errors.js';
import { frameStream } from './tcp-stream.js';
import type { FramedStream } from './tcp-stream.js';
import type { CloseReason, Listener, ReplyFn } from './transport.js';
import { bindServer } from './bind-server.js';

export interface TcpListenOptions extends AddressPort, Partial<ConnectionLimits> {
  /** The largest message accepted from a connection. Default 64 KiB. */
  maxMessageSize?: number;
  /** The timers of the connection limits (the run's clock); the host's when absent. */
  timers?: ConnectionTimers;
  /**
   * Asked when a connection from `remote` has been idle for `idleTimeoutMs`: true keeps it
   * another period (a transaction or dialog of ours is bound to it). Absent: never in use.
   */
  inUse?: (remote: Endpoint) => boolean;
}

/**
 * A TCP server for the `answer` command. Each accepted connection is framed on its own; a
 * reply is written on the connection the request came in on (RFC 3261 §18.2.2). Double-CRLF
 * keep-alive pings are answered with a CRLF pong (RFC 5626 §3.5.1).
 *
 * Connections are held to limits (connection-limits.ts: how many at once, how long an
 * incomplete message may wait, how long one may sit idle, how many bytes one may hold); one
 * that breaks a limit is closed and reported through `onDrop`, never through `onError`.
 *
 * Port 0 picks a free port; `local` tells which. Rejects with a TransportError (EADDRINUSE, …).
 */
export async function openTcpListener(options: TcpListenOptions): Promise<Listener> {
  const server = net.createServer({ noDelay: true });
  await bindServer(server, 'TCP', options.address, options.port);
  return streamListener(server, 'TCP', 'connection', options);
}

/**
 * The listening server `server` (bound) as a Listener: TCP (`connection`), or TLS
 * (`secureConnection`: a connection is taken once its handshake is done). Messages are framed
 * by Content-Length on each connection alike (RFC 3261 §18.3).
 */
export function streamListener(server: net.Server, name: 'TCP' | 'TLS', event: 'connection' | 'secureConnection', options: TcpListenOptions): Listener {
  const bound = server.address() as net.AddressInfo;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_LISTEN_MAX_MESSAGE_SIZE;
  const use = { ...(options.timers ? { timers: options.timers } : {}), ...(options.inUse ? { inUse: options.inUse } : {}) };
  return new TcpListener(server, name, event, endpointFromNode(bound.address, bound.port), maxMessageSize, connectionLimits(options, maxMessageSize), use);
}

class TcpListener extends ListenerCallbacks implements Listener {
  readonly reliable = true;
  private readonly connections = new Set<FramedStream>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: net.Server,
    readonly name: 'TCP' | 'TLS',
    event: 'connection' | 'secureConnection',
    readonly local: Endpoint,
    private readonly maxMessageSize: number,
    private readonly limits: ConnectionLimits,
    private readonly use: Pick<TcpListenOptions, 'timers' | 'inUse'>,
  ) {
    super();
    server.on(event, (socket: net.Socket) => this.accept(socket));
    server.on('error', (err) => this.errors.emit(fromSystemError(err, { transport: name, local })));
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const from = endpointFromNode(socket.remoteAddress ?? '', socket.remotePort ?? 0);
    const { maxConnections, incompleteMessageTimeoutMs, maxBufferedBytes, idleTimeoutMs } = this.limits;
    if (this.connections.size >= maxConnections) {
      socket.destroy();
      this.drops.emit(connectionDrop('max-connections', this.name, from, this.connections.size, maxConnections));
      return;
    }
    let lastError: TransportErrorCode | undefined;
    const stream: FramedStream = frameStream(
      socket,
      {
        transport: this.name,
        remote: from,
        maxMessageSize: this.maxMessageSize,
        answerPings: true,
        limits: { incompleteMessageTimeoutMs, maxBufferedBytes, idleTimeoutMs },
        ...(this.use.timers ? { timers: this.use.timers } : {}),
        ...(this.use.inUse ? { inUse: () => this.use.inUse!(from) } : {}),
      },
      {
        message: (msg) => this.messages.emit(msg, from, (bytes) => stream.write(bytes)),
        error: (err) => {
          lastError = err.code;
          this.errors.emit(err);
        },
        close: (reason) => {
          this.connections.delete(stream);
          this.ends.emit(from, reason, lastError);
        },
        limit: (limit, held, max) => this.drops.emit(connectionDrop(limit, this.name, from, held, max)),
      },
    );
    this.connections.add(stream);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      await Promise.all([...this.connections].map((c) => c.end()));
      await serverClosed;
    })();
    return this.closing;
  }
}
