import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcp,
  type ReportBlock,
  type RtcpSenderReport,
  RtcpWriteError,
  rttMs,
  writeBye,
  writeReceiverReport,
  writeSdes,
  writeSenderReport,
} from '../../src/media/rtcp.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const reportBlock: fc.Arbitrary<ReportBlock> = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
  extendedHighestSeq: u32,
  jitter: u32,
  lsr: u32,
  dlsr: u32,
});
const reports = fc.array(reportBlock, { maxLength: 31 });

describe('NTP time (RFC 3550 §4)', () => {
  it('converts the Unix epoch and a fraction', () => {
    expect(ntpFromUnixMs(0)).toEqual({ sec: 2_208_988_800, frac: 0 });
    expect(ntpFromUnixMs(500)).toEqual({ sec: 2_208_988_800, frac: 0x8000_0000 });
    expect(ntpFromUnixMs(1250)).toEqual({ sec: 2_208_988_801, frac: 0x4000_0000 });
  });

  it('wraps the seconds into era 1 (2036-02-07T06:28:16Z is NTP second 2^32)', () => {
    const era1 = Date.UTC(2036, 1, 7, 6, 28, 16);
    expect(ntpFromUnixMs(era1)).toEqual({ sec: 0, frac: 0 });
    expect(ntpFromUnixMs(era1 - 1000).sec).toBe(0xffff_ffff);
  });

  it('keeps both parts unsigned 32-bit for any time and fraction', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4e12, noNaN: true }), (ms) => {
        const { sec, frac } = ntpFromUnixMs(ms);
        for (const v of [sec, frac]) {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(0xffff_ffff);
        }
        // The fraction is within 1 unit of the exact value.
        expect(Math.abs(frac / 2 ** 32 - (ms / 1000 - Math.floor(ms / 1000)))).toBeLessThan(1e-6);
      }),
    );
  });

  it('takes the middle 32 bits', () => {
    expect(ntpMiddle32(0x1234_5678, 0x9abc_def0)).toBe(0x5678_9abc);
    expect(ntpMiddle32(0xffff_ffff, 0xffff_ffff)).toBe(0xffff_ffff);
  });
});

describe('rttMs (RFC 3550 §6.4.1)', () => {
  it('computes the worked example: A − LSR − DLSR = 6.125 s', () => {
    // "A 0xb710:8000 (46864.500 s) ... DLSR -0x0005:4000 (5.250 s) ... LSR -0xb705:2000
    // (46853.125 s) ... delay 0x0006:2000 (6.125 s)"
    expect(rttMs(0xb710_8000, 0xb705_2000, 0x0005_4000)).toBe(6125);
  });

  it('is undefined while the peer has no SR of ours (LSR = 0)', () => {
    expect(rttMs(0xb710_8000, 0, 0)).toBeUndefined();
  });

  it('works across the 16-bit seconds wrap', () => {
    expect(rttMs(0x0000_1000, 0xffff_f000, 0)).toBeCloseTo((0x2000 / 65536) * 1000, 9);
  });

  it('takes a tiny negative (DLSR rounding) as 0 and a large one as unknown', () => {
    expect(rttMs(1000, 1000, 1)).toBe(0);
    expect(rttMs(1000, 990, 65536)).toBeUndefined();
  });
});

