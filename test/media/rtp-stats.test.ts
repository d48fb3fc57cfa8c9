import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportBlock } from '../../src/media/rtcp.js';
import { newRtpHeader } from '../../src/media/rtp.js';
import { RtpReceiverStats } from '../../src/media/rtp-stats.js';

const SSRC = 0x1234_5678;

interface Pkt {
  seq: number;
  ts?: number;
  at?: number;
  ssrc?: number;
  pt?: number;
  marker?: boolean;
  audio?: boolean;
  bytes?: number;
}

/** Feeds packets; by default seq n has timestamp 160·n and arrives at 20·n ms (PCMU, 20 ms). */
function feed(stats: RtpReceiverStats, packets: Pkt[], clockRate = 8000): void {
  const h = newRtpHeader();
  for (const p of packets) {
    h.sequence = p.seq & 0xffff;
    h.timestamp = (p.ts ?? p.seq * 160) >>> 0;
    h.ssrc = p.ssrc ?? SSRC;
    h.payloadType = p.pt ?? 0;
    h.marker = p.marker ?? false;
    h.payloadLength = p.bytes ?? 160;
    stats.onPacket(h, p.at ?? p.seq * 20, clockRate, p.audio ?? true);
  }
}

const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i }));

function block(stats: RtpReceiverStats, now = 0): ReportBlock | undefined {
  const out: ReportBlock = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
  return stats.reportBlock(now, out) ? out : undefined;
}

