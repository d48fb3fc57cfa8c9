import type net from 'node:net';
import { fromSystemError } from './errors.js';
import type { TransportName } from '../events/types.js';

/**
 * Binds a stream server (TCP, TLS, HTTP/HTTPS for WS/WSS) to `address:port`; a failure (port
 * in use, address not ours) closes it and rejects with a TransportError naming the transport.
 */
export async function bindServer(server: net.Server, transport: TransportName, address: string, port: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server.close();
    throw fromSystemError(err, { transport, local: { address, port } });
  }
}
