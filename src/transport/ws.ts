import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import WebSocket from 'ws';
import { TransportBase } from './transport-base.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode, formatEndpoint, toEndpoint } from './endpoint.js';
import { fromSystemError, transportError, TransportError } from './errors.js';
import type { TransportErrorInit } from './errors.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './stream-framer.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './tcp.js';
import { tlsError, tlsFailure, type SeenCertificate } from './tls-errors.js';
import { seenCertificate, sessionInfo, type TlsSessionInfo } from './tls-info.js';
import { nodeTlsOptions, type TlsClientOptions } from './tls-options.js';
import type { CloseReason, Transport } from './transport.js';

/** RFC 7118 §4.1: the WebSocket sub-protocol of SIP. */
export const SIP_SUBPROTOCOL = 'sip';

export interface WsOptions extends TlsClientOptions {
  /** `ws://host:port/path` or `wss://…`: the scheme picks WS or WSS; the host goes into Host. */
  url: string;
  /** The address to connect to (the URL's host, resolved) and port. */
  remote: AddressPort;
  local?: { address?: string; port?: number };
  /** Limit for the whole opening handshake (TCP, TLS, HTTP Upgrade). Default 32000 ms. */
  handshakeTimeoutMs?: number;
  maxMessageSize?: number;
}

/** A WebSocket transport; `tls` is set for WSS. */
export interface WsTransport extends Transport {
  readonly name: 'WS' | 'WSS';
  readonly url: string;
  readonly tls?: TlsSessionInfo;
}

/**
 * A SIP over WebSocket client (RFC 7118): one WebSocket connection to `url`, sub-protocol
 * `sip` (§4.1: the client MUST offer it, the server MUST accept it), each SIP message in one
 * text frame (§5.1: "each SIP message MUST be carried within a single WebSocket message"), and
 * each WebSocket message taken as one SIP message, so no Content-Length framing is needed
 * (§5: Content-Length "is not needed"). WebSocket runs over TCP: reliable, so the client
 * transactions use no Timers A/E and D = K = 0 (RFC 3261 §17.1.1.2, §17.1.2.2).
 *
 * The connection goes to `remote` (the URL's host, resolved); the URL's host stays in the
 * Host header and, for WSS, in SNI and the certificate check. Rejects with a TransportError:
 * system codes for the TCP connection, `TLS_*` for the TLS handshake (WSS), `WS_HANDSHAKE`
 * when the HTTP Upgrade is refused or `sip` is not accepted.
 */
