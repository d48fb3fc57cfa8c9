import type tls from 'node:tls';
import { DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS } from './connection-limits.js';
import { lazyBuiltin } from './lazy-builtin.js';
import { streamListener, type TcpListenOptions } from './tcp-listener.js';
import type { Listener } from './transport.js';
import { bindServer } from './bind-server.js';

/** The server's certificate chain and private key, PEM. */
export interface ServerCertificate {
  cert: string;
  key: string;
}

/**
 * A TLS server for `answer --transport tls` (RFC 3261 §26.2, §18): `node:tls` with our
 * certificate, TLS 1.2 at least (RFC 8996), no client certificate asked for. A connection is
 * taken once its handshake is done and framed by Content-Length exactly as over TCP, under the
 * same limits (connection-limits.ts); a handshake must finish within the incomplete-message
 * timeout (32 s by default). A failed handshake closes only that connection.
 */
export async function openTlsListener(options: TcpListenOptions & ServerCertificate): Promise<Listener> {
  const { createServer } = lazyBuiltin<typeof tls>('node:tls');
  const server = createServer({
    cert: options.cert,
    key: options.key,
    minVersion: 'TLSv1.2',
    handshakeTimeout: options.incompleteMessageTimeoutMs ?? DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS,
  });
  await bindServer(server, 'TLS', options.address, options.port);
  // A client that fails its handshake (wrong CA, not TLS at all) loses its connection; the
  // listener goes on.
  server.on('tlsClientError', () => {});
  return streamListener(server, 'TLS', 'secureConnection', options);
}
