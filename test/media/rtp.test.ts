import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRtcpPacket, newRtpHeader, readRtp, RTP_HEADER_LENGTH, RtpWriteError, writeRtpHeader } from '../../src/media/rtp.js';

function bytes(...b: number[]): Uint8Array {
  return Uint8Array.from(b);
}

describe('readRtp (RFC 3550 §5.1)', () => {
  it('reads every field of a plain header', () => {
    // V=2, M=1, PT=8, seq 0xBEEF, ts 0xDEADBEEF, SSRC 0x89ABCDEF, 3 octets of payload.
    const buf = bytes(0x80, 0x88, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0x89, 0xab, 0xcd, 0xef, 1, 2, 3);
    const h = newRtpHeader();
    expect(readRtp(buf, buf.length, h)).toBeUndefined();
    expect(h).toEqual({
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: true,
      payloadType: 8,
      sequence: 0xbeef,
      timestamp: 0xdeadbeef,
      ssrc: 0x89abcdef,
      payloadOffset: 12,
      payloadLength: 3,
    });
  });

  it('skips the CSRC list and the header extension, and strips padding', () => {
    const buf = new Uint8Array(12 + 8 + 4 + 4 + 5 + 3);
    buf[0] = 0x80 | 0x20 | 0x10 | 2; // P, X, CC=2
    buf[1] = 0;
    // extension header at 20: profile 0xBEDE, length 1 word
    buf[20] = 0xbe;
    buf[21] = 0xde;
    buf[23] = 1;
    buf.set([9, 9, 9, 9, 9], 28);
    buf[buf.length - 1] = 3; // 3 octets of padding, this one included
    const h = newRtpHeader();
    expect(readRtp(buf, buf.length, h)).toBeUndefined();
    expect(h.csrcCount).toBe(2);
    expect(h.payloadOffset).toBe(28);
    expect(h.payloadLength).toBe(5);
  });

  it('honours the length argument over the buffer size', () => {
    const buf = new Uint8Array(1500);
    writeRtpHeader(buf, 0, false, 0, 1, 2, 3);
    const h = newRtpHeader();
    expect(readRtp(buf, 172, h)).toBeUndefined();
    expect(h.payloadLength).toBe(160);
  });

  it.each([
    ['length', new Uint8Array(12), 13],
    ['length', new Uint8Array(12), -1],
    ['short', new Uint8Array(11).fill(0x80), 11],
    ['version', bytes(0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 12],
    ['short', bytes(0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3), 15], // CC=1 needs 16
    ['extension', bytes(0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde), 14],
    ['extension', bytes(0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 1), 16],
    ['padding', bytes(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 13], // pad count 0
    ['padding', bytes(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2), 13], // more than follows the header
  ] as const)('rejects with %s', (code, buf, length) => {
    expect(readRtp(buf, length, newRtpHeader())).toBe(code);
  });

  it('accepts padding that is exactly what follows the header (an empty payload)', () => {
    const buf = bytes(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4);
    const h = newRtpHeader();
    expect(readRtp(buf, buf.length, h)).toBeUndefined();
    expect(h.payloadLength).toBe(0);
  });

  it('never throws on arbitrary bytes, and a valid result always lies inside the packet', () => {
    const h = newRtpHeader();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (buf, forceV2) => {
        if (forceV2 && buf.length > 0) buf[0] = (buf[0] & 0x3f) | 0x80;
        const err = readRtp(buf, buf.length, h);
        if (err === undefined) {
          expect(h.version).toBe(2);
          expect(h.payloadOffset).toBeGreaterThanOrEqual(RTP_HEADER_LENGTH);
          expect(h.payloadLength).toBeGreaterThanOrEqual(0);
          expect(h.payloadOffset + h.payloadLength).toBeLessThanOrEqual(buf.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('writeRtpHeader', () => {
  it('round-trips through readRtp', () => {
    const h = newRtpHeader();
    const buf = new Uint8Array(40);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 127 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 20 }),
        (marker, pt, seq, ts, ssrc, offset) => {
          expect(writeRtpHeader(buf, offset, marker, pt, seq, ts, ssrc)).toBe(12);
          const err = readRtp(buf.subarray(offset), 12, h);
          expect(err).toBeUndefined();
          expect([h.marker, h.payloadType, h.sequence, h.timestamp, h.ssrc]).toEqual([marker, pt, seq, ts, ssrc]);
          expect([h.padding, h.extension, h.csrcCount, h.payloadOffset, h.payloadLength]).toEqual([false, false, 0, 12, 0]);
        },
      ),
    );
  });

  it('reduces values to their field widths', () => {
    const buf = new Uint8Array(12);
    writeRtpHeader(buf, 0, false, 0x80 + 5, 0x1_0002, 2 ** 32 + 7, -1);
    const h = newRtpHeader();
    readRtp(buf, 12, h);
    expect([h.payloadType, h.sequence, h.timestamp, h.ssrc]).toEqual([5, 2, 7, 0xffff_ffff]);
  });

  it('throws a typed error when the header does not fit', () => {
    expect(() => writeRtpHeader(new Uint8Array(20), 9, false, 0, 0, 0, 0)).toThrow(RtpWriteError);
    expect(() => writeRtpHeader(new Uint8Array(20), -1, false, 0, 0, 0, 0)).toThrow(RtpWriteError);
  });
});

describe('isRtcpPacket (RFC 5761 §4)', () => {
  it('classes by the second octet: 192–223 is RTCP', () => {
    for (let b1 = 0; b1 < 256; b1++) {
      expect(isRtcpPacket(bytes(0x80, b1, 0, 0), 4)).toBe(b1 >= 192 && b1 <= 223);
    }
  });

  it('says RTP for PCMU with the marker (128) and telephone-event 101 with it (229)', () => {
    expect(isRtcpPacket(bytes(0x80, 0x80), 2)).toBe(false);
    expect(isRtcpPacket(bytes(0x80, 0x80 | 101), 2)).toBe(false);
    expect(isRtcpPacket(bytes(0x80, 200), 2)).toBe(true);
  });

  it('is false for fewer than 2 octets', () => {
    expect(isRtcpPacket(bytes(0x80), 1)).toBe(false);
    expect(isRtcpPacket(bytes(0x80, 200), 1)).toBe(false);
  });
});