export async function openWs(options: WsOptions): Promise<WsTransport> {
  const url = new URL(options.url);
  const secure = url.protocol === 'wss:';
  if (!secure && url.protocol !== 'ws:') throw new TypeError(`not a ws:// or wss:// URL: ${options.url}`);
  const name = secure ? ('WSS' as const) : ('WS' as const);
  const remote = toEndpoint(options.remote.address, options.remote.port);
  const init: TransportErrorInit = { transport: name, remote };
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const hostHeader = url.host;
  const connectUrl = new URL(url.href);
  connectUrl.hostname = remote.family === 6 ? `[${remote.address}]` : remote.address;
  connectUrl.port = String(remote.port);
  const servername = options.servername ?? (url.hostname.startsWith('[') || /^[\d.]+$/.test(url.hostname) ? undefined : url.hostname);

  const started = performance.now();
  let tcpConnected = false;
  let tlsDone = false;
  let socket: net.Socket | undefined;
  let tlsInfo: TlsSessionInfo | undefined;
  let httpStatus: number | undefined;
  let seen: SeenCertificate | undefined;
  // Our own connection factory (as ws's own, but it lets us see the TCP connect and the TLS
  // socket). http.request hands it the HTTP path as `path`, which net.connect would take
  // for a Unix socket: drop it.
  const createConnection = (o: tls.ConnectionOptions & net.NetConnectOpts): net.Socket => {
    const opts = { ...o, path: undefined } as tls.ConnectionOptions & net.TcpNetConnectOpts;
    const s = secure ? tls.connect(opts) : net.connect(opts);
    s.once('connect', () => (tcpConnected = true));
    s.once('secureConnect', () => (tlsDone = true));
    // the certificate, before Node destroys a socket whose certificate it rejects (as in tls.ts)
    if (secure) s.prependOnceListener('secure', () => (seen = seenCertificate(s as tls.TLSSocket)));
    socket = s;
    return s;
  };
  const ws = new WebSocket(connectUrl.href, [SIP_SUBPROTOCOL], {
    ...(secure ? nodeTlsOptions({ ...options, servername }) : {}),
    // no SNI for an IP literal (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted")
    servername: secure ? (servername ?? '') : undefined,
    headers: { Host: hostHeader },
    family: remote.family,
    localAddress: options.local?.address,
    ...(options.local?.port !== undefined ? { localPort: options.local.port } : {}),
    handshakeTimeout: timeoutMs,
    perMessageDeflate: false,
    maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    createConnection: createConnection as unknown as WebSocket.ClientOptions['createConnection'],
  } as WebSocket.ClientOptions);
  ws.once('upgrade', () => {
    if (secure && socket) tlsInfo = sessionInfo(socket as tls.TLSSocket, servername, Math.round((performance.now() - started) * 10) / 10);
  });

  await new Promise<void>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      httpStatus = res.statusCode;
      res.resume();
      fail(transportError('WS_HANDSHAKE', init, `the WebSocket upgrade to ${url.href} was refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd() + ' (wrong path, or no WebSocket on that port?)'));
    });
    ws.once('open', () => {
      cleanup();
      if (ws.protocol !== SIP_SUBPROTOCOL) {
        ws.terminate();
        reject(transportError('WS_HANDSHAKE', init, `the server at ${url.href} did not accept the WebSocket sub-protocol "sip" (RFC 7118 §4.1)${ws.protocol ? `; it chose "${ws.protocol}"` : ''}`));
        return;
      }
      resolve();
    });
    const onError = (err: Error): void => {
      if (httpStatus !== undefined) return;
      const ctx = { transport: name, remote, servername, connected: tcpConnected, timeoutMs, certificate: seen };
      if (/Opening handshake has timed out/.test(err.message)) {
        fail(
          tcpConnected && secure && !tlsDone
            ? tlsError('TLS_HANDSHAKE_TIMEOUT', ctx, init)
            : tcpConnected
              ? transportError('WS_HANDSHAKE', init, `no answer to the WebSocket upgrade from ${formatEndpoint(remote)} within ${timeoutMs} ms`)
              : transportError('ETIMEDOUT', init, `when connecting within ${timeoutMs} ms`),
        );
        return;
      }
      if (secure && !tlsDone) {
        fail(tlsFailure(err, ctx));
        return;
      }
      if ((err as NodeJS.ErrnoException).code !== undefined) {
        fail(fromSystemError(err, init));
        return;
      }
      // ws checks Sec-WebSocket-Protocol itself ("Server sent no subprotocol", "Server sent an invalid subprotocol")
      const detail = /subprotocol/i.test(err.message)
        ? `the server at ${url.href} did not accept the WebSocket sub-protocol "sip" (RFC 7118 §4.1): ${err.message}`
        : `the WebSocket handshake with ${url.href} failed: ${err.message}`;
      fail(transportError('WS_HANDSHAKE', init, detail));
    };
    ws.once('error', onError);
    function fail(err: TransportError): void {
      cleanup();
      // terminate() of a connecting WebSocket reports one more error: nobody needs it now
      ws.on('error', () => undefined);
      ws.terminate();
      reject(err);
    }
    function cleanup(): void {
      ws.off('error', onError);
    }
  });
  const local = endpointFromNode(socket?.localAddress ?? '', socket?.localPort ?? 0);
  return new WsClient(ws, name, url.href, local, remote, tlsInfo);
}

class WsClient extends TransportBase implements WsTransport {
  readonly reliable = true;
  private reason: CloseReason | undefined;
  private closing: Promise<void> | undefined;
  private readonly finished: Promise<void>;
  private readonly init: TransportErrorInit;

  constructor(
    private readonly ws: WebSocket,
    readonly name: 'WS' | 'WSS',
    readonly url: string,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    readonly tls: TlsSessionInfo | undefined,
  ) {
    super();
    this.init = { transport: name, remote };
    this.finished = new Promise((resolve) => ws.once('close', () => resolve()));
    // RFC 7118 §5.1: one SIP message per WebSocket message, text or binary.
    ws.on('message', (data: WebSocket.RawData) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      this.messages.emit(buf, remote);
    });
    ws.on('error', (err) => {
      this.reason ??= 'error';
      this.errors.emit(err instanceof TransportError ? err : fromSystemError(err, this.init));
    });
    ws.on('close', () => this.closes.emit(this.reason ?? 'peer'));
  }

  /** Sends one SIP message as one text frame (RFC 7118 §5.1: SIP is UTF-8 text). */
  send(bytes: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      const err = transportError('CLOSED', this.init, this.reason === 'local' ? 'close() was called' : 'nothing can be sent on it any more');
      queueMicrotask(() => this.errors.emit(err));
      return;
    }
    this.ws.send(bytes, { binary: false });
  }

  /**
   * Sends a Close frame (RFC 6455 §5.5.1, status 1000) and waits briefly for the server's;
   * then drops the connection, so a probe never waits on a slow peer.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.reason ??= 'local';
      if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
      const timer = setTimeout(() => this.ws.terminate(), 250);
      if (this.ws.readyState === WebSocket.CLOSED) clearTimeout(timer);
      await this.finished;
      clearTimeout(timer);
    })();
    return this.closing;
  }
}
