import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../transport/endpoint.js';
import type { TapDirection, WireTap } from '../transport/tap.js';
import { MAX_TCP_PAYLOAD, TCP_FLAG, tcpPacket, udpPacket, type PacketEnd } from './packets.js';
import type { PcapWriter } from './pcap-writer.js';

/** Unix time in milliseconds with a sub-millisecond fraction. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One synthesized TCP connection: the next sequence number of each end. */
interface Connection {
  nextLocal: number;
  nextRemote: number;
}

/**
 * A WireTap that writes what it sees to a pcap file (docs/pcap.md): each UDP datagram as an IP
 * packet with a UDP header; each message of a stream connection as a TCP segment (ACK|PSH)
 * with a running sequence number per end, after a synthesized three-way handshake when the
 * connection is first seen, so that Wireshark's TCP dissector follows the stream. Real
 * addresses and ports; the wall-clock time of the call.
 */
export class PcapCapture implements WireTap {
  private readonly connections = new Map<string, Connection>();
  private ipId = 0;

  constructor(
    private readonly writer: PcapWriter,
    private readonly now: () => number = wallClockMs,
    private readonly isn: () => number = () => randomBytes(4).readUInt32BE(0),
  ) {}

  datagram(direction: TapDirection, local: Endpoint, remote: Endpoint, bytes: Uint8Array): void {
    const [l, r] = sameFamily(local, remote);
    const [src, dst] = direction === 'out' ? [l, r] : [r, l];
    this.write(udpPacket(src, dst, bytes, this.nextId()));
  }

  stream(direction: TapDirection, local: Endpoint, remote: Endpoint, bytes: Uint8Array, opener: 'local' | 'remote'): void {
    const [l, r] = sameFamily(local, remote);
    const c = this.connection(l, r, opener);
    const [src, dst] = direction === 'out' ? [l, r] : [r, l];
    for (let at = 0; at < bytes.length; at += MAX_TCP_PAYLOAD) {
      const chunk = bytes.subarray(at, at + MAX_TCP_PAYLOAD);
      const last = at + MAX_TCP_PAYLOAD >= bytes.length;
      const seq = direction === 'out' ? c.nextLocal : c.nextRemote;
      const ack = direction === 'out' ? c.nextRemote : c.nextLocal;
      this.write(tcpPacket(src, dst, { seq, ack, flags: TCP_FLAG.ACK | (last ? TCP_FLAG.PSH : 0) }, chunk, this.nextId()));
      if (direction === 'out') c.nextLocal = (c.nextLocal + chunk.length) >>> 0;
      else c.nextRemote = (c.nextRemote + chunk.length) >>> 0;
    }
  }

  /** The connection between `l` and `r`; a new one starts with SYN, SYN-ACK, ACK from its opener. */
  private connection(l: PacketEnd, r: PacketEnd, opener: 'local' | 'remote'): Connection {
    const key = `${l.address}|${l.port}|${r.address}|${r.port}`;
    let c = this.connections.get(key);
    if (c) return c;
    const isnLocal = this.isn() >>> 0;
    const isnRemote = this.isn() >>> 0;
    c = { nextLocal: (isnLocal + 1) >>> 0, nextRemote: (isnRemote + 1) >>> 0 };
    this.connections.set(key, c);
    const [a, b, isnA, isnB] = opener === 'local' ? [l, r, isnLocal, isnRemote] : [r, l, isnRemote, isnLocal];
    this.write(tcpPacket(a, b, { seq: isnA, ack: 0, flags: TCP_FLAG.SYN }, undefined, this.nextId()));
    this.write(tcpPacket(b, a, { seq: isnB, ack: (isnA + 1) >>> 0, flags: TCP_FLAG.SYN | TCP_FLAG.ACK }, undefined, this.nextId()));
    this.write(tcpPacket(a, b, { seq: (isnA + 1) >>> 0, ack: (isnB + 1) >>> 0, flags: TCP_FLAG.ACK }, undefined, this.nextId()));
    return c;
  }

  private write(packet: Buffer): void {
    this.writer.packet(this.now(), packet);
  }

  private nextId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Closes the file. */
  close(): void {
    this.writer.close();
  }
}

/**
 * Both ends in one family, as one packet needs: a wildcard IPv6 end (`::`, a dual-stack
 * listener) facing an IPv4 peer becomes `0.0.0.0`; otherwise the IPv4 end is written as an
 * IPv4-mapped IPv6 address.
 */
function sameFamily(local: Endpoint, remote: Endpoint): [PacketEnd, PacketEnd] {
  if (local.family === remote.family) return [local, remote];
  if (local.family === 6 && local.address === '::') return [{ address: '0.0.0.0', port: local.port }, remote];
  const mapped = (e: Endpoint): PacketEnd => (e.family === 4 ? { address: `::ffff:${e.address}`, port: e.port } : e);
  return [mapped(local), mapped(remote)];
}
