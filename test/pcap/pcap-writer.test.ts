// The pcap writer (src/pcap/, docs/pcap.md): byte-exact file and record headers, IPv4/IPv6 +
// UDP/TCP packets checked against vectors built by an independent implementation (Python's
// struct and inet_pton), the IPv6 UDP checksum, and the synthesized TCP connection.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHeader, fileSink, internetChecksum, ipBytes, MAX_TCP_PAYLOAD, packetRecord, PcapCapture, PcapWriter, TCP_FLAG, tcpPacket, udpPacket, type ByteSink } from '../../src/pcap/index.js';
import type { Endpoint } from '../../src/transport/endpoint.js';

const PAYLOAD = Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n!');

describe('file format', () => {
  it('the file header: magic a1b2c3d4 (µs) little-endian, version 2.4, snaplen 262144, LINKTYPE_RAW 101', () => {
    expect(fileHeader().toString('hex')).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000');
  });

  it('a record: seconds, microseconds, captured and original length, then the packet', () => {
    const r = packetRecord(1_700_000_000_123.456, Buffer.from([0x45, 1, 2]));
    expect(r.length).toBe(19);
    expect(r.readUInt32LE(0)).toBe(1_700_000_000);
    expect(r.readUInt32LE(4)).toBe(123_456);
    expect(r.readUInt32LE(8)).toBe(3);
    expect(r.readUInt32LE(12)).toBe(3);
    expect(r.subarray(16).toString('hex')).toBe('450102');
  });

  it('a record at .9999996 s rounds into the next second, never to 1,000,000 µs', () => {
    const r = packetRecord(1_000_999.9996, Buffer.alloc(1));
    expect([r.readUInt32LE(0), r.readUInt32LE(4)]).toEqual([1001, 0]);
  });
});

describe('internetChecksum (RFC 1071)', () => {
  it('the RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
    expect(internetChecksum(Buffer.from('0001f203f4f5f6f7', 'hex'))).toBe(0x220d);
  });

  it('parts of odd length are one byte string (not each padded)', () => {
    const whole = Buffer.from('0001f203f4f5f6f7ab', 'hex');
    expect(internetChecksum(whole.subarray(0, 3), whole.subarray(3, 4), whole.subarray(4))).toBe(internetChecksum(whole));
  });
});

describe('ipBytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::8:800:200c:417a', '20010db8000000000008080020 0c417a'.replace(' ', '')],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['fe80::1%lo', 'fe800000000000000000000000000001'],
    ['[::1]', '00000000000000000000000000000001'],
  ])('%s', (text, hex) => {
    expect(ipBytes(text).toString('hex')).toBe(hex);
  });

  it('refuses a name', () => {
    expect(() => ipBytes('example.com')).toThrow(TypeError);
  });
});

describe('packets (vectors from an independent implementation)', () => {
  it('IPv4 + UDP: lengths, DF, TTL 64, header checksum, UDP checksum', () => {
    const p = udpPacket({ address: '127.0.0.1', port: 5060 }, { address: '127.0.0.2', port: 5070 }, PAYLOAD, 7);
    expect(p.toString('hex')).toBe('450000360007400040113cad7f0000017f00000213c413ce002235664f5054494f4e53207369703a61205349502f322e300d0a0d0a21');
    expect(p.readUInt16BE(2)).toBe(20 + 8 + PAYLOAD.length);
    expect(p.readUInt16BE(24)).toBe(8 + PAYLOAD.length);
  });

  it('IPv6 + UDP: payload length, next header 17, hop limit 64, the mandatory UDP checksum (odd payload)', () => {
    const odd = Buffer.concat([PAYLOAD, Buffer.from('?')]);
    const p = udpPacket({ address: '2001:db8::1', port: 5060 }, { address: '::1', port: 5070 }, odd);
    expect(p.toString('hex')).toBe('600000000023114020010db80000000000000000000000010000000000000000000000000000000113c413ce0023c6ac4f5054494f4e53207369703a61205349502f322e300d0a0d0a213f');
    expect(p.readUInt16BE(46)).toBe(0xc6ac);
    expect(p.readUInt16BE(4)).toBe(8 + odd.length);
  });

  it('a UDP checksum that computes to 0 is sent as ffff (RFC 768)', () => {
    // Find a 2-byte payload that makes the sum come out to 0: the checksum field is then ffff.
    const src = { address: '::1', port: 1 };
    const dst = { address: '::1', port: 2 };
    const base = udpPacket(src, dst, Buffer.from([0, 0])).readUInt16BE(46);
    // adding `base` to the payload words makes the one's complement sum ffff, the checksum 0
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(base, 0);
    expect(udpPacket(src, dst, payload).readUInt16BE(46)).toBe(0xffff);
  });

  it('IPv4 + TCP: 20-byte header, data offset 5, flags, window, checksum', () => {
    const p = tcpPacket({ address: '127.0.0.1', port: 40000 }, { address: '127.0.0.1', port: 5060 }, { seq: 1000, ack: 2000, flags: TCP_FLAG.PSH | TCP_FLAG.ACK }, PAYLOAD, 3);
    expect(p.toString('hex')).toBe('450000420003400040063cb17f0000017f0000019c4013c4000003e8000007d05018ffff514500004f5054494f4e53207369703a61205349502f322e300d0a0d0a21');
  });

  it('refuses one packet across families', () => {
    expect(() => udpPacket({ address: '127.0.0.1', port: 1 }, { address: '::1', port: 2 }, PAYLOAD)).toThrow(/families differ/);
  });
});

