import type dgram from 'node:dgram';
import { Callbacks } from './callbacks.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode, familyOf } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { ConnectionDrop } from './connection-limits.js';
import type { TransportError } from './errors.js';
import type { Listener, ReplyFn } from './transport.js';
import { bindUdpSocket, boundEndpoint, sendDatagram } from './udp-socket.js';

/**
 * A bound, unconnected UDP socket that receives from anyone: the server side of `answer`, or
 * an extra listening port (e.g. the one advertised in Via). A reply goes to the source address
 * and port of the datagram, as RFC 3581 §4 has a server do for a request with `rport` (the
 * engine decides when the Via says otherwise, RFC 3261 §18.2.2).
 *
 * Port 0 picks a free port; `local` tells which. Rejects with a TransportError (EADDRINUSE, …).
 */
export async function openUdpListener(options: AddressPort & { socketBufferBytes?: number }): Promise<Listener> {
  const socket = await bindUdpSocket(familyOf(options.address) ?? 4, options.address, options.port);
  if (options.socketBufferBytes !== undefined) {
    // Best effort: the kernel caps the size (Linux: net.core.rmem_max / wmem_max).
    try {
      socket.setRecvBufferSize(options.socketBufferBytes);
      socket.setSendBufferSize(options.socketBufferBytes);
    } catch {
      // Kept at the system default.
    }
  }
  return new UdpListener(socket, boundEndpoint(socket));
}

class UdpListener implements Listener {
  readonly name = 'UDP' as const;
  readonly reliable = false;
  private readonly messages = new Callbacks<[Buffer, Endpoint, ReplyFn]>();
  private readonly errors = new Callbacks<[TransportError]>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly socket: dgram.Socket,
    readonly local: Endpoint,
  ) {
    socket.on('message', (msg, rinfo) => {
      const from = endpointFromNode(rinfo.address, rinfo.port);
      // Reply to the address exactly as the socket saw it (it may be IPv4-mapped IPv6).
      const to: Endpoint = { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 6 : 4 };
      const reply: ReplyFn = (bytes) => this.reply(bytes, from, to);
      this.messages.emit(msg, from, reply);
    });
    socket.on('error', (err) => this.errors.emit(fromSystemError(err, { transport: 'UDP', local })));
  }

  private reply(bytes: Uint8Array, from: Endpoint, to: Endpoint): void {
    if (this.closing !== undefined) {
      const err = transportError('CLOSED', { transport: 'UDP', remote: from }, 'the listener was closed before the reply');
      queueMicrotask(() => this.errors.emit(err));
      return;
    }
    sendDatagram(this.socket, bytes, from, to, (err) => this.errors.emit(err));
  }

  onMessage(cb: (msg: Buffer, from: Endpoint, reply: ReplyFn) => void): void {
    this.messages.add(cb);
  }

  onError(cb: (err: TransportError) => void): void {
    this.errors.add(cb);
  }

  socketBufferSizes(): { receive: number; send: number } | undefined {
    try {
      return { receive: this.socket.getRecvBufferSize(), send: this.socket.getSendBufferSize() };
    } catch {
      return undefined; // closed
    }
  }

  /** UDP has no connections to drop: never called. */
  onDrop(_cb: (drop: ConnectionDrop) => void): void {}

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}