describe('RTCP writers round-trip through parseRtcp', () => {
  it('SR with report blocks', () => {
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, u32, reports, (ssrc, ntpSec, ntpFrac, rtpTimestamp, packetCount, octetCount, rbs) => {
        const buf = new Uint8Array(1500);
        const sr = { ssrc, ntpSec, ntpFrac, rtpTimestamp, packetCount, octetCount, reports: rbs };
        const n = writeSenderReport(buf, 0, sr);
        expect(n).toBe(28 + 24 * rbs.length);
        const parsed = parseRtcp(buf, n);
        expect(parsed.problems).toEqual([]);
        expect(parsed.packets).toEqual([{ type: 'sr', ...sr }]);
      }),
    );
  });

  it('RR + SDES + BYE as one compound packet', () => {
    fc.assert(
      fc.property(
        u32,
        reports,
        fc.string({ maxLength: 60 }),
        fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
        fc.integer({ min: 0, max: 8 }),
        (ssrc, rbs, cname, reason, start) => {
          const buf = new Uint8Array(2048);
          let off = start * 4;
          const first = off;
          off += writeReceiverReport(buf, off, { ssrc, reports: rbs });
          const sdesAt = off;
          off += writeSdes(buf, off, ssrc, cname);
          expect((off - sdesAt) % 4).toBe(0);
          const byeAt = off;
          off += writeBye(buf, off, ssrc, reason);
          expect((off - byeAt) % 4).toBe(0);
          const parsed = parseRtcp(buf.subarray(first), off - first);
          expect(parsed.problems).toEqual([]);
          const bye = reason ? { type: 'bye', ssrcs: [ssrc], reason } : { type: 'bye', ssrcs: [ssrc] };
          expect(parsed.packets).toEqual([
            { type: 'rr', ssrc, reports: rbs },
            { type: 'sdes', chunks: [{ ssrc, cname, items: [{ type: 1, value: cname }] }] },
            bye,
          ]);
        },
      ),
    );
  });

  it('SDES pads with 1–4 null octets to the 32-bit boundary (RFC 3550 §6.5)', () => {
    for (const [cname, length] of [
      ['', 12],
      ['a', 12],
      ['ab', 16], // 10 + 2 = 12 needs a null: 16
      ['abcde', 16],
      ['abcdef', 20],
    ] as const) {
      const buf = new Uint8Array(64).fill(0xee);
      expect(writeSdes(buf, 0, 1, cname)).toBe(length);
      expect(buf[10 + cname.length]).toBe(0);
      expect(buf.subarray(10 + cname.length, length).every((b) => b === 0)).toBe(true);
      expect(((buf[2] << 8) | buf[3]) + 1).toBe(length / 4);
    }
  });

  it('BYE reason is not null-terminated when it fills the word (RFC 3550 §6.6)', () => {
    const buf = new Uint8Array(64);
    expect(writeBye(buf, 0, 7)).toBe(8);
    expect(writeBye(buf, 0, 7, 'bye')).toBe(12); // 1 + 3 octets: exactly one word
    expect(writeBye(buf, 0, 7, 'done')).toBe(16);
    expect(parseRtcp(buf, 16).packets).toEqual([{ type: 'bye', ssrcs: [7], reason: 'done' }]);
  });

  it('clamps the cumulative loss to signed 24 bits (RFC 3550 A.3)', () => {
    const buf = new Uint8Array(64);
    const rb = { ssrc: 1, fractionLost: 0, cumulativeLost: 10_000_000, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
    writeReceiverReport(buf, 0, { ssrc: 2, reports: [rb, { ...rb, cumulativeLost: -10_000_000 }] });
    const rr = parseRtcp(buf, 56).packets[0] as { reports: ReportBlock[] };
    expect(rr.reports.map((r) => r.cumulativeLost)).toEqual([0x7f_ffff, -0x80_0000]);
    // The octets themselves: 0x7fffff and 0x800000.
    expect([...buf.subarray(13, 16)]).toEqual([0x7f, 0xff, 0xff]);
    expect([...buf.subarray(37, 40)]).toEqual([0x80, 0x00, 0x00]);
  });

  it('encodes the SR header as RFC 3550 §6.4.1 draws it', () => {
    const buf = new Uint8Array(28);
    writeSenderReport(buf, 0, { ssrc: 0x01020304, ntpSec: 0, ntpFrac: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: [] });
    expect([...buf.subarray(0, 8)]).toEqual([0x80, 200, 0, 6, 1, 2, 3, 4]);
  });

  it('throws typed errors on caller bugs', () => {
    const rb = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(RtcpWriteError);
        return (e as RtcpWriteError).code;
      }
      return 'no error';
    };
    expect(code(() => writeReceiverReport(new Uint8Array(2000), 0, { ssrc: 1, reports: Array(32).fill(rb) }))).toBe('too-many-reports');
    expect(code(() => writeReceiverReport(new Uint8Array(31), 0, { ssrc: 1, reports: [rb] }))).toBe('buffer-too-small');
    expect(code(() => writeSdes(new Uint8Array(600), 0, 1, 'x'.repeat(256)))).toBe('text-too-long');
    expect(code(() => writeSdes(new Uint8Array(600), 0, 1, 'é'.repeat(128)))).toBe('text-too-long');
    expect(code(() => writeSdes(new Uint8Array(20), 0, 1, 'x'.repeat(20)))).toBe('buffer-too-small');
    expect(code(() => writeSdes(new Uint8Array(12), 0, 1, 'ab'))).toBe('buffer-too-small');
    expect(code(() => writeBye(new Uint8Array(8), 0, 1, 'x'))).toBe('buffer-too-small');
    expect(code(() => writeBye(new Uint8Array(7), 0, 1))).toBe('buffer-too-small');
    // 255 octets is the most that fits: 10 + 255 + 1 null = 266, padded to 268.
    expect(writeSdes(new Uint8Array(268), 0, 1, 'x'.repeat(255))).toBe(268);
  });
});

