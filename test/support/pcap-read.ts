// A small reader of classic libpcap files, for tests only: the UDP datagrams in a capture.
//
//   const datagrams = readPcapFile('/usr/share/sip-tester/dtmf_2833_5.pcap');
//   for (const d of datagrams) console.log(d.tsMs, d.src, d.srcPort, d.payload.length);
//
// File format (pcap-savefile(5)): a 24-byte header (magic 0xA1B2C3D4 for µs timestamps or
// 0xA1B23C4D for ns, in the writer's byte order; version 2.4; snaplen; link type), then per
// record a 16-byte header (ts_sec, ts_frac, incl_len, orig_len) and incl_len captured octets.
//
// Link types: 1 Ethernet (with 802.1Q/802.1ad tags), 113 Linux cooked (SLL), 276 Linux cooked
// v2 (SLL2), 101 RAW IP (also its old number 12), 0 BSD loopback. Network: IPv4 (first
// fragments only) and IPv6 (walking hop-by-hop, routing, fragment and destination-options
// headers). Transport: UDP. Anything else is skipped; a truncated file throws.
import { readFileSync } from 'node:fs';

export interface PcapDatagram {
  /** Capture time in ms since the epoch (fractional). */
  tsMs: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** The UDP payload (a view into the file's bytes). */
  payload: Uint8Array;
}

export class PcapFormatError extends Error {
  override readonly name = 'PcapFormatError';
}

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW_OLD = 12;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

const IPPROTO_UDP = 17;

export function readPcapFile(path: string): PcapDatagram[] {
  return readPcap(new Uint8Array(readFileSync(path)));
}

export function readPcap(bytes: Uint8Array): PcapDatagram[] {
  if (bytes.length < 24) throw new PcapFormatError(`a pcap file needs a 24-byte header; got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBE = view.getUint32(0, false);
  let little: boolean;
  let nanos: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    little = false;
    nanos = magicBE === 0xa1b23c4d;
  } else {
    const magicLE = view.getUint32(0, true);
    if (magicLE !== 0xa1b2c3d4 && magicLE !== 0xa1b23c4d) {
      throw new PcapFormatError(`not a classic pcap file (magic 0x${magicBE.toString(16)}; pcapng is not read here)`);
    }
    little = true;
    nanos = magicLE === 0xa1b23c4d;
  }
  // The low 16 bits hold the link type; the upper bits may carry FCS information.
  const linkType = view.getUint32(20, little) & 0xffff;
  const out: PcapDatagram[] = [];
  let offset = 24;
  while (offset < bytes.length) {
    if (offset + 16 > bytes.length) throw new PcapFormatError(`truncated record header at offset ${offset}`);
    const sec = view.getUint32(offset, little);
    const frac = view.getUint32(offset + 4, little);
    const incl = view.getUint32(offset + 8, little);
    offset += 16;
    if (offset + incl > bytes.length) throw new PcapFormatError(`truncated record at offset ${offset - 16}`);
    const frame = bytes.subarray(offset, offset + incl);
    offset += incl;
    const tsMs = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
    const ip = network(frame, linkType, little);
    if (ip === undefined) continue;
    const d = udp(ip.bytes, ip.version, tsMs);
    if (d !== undefined) out.push(d);
  }
  return out;
}

/** The IP packet inside a link-layer frame, or undefined when it is not IP. */
function network(frame: Uint8Array, linkType: number, little: boolean): { bytes: Uint8Array; version: 4 | 6 } | undefined {
  let type: number;
  let at: number;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (frame.length < 14) return undefined;
      at = 12;
      type = u16(frame, at);
      at += 2;
      while ((type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) && at + 4 <= frame.length) {
        type = u16(frame, at + 2);
        at += 4;
      }
      break;
    }
    case LINKTYPE_LINUX_SLL:
      if (frame.length < 16) return undefined;
      type = u16(frame, 14);
      at = 16;
      break;
    case LINKTYPE_LINUX_SLL2:
      if (frame.length < 20) return undefined;
      type = u16(frame, 0);
      at = 20;
      break;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD:
      at = 0;
      type = -1;
      break;
    case LINKTYPE_NULL: {
      if (frame.length < 4) return undefined;
      // The address family, in the byte order of the capturing host.
      const family = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, little);
      at = 4;
      type = family === 2 ? ETHERTYPE_IPV4 : family === 24 || family === 28 || family === 30 ? ETHERTYPE_IPV6 : 0;
      break;
    }
    default:
      return undefined;
  }
  const bytes = frame.subarray(at);
  if (bytes.length < 1) return undefined;
  const version = bytes[0] >> 4;
  if (type === -1) type = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
  if (type === ETHERTYPE_IPV4 && version === 4) return { bytes, version: 4 };
  if (type === ETHERTYPE_IPV6 && version === 6) return { bytes, version: 6 };
  return undefined;
}

function udp(ip: Uint8Array, version: 4 | 6, tsMs: number): PcapDatagram | undefined {
  let at: number;
  let end: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    if (ip.length < 20) return undefined;
    const ihl = (ip[0] & 0x0f) * 4;
    const total = u16(ip, 2);
    const fragOffset = u16(ip, 6) & 0x1fff;
    if (ip[9] !== IPPROTO_UDP || fragOffset !== 0 || ihl < 20) return undefined;
    at = ihl;
    end = Math.min(ip.length, total);
    src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  } else {
    if (ip.length < 40) return undefined;
    let next = ip[6];
    at = 40;
    end = Math.min(ip.length, 40 + u16(ip, 4));
    src = ipv6(ip, 8);
    dst = ipv6(ip, 24);
    // Extension headers: hop-by-hop 0, routing 43, fragment 44, destination options 60.
    while (next === 0 || next === 43 || next === 44 || next === 60) {
      if (at + 8 > end) return undefined;
      if (next === 44) {
        if ((u16(ip, at + 2) & 0xfff8) !== 0) return undefined; // not the first fragment
        next = ip[at];
        at += 8;
      } else {
        const len = (ip[at + 1] + 1) * 8;
        next = ip[at];
        at += len;
      }
    }
    if (next !== IPPROTO_UDP) return undefined;
  }
  if (at + 8 > end) return undefined;
  const udpLength = u16(ip, at + 4);
  const payloadEnd = Math.min(end, at + Math.max(8, udpLength));
  return {
    tsMs,
    src,
    dst,
    srcPort: u16(ip, at),
    dstPort: u16(ip, at + 2),
    payload: ip.subarray(at + 8, payloadEnd),
  };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** RFC 5952 text of the IPv6 address at b[at..at+16): lower case, longest zero run as `::`. */
function ipv6(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(u16(b, at + 2 * i));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
