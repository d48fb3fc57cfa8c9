import { describe, expect, it } from 'vitest';
import { PcapFormatError, readPcap } from '../support/pcap-read.js';

/** A UDP datagram inside IPv4 or IPv6 (with a destination-options header when `ext`). */
function ip(version: 4 | 6, payload: number[], ext = false): number[] {
  const udpLen = 8 + payload.length;
  const udp = [0x13, 0xc4, 0x9c, 0x40, udpLen >> 8, udpLen & 0xff, 0, 0, ...payload]; // 5060 → 40000
  if (version === 4) {
    const total = 20 + udpLen;
    return [0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 192, 168, 1, 20, ...udp];
  }
  const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1];
  const dst = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55];
  const body = ext ? [17, 0, 1, 4, 0, 0, 0, 0, ...udp] : udp;
  return [0x60, 0, 0, 0, body.length >> 8, body.length & 0xff, ext ? 60 : 17, 64, ...src, ...dst, ...body];
}

function frame(linkType: number, packet: number[]): number[] {
  const v = packet[0] >> 4 === 6 ? [0x86, 0xdd] : [0x08, 0x00];
  switch (linkType) {
    case 1: // Ethernet with an 802.1Q tag
      return [...new Array<number>(12).fill(0xaa), 0x81, 0x00, 0x00, 0x05, ...v, ...packet];
    case 113:
      return [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...v, ...packet];
    case 276:
      return [...v, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...packet];
    default:
      return packet;
  }
}

function pcap(linkType: number, records: { sec: number; frac: number; data: number[] }[], little = true, nanos = false): Uint8Array {
  const parts: number[] = [];
  const u32 = (n: number): number[] => {
    const b = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    return little ? b.reverse() : b;
  };
  const u16 = (n: number): number[] => (little ? [n & 0xff, n >> 8] : [n >> 8, n & 0xff]);
  parts.push(...u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4), ...u16(2), ...u16(4), ...u32(0), ...u32(0), ...u32(65535), ...u32(linkType));
  for (const r of records) parts.push(...u32(r.sec), ...u32(r.frac), ...u32(r.data.length), ...u32(r.data.length), ...r.data);
  return new Uint8Array(parts);
}

describe('readPcap (test support)', () => {
  for (const linkType of [1, 101, 113, 276]) {
    it(`reads UDP over IPv4 and IPv6 with link type ${linkType}`, () => {
      const bytes = pcap(linkType, [
        { sec: 1000, frac: 250_000, data: frame(linkType, ip(4, [1, 2, 3])) },
        { sec: 1001, frac: 0, data: frame(linkType, ip(6, [4, 5], true)) },
      ]);
      const got = readPcap(bytes);
      expect(got.map((d) => ({ ...d, payload: [...d.payload] }))).toEqual([
        { tsMs: 1_000_250, src: '10.0.0.1', dst: '192.168.1.20', srcPort: 5060, dstPort: 40000, payload: [1, 2, 3] },
        { tsMs: 1_001_000, src: '2001:db8::1', dst: 'fe80::211:22ff:fe33:4455', srcPort: 5060, dstPort: 40000, payload: [4, 5] },
      ]);
    });
  }

  it('reads big-endian files and nanosecond timestamps', () => {
    const got = readPcap(pcap(101, [{ sec: 2, frac: 500_000_000, data: ip(4, [9]) }], false, true));
    expect(got).toHaveLength(1);
    expect(got[0].tsMs).toBe(2500);
  });

  it('skips what is not UDP over IP, and IPv4 fragments after the first', () => {
    const tcp = ip(4, [1]);
    tcp[9] = 6;
    const fragment = ip(4, [1]);
    fragment[7] = 0x10;
    const arp = [...new Array<number>(12).fill(0), 0x08, 0x06, 0, 1];
    const got = readPcap(pcap(1, [frame(1, tcp), frame(1, fragment), arp].map((data) => ({ sec: 0, frac: 0, data }))));
    expect(got).toEqual([]);
  });

  it('throws on files that are not classic pcap or are cut short', () => {
    expect(() => readPcap(new Uint8Array(10))).toThrow(PcapFormatError);
    expect(() => readPcap(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, ...new Array<number>(20).fill(0)]))).toThrow(/pcapng/);
    const whole = pcap(101, [{ sec: 0, frac: 0, data: ip(4, [1, 2, 3]) }]);
    expect(() => readPcap(whole.subarray(0, whole.length - 2))).toThrow(/truncated/);
  });
});
