import { internetChecksum } from './checksum.js';
import { ipBytes } from './ip-address.js';

/** One end of a synthesized packet: an IP literal and a port. Both ends of a packet share a family. */
export interface PacketEnd {
  address: string;
  port: number;
}

/** IP protocol numbers (IANA): UDP 17, TCP 6. */
export const IPPROTO = { TCP: 6, UDP: 17 } as const;

/** TCP header flags (RFC 9293 §3.1). */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** The most TCP payload one synthesized segment carries: 65535 − 20 (IPv4) − 20 (TCP). */
export const MAX_TCP_PAYLOAD = 65495;

/** A TCP segment's numbers (RFC 9293 §3.1): sequence, acknowledgment, flags. */
export interface TcpFields {
  seq: number;
  ack: number;
  flags: number;
  /** Window; 65535 by default. */
  window?: number;
}

/**
 * A raw IP packet (no link layer: pcap LINKTYPE_RAW) carrying one UDP datagram from `src` to
 * `dst` (RFC 768). IPv4 (RFC 791: TTL 64, don't fragment, header checksum) or IPv6 (RFC 8200:
 * hop limit 64) after the family of `src.address`. The UDP checksum is computed for both
 * families (mandatory over IPv6, RFC 8200 §8.1; a computed 0 is sent as 0xffff).
 */
export function udpPacket(src: PacketEnd, dst: PacketEnd, payload: Uint8Array, ipId = 0): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(src.port, 0);
  udp.writeUInt16BE(dst.port, 2);
  udp.writeUInt16BE((8 + payload.length) & 0xffff, 4);
  return ipPacket(src.address, dst.address, IPPROTO.UDP, udp, payload, ipId, 6, (sum) => sum || 0xffff);
}

/**
 * A raw IP packet carrying one TCP segment (RFC 9293 §3.1: a 20-byte header, no options) from
 * `src` to `dst`, with its checksum over the pseudo-header.
 */
export function tcpPacket(src: PacketEnd, dst: PacketEnd, fields: TcpFields, payload: Uint8Array = Buffer.alloc(0), ipId = 0): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(src.port, 0);
  tcp.writeUInt16BE(dst.port, 2);
  tcp.writeUInt32BE(fields.seq >>> 0, 4);
  tcp.writeUInt32BE(fields.ack >>> 0, 8);
  tcp.writeUInt8(5 << 4, 12); // data offset: 5 words
  tcp.writeUInt8(fields.flags, 13);
  tcp.writeUInt16BE(fields.window ?? 0xffff, 14);
  return ipPacket(src.address, dst.address, IPPROTO.TCP, tcp, payload, ipId, 16, (sum) => sum);
}

/**
 * The IP header in front of a transport header and its payload; the transport checksum (at
 * `checksumAt` in `header`) is computed over the pseudo-header of the family (RFC 768, RFC 9293
 * §3.1, RFC 8200 §8.1).
 */
function ipPacket(srcAddress: string, dstAddress: string, protocol: number, header: Buffer, payload: Uint8Array, ipId: number, checksumAt: number, fix: (sum: number) => number): Buffer {
  const src = ipBytes(srcAddress);
  const dst = ipBytes(dstAddress);
  if (src.length !== dst.length) throw new TypeError(`one packet cannot go from ${srcAddress} to ${dstAddress}: the address families differ`);
  const length = header.length + payload.length;
  let ip: Buffer;
  let pseudo: Buffer;
  if (src.length === 4) {
    ip = Buffer.alloc(20);
    ip.writeUInt8(0x45, 0); // version 4, IHL 5 words
    ip.writeUInt16BE((20 + length) & 0xffff, 2);
    ip.writeUInt16BE(ipId & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip.writeUInt8(64, 8);
    ip.writeUInt8(protocol, 9);
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(internetChecksum(ip), 10);
    pseudo = Buffer.alloc(12);
    src.copy(pseudo, 0);
    dst.copy(pseudo, 4);
    pseudo.writeUInt8(protocol, 9);
    pseudo.writeUInt16BE(length & 0xffff, 10);
  } else {
    ip = Buffer.alloc(40);
    ip.writeUInt32BE(0x60000000, 0); // version 6, no traffic class, no flow label
    ip.writeUInt16BE(length & 0xffff, 4);
    ip.writeUInt8(protocol, 6);
    ip.writeUInt8(64, 7);
    src.copy(ip, 8);
    dst.copy(ip, 24);
    pseudo = Buffer.alloc(40);
    src.copy(pseudo, 0);
    dst.copy(pseudo, 16);
    pseudo.writeUInt32BE(length, 32);
    pseudo.writeUInt8(protocol, 39);
  }
  header.writeUInt16BE(fix(internetChecksum(pseudo, header, payload)), checksumAt);
  return Buffer.concat([ip, header, payload]);
}
