import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type net from 'node:net';
import { TransportBase } from './transport-base.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode, toEndpoint } from './endpoint.js';
import { transportError } from './errors.js';
import type { TransportError, TransportErrorInit } from './errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './tcp.js';
import { frameStream } from './tcp-stream.js';
import type { FramedStream } from './tcp-stream.js';
import { tlsError, tlsFailure, type SeenCertificate } from './tls-errors.js';
import { seenCertificate, sessionInfo, type TlsSessionInfo } from './tls-info.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, nodeTlsOptions, type TlsClientOptions } from './tls-options.js';
import type { Transport } from './transport.js';

export interface TlsOptions extends TlsClientOptions {
  /** The target: an IP literal (resolve names first) and port (5061 by default: RFC 3261 §19.1.2). */
  remote: AddressPort;
  local?: { address?: string; port?: number };
  /** Give up connecting (TCP) after this long (ETIMEDOUT). Default 32000 ms. */
  connectTimeoutMs?: number;
  /** Give up on the TLS handshake after the TCP connection this long. Default 32000 ms. */
  handshakeTimeoutMs?: number;
  maxMessageSize?: number;
}

/** A TLS transport, with what its handshake negotiated. */
export interface TlsTransport extends Transport {
  readonly name: 'TLS';
  readonly tls: TlsSessionInfo;
}

/**
 * A TLS client transport (RFC 3261 §26.2: SIP over TLS "on a hop-by-hop basis"): one TLS
 * connection to the target, messages framed by Content-Length exactly as over TCP
 * (RFC 3261 §18.3), responses on the same connection (§18.2.2).
 *
 * The server certificate is verified against the system roots plus `ca`, and against
 * `servername` (or the IP address) unless `insecure`. Rejects with a TransportError:
 * system codes for the TCP connection (ECONNREFUSED, ETIMEDOUT…), `TLS_*` codes with the
 * reason in words for the handshake (src/transport/tls-errors.ts).
 */
export async function openTls(options: TlsOptions): Promise<TlsTransport> {
  const remote = toEndpoint(options.remote.address, options.remote.port);
  const connectMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const handshakeMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const init: TransportErrorInit = { transport: 'TLS', remote };
  if (options.local !== undefined) {
    init.local = { address: options.local.address ?? (remote.family === 6 ? '::' : '0.0.0.0'), port: options.local.port ?? 0 };
  }
  const started = performance.now();
  // node:tls passes the net.connect options (family, localAddress, localPort) through.
  const connectOptions: tls.ConnectionOptions & net.TcpNetConnectOpts = {
    ...nodeTlsOptions(options),
    host: remote.address,
    port: remote.port,
    family: remote.family,
    localAddress: options.local?.address,
    localPort: options.local?.port,
  };
  const socket = tls.connect(connectOptions);
  socket.setNoDelay(true);
  let connected = false;
  // The certificate, for the words of a failure: Node checks it in its own 'secure' listener
  // and destroys the socket when it is rejected, so look before it does.
  let seen: SeenCertificate | undefined;
  socket.prependOnceListener('secure', () => (seen = seenCertificate(socket)));
  await new Promise<void>((resolve, reject) => {
    let timer = setTimeout(() => fail(transportError('ETIMEDOUT', init, `when connecting over TCP (for TLS) within ${connectMs} ms`)), connectMs);
    const ctx = () => ({ transport: 'TLS' as const, remote, servername: options.servername, connected, certificate: seen, timeoutMs: handshakeMs });
    const onConnect = (): void => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => fail(tlsError('TLS_HANDSHAKE_TIMEOUT', ctx(), init)), handshakeMs);
    };
    const onSecure = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => fail(tlsFailure(err, ctx()));
    // The peer closing during the handshake, without an error (some servers just hang up).
    const onClose = (): void => fail(tlsFailure(Object.assign(new Error('socket disconnected'), { code: 'ECONNRESET' }), ctx()));
    function fail(err: TransportError): void {
      cleanup();
      socket.destroy();
      reject(err);
    }
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('secureConnect', onSecure);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    socket.once('connect', onConnect);
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
  const info = sessionInfo(socket, options.servername, Math.round((performance.now() - started) * 10) / 10);
  const local = endpointFromNode(socket.localAddress ?? '', socket.localPort ?? 0);
  return new TlsClient(socket, local, remote, info, options.maxMessageSize);
}

class TlsClient extends TransportBase implements TlsTransport {
  readonly name = 'TLS' as const;
  readonly reliable = true;
  private readonly stream: FramedStream;

  constructor(
    socket: tls.TLSSocket,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    readonly tls: TlsSessionInfo,
    maxMessageSize: number | undefined,
  ) {
    super();
    // A TLSSocket is a net.Socket whose 'data' is the decrypted stream.
    this.stream = frameStream(
      socket as net.Socket,
      { transport: 'TLS', remote, maxMessageSize, answerPings: false },
      {
        message: (msg) => this.messages.emit(msg, remote),
        error: (err) => this.errors.emit(afterHandshake(err, remote, tls.servername)),
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

/**
 * In TLS 1.3 the client finishes its handshake before the server has checked the client's
 * certificate (RFC 8446 §4.4.2), so a server that wants one says so with an alert after
 * `secureConnect`, when the first request is already on its way. Such an OpenSSL error is a
 * TLS failure too, with its reason, not an unknown system error.
 */
function afterHandshake(err: TransportError, remote: Endpoint, servername: string | undefined): TransportError {
  if (err.code !== 'UNKNOWN' || !/^ERR_SSL_/.test(err.errno ?? '')) return err;
  return tlsFailure(err.cause ?? err, { transport: 'TLS', remote, servername, connected: true });
}
