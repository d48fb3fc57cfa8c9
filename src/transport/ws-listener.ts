import http from 'node:http';
import type net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ListenerCallbacks } from './listener-callbacks.js';
import { ConnectionGuard } from './connection-guard.js';
import { connectionDrop, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_LISTEN_MAX_MESSAGE_SIZE, DEFAULT_MAX_CONNECTIONS } from './connection-limits.js';
import type { ConnectionDrop, ConnectionTimers } from './connection-limits.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { TransportError, TransportErrorCode } from './errors.js';
import { lazyBuiltin } from './lazy-builtin.js';
import type { ServerCertificate } from './tls-listener.js';
import type { CloseReason, Listener, ReplyFn } from './transport.js';
import { bindServer } from './bind-server.js';

export interface WsListenOptions extends AddressPort {
  /** WSS: our certificate (the HTTP server is then HTTPS); absent: plain WS. */
  certificate?: ServerCertificate;
  /** The largest message accepted (one WebSocket message). Default 64 KiB. */
  maxMessageSize?: number;
  /** At most this many connections at once (default 1,000). */
  maxConnections?: number;
  /** A WebSocket connection idle this long, and not `inUse`, is closed (default 120 s; connection-limits.ts). */
  idleTimeoutMs?: number;
  /** The idle timer's clock (the run's); the host's when absent. */
  timers?: ConnectionTimers;
  /** Whether an idle connection from `remote` is still needed by us (a transaction or dialog). */
  inUse?: (remote: Endpoint) => boolean;
}

/** Only CRLFs (an RFC 5626 keep-alive sent as a frame): not a message. */
function onlyCrlf(buf: Buffer): boolean {
  for (const b of buf) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}

/**
 * A SIP over WebSocket server (RFC 7118) for `answer --transport ws|wss`: an HTTP (or, with a
 * certificate, HTTPS) server whose upgrade requests become WebSocket connections. The
 * handshake must offer the sub-protocol `sip` (§4.1), else it is refused with 400. Each
 * WebSocket message is one SIP message (§5.1); a reply goes back as one text frame on the
 * connection the request came on (§5.2: the server has no other way to reach a client).
 * Frames holding only CRLFs (keep-alives) are dropped. A message over `maxMessageSize` closes
 * its connection (ws status 1009), a connection over `maxConnections` is refused, one idle for
 * `idleTimeoutMs` (no message either way, nothing of ours bound to it) is closed (status 1000):
 * each is reported through `onDrop`. A socket that never completes its upgrade request is
 * closed by Node's HTTP server (408) after `idleTimeoutMs` too (`headersTimeout`; not reported).
 */
export async function openWsListener(options: WsListenOptions): Promise<Listener> {
  const name = options.certificate ? ('WSS' as const) : ('WS' as const);
  // A socket that never completes its upgrade request: Node's HTTP server closes it (408) once
  // the headers take longer than the idle timeout, checked a few times per period.
  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const checks: http.ServerOptions = { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(idle / 4))), headersTimeout: idle, requestTimeout: Math.max(300_000, idle) };
  const server: net.Server = options.certificate
    ? lazyBuiltin<typeof import('node:https')>('node:https').createServer({ ...checks, cert: options.certificate.cert, key: options.certificate.key, minVersion: 'TLSv1.2' })
    : http.createServer(checks);
  await bindServer(server, name, options.address, options.port);
  const bound = server.address() as net.AddressInfo;
  return new WsListener(server as http.Server, name, endpointFromNode(bound.address, bound.port), options);
}

class WsListener extends ListenerCallbacks implements Listener {
  readonly reliable = true;
  private readonly wss: WebSocketServer;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: http.Server,
    readonly name: 'WS' | 'WSS',
    readonly local: Endpoint,
    options: WsListenOptions,
  ) {
    super();
    const maxMessageSize = options.maxMessageSize ?? DEFAULT_LISTEN_MAX_MESSAGE_SIZE;
    const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.wss = new WebSocketServer({
      server,
      maxPayload: maxMessageSize,
      perMessageDeflate: false,
      // RFC 7118 §4.1: the client offers "sip" and the server answers with it.
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
      verifyClient: (info, done) => {
        const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim().toLowerCase());
        if (!offered.includes('sip')) return done(false, 400, 'the WebSocket sub-protocol "sip" is required (RFC 7118 §4.1)');
        if (this.wss.clients.size >= maxConnections) {
          const from = endpointFromNode(info.req.socket.remoteAddress ?? '', info.req.socket.remotePort ?? 0);
          this.drops.emit(connectionDrop('max-connections', name, from, this.wss.clients.size, maxConnections));
          return done(false, 503, 'too many connections');
        }
        done(true);
      },
    });
    this.wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
      const from = endpointFromNode(req.socket.remoteAddress ?? '', req.socket.remotePort ?? 0);
      const reply: ReplyFn = (bytes) => {
        if (ws.readyState !== WebSocket.OPEN) {
          const err = transportError('CLOSED', { transport: name, remote: from }, 'the WebSocket connection closed before the reply');
          queueMicrotask(() => this.errors.emit(err));
          return;
        }
        ws.send(bytes, { binary: false });
        guard.afterWrite(0);
      };
      // Only the idle timeout applies here: `ws` bounds a message's size itself (maxPayload).
      const guard = new ConnectionGuard(
        { idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, incompleteMessageTimeoutMs: Infinity, maxBufferedBytes: Infinity },
        (limit, held, max) => {
          ended ??= { reason: 'local' };
          ws.close(1000, 'idle');
          this.drops.emit(connectionDrop(limit, name, from, held, max));
        },
        options.timers,
        options.inUse ? () => options.inUse!(from) : undefined,
      );
      ws.on('message', (data: WebSocket.RawData) => {
        guard.afterData(0, 0, 1);
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (onlyCrlf(buf)) return;
        this.messages.emit(buf, from, reply);
      });
      // How it ended (onConnectionClose): dropped by us (too large, or our close), or an error.
      let ended: { reason: CloseReason; lastError?: TransportErrorCode } | undefined;
      ws.on('error', (err: Error & { code?: string }) => {
        if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          ended ??= { reason: 'local' };
          this.drops.emit(connectionDrop('max-buffered-bytes', name, from, maxMessageSize + 1, maxMessageSize));
        } else {
          const e = fromSystemError(err, { transport: name, remote: from });
          ended ??= { reason: 'error', lastError: e.code };
          this.errors.emit(e);
        }
      });
      ws.on('close', () => {
        guard.stop();
        const end = ended ?? { reason: this.closing !== undefined ? 'local' : 'peer' };
        this.ends.emit(from, end.reason, end.lastError);
      });
    });
    this.wss.on('error', (err) => this.errors.emit(fromSystemError(err, { transport: name, local })));
    server.on('error', (err) => this.errors.emit(fromSystemError(err, { transport: name, local })));
    // A TLS client that fails its handshake only loses its own connection.
    server.on('tlsClientError', () => {});
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const ws of this.wss.clients) ws.terminate();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
      this.server.closeAllConnections?.();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    })();
    return this.closing;
  }
}
