import type dgram from 'node:dgram';
import { bindUdpSocket, closeUdpSocket } from './udp-socket.js';

/**
 * Whether an unconnected sibling can share the port of the connected socket and be preferred
 * less than it. Linux (and the BSDs, where libuv's reuseAddr is SO_REUSEPORT) deliver a datagram
 * to the socket whose bound and connected addresses match it best, so the connected socket keeps
 * its peer's datagrams and its ICMP errors and the sibling gets only the rest. Windows picks
 * either socket: no sibling there.
 */
export const SIBLING_SUPPORTED = process.platform !== 'win32';

/**
 * Binds the socket requests leave from so that a sibling may share its port later
 * (SO_REUSEADDR). The port is first bound by a plain socket and released: that keeps the usual
 * EADDRINUSE for a `--local` port in use, and never lands on the port of another process's
 * shared socket (a port 0 bind with SO_REUSEADDR may). When the port is taken in between, the
 * socket is bound as before, without sharing. Rejects with a TransportError.
 */
export async function bindShareable(family: 4 | 6, address: string | undefined, port: number): Promise<{ socket: dgram.Socket; shared: boolean }> {
  const probe = await bindUdpSocket(family, address, port);
  const chosen = probe.address().port;
  await closeUdpSocket(probe);
  try {
    return { socket: await bindUdpSocket(family, address, chosen, true), shared: true };
  } catch {
    return { socket: await bindUdpSocket(family, address, port), shared: false };
  }
}

/**
 * The unconnected sibling of a connected socket, on the same address and port: it hears what
 * the kernel does not pass to the connected socket, i.e. datagrams from any other address or
 * port, such as the response of a multi-homed server that answers from another of its addresses
 * (RFC 3261 §18.2.2 asks the server to answer from where the request arrived only "if
 * possible"). RFC 3261 §18.1.2 then matches such a response like any other: by its Via branch,
 * not by its source. Undefined when it cannot be bound (the run goes on without it).
 */
export async function bindSibling(family: 4 | 6, address: string | undefined, port: number): Promise<dgram.Socket | undefined> {
  try {
    return await bindUdpSocket(family, address, port, true);
  } catch {
    return undefined;
  }
}
