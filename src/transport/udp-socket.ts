import dgram from 'node:dgram';
import type { Endpoint } from './endpoint.js';
import { endpointFromNode, formatEndpoint } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { TransportError } from './errors.js';

/**
 * The largest UDP payload: 65535 minus the 8-byte UDP header and the 20-byte IPv4 header;
 * IPv6 has no header in the payload length, so 65535 − 8.
 */
export const UDP_MAX_PAYLOAD: Readonly<Record<4 | 6, number>> = { 4: 65507, 6: 65527 };

const WILDCARD: Readonly<Record<4 | 6, string>> = { 4: '0.0.0.0', 6: '::' };

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Creates a UDP socket of the family and binds it; rejects with a TransportError. With
 * `reuseAddr` (SO_REUSEADDR) another socket that also asks for it may bind the same address
 * and port (udp-sibling.ts).
 */
export async function bindUdpSocket(family: 4 | 6, address: string | undefined, port: number, reuseAddr = false): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr });
  const bindAddress = address ?? WILDCARD[family];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: bindAddress, port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    socket.close();
    throw fromSystemError(err, { transport: 'UDP', local: { address: bindAddress, port } });
  }
  return socket;
}

/** Connects a bound UDP socket to `remote`; rejects with a TransportError. */
export async function connectUdpSocket(socket: dgram.Socket, remote: Endpoint): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(fromSystemError(err, { transport: 'UDP', remote }));
    socket.once('error', onError);
    try {
      socket.connect(remote.port, remote.address, () => {
        socket.off('error', onError);
        resolve();
      });
    } catch (err) {
      socket.off('error', onError);
      reject(fromSystemError(err, { transport: 'UDP', remote }));
    }
  });
}

/** Closes a socket; resolves once it is closed. */
export function closeUdpSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/** The bound address of a socket as an Endpoint. */
export function boundEndpoint(socket: dgram.Socket): Endpoint {
  const a = socket.address();
  return endpointFromNode(a.address, a.port);
}

/**
 * The source address the kernel would pick to reach `remote`: a throw-away socket is
 * connected (no packet is sent) and asked for its address. Used when we are bound to the
 * wildcard address but need a concrete one for Via sent-by and Contact.
 */
export async function sourceAddressFor(remote: Endpoint): Promise<string> {
  const probe = dgram.createSocket({ type: remote.family === 6 ? 'udp6' : 'udp4' });
  try {
    await connectUdpSocket(probe, remote);
    return boundEndpoint(probe).address;
  } catch {
    // No route: sending will fail too, and say so; keep the honest wildcard meanwhile.
    return WILDCARD[remote.family];
  } finally {
    probe.close();
  }
}

/** The error for a message too big for one datagram, or undefined when it fits. */
export function checkDatagramSize(bytes: Uint8Array, remote: Endpoint): TransportError | undefined {
  const max = UDP_MAX_PAYLOAD[remote.family];
  if (bytes.length <= max) return undefined;
  return transportError(
    'MESSAGE_TOO_LARGE',
    { transport: 'UDP', remote },
    `the message to ${formatEndpoint(remote)}/udp is ${bytes.length} bytes, more than the ${max} bytes one UDP datagram over IPv${remote.family} can carry: send it over TCP (RFC 3261 §18.1.1)`,
  );
}

/**
 * Sends one datagram: to the connected peer when `to` is omitted. Failures (also synchronous
 * ones, like a closed socket) go to `onError`, always asynchronously.
 */
export function sendDatagram(
  socket: dgram.Socket,
  bytes: Uint8Array,
  remote: Endpoint,
  to: Endpoint | undefined,
  onError: (err: TransportError) => void,
): void {
  const tooLarge = checkDatagramSize(bytes, remote);
  if (tooLarge !== undefined) {
    queueMicrotask(() => onError(tooLarge));
    return;
  }
  const done = (err: Error | null): void => {
    if (err) onError(fromSystemError(err, { transport: 'UDP', remote }));
  };
  try {
    if (to === undefined) socket.send(bytes, done);
    else socket.send(bytes, to.port, to.address, done);
  } catch (err) {
    queueMicrotask(() => onError(fromSystemError(err, { transport: 'UDP', remote })));
  }
}