describe('RtpReceiverStats: RFC 3550 A.1 sequence validation and A.3 loss', () => {
  it('counts an in-order stream completely, the validating packets included', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1000, 1099));
    expect([s.received, s.expected, s.lost, s.lossFraction, s.duplicates, s.reordered]).toEqual([100, 100, 0, 0, 0, 0]);
    expect(block(s)).toEqual({ ssrc: SSRC, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 1099, jitter: 0, lsr: 0, dlsr: 0 });
  });

  it('has no report block before the source is valid (MIN_SEQUENTIAL = 2)', () => {
    const s = new RtpReceiverStats();
    expect(block(s)).toBeUndefined();
    feed(s, [{ seq: 7 }]);
    expect(block(s)).toBeUndefined();
    expect([s.received, s.expected, s.snapshot().invalid]).toEqual([0, 0, 1]);
    feed(s, [{ seq: 8 }]);
    expect(block(s)).toMatchObject({ extendedHighestSeq: 8, cumulativeLost: 0 });
    expect([s.received, s.expected, s.snapshot().invalid]).toEqual([2, 2, 0]);
  });

  it('restarts probation on a gap: only the in-sequence run validates', () => {
    const s = new RtpReceiverStats();
    feed(s, [{ seq: 100 }, { seq: 105 }, { seq: 106 }, { seq: 107 }]);
    expect([s.received, s.expected, s.snapshot().invalid]).toEqual([3, 3, 1]);
  });

  it('validates across the 65535 → 0 wrap', () => {
    const s = new RtpReceiverStats();
    feed(s, [{ seq: 65535 }, { seq: 0 }, { seq: 1 }]);
    expect([s.received, s.expected, s.lost]).toEqual([3, 3, 0]);
    expect(block(s)?.extendedHighestSeq).toBe(65536 + 1);
  });

  it('counts loss, cumulative and per interval (A.3 fraction in 256ths)', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1, 100).filter(({ seq }) => seq % 10 !== 5)); // 10 lost
    expect([s.received, s.expected, s.lost, s.lossFraction]).toEqual([90, 100, 10, 10]);
    expect(block(s)).toMatchObject({ fractionLost: Math.floor((10 * 256) / 100), cumulativeLost: 10, extendedHighestSeq: 100 });
    feed(s, seqs(101, 150));
    expect(block(s)).toMatchObject({ fractionLost: 0, cumulativeLost: 10, extendedHighestSeq: 150 });
    feed(s, seqs(151, 160).filter(({ seq }) => seq !== 155));
    expect(block(s)).toMatchObject({ fractionLost: Math.floor(256 / 10), cumulativeLost: 11 });
    // Nothing new: "expected_interval == 0" gives 0.
    expect(block(s)).toMatchObject({ fractionLost: 0, cumulativeLost: 11 });
  });

  it('wraps 65535 → 0 counting cycles into the extended highest sequence number', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(65530, 65535), ...seqs(0, 13).map(({ seq }) => ({ seq, ts: (65536 + seq) * 160, at: (65536 + seq) * 20 }))]);
    expect([s.received, s.expected, s.lost]).toEqual([20, 20, 0]);
    expect(block(s)?.extendedHighestSeq).toBe(65536 + 13);
    expect(s.snapshot().extendedHighestSeq).toBe(65536 + 13);
  });

  it('counts duplicates; A.3 cumulative loss goes negative with them, our lost does not', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(1, 10), { seq: 10 }, { seq: 7 }, { seq: 11 }, { seq: 7 }]);
    expect([s.received, s.expected, s.lost, s.duplicates, s.reordered]).toEqual([14, 11, 0, 3, 0]);
    expect(block(s)).toMatchObject({ cumulativeLost: -3, fractionLost: 0 });
  });

  it('counts a reordered packet once and not as lost', () => {
    const s = new RtpReceiverStats();
    feed(s, [{ seq: 1 }, { seq: 2 }, { seq: 3 }, { seq: 5 }, { seq: 4 }, { seq: 6 }]);
    expect([s.received, s.expected, s.lost, s.duplicates, s.reordered]).toEqual([6, 6, 0, 0, 1]);
  });

  it('takes a packet just behind a wrap as reordered in the previous cycle', () => {
    const s = new RtpReceiverStats();
    feed(s, [{ seq: 65533 }, { seq: 65534 }, { seq: 0 }, { seq: 65535 }, { seq: 1 }]);
    expect([s.received, s.expected, s.lost, s.reordered]).toEqual([5, 5, 0, 1]);
    expect(block(s)?.extendedHighestSeq).toBe(65537);
  });

  it('ignores a single big jump (A.1 bad_seq) and carries on', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(1, 10), { seq: 20_000 }, ...seqs(11, 20)]);
    expect([s.received, s.expected, s.lost, s.snapshot().invalid, s.snapshot().resyncs]).toEqual([20, 20, 0, 1, 0]);
  });

  it('re-syncs on two sequential packets after a big jump and resets the loss statistics', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(1, 10).filter(({ seq }) => seq !== 5), ...seqs(20_000, 20_009)]);
    const snap = s.snapshot();
    expect([snap.received, snap.expected, snap.lost, snap.invalid, snap.resyncs]).toEqual([19, 20, 1, 0, 1]);
    // The report block is about the new run only: "the packet loss statistics are reset".
    expect(block(s)).toMatchObject({ cumulativeLost: 0, fractionLost: 0, extendedHighestSeq: 20_009 });
  });

  it('treats a packet more than MAX_MISORDER behind as a jump, not as late', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(1000, 1300), { seq: 1100 }]);
    expect([s.received, s.duplicates, s.reordered, s.snapshot().invalid]).toEqual([301, 0, 0, 1]);
    // Exactly MAX_MISORDER behind is still a jump ("udelta <= RTP_SEQ_MOD - MAX_MISORDER");
    // 99 behind is "duplicate or reordered".
    feed(s, [{ seq: 1200 }]);
    expect([s.received, s.snapshot().invalid]).toEqual([301, 2]);
    feed(s, [{ seq: 1201 }]);
    expect([s.received, s.duplicates]).toEqual([302, 1]);
  });

  it('accepts a gap just under MAX_DROPOUT as loss', () => {
    const s = new RtpReceiverStats();
    feed(s, [{ seq: 1 }, { seq: 2 }, { seq: 3001 }]);
    expect([s.received, s.expected, s.lost]).toEqual([3, 3001, 2998]);
  });

  it('starts over on an SSRC change, keeping session totals', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1, 10).filter(({ seq }) => seq !== 4));
    expect(block(s)?.cumulativeLost).toBe(1);
    feed(s, [{ seq: 500, ssrc: 42 }]);
    expect([s.ssrc, s.ssrcChanges, s.snapshot().previousSsrc]).toEqual([42, 1, SSRC]);
    expect(block(s)).toBeUndefined(); // the new source is on probation
    feed(s, [{ seq: 501, ssrc: 42 }, { seq: 503, ssrc: 42 }]);
    expect([s.received, s.expected, s.lost]).toEqual([9 + 3, 10 + 4, 2]);
    expect(block(s)).toMatchObject({ ssrc: 42, cumulativeLost: 1, extendedHighestSeq: 503 });
  });

  it('counts payload type changes of audio only, markers, octets, gaps and arrival times', () => {
    const s = new RtpReceiverStats();
    feed(s, [
      { seq: 1, pt: 0, marker: true, at: 1000 },
      { seq: 2, pt: 0, at: 1020 },
      { seq: 3, pt: 101, audio: false, marker: true, at: 1040, bytes: 4 },
      { seq: 4, pt: 101, audio: false, at: 1045, bytes: 4 },
      { seq: 5, pt: 0, at: 1060 },
      { seq: 6, pt: 8, at: 1200 },
      { seq: 7, pt: 0, at: 1220 },
    ]);
    expect(s.ptChanges).toBe(2);
    expect(s.maxGapMs).toBe(140);
    expect(s.snapshot()).toMatchObject({ markers: 2, payloadBytes: 5 * 160 + 8, packets: 7, firstArrivalMs: 1000, lastArrivalMs: 1220, payloadType: 0 });
  });

  it('fills LSR and DLSR from the last SR (DLSR in 1/65536 s)', () => {
    const s = new RtpReceiverStats();
    s.onSenderReport(0xb705_2000, 1000);
    feed(s, seqs(1, 3));
    expect(block(s, 1500)).toMatchObject({ lsr: 0xb705_2000, dlsr: 32768 });
    expect(block(s, 6250)).toMatchObject({ dlsr: 0x0005_4000 }); // 5.25 s, RFC 3550 §6.4.1's example
  });

  it('has a JSON-ready snapshot', () => {
    const s = new RtpReceiverStats();
    expect(JSON.parse(JSON.stringify(s.snapshot()))).toEqual(s.snapshot());
    expect(s.snapshot()).toMatchObject({ ssrc: null, valid: false, firstArrivalMs: null, extendedHighestSeq: null, payloadType: null });
    feed(s, seqs(1, 5));
    expect(JSON.parse(JSON.stringify(s.snapshot()))).toEqual(s.snapshot());
  });
});

