/**
 * The classic libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html,
 * draft-ietf-opsawg-pcap): a 24-byte file header, then per packet a 16-byte record header and
 * the packet. Written little-endian with magic 0xa1b2c3d4 (microsecond timestamps).
 */

/** LINKTYPE_RAW: each packet is a bare IPv4 or IPv6 packet, told apart by its version nibble. */
export const LINKTYPE_RAW = 101;

/** The snapshot length we declare: every packet is kept whole. */
export const SNAPLEN = 262144;

/** The file header: magic, version 2.4, zone 0, sigfigs 0, snaplen, link type. */
export function fileHeader(linktype: number = LINKTYPE_RAW, snaplen: number = SNAPLEN): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeInt32LE(0, 8);
  b.writeUInt32LE(0, 12);
  b.writeUInt32LE(snaplen, 16);
  b.writeUInt32LE(linktype, 20);
  return b;
}

/**
 * One record: the header (seconds and microseconds of `wallMs`, a Unix time in milliseconds
 * with a fraction; captured and original length) followed by the packet.
 */
export function packetRecord(wallMs: number, packet: Uint8Array): Buffer {
  const micros = Math.round(wallMs * 1000);
  const b = Buffer.alloc(16 + packet.length);
  b.writeUInt32LE(Math.floor(micros / 1e6), 0);
  b.writeUInt32LE(micros % 1e6, 4);
  b.writeUInt32LE(packet.length, 8);
  b.writeUInt32LE(packet.length, 12);
  b.set(packet, 16);
  return b;
}