describe('parseRtcp: RFC 3550 A.2 validity checks, reported, never thrown', () => {
  const rr = (count = 0, extra = 0) => {
    const buf = new Uint8Array(8 + 24 * count + extra);
    writeReceiverReport(buf, 0, { ssrc: 9, reports: Array(count).fill({ ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 }) });
    return buf;
  };
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  };
  const problems = (buf: Uint8Array, length = buf.length) => parseRtcp(buf, length).problems;
  /** An empty RR (SSRC 0) followed by 8 octets of padding: 16 octets in all. */
  const paddedRr = () => {
    const padded = new Uint8Array(16);
    padded[0] = 0xa0;
    padded[1] = 201;
    padded[3] = 3;
    padded[15] = 8;
    return padded;
  };

  it('accepts a valid compound packet without problems', () => {
    const sdes = new Uint8Array(64);
    const n = writeSdes(sdes, 0, 9, 'me@host');
    expect(n).toBe(20);
    expect(problems(concat(rr(1), sdes.subarray(0, n)))).toEqual([]);
  });

  it('version must equal 2', () => {
    const buf = rr();
    buf[0] = 0x40;
    expect(problems(buf)).toEqual([expect.stringMatching(/version 1/)]);
  });

  it('the first packet must be SR or RR', () => {
    const bye = new Uint8Array(8);
    writeBye(bye, 0, 9);
    const result = parseRtcp(concat(bye, rr()), 16);
    expect(result.problems).toEqual([expect.stringMatching(/first packet is PT 203/)]);
    expect(result.packets.map((p) => p.type)).toEqual(['bye', 'rr']);
  });

  it('padding only on the last packet', () => {
    expect(problems(concat(paddedRr(), rr()))).toEqual([expect.stringMatching(/padded but not last/)]);
  });

  it('accepts padding on the last packet and strips it', () => {
    const result = parseRtcp(concat(rr(), paddedRr()), 24);
    expect(result.problems).toEqual([]);
    expect(result.packets).toEqual([
      { type: 'rr', ssrc: 9, reports: [] },
      { type: 'rr', ssrc: 0, reports: [] },
    ]);
  });

  it('the lengths must add up to the datagram', () => {
    const buf = rr(1);
    expect(problems(buf, 30)).toEqual([expect.stringMatching(/claims 32 octets, only 30 remain/)]);
    expect(problems(concat(rr(), new Uint8Array(3)))).toEqual([expect.stringMatching(/3 trailing octets/)]);
  });

  it('a report count larger than the packet is a problem; what fits is kept', () => {
    const buf = rr(1);
    buf[0] = (buf[0] & ~0x1f) | 3;
    const result = parseRtcp(buf, buf.length);
    expect(result.problems).toEqual([expect.stringMatching(/announces 3 report blocks but has room for 1/)]);
    expect((result.packets[0] as { reports: unknown[] }).reports).toHaveLength(1);
  });

  it('an SR shorter than its sender info is a problem', () => {
    const buf = new Uint8Array([0x80, 200, 0, 1, 0, 0, 0, 1]);
    expect(parseRtcp(buf, 8)).toEqual({ packets: [{ type: 'other', pt: 200 }], problems: [expect.stringMatching(/shorter than its 28-octet/)] });
  });

  it('reports unknown packet types as other', () => {
    const app = new Uint8Array([0x80, 204, 0, 2, 0, 0, 0, 1, 0x41, 0x42, 0x43, 0x44]);
    expect(parseRtcp(concat(rr(), app), 20).packets).toEqual([
      { type: 'rr', ssrc: 9, reports: [] },
      { type: 'other', pt: 204 },
    ]);
  });

  it('SDES items that run past the packet, or no terminating null', () => {
    const sdes = new Uint8Array([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x61, 0x62]);
    expect(problems(concat(rr(), sdes))).toEqual([expect.stringMatching(/runs past/)]);
    const unterminated = new Uint8Array([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 0x61, 0x62]);
    expect(problems(concat(rr(), unterminated))).toEqual([expect.stringMatching(/no terminating null/)]);
  });

  it('empty input and a length beyond the buffer', () => {
    expect(problems(new Uint8Array(0))).toEqual([expect.stringMatching(/empty/)]);
    expect(problems(new Uint8Array(4), 8)).toEqual([expect.stringMatching(/outside the buffer/)]);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (buf, v2) => {
        // Half the runs look like RTCP headers so the deeper branches get exercised.
        if (v2 && buf.length > 1) {
          buf[0] = (buf[0] & 0x3f) | 0x80;
          buf[1] = 200 + (buf[1] % 6);
        }
        const result = parseRtcp(buf, buf.length);
        expect(Array.isArray(result.packets)).toBe(true);
        expect(Array.isArray(result.problems)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on valid packets with random octets flipped', () => {
    const base = new Uint8Array(200);
    let n = writeSenderReport(base, 0, { ssrc: 1, ntpSec: 2, ntpFrac: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6, reports: [{ ssrc: 7, fractionLost: 8, cumulativeLost: -9, extendedHighestSeq: 10, jitter: 11, lsr: 12, dlsr: 13 }] });
    n += writeSdes(base, n, 1, 'user@example.org');
    n += writeBye(base, n, 1, 'hang up');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.integer({ min: 0, max: n }), (flips, cut) => {
        const buf = base.slice(0, n);
        for (const [at, v] of flips) buf[at] = v;
        const result = parseRtcp(buf, cut);
        const sr = result.packets[0] as RtcpSenderReport | undefined;
        if (flips.length === 0 && cut === n) expect(sr?.type).toBe('sr');
      }),
      { numRuns: 3000 },
    );
  });
});