/** A sink that keeps the bytes in memory. */
function memorySink(): ByteSink & { bytes(): Buffer; closed: boolean } {
  const chunks: Buffer[] = [];
  return {
    closed: false,
    write(c) {
      chunks.push(Buffer.from(c));
    },
    close() {
      this.closed = true;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

/** The records of a pcap file: [seconds, µs, packet]. */
function records(file: Buffer): Array<{ sec: number; usec: number; packet: Buffer }> {
  const out = [];
  for (let at = 24; at < file.length; ) {
    const len = file.readUInt32LE(at + 8);
    out.push({ sec: file.readUInt32LE(at), usec: file.readUInt32LE(at + 4), packet: file.subarray(at + 16, at + 16 + len) });
    at += 16 + len;
  }
  return out;
}

const tcpOf = (p: Buffer) => ({ src: p.readUInt16BE(20), dst: p.readUInt16BE(22), seq: p.readUInt32BE(24), ack: p.readUInt32BE(28), flags: p[33]!, payload: p.subarray(40) });

describe('PcapWriter and PcapCapture', () => {
  const us: Endpoint = { address: '127.0.0.1', port: 40000, family: 4 };
  const peer: Endpoint = { address: '127.0.0.1', port: 5060, family: 4 };

  it('writes the header at once, then one record per datagram with its wall-clock time; out and in swap the ends', () => {
    const sink = memorySink();
    const writer = new PcapWriter(sink);
    expect(sink.bytes()).toEqual(fileHeader());
    let now = 1_700_000_000_000.5;
    const cap = new PcapCapture(writer, () => now++);
    cap.datagram('out', us, peer, PAYLOAD);
    cap.datagram('in', us, peer, Buffer.from('SIP/2.0 200 OK\r\n\r\n'));
    cap.close();
    expect(sink.closed).toBe(true);
    const rs = records(sink.bytes());
    expect(rs).toHaveLength(2);
    expect(rs.map((r) => [r.sec, r.usec])).toEqual([[1_700_000_000, 500], [1_700_000_000, 1500]]);
    expect([rs[0]!.packet.readUInt16BE(20), rs[0]!.packet.readUInt16BE(22)]).toEqual([40000, 5060]);
    expect([rs[1]!.packet.readUInt16BE(20), rs[1]!.packet.readUInt16BE(22)]).toEqual([5060, 40000]);
    expect(rs[0]!.packet.readUInt16BE(4)).toBe(1); // IP ids count up
    expect(rs[1]!.packet.readUInt16BE(4)).toBe(2);
    expect(writer.packets).toBe(2);
  });

  it('a stream we opened: SYN, SYN-ACK, ACK, then each message ACK|PSH with running sequence numbers both ways', () => {
    const sink = memorySink();
    const isns = [100, 5000];
    const cap = new PcapCapture(new PcapWriter(sink), () => 0, () => isns.shift()!);
    cap.stream('out', us, peer, Buffer.from('INVITE'), 'local');
    cap.stream('in', us, peer, Buffer.from('100'), 'local');
    cap.stream('out', us, peer, Buffer.from('ACK'), 'local');
    const t = records(sink.bytes()).map((r) => tcpOf(r.packet));
    expect(t.map((s) => [s.src, s.dst, s.flags, s.seq, s.ack, s.payload.toString()])).toEqual([
      [40000, 5060, TCP_FLAG.SYN, 100, 0, ''],
      [5060, 40000, TCP_FLAG.SYN | TCP_FLAG.ACK, 5000, 101, ''],
      [40000, 5060, TCP_FLAG.ACK, 101, 5001, ''],
      [40000, 5060, TCP_FLAG.ACK | TCP_FLAG.PSH, 101, 5001, 'INVITE'],
      [5060, 40000, TCP_FLAG.ACK | TCP_FLAG.PSH, 5001, 107, '100'],
      [40000, 5060, TCP_FLAG.ACK | TCP_FLAG.PSH, 107, 5004, 'ACK'],
    ]);
  });

  it('a stream the peer opened (a listener): the handshake comes from the peer', () => {
    const sink = memorySink();
    const isns = [100, 5000];
    const cap = new PcapCapture(new PcapWriter(sink), () => 0, () => isns.shift()!);
    cap.stream('in', peer, us, Buffer.from('INVITE'), 'remote');
    const t = records(sink.bytes()).map((r) => tcpOf(r.packet));
    expect(t.map((s) => [s.src, s.flags, s.seq, s.ack])).toEqual([
      [40000, TCP_FLAG.SYN, 5000, 0],
      [5060, TCP_FLAG.SYN | TCP_FLAG.ACK, 100, 5001],
      [40000, TCP_FLAG.ACK, 5001, 101],
      [40000, TCP_FLAG.ACK | TCP_FLAG.PSH, 5001, 101],
    ]);
  });

  it('a message larger than one IP packet is split; PSH only on the last segment', () => {
    const sink = memorySink();
    const cap = new PcapCapture(new PcapWriter(sink), () => 0, () => 0);
    const big = Buffer.alloc(MAX_TCP_PAYLOAD + 10, 0x41);
    cap.stream('out', us, peer, big, 'local');
    const data = records(sink.bytes()).slice(3);
    expect(data.map((r) => r.packet.readUInt16BE(2))).toEqual([65535, 20 + 20 + 10]);
    expect(data.map((r) => tcpOf(r.packet).flags)).toEqual([TCP_FLAG.ACK, TCP_FLAG.ACK | TCP_FLAG.PSH]);
    expect(tcpOf(data[1]!.packet).seq).toBe(1 + MAX_TCP_PAYLOAD);
  });

  it('a dual-stack listener (::) facing an IPv4 peer writes IPv4 packets from 0.0.0.0', () => {
    const sink = memorySink();
    const cap = new PcapCapture(new PcapWriter(sink), () => 0);
    cap.datagram('in', { address: '::', port: 5060, family: 6 }, { address: '192.0.2.1', port: 5000, family: 4 }, PAYLOAD);
    const [r] = records(sink.bytes());
    expect(r!.packet[0]! >> 4).toBe(4);
    expect(r!.packet.subarray(16, 20).toString('hex')).toBe('00000000');
  });

  it('a write error stops writing (and is kept), it does not throw into the run', () => {
    let writes = 0;
    const writer = new PcapWriter({
      write() {
        if (++writes > 1) throw new Error('ENOSPC');
      },
      close() {},
    });
    writer.packet(0, Buffer.alloc(20));
    writer.packet(0, Buffer.alloc(20));
    expect(writer.error?.message).toBe('ENOSPC');
    expect(writes).toBe(2);
  });

  it('fileSink: the header is in the file as soon as it is opened, each record as soon as it is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipcall-pcap-'));
    try {
      const path = join(dir, 'x.pcap');
      const writer = new PcapWriter(fileSink(path));
      expect(readFileSync(path)).toEqual(fileHeader());
      writer.packet(1000, Buffer.alloc(28));
      expect(readFileSync(path).length).toBe(24 + 16 + 28); // not closed yet: nothing to patch
      writer.close();
      expect(() => fileSink(join(dir, 'missing', 'x.pcap'))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