describe('RtpReceiverStats: RFC 3550 A.8 interarrival jitter', () => {
  it('is 0 for a stream with a constant transit time', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1, 200).map(({ seq }) => ({ seq, at: 5000 + seq * 20 + 37 })));
    expect(s.jitterMs).toBe(0);
    expect(block(s)?.jitter).toBe(0);
  });

  it('converges to |D| for arrivals alternating ±d (integer form: jitter >> 4 within 1 of |D|)', () => {
    const s = new RtpReceiverStats();
    // Every other packet 5 ms late: |D| = 5 ms = 40 timestamp units at 8 kHz for every pair.
    feed(s, seqs(1, 500).map(({ seq }) => ({ seq, at: seq * 20 + (seq % 2 ? 5 : 0) })));
    const j = block(s)!.jitter;
    expect(j).toBeGreaterThanOrEqual(39);
    expect(j).toBeLessThanOrEqual(40);
    // The integer estimator settles with 16·J in [16·40 − 8, 16·40 + 7].
    expect(s.jitterMs).toBeGreaterThanOrEqual((640 - 8) / 16 / 8);
    expect(s.jitterMs).toBeLessThanOrEqual((640 + 7) / 16 / 8);
  });

  it('follows the J += (|D| − J)/16 recursion step by step', () => {
    const s = new RtpReceiverStats();
    // One packet 10 ms late (80 units): two pairs see |D| = 80.
    feed(s, [{ seq: 1 }, { seq: 2 }, { seq: 3, at: 70 }, { seq: 4 }]);
    // jitter16: 0 → 80 − 0 = 80 → 80 + 80 − ((80 + 8) >> 4 = 5) = 155; reported 155 >> 4 = 9.
    expect(block(s)?.jitter).toBe(9);
    expect(s.jitterMs).toBeCloseTo(155 / 16 / 8, 10);
  });

  it('uses the clock rate of the payload (48 kHz)', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1, 500).map(({ seq }) => ({ seq, ts: seq * 960, at: seq * 20 + (seq % 2 ? 5 : 0) })), 48000);
    expect(block(s)!.jitter).toBeGreaterThanOrEqual(239);
    expect(Math.abs(s.jitterMs - 5)).toBeLessThanOrEqual(8.001 / 16 / 48); // 16·J within 8 of 16·240
  });

  it('skips pairs that are not one sequence number apart, or share a timestamp', () => {
    const s = new RtpReceiverStats();
    // After 1, 2: odd packets lost and the rest wildly late; no later pair is one apart.
    feed(s, seqs(1, 100).filter(({ seq }) => seq % 2 === 0 || seq === 1).map(({ seq }) => ({ seq, at: seq * 20 + (seq > 2 ? (seq % 4) * 30 : 0) })));
    expect(s.jitterMs).toBe(0);
    const t = new RtpReceiverStats();
    // 3 repeats the timestamp of 2 and arrives 7 ms after it: the pair (2, 3) is skipped, the
    // pair (3, 4) is not: D = 13 ms − 20 ms, |D| = 56 units, so 16·J = 56 and J = 56 >> 4 = 3.
    // Had (2, 3) counted (|D| = 56), 16·J would be 56 + 56 − 4 = 108.
    feed(t, [{ seq: 1 }, { seq: 2 }, { seq: 3, ts: 320, at: 47 }, { seq: 4, ts: 480, at: 60 }]);
    expect(block(t)?.jitter).toBe(3);
    expect(t.jitterMs).toBe(56 / 16 / 8);
  });

  it('skips telephone-event and CN packets, and the packet after them', () => {
    const s = new RtpReceiverStats();
    feed(s, [
      ...seqs(1, 10),
      { seq: 11, pt: 101, audio: false, ts: 1000, at: 999 },
      { seq: 12, pt: 13, audio: false, ts: 5, at: 1 },
      { seq: 13, at: 13 * 20 + 50 }, // late, but its predecessor is not audio
      ...seqs(14, 20).map(({ seq }) => ({ seq, at: seq * 20 + 50 })),
    ]);
    expect(s.jitterMs).toBe(0);
  });

  it('ignores late and duplicate packets', () => {
    const s = new RtpReceiverStats();
    feed(s, [...seqs(1, 5), { seq: 3, at: 500 }, { seq: 5, at: 600 }, ...seqs(6, 10)]);
    expect(s.jitterMs).toBe(0);
  });

  it('resets on an SSRC change', () => {
    const s = new RtpReceiverStats();
    feed(s, seqs(1, 100).map(({ seq }) => ({ seq, at: seq * 20 + (seq % 2 ? 5 : 0) })));
    expect(s.jitterMs).toBeGreaterThan(4);
    feed(s, seqs(1, 20).map(({ seq }) => ({ seq, ssrc: 99, at: 10_000 + seq * 20 })));
    expect(s.jitterMs).toBe(0);
  });
});

