import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPENSATION, rtcpInterval, type RtcpIntervalInput, updateAvgRtcpSize } from '../../src/media/rtcp-interval.js';

/** Two parties, G.711: 5 % of ~80 kbit/s is 500 octets/s; compound packets of ~100 octets. */
const call: RtcpIntervalInput = { members: 2, senders: 2, rtcpBandwidth: 500, weSent: true, avgRtcpSize: 100, initial: false };

describe('rtcpInterval (RFC 3550 §6.3.1, A.7)', () => {
  it('is the 5 s minimum, scaled by random + 0.5 and divided by e − 3/2', () => {
    expect(COMPENSATION).toBeCloseTo(1.21828, 10);
    expect(rtcpInterval(call, () => 0.5)).toBeCloseTo(5000 / 1.21828, 9);
    expect(rtcpInterval(call, () => 0)).toBeCloseTo((5000 * 0.5) / 1.21828, 9);
    expect(rtcpInterval(call, () => 0.999999)).toBeCloseTo((5000 * 1.499999) / 1.21828, 6);
  });

  it('halves the minimum before our first RTCP packet', () => {
    expect(rtcpInterval({ ...call, initial: true }, () => 0.5)).toBeCloseTo(2500 / 1.21828, 9);
  });

  it('uses n·C when it exceeds the minimum (no sender/receiver split when senders > 25 %)', () => {
    // 20 members, 10 senders: 10 > 20 · 0.25, so n = 20 and the whole bandwidth: 20 · 200 / 400 = 10 s.
    const t = rtcpInterval({ members: 20, senders: 10, rtcpBandwidth: 400, weSent: true, avgRtcpSize: 200, initial: false }, () => 0.5);
    expect(t).toBeCloseTo(10_000 / 1.21828, 9);
  });

  it('gives senders 25 % of the bandwidth, shared among the senders only', () => {
    // 100 members, 2 senders (≤ 25): a sender computes n = 2 over 25 % of 100 octets/s = 8 s.
    const input = { members: 100, senders: 2, rtcpBandwidth: 100, weSent: true, avgRtcpSize: 100, initial: false };
    expect(rtcpInterval(input, () => 0.5)).toBeCloseTo(8000 / 1.21828, 9);
    // A receiver: n = 98 over 75 % = 98 · 100 / 75 s.
    expect(rtcpInterval({ ...input, weSent: false }, () => 0.5)).toBeCloseTo(((98 * 100) / 75) * 1000 / 1.21828, 6);
  });

  it('applies the split at exactly 25 % senders ("senders <= members * RTCP_SENDER_BW_FRACTION")', () => {
    const input = { members: 40, senders: 10, rtcpBandwidth: 100, weSent: false, avgRtcpSize: 100, initial: false };
    expect(rtcpInterval(input, () => 0.5)).toBeCloseTo(((30 * 100) / 75) * 1000 / 1.21828, 6);
  });

  it('stays in [0.5, 1.5) × max(Tmin, n·C) / 1.21828 for any input and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 20, max: 1500, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (members, senders, rtcpBandwidth, weSent, avgRtcpSize, initial, r) => {
          const t = rtcpInterval({ members, senders: Math.min(senders, members), rtcpBandwidth, weSent, avgRtcpSize, initial }, () => r);
          const tmin = initial ? 2500 : 5000;
          expect(t).toBeGreaterThanOrEqual((tmin * 0.5) / COMPENSATION - 1e-9);
          expect(Number.isFinite(t)).toBe(true);
        },
      ),
    );
  });

  it('falls back to the minimum when there is no RTCP bandwidth', () => {
    expect(rtcpInterval({ ...call, rtcpBandwidth: 0 }, () => 0.5)).toBeCloseTo(5000 / 1.21828, 9);
  });
});

describe('updateAvgRtcpSize (RFC 3550 §6.3.3)', () => {
  it('moves 1/16 of the way to each packet size', () => {
    expect(updateAvgRtcpSize(100, 260)).toBe(110);
    let avg = 100;
    for (let i = 0; i < 500; i++) avg = updateAvgRtcpSize(avg, 140);
    expect(avg).toBeCloseTo(140, 6);
  });
});
