import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../transport/endpoint.js';
import type { StreamEnd, TapDirection, WireTap } from '../transport/tap.js';
import { MAX_TCP_PAYLOAD, TCP_FLAG, tcpPacket, udpPacket, type PacketEnd } from './packets.js';
import type { PcapWriter } from './pcap-writer.js';

/** Unix time in milliseconds with a sub-millisecond fraction. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One synthesized TCP connection: the next sequence number of each end; `ended` once its FIN or RST is written. */
interface Connection {
  nextLocal: number;
  nextRemote: number;
  ended?: boolean;
}

/**
 * A WireTap that writes what it sees to a pcap file (docs/pcap.md): each UDP datagram as an IP
 * packet with a UDP header; each message of a stream connection as a TCP segment (ACK|PSH)
 * with a running sequence number per end, after a synthesized three-way handshake when the
 * connection is first seen, so that Wireshark's TCP dissector follows the stream; when it ends,
 * FINs both ways (a normal close) or one RST (a reset or a failure). Real addresses and ports;
 * the wall-clock time of the call.
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
    let c = this.connection(l, r, opener);
    if (c.ended) {
      // What we write after the end never reached the wire; what arrives came on a new
      // connection between the same two ports.
      if (direction === 'out') return;
      this.connections.delete(connectionKey(l, r));
      c = this.connection(l, r, opener);
    }
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

  /**
   * The end of a stream connection (RFC 9293 §3.6). `fin`: the end that closed first sends
   * FIN|ACK, the other answers with its own FIN|ACK, the first ACKs it (each FIN takes one
   * sequence number: "the FIN ... is assigned a sequence number"; §3.4). `rst`: one RST|ACK from
   * the end that reset or abandoned it, at its next sequence number (§3.5.2). Nothing is
   * written for this connection afterwards. A connection that carried no message yet still
   * gets its handshake first: it was open.
   */
  streamEnd(local: Endpoint, remote: Endpoint, end: StreamEnd, opener: 'local' | 'remote'): void {
    const [l, r] = sameFamily(local, remote);
    const c = this.connection(l, r, opener);
    if (c.ended) return;
    c.ended = true;
    const byLocal = end.by === 'local';
    const [a, b] = byLocal ? [l, r] : [r, l];
    const seqA = byLocal ? c.nextLocal : c.nextRemote;
    const seqB = byLocal ? c.nextRemote : c.nextLocal;
    if (end.how === 'rst') {
      this.write(tcpPacket(a, b, { seq: seqA, ack: seqB, flags: TCP_FLAG.RST | TCP_FLAG.ACK }, undefined, this.nextId()));
      return;
    }
    const finA = (seqA + 1) >>> 0;
    const finB = (seqB + 1) >>> 0;
    this.write(tcpPacket(a, b, { seq: seqA, ack: seqB, flags: TCP_FLAG.FIN | TCP_FLAG.ACK }, undefined, this.nextId()));
    this.write(tcpPacket(b, a, { seq: seqB, ack: finA, flags: TCP_FLAG.FIN | TCP_FLAG.ACK }, undefined, this.nextId()));
    this.write(tcpPacket(a, b, { seq: finA, ack: finB, flags: TCP_FLAG.ACK }, undefined, this.nextId()));
    if (byLocal) [c.nextLocal, c.nextRemote] = [finA, finB];
    else [c.nextLocal, c.nextRemote] = [finB, finA];
  }

  /** The connection between `l` and `r`; a new one starts with SYN, SYN-ACK, ACK from its opener. */
  private connection(l: PacketEnd, r: PacketEnd, opener: 'local' | 'remote'): Connection {
    const key = connectionKey(l, r);
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

function connectionKey(l: PacketEnd, r: PacketEnd): string {
  return `${l.address}|${l.port}|${r.address}|${r.port}`;
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
