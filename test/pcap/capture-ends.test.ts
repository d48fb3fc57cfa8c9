// The end of a synthesized TCP connection (src/pcap/capture.ts, docs/pcap.md): FINs both ways
// for a normal close, in the order the ends closed, one RST for a reset, with sequence and
// acknowledgment numbers that continue the stream (RFC 9293 §3.4: a FIN takes one number).
import { describe, expect, it } from 'vitest';
import { PcapCapture, PcapWriter, TCP_FLAG, type ByteSink } from '../../src/pcap/index.js';
import type { Endpoint } from '../../src/transport/endpoint.js';

const us: Endpoint = { address: '127.0.0.1', port: 40000, family: 4 };
const peer: Endpoint = { address: '127.0.0.1', port: 5060, family: 4 };
const { ACK, PSH, FIN, SYN, RST } = TCP_FLAG;

/** A capture into memory with ISNs 100 (us) and 5000 (peer); `segments()` reads the TCP segments back. */
function capture(): { cap: PcapCapture; segments(): Array<[number, number, number, number, string]> } {
  const chunks: Buffer[] = [];
  const sink: ByteSink = { write: (c) => void chunks.push(Buffer.from(c)), close: () => {} };
  const isns = [100, 5000, 200, 6000];
  const cap = new PcapCapture(new PcapWriter(sink), () => 0, () => isns.shift()!);
  return {
    cap,
    segments() {
      const file = Buffer.concat(chunks);
      const out: Array<[number, number, number, number, string]> = [];
      for (let at = 24; at < file.length; ) {
        const len = file.readUInt32LE(at + 8);
        const p = file.subarray(at + 16, at + 16 + len);
        out.push([p.readUInt16BE(20), p[33]!, p.readUInt32BE(24), p.readUInt32BE(28), p.subarray(40).toString()]);
        at += 16 + len;
      }
      return out;
    },
  };
}

describe('PcapCapture.streamEnd', () => {
  it('we close first: our FIN|ACK, the peer FIN|ACK acknowledging it, our last ACK; each FIN counts one', () => {
    const { cap, segments } = capture();
    cap.stream('out', us, peer, Buffer.from('INVITE'), 'local');
    cap.stream('in', us, peer, Buffer.from('200'), 'local');
    cap.streamEnd(us, peer, { how: 'fin', by: 'local' }, 'local');
    expect(segments().slice(3)).toEqual([
      [40000, ACK | PSH, 101, 5001, 'INVITE'],
      [5060, ACK | PSH, 5001, 107, '200'],
      [40000, FIN | ACK, 107, 5004, ''],
      [5060, FIN | ACK, 5004, 108, ''],
      [40000, ACK, 108, 5005, ''],
    ]);
  });

  it('the peer closes first: its FIN comes first, then ours', () => {
    const { cap, segments } = capture();
    cap.stream('out', us, peer, Buffer.from('OPTIONS'), 'local');
    cap.streamEnd(us, peer, { how: 'fin', by: 'remote' }, 'local');
    expect(segments().slice(4)).toEqual([
      [5060, FIN | ACK, 5001, 108, ''],
      [40000, FIN | ACK, 108, 5002, ''],
      [5060, ACK, 5002, 109, ''],
    ]);
  });

  it('a reset by the peer: one RST|ACK from it at its next sequence number, nothing else', () => {
    const { cap, segments } = capture();
    cap.stream('out', us, peer, Buffer.from('OPTIONS'), 'local');
    cap.streamEnd(us, peer, { how: 'rst', by: 'remote' }, 'local');
    expect(segments().slice(4)).toEqual([[5060, RST | ACK, 5001, 108, '']]);
  });

  it('a reset by us (a stream we could not frame): the RST is ours', () => {
    const { cap, segments } = capture();
    cap.stream('in', us, peer, Buffer.from('garbage'), 'remote');
    cap.streamEnd(us, peer, { how: 'rst', by: 'local' }, 'remote');
    // the peer opened it (ISN 5000), we are at 101 and acknowledge its 7 bytes
    expect(segments().at(-1)).toEqual([40000, RST | ACK, 101, 5008, '']);
  });

  it('a connection that carried nothing still shows its handshake before its end', () => {
    const { cap, segments } = capture();
    cap.streamEnd(us, peer, { how: 'fin', by: 'local' }, 'local');
    expect(segments().map((s) => s[1])).toEqual([SYN, SYN | ACK, ACK, FIN | ACK, FIN | ACK, ACK]);
  });

  it('after the end: what we send is not written (it never left), what arrives opens a new connection; a second end is ignored', () => {
    const { cap, segments } = capture();
    cap.stream('out', us, peer, Buffer.from('A'), 'local');
    cap.streamEnd(us, peer, { how: 'fin', by: 'local' }, 'local');
    cap.streamEnd(us, peer, { how: 'rst', by: 'remote' }, 'local');
    const before = segments().length;
    cap.stream('out', us, peer, Buffer.from('late'), 'local');
    expect(segments().length).toBe(before);
    cap.stream('in', us, peer, Buffer.from('again'), 'remote');
    expect(segments().slice(before).map((s) => [s[0], s[1], s[4]])).toEqual([
      [5060, SYN, ''],
      [40000, SYN | ACK, ''],
      [5060, ACK, ''],
      [5060, ACK | PSH, 'again'],
    ]);
  });
});