describe('RtpReceiverStats against a reference model (fast-check)', () => {
  /**
   * A stream within the A.1 windows: the first two packets in order (so the source validates
   * at once), then increasing offsets with gaps of 1..10 (drops), some duplicated, and every
   * packet delayed by up to 5 places. A late packet is then at most ~60 behind the highest
   * (< MAX_MISORDER) and every jump under MAX_DROPOUT, so A.1 accepts every packet.
   */
  const stream = fc
    .record({
      base: fc.integer({ min: 0, max: 0xffff }),
      gaps: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 0, maxLength: 400 }),
      dupEvery: fc.integer({ min: 0, max: 20 }),
      delays: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 500, maxLength: 500 }),
    })
    .map(({ base, gaps, dupEvery, delays }) => {
      const offsets = [0, 1];
      for (const g of gaps) offsets.push(offsets[offsets.length - 1] + g);
      const sent: number[] = [];
      offsets.forEach((o, i) => {
        sent.push(o);
        if (dupEvery > 0 && i >= 2 && i % dupEvery === 0) sent.push(o);
      });
      const keyed = sent.map((o, i) => ({ o, key: i < 2 ? i : i + delays[i % delays.length] + 0.5 }));
      keyed.sort((a, b) => a.key - b.key);
      return { base, arrivals: keyed.map((k) => k.o) };
    });

  it('received, expected, lost, duplicates and reordered match a Set of extended sequence numbers', () => {
    fc.assert(
      fc.property(stream, ({ base, arrivals }) => {
        const s = new RtpReceiverStats();
        feed(s, arrivals.map((o, i) => ({ seq: base + o, ts: o * 160, at: i * 20 })));
        const set = new Set<number>();
        let duplicates = 0;
        let reordered = 0;
        let max = -1;
        for (const o of arrivals) {
          if (set.has(o)) duplicates++;
          else {
            set.add(o);
            if (o < max) reordered++;
          }
          max = Math.max(max, o);
        }
        const expected = max + 1;
        expect(s.received).toBe(arrivals.length);
        expect(s.expected).toBe(expected);
        expect(s.lost).toBe(expected - set.size);
        expect(s.duplicates).toBe(duplicates);
        expect(s.reordered).toBe(reordered);
        expect(s.snapshot().invalid).toBe(0);
        const rb = block(s)!;
        expect(rb.extendedHighestSeq).toBe(base + max);
        expect(rb.cumulativeLost).toBe(expected - arrivals.length);
      }),
      { numRuns: 300 },
    );
  });

  it('report blocks taken along the way carry the A.3 interval fraction and cumulative loss', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 60 }), ({ base, arrivals }, every) => {
        const s = new RtpReceiverStats();
        const h = newRtpHeader();
        h.ssrc = SSRC;
        const out: ReportBlock = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
        let max = -1;
        let expectedPrior = 0;
        let receivedPrior = 0;
        arrivals.forEach((o, i) => {
          h.sequence = (base + o) & 0xffff;
          h.timestamp = o * 160;
          s.onPacket(h, i * 20, 8000, true);
          max = Math.max(max, o);
          if (i >= 1 && i % every === 0) {
            expect(s.reportBlock(i * 20, out)).toBe(true);
            const expected = max + 1;
            const received = i + 1;
            const expectedInterval = expected - expectedPrior;
            const lostInterval = expectedInterval - (received - receivedPrior);
            expectedPrior = expected;
            receivedPrior = received;
            expect(out.fractionLost).toBe(expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval));
            expect(out.cumulativeLost).toBe(expected - received);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary headers and keeps its invariants', () => {
    const pkt = fc.record({
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 20 })),
      ts: fc.integer({ min: 0, max: 0xffff_ffff }),
      at: fc.double({ min: 0, max: 1e9, noNaN: true }),
      ssrc: fc.constantFrom(1, 2, 0xffff_ffff),
      pt: fc.constantFrom(0, 8, 101),
      audio: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(pkt, { maxLength: 300 }), (packets) => {
        const s = new RtpReceiverStats();
        feed(s, packets.sort((a, b) => a.at - b.at));
        const snap = s.snapshot();
        expect(snap.packets).toBe(packets.length);
        expect(snap.received + snap.invalid).toBe(snap.packets);
        expect(snap.lost).toBeGreaterThanOrEqual(0);
        expect(snap.lost).toBeLessThanOrEqual(snap.expected);
        expect(Number.isFinite(snap.jitterMs)).toBe(true);
        const rb = block(s);
        if (rb) {
          expect(rb.fractionLost).toBeGreaterThanOrEqual(0);
          expect(rb.fractionLost).toBeLessThanOrEqual(255);
          expect(rb.cumulativeLost).toBeGreaterThanOrEqual(-0x80_0000);
          expect(rb.cumulativeLost).toBeLessThanOrEqual(0x7f_ffff);
        }
      }),
      { numRuns: 500 },
    );
  });
});
