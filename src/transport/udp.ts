import type dgram from 'node:dgram';
import { TransportBase } from './transport-base.js';
import type { AddressPort, Endpoint } from './endpoint.js';
import { endpointFromNode, familyOf, toEndpoint } from './endpoint.js';
import { fromSystemError, transportError } from './errors.js';
import type { TransportError } from './errors.js';
import type { Transport } from './transport.js';
import { bindShareable, bindSibling, SIBLING_SUPPORTED } from './udp-sibling.js';
import { bindUdpSocket, boundEndpoint, closeUdpSocket, connectUdpSocket, isWildcard, sendDatagram, sourceAddressFor } from './udp-socket.js';

export interface UdpOptions {
  /** The target: an IP literal (resolve names first with resolveHost) and port. */
  remote: AddressPort;
  /** Where to bind; by default any address of the target's family and a free port. */
  local?: { address?: string; port?: number };
  /**
   * Use an unconnected socket that accepts datagrams from any source. By default the socket is
   * `connect()`ed to the target, so an ICMP port unreachable arrives as ECONNREFUSED; a
   * connected socket alone drops replies from any other address or port (a multi-homed peer
   * answering from another address), so an unconnected sibling shares its port and passes
   * those on (udp-sibling.ts). The engine chooses.
   */
  acceptFromAny?: boolean;
}

/**
 * A UDP client transport: one socket for the whole run; responses are accepted at the socket
 * the request was sent from, the address and port a server using RFC 3581 `rport` (symmetric
 * response routing) answers to, and the one put in Via sent-by (RFC 3261 §18.1.1). Datagrams
 * from any address to that port are delivered too (through the sibling socket): RFC 3261
 * §18.1.2 matches a response by its branch, wherever it came from.
 *
 * Rejects with a TransportError when the socket cannot be bound or connected; throws a
 * TypeError when `remote.address` is not an IP literal.
 */
export async function openUdp(options: UdpOptions): Promise<Transport> {
  const remote = toEndpoint(options.remote.address, options.remote.port);
  const localFamily = options.local?.address === undefined ? undefined : familyOf(options.local.address);
  const family = localFamily ?? remote.family;
  const connected = options.acceptFromAny !== true;
  const { socket, shared } = connected && SIBLING_SUPPORTED
    ? await bindShareable(family, options.local?.address, options.local?.port ?? 0)
    : { socket: await bindUdpSocket(family, options.local?.address, options.local?.port ?? 0), shared: false };
  let sibling: dgram.Socket | undefined;
  if (connected) {
    try {
      await connectUdpSocket(socket, remote);
    } catch (err) {
      socket.close();
      throw err;
    }
    // After connect(): the connected socket is the better match for the target's datagrams.
    if (shared) sibling = await bindSibling(family, options.local?.address, socket.address().port);
  }
  let local = boundEndpoint(socket);
  if (isWildcard(local.address)) local = { ...local, address: await sourceAddressFor(remote) };
  return new UdpTransport(socket, local, remote, connected, sibling);
}

class UdpTransport extends TransportBase implements Transport {
  readonly name = 'UDP' as const;
  readonly reliable = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly socket: dgram.Socket,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    private readonly connected: boolean,
    private readonly sibling?: dgram.Socket,
  ) {
    super();
    socket.on('message', (msg, rinfo) => this.messages.emit(msg, endpointFromNode(rinfo.address, rinfo.port)));
    // Only what the connected socket cannot take: datagrams from another address or port.
    sibling?.on('message', (msg, rinfo) => this.messages.emit(msg, endpointFromNode(rinfo.address, rinfo.port)));
    sibling?.on('error', () => {}); // nothing is sent from it: no error of it concerns the run
    // On a connected socket, ICMP port/host unreachable arrives here (recvmsg ECONNREFUSED).
    socket.on('error', (err) => this.errors.emit(fromSystemError(err, { transport: 'UDP', remote })));
  }

  send(bytes: Uint8Array): void {
    if (this.closing !== undefined) {
      const err = transportError('CLOSED', { transport: 'UDP', remote: this.remote }, 'close() was called');
      queueMicrotask(() => this.errors.emit(err));
      return;
    }
    sendDatagram(this.socket, bytes, this.remote, this.connected ? undefined : this.remote, (err) =>
      this.errors.emit(err),
    );
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([closeUdpSocket(this.socket), this.sibling && closeUdpSocket(this.sibling)]).then(() => {
      this.closes.emit('local');
    });
    return this.closing;
  }
}
