import net from 'node:net';
import { TransportBase } from './transport-base.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode, toEndpoint } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { TransportError, TransportErrorInit } from './errors.js';
import { frameStream } from './tcp-stream.js';
import type { FramedStream } from './tcp-stream.js';
import type { Transport } from './transport.js';

/** 64·T1 with the default T1 of 500 ms: as long as a client transaction waits (Timer B/F). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 32_000;

export interface TcpOptions {
  /** The target: an IP literal (resolve names first with resolveHost) and port. */
  remote: AddressPort;
  /** Where to bind; by default the kernel chooses. */
  local?: { address?: string; port?: number };
  /** Give up connecting after this long (ETIMEDOUT). Default 32000 ms. */
  connectTimeoutMs?: number;
  /** The largest message accepted from the stream. Default 1 MiB. */
  maxMessageSize?: number;
}

/**
 * A TCP client transport: one connection to the target, messages framed by Content-Length
 * (RFC 3261 §18.3). Responses arrive on the same connection (RFC 3261 §18.2.2: "If the
 * "sent-protocol" is a reliable transport protocol such as TCP or SCTP ... the response MUST be
 * sent using the existing connection to the source of the original request").
 *
 * Rejects with a TransportError when the connection is refused, times out or has no route;
 * throws a TypeError when `remote.address` is not an IP literal.
 */
export async function openTcp(options: TcpOptions): Promise<Transport> {
  const remote = toEndpoint(options.remote.address, options.remote.port);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const init: TransportErrorInit = { transport: 'TCP', remote };
  if (options.local !== undefined) {
    init.local = { address: options.local.address ?? (remote.family === 6 ? '::' : '0.0.0.0'), port: options.local.port ?? 0 };
  }
  const socket = net.connect({
    host: remote.address,
    port: remote.port,
    family: remote.family,
    localAddress: options.local?.address,
    localPort: options.local?.port,
    noDelay: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      socket.destroy();
      reject(transportError('ETIMEDOUT', init, `when connecting over TCP within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(fromSystemError(err, init));
    };
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
    }
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
  const local = endpointFromNode(socket.localAddress ?? '', socket.localPort ?? 0);
  return new TcpTransport(socket, local, remote, options.maxMessageSize);
}

class TcpTransport extends TransportBase implements Transport {
  readonly name = 'TCP' as const;
  readonly reliable = true;
  private readonly stream: FramedStream;

  constructor(
    socket: net.Socket,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    maxMessageSize: number | undefined,
  ) {
    super();
    this.stream = frameStream(
      socket,
      { transport: 'TCP', remote, maxMessageSize, answerPings: false },
      {
        message: (msg) => this.messages.emit(msg, remote),
        error: (err) => this.errors.emit(err),
        close: (reason) => this.closes.emit(reason),
      },
    );
  }

  send(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  close(): Promise<void> {
    return this.stream.end();
  }
}
