import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../src/clock/clock.js';
import { decodeG711, encodeG711 } from '../../src/media/g711.js';
import { ntpFromUnixMs, ntpMiddle32, parseRtcp, writeReceiverReport, writeSdes, writeSenderReport, type RtcpPacket } from '../../src/media/rtcp.js';
import { newRtpHeader, readRtp, writeRtpHeader, type RtpHeader } from '../../src/media/rtp.js';
import { writeRfc4733 } from '../../src/media/rfc4733-payload.js';
import { MediaSession, type MediaObserver, type MediaSessionConfig } from '../../src/media/session.js';
import type { MediaSecondStats } from '../../src/media/media-second.js';
import { ToneSource } from '../../src/media/tone.js';
import { ManualClock } from '../support/manual-clock.js';

/**
 * MediaSession on a manual clock: what goes out (RTP, RTCP) through fake ports, captured
 * packet by packet (copied: the session reuses its buffer), and what the receive path makes of
 * hand-built RTP and RTCP.
 */

const SSRC = 0x1234abcd;
// Near the wrap of both fields: +1 and +160 must be taken modulo 2^16 and 2^32.
const SEQ0 = 65_530;
const TS0 = 0xffff_f000;
const CNAME = 'sipcall-test@127.0.0.1';
const WALL0 = 1_700_000_000_000;
const T0 = 1000;

const PEER_SSRC = 0xcafe_f00d;
const PEER = { address: '127.0.0.1', port: 4000 };

interface Sent {
  t: number;
  bytes: Uint8Array;
}

interface Harness {
  clock: Clock & { now(): number };
  session: MediaSession;
  rtp: Sent[];
  rtcp: Sent[];
  seconds: MediaSecondStats[];
  digits: Array<{ digit: string; method: string; durationMs: number; atMs: number }>;
  digitsSent: Array<{ digit: string; method: string; atMs: number; durationMs: number }>;
  notes: Array<[string, string]>;
}

function config(over: Partial<MediaSessionConfig> = {}): MediaSessionConfig {
  return {
    codec: 'PCMU',
    payloadType: 0,
    ptimeMs: 20,
    direction: 'sendrecv',
    ssrc: SSRC,
    sequence: SEQ0,
    timestamp: TS0,
    cname: CNAME,
    source: new ToneSource([440], -20),
    ...over,
  };
}

function harness(over: Partial<MediaSessionConfig> = {}, opts: { clock?: Clock & { now(): number }; random?: () => number } = {}): Harness {
  const clock = opts.clock ?? new ManualClock(T0);
  const rtp: Sent[] = [];
  const rtcp: Sent[] = [];
  const seconds: MediaSecondStats[] = [];
  const digits: Harness['digits'] = [];
  const digitsSent: Harness['digitsSent'] = [];
  const notes: Harness['notes'] = [];
  const observer: MediaObserver = {
    second: (s) => seconds.push(structuredClone(s)),
    digitReceived: (d) => digits.push({ digit: d.digit, method: d.method, durationMs: d.durationMs, atMs: d.atMs }),
    digitSent: (d) => digitsSent.push({ ...d }),
    note: (code, text) => notes.push([code, text]),
  };
  const session = new MediaSession(
    config(over),
    {
      clock,
      sendRtp: (b, l) => {
        rtp.push({ t: clock.now(), bytes: b.slice(0, l) });
        return true;
      },
      sendRtcp: (b, l) => {
        rtcp.push({ t: clock.now(), bytes: b.slice(0, l) });
        return true;
      },
      wallclockMs: () => WALL0 + clock.now(),
      random: opts.random ?? (() => 0.5),
    },
    observer,
  );
  return { clock, session, rtp, rtcp, seconds, digits, digitsSent, notes };
}

function header(bytes: Uint8Array): RtpHeader {
  const h = newRtpHeader();
  expect(readRtp(bytes, bytes.length, h)).toBeUndefined();
  return h;
}

/** The timestamp a packet sent at `t` must carry: the audio clock runs with real time. */
const tsAt = (t: number): number => (TS0 + ((t - T0) / 20) * 160) >>> 0;

/**
 * A clock whose event loop can be blocked: `block(ms)` lets time pass without running any
 * timer (a GC pause, a synchronous disk write), `run(to)` then fires what is due — late.
 * ManualClock always fires a timer with now() equal to its due time, so it cannot show a stall.
 */
class BlockingClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers: Array<{ due: number; seq: number; fn: () => void; dead: boolean }> = [];
  constructor(start: number) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    const h = { due: this.t + Math.max(0, ms), seq: this.seq++, fn, dead: false };
    this.timers.push(h);
    return h;
  }
  clearTimer(handle: TimerHandle): void {
    (handle as { dead: boolean }).dead = true;
  }
  block(ms: number): void {
    this.t += ms;
  }
  run(to: number): void {
    for (;;) {
      let next: (typeof this.timers)[number] | undefined;
      for (const x of this.timers) if (!x.dead && x.due <= to && (!next || x.due < next.due || (x.due === next.due && x.seq < next.seq))) next = x;
      if (!next) break;
      next.dead = true;
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = Math.max(this.t, to);
  }
}

// ------------------------------------------------------------------------------------------
// Sending

describe('MediaSession: paced sending', () => {
  it('sends at exactly t0 + n·20 ms, sequence +1, timestamp +160, marker on the first packet only, PT and SSRC as configured', () => {
    const h = harness();
    h.session.start();
    (h.clock as ManualClock).advance(2000);
    expect(h.rtp.length).toBe(101); // t0, t0+20, …, t0+2000
    h.rtp.forEach((p, i) => {
      expect(p.t).toBe(T0 + 20 * i); // zero tolerance on the manual clock
      expect(p.bytes.length).toBe(12 + 160);
      const r = header(p.bytes);
      expect(r.version).toBe(2);
      expect(r.payloadType).toBe(0);
      expect(r.ssrc).toBe(SSRC);
      expect(r.sequence).toBe((SEQ0 + i) & 0xffff);
      expect(r.timestamp).toBe((TS0 + 160 * i) >>> 0);
      expect(r.marker).toBe(i === 0);
      expect(r.csrcCount).toBe(0);
      expect(r.padding).toBe(false);
      expect(r.extension).toBe(false);
    });
    // The wrap really happened within the run.
    expect(header(h.rtp[10].bytes).sequence).toBe(4);
    expect(header(h.rtp[30].bytes).timestamp).toBe((TS0 + 4800) >>> 0);
    expect(header(h.rtp[30].bytes).timestamp).toBeLessThan(TS0);
    const snap = h.session.snapshot();
    expect(snap.sent).toMatchObject({ packets: 101, octets: 101 * 160, dtmfPackets: 0, skipped: 0 });
    expect(snap.sent.sendJitterMs).toEqual({ p50: 0, p99: 0, max: 0 });
    expect(snap.startedMs).toBe(T0);
  });

  it('the first packet goes out at once, not one ptime later', () => {
    const h = harness();
    h.session.start();
    (h.clock as ManualClock).advance(0);
    expect(h.rtp.map((p) => p.t)).toEqual([T0]);
  });

  it.each([
    ['PCMU', 0],
    ['PCMA', 8],
  ] as const)('the %s payload decodes back to the tone source samples', (codec, pt) => {
    const h = harness({ codec, payloadType: pt, source: new ToneSource([440], -20) });
    h.session.start();
    (h.clock as ManualClock).advance(200);
    const reference = new ToneSource([440], -20);
    const frame = new Int16Array(160);
    const encoded = new Uint8Array(160);
    const decoded = new Int16Array(160);
    expect(h.rtp.length).toBe(11);
    for (const p of h.rtp) {
      reference.fill(frame);
      const r = header(p.bytes);
      expect(r.payloadType).toBe(pt);
      const payload = p.bytes.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength);
      encodeG711(codec, frame, encoded, 0);
      expect([...payload]).toEqual([...encoded]);
      decodeG711(codec, payload, decoded);
      for (let i = 0; i < 160; i++) {
        // G.711 quantisation: about 1/16 of the magnitude, never more.
        expect(Math.abs(decoded[i] - frame[i])).toBeLessThanOrEqual(Math.max(16, Math.abs(frame[i]) / 16));
      }
    }
  });

  it('the session reuses two send buffers in turn (a queued datagram is not overwritten by the next packet; fake ports copy)', () => {
    const seen: Uint8Array[] = [];
    const clock = new ManualClock(T0);
    const s = new MediaSession(config(), { clock, sendRtp: (b) => (seen.push(b), true), sendRtcp: () => true, wallclockMs: () => WALL0, random: () => 0.5 });
    s.start();
    clock.advance(40);
    expect(seen.length).toBe(3);
    expect(seen[0]).not.toBe(seen[1]); // the next packet is built in the other buffer
    expect(seen[0]).toBe(seen[2]); // and then the first one again: no allocation per packet
  });
});

describe('MediaSession: direction', () => {
  it('recvonly sends nothing but keeps the timestamp clock; after resuming the timestamp jumped by 160 per skipped tick and M is set', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.session.start();
    clock.advance(100); // 6 packets: t0 … t0+100
    expect(h.rtp.length).toBe(6);
    h.session.direction = 'recvonly';
    clock.advance(200); // ticks at t0+120 … t0+300: nothing
    expect(h.rtp.length).toBe(6);
    h.session.direction = 'sendrecv';
    clock.advance(60); // t0+320 … t0+360
    expect(h.rtp.length).toBe(9);
    const resumed = h.rtp.slice(6).map((p) => ({ t: p.t, h: header(p.bytes) }));
    expect(resumed[0].t).toBe(T0 + 320);
    expect(resumed[0].h.timestamp).toBe(tsAt(T0 + 320)); // 10 skipped ticks: +1600 beyond the last sent + 160
    expect(resumed[0].h.timestamp - header(h.rtp[5].bytes).timestamp).toBe(11 * 160);
    expect(resumed[0].h.marker).toBe(true);
    expect(resumed[1].h.marker).toBe(false);
    expect(resumed[2].h.marker).toBe(false);
    // Sequence numbers count packets sent, not packet times: no gap.
    expect(resumed[0].h.sequence).toBe((SEQ0 + 6) & 0xffff);
    expect(resumed[2].h.sequence).toBe((SEQ0 + 8) & 0xffff);
    expect(h.session.snapshot().sent.packets).toBe(9);
  });

  it('inactive from the start sends nothing; sendrecv later starts on the real clock with M', () => {
    const h = harness({ direction: 'inactive' });
    const clock = h.clock as ManualClock;
    h.session.start();
    clock.advance(1000);
    expect(h.rtp).toEqual([]);
    expect(h.session.snapshot().sent.packets).toBe(0);
    h.session.direction = 'sendrecv';
    clock.advance(20);
    expect(h.rtp.length).toBe(1);
    expect(h.rtp[0].t).toBe(T0 + 1020);
    const r = header(h.rtp[0].bytes);
    expect(r.timestamp).toBe(tsAt(T0 + 1020));
    expect(r.sequence).toBe(SEQ0);
    expect(r.marker).toBe(true);
  });

  it('sendonly sends', () => {
    const h = harness({ direction: 'sendonly' });
    h.session.start();
    (h.clock as ManualClock).advance(100);
    expect(h.rtp.length).toBe(6);
  });
});

describe('MediaSession: a stall', () => {
  it('skips the packet times it missed instead of sending a burst; timestamps keep the real clock, M marks the jump', () => {
    const clock = new BlockingClock(T0);
    const h = harness({}, { clock });
    h.session.start();
    clock.run(T0 + 100); // 6 packets on time
    expect(h.rtp.length).toBe(6);
    clock.block(200); // the event loop is stuck until t0+300
    clock.run(T0 + 300);
    // One packet, late, for the whole stall: no burst of ten.
    expect(h.rtp.length).toBe(7);
    expect(h.rtp[6].t).toBe(T0 + 300);
    const late = header(h.rtp[6].bytes);
    expect(late.timestamp).toBe(tsAt(T0 + 300));
    expect(late.sequence).toBe((SEQ0 + 6) & 0xffff);
    expect(late.marker).toBe(true);
    clock.run(T0 + 400);
    const after = h.rtp.slice(7);
    // Back on the original grid t0 + n·20, one packet per ptime.
    expect(after.map((p) => p.t)).toEqual([320, 340, 360, 380, 400].map((x) => T0 + x));
    after.forEach((p, i) => {
      const r = header(p.bytes);
      expect(r.timestamp).toBe(tsAt(p.t));
      expect(r.sequence).toBe((SEQ0 + 7 + i) & 0xffff);
      expect(r.marker).toBe(false);
    });
    const snap = h.session.snapshot();
    expect(snap.sent.skipped).toBe(9); // the ticks of t0+120 … t0+280
    expect(snap.sent.sendJitterMs.max).toBe(180); // the late tick, due at t0+120
  });

  it('a wake-up late by less than 3 ptimes still sends its packet (no skip)', () => {
    const clock = new BlockingClock(T0);
    const h = harness({}, { clock });
    h.session.start();
    clock.run(T0);
    clock.block(50); // the t0+20 tick fires at t0+50
    clock.run(T0 + 100);
    const times = h.rtp.map((p) => p.t);
    expect(times).toEqual([0, 50, 50, 60, 80, 100].map((x) => T0 + x));
    h.rtp.forEach((p, i) => expect(header(p.bytes).timestamp).toBe((TS0 + 160 * i) >>> 0));
    expect(h.session.snapshot().sent.skipped).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------
// RFC 4733 DTMF, sending

describe('MediaSession: RFC 4733 DTMF sending', () => {
  it("digit 5 for 160 ms: PT 101, M on the first, constant timestamp, growing duration, three end packets with new sequence numbers, then audio", () => {
    const h = harness({ dtmfPayloadType: 101 });
    const clock = h.clock as ManualClock;
    h.session.start();
    clock.advance(40); // audio at t0, t0+20, t0+40
    expect(h.session.canSendRfc4733).toBe(true);
    h.session.sendDtmf([{ kind: 'digit', digit: '5', event: 5, durationMs: 160 }]);
    expect(h.session.dtmfBusy).toBe(true);
    clock.advance(220); // to t0+260: the digit is out, audio is back
    expect(h.session.dtmfBusy).toBe(true); // the 100 ms pause after a digit
    clock.advance(180);
    const pkts = h.rtp.map((p) => ({ t: p.t, h: header(p.bytes), payload: p.bytes.slice(12) }));
    const dtmf = pkts.filter((p) => p.h.payloadType === 101);
    const firstDtmf = pkts.findIndex((p) => p.h.payloadType === 101);
    expect(firstDtmf).toBe(3);
    expect(dtmf.length).toBe(10); // 8 updates (the 8th with E) + 2 more copies of the end
    // One contiguous run of DTMF packets, then audio again.
    expect(pkts.slice(3, 13).every((p) => p.h.payloadType === 101)).toBe(true);
    expect(pkts.slice(13).every((p) => p.h.payloadType === 0)).toBe(true);
    expect(pkts.length).toBeGreaterThan(13);
    const start = tsAt(T0 + 60);
    dtmf.forEach((p, i) => {
      expect(p.t).toBe(T0 + 60 + 20 * i);
      expect(p.h.marker).toBe(i === 0);
      expect(p.h.timestamp).toBe(start); // the event start, constant
      expect(p.h.ssrc).toBe(SSRC);
      expect(p.h.payloadLength).toBe(4);
      expect(p.payload[0]).toBe(5);
      const end = (p.payload[1] & 0x80) !== 0;
      const volume = p.payload[1] & 0x3f;
      const duration = (p.payload[2] << 8) | p.payload[3];
      expect(volume).toBe(10);
      expect(duration).toBe(Math.min(160 * (i + 1), 1280));
      expect(end).toBe(i >= 7);
    });
    // Every packet, the end copies too, has its own sequence number.
    pkts.forEach((p, i) => expect(p.h.sequence).toBe((SEQ0 + i) & 0xffff));
    // Audio resumes on the audio clock, which ran on during the digit.
    const audio = pkts[13];
    expect(audio.t).toBe(T0 + 260);
    expect(audio.h.timestamp).toBe(tsAt(T0 + 260));
    expect(h.session.dtmfBusy).toBe(false);
    const snap = h.session.snapshot();
    expect(snap.sent.dtmfPackets).toBe(10);
    expect(snap.sent.packets).toBe(h.rtp.length);
    expect(snap.sent.octets).toBe((h.rtp.length - 10) * 160 + 10 * 4);
    expect(h.digitsSent.map((d) => [d.digit, d.method, d.atMs])).toEqual([['5', 'rfc4733', T0 + 60]]);
  });

  it('digitSent reports the digit with the duration it was sent with (160 ms, as the packets and the receiver say)', () => {
    const h = harness({ dtmfPayloadType: 101 });
    const clock = h.clock as ManualClock;
    h.session.start();
    clock.advance(40);
    h.session.sendDtmf([{ kind: 'digit', digit: '5', event: 5, durationMs: 160 }]);
    clock.advance(400);
    // The event's duration field ends at 1280 units = 160 ms; a receiver (ours included, see
    // below) reports 160 ms; the in-band path reports its tone length. The RFC 4733 path
    // reports the time from the first packet to the tick after the last end copy (200 ms).
    expect(h.digitsSent).toEqual([{ digit: '5', method: 'rfc4733', atMs: T0 + 60, durationMs: 160 }]);
  });

  it('in-band digits are reported when their tone starts in a frame, at that frame\'s send time (not when queued)', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.session.start();
    clock.advance(45);
    h.session.sendInbandDtmf([
      { kind: 'digit', digit: '1', event: 1, durationMs: 100 },
      { kind: 'digit', digit: '2', event: 2, durationMs: 100 },
    ]);
    expect(h.digitsSent).toEqual([{ digit: '1', method: 'inband', atMs: T0 + 60, durationMs: 100 }]);
    clock.advance(400);
    // 100 ms of tone, 100 ms of gap: the second key starts 200 ms after the first
    expect(h.digitsSent.map((d) => d.atMs)).toEqual([T0 + 60, T0 + 260]);
  });

  it('without a telephone-event payload type, RFC 4733 is not available', () => {
    const h = harness();
    expect(h.session.canSendRfc4733).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------
// Receiving

/** G.711 frames of a 440 Hz tone at −20 dBFS, one per packet. */
function toneFrames(n: number, codec: 'PCMU' | 'PCMA' = 'PCMU', hz = 440, dbfs = -20): Uint8Array[] {
  const src = new ToneSource([hz], dbfs);
  const pcm = new Int16Array(160);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    src.fill(pcm);
    const b = new Uint8Array(160);
    encodeG711(codec, pcm, b, 0);
    out.push(b);
  }
  return out;
}

function rtpPacket(seq: number, ts: number, payload: Uint8Array, opts: { pt?: number; marker?: boolean; ssrc?: number } = {}): Uint8Array {
  const b = new Uint8Array(12 + payload.length);
  writeRtpHeader(b, 0, opts.marker ?? false, opts.pt ?? 0, seq & 0xffff, ts >>> 0, opts.ssrc ?? PEER_SSRC);
  b.set(payload, 12);
  return b;
}

const PEER_SEQ0 = 1000;
const PEER_TS0 = 50_000;

/**
 * Feeds `n` packets of the peer's tone: packet i at t0 + 10 + 20·i + offset(i) (mid-way
 * between our ticks), skipping those `drop` says.
 */
function feed(h: Harness, n: number, opts: { offset?: (i: number) => number; drop?: (i: number) => boolean; from?: typeof PEER; firstIndex?: number } = {}): number {
  const frames = toneFrames(n + (opts.firstIndex ?? 0));
  const clock = h.clock as ManualClock;
  let fed = 0;
  for (let k = 0; k < n; k++) {
    const i = k + (opts.firstIndex ?? 0);
    if (opts.drop?.(i)) continue;
    const at = T0 + 10 + 20 * i + (opts.offset?.(i) ?? 0);
    clock.advanceTo(at);
    const pkt = rtpPacket(PEER_SEQ0 + i, PEER_TS0 + 160 * i, frames[i], { marker: i === 0 });
    h.session.receiveRtp(pkt, pkt.length, (opts.from ?? PEER).address, (opts.from ?? PEER).port, at);
    fed++;
  }
  return fed;
}

describe('MediaSession: receive path', () => {
  it('counts packets, hears the 440 Hz tone at its level, lists the source', () => {
    const h = harness({ expectToneHz: 440 });
    h.session.start();
    const n = 150;
    expect(feed(h, n)).toBe(n);
    const s = h.session.snapshot();
    expect(s.received).toMatchObject({ packets: n, audioPackets: n, expected: n, lost: 0, lossPct: 0, duplicates: 0, reordered: 0, invalid: 0, ssrcChanges: 0, dtmfPackets: 0, comfortNoise: 0, ownSsrcEchoed: 0, unexpectedPayloadTypes: [] });
    expect(s.received.jitterMs).toBe(0);
    expect(s.received.maxGapMs).toBe(20);
    expect(s.received.firstMs).toBe(T0 + 10);
    expect(s.received.lastMs).toBe(T0 + 10 + 20 * (n - 1));
    expect(s.received.sources).toEqual([{ address: '127.0.0.1', port: 4000, packets: n, firstMs: T0 + 10, lastMs: T0 + 10 + 20 * (n - 1) }]);
    expect(s.received.concealed).toBe(0);
    expect(s.tone?.hz).toBe(440);
    expect(s.tone?.heard).toBe(true);
    expect(s.tone?.firstHeardMs).toBeGreaterThanOrEqual(T0);
    expect(s.tone?.firstHeardMs).toBeLessThan(T0 + 200); // playout delay of 3 frames + 3 detector blocks
    expect(s.tone!.levelDbfs!).toBeCloseTo(-20, 0);
    expect(Math.abs(s.received.levelDbfs! - -20)).toBeLessThan(0.5);
    expect(Math.abs(s.received.peakDbfs! - -20)).toBeLessThan(0.5); // a sine's peak is its nominal level (AES17)
  });

  it('does not hear 1000 Hz in a 440 Hz tone', () => {
    const h = harness({ expectToneHz: 1000 });
    h.session.start();
    feed(h, 100);
    expect(h.session.snapshot().tone).toMatchObject({ hz: 1000, heard: false });
  });

  it('5 % of the sequence numbers skipped → lossPct 5 ± 0.5', () => {
    const h = harness();
    h.session.start();
    const n = 200;
    const fed = feed(h, n, { drop: (i) => i % 20 === 10 });
    expect(fed).toBe(190);
    const r = h.session.snapshot().received;
    expect(r.packets).toBe(190);
    expect(r.expected).toBe(200);
    expect(r.lost).toBe(10);
    expect(Math.abs(r.lossPct - 5)).toBeLessThanOrEqual(0.5);
    expect(r.maxGapMs).toBe(40);
  });

  it.each([5, 2])('arrival offsets alternating ±%d ms give the RFC 3550 A.8 jitter', (d) => {
    const h = harness();
    h.session.start();
    const n = 200;
    feed(h, n, { offset: (i) => (i % 2 === 0 ? d : -d) });
    // A.8: D(i−1,i) = (Rj − Ri) − (Sj − Si) = ±2d ms; J += (|D| − J)/16, from the third packet
    // (the first two validate the source, the second primes the transit time).
    let j = 0;
    for (let k = 2; k < n; k++) j += (2 * d - j) / 16;
    const r = h.session.snapshot().received;
    expect(Math.abs(r.jitterMs - j)).toBeLessThan(0.2);
    expect(Math.abs(r.jitterMs - 2 * d)).toBeLessThan(0.2);
  });

  it('sources: every address:port that sent, with counts', () => {
    const h = harness();
    h.session.start();
    feed(h, 10);
    feed(h, 5, { from: { address: '127.0.0.1', port: 4002 }, firstIndex: 10 });
    const s = h.session.snapshot().received.sources;
    expect(s.map((x) => [`${x.address}:${x.port}`, x.packets])).toEqual([
      ['127.0.0.1:4000', 10],
      ['127.0.0.1:4002', 5],
    ]);
  });

  it('counts a payload type nobody agreed on, and invalid packets', () => {
    const h = harness();
    h.session.start();
    const clock = h.clock as ManualClock;
    clock.advanceTo(T0 + 10);
    const p = rtpPacket(1, 0, new Uint8Array(20), { pt: 18 });
    h.session.receiveRtp(p, p.length, '127.0.0.1', 4000, T0 + 10);
    h.session.receiveRtp(new Uint8Array([1, 2, 3]), 3, '127.0.0.1', 4000, T0 + 10);
    const r = h.session.snapshot().received;
    expect(r.unexpectedPayloadTypes).toEqual([{ pt: 18, packets: 1 }]);
    expect(r.invalid).toBe(1);
    expect(r.audioPackets).toBe(0);
  });

  it('RFC 4733 packets from the peer produce digitReceived once', () => {
    const h = harness({ dtmfPayloadType: 101 });
    h.session.start();
    const clock = h.clock as ManualClock;
    feed(h, 10); // audio: seq PEER_SEQ0 … +9
    const startTs = PEER_TS0 + 160 * 10;
    const payload = new Uint8Array(4);
    for (let k = 0; k < 10; k++) {
      const i = 10 + k;
      const at = T0 + 10 + 20 * i;
      clock.advanceTo(at);
      const duration = Math.min(160 * (k + 1), 1280);
      writeRfc4733(payload, 0, 5, k >= 7, 10, duration);
      const pkt = rtpPacket(PEER_SEQ0 + i, startTs, payload, { pt: 101, marker: k === 0 });
      h.session.receiveRtp(pkt, pkt.length, PEER.address, PEER.port, at);
    }
    clock.advance(200);
    expect(h.digits).toEqual([{ digit: '5', method: 'rfc4733', durationMs: 160, atMs: T0 + 210 }]);
    const s = h.session.snapshot();
    expect(s.digitsReceived).toBe('5');
    expect(s.received.dtmfPackets).toBe(10);
    expect(s.received.audioPackets).toBe(10);
    expect(h.notes).toEqual([]);
  });

  it('the per-second observer fires once a second with per-second deltas', () => {
    const h = harness();
    h.session.start();
    // 3 s of the peer at 50 packets/s; 5 lost in the second second.
    feed(h, 150, { drop: (i) => i >= 60 && i < 85 && i % 5 === 0 });
    (h.clock as ManualClock).advanceTo(T0 + 3000);
    expect(h.seconds.map((s) => s.second)).toEqual([1, 2, 3]);
    const [s1, s2, s3] = h.seconds;
    expect(s1.received).toMatchObject({ packets: 50, total: 50, lost: 0, lossPct: 0 });
    expect(s2.received).toMatchObject({ packets: 45, total: 95, lost: 5, lossPct: 10 });
    expect(s3.received).toMatchObject({ packets: 50, total: 145, lost: 0, lossPct: 0 });
    // Sent: deltas add up to the totals, 50 a second in steady state.
    expect(s2.sent.packets).toBe(50);
    expect(s3.sent.packets).toBe(50);
    expect(s1.sent.packets + s2.sent.packets + s3.sent.packets).toBe(s3.sent.total);
    expect(s3.sent.total).toBe(151);
    for (const s of h.seconds) {
      expect(s.source).toBe('127.0.0.1:4000');
      expect(s.levelDbfs).toBeDefined();
      expect(s.sendJitterP99Ms).toBe(0);
    }
    expect(Math.abs(s3.levelDbfs! - -20)).toBeLessThan(0.5);
  });
});

// ------------------------------------------------------------------------------------------
// RTCP

const rtcpOf = (p: Sent): RtcpPacket[] => {
  const c = parseRtcp(p.bytes, p.bytes.length);
  expect(c.problems).toEqual([]);
  return c.packets;
};

/** RFC 3550 §6.3.1 with two members: Td = Tmin (2.5 s halved for the first), × [0.5, 1.5), ÷ (e − 3/2). */
const firstIntervalMs = (r: number): number => (2500 * (r + 0.5)) / 1.21828;

describe('MediaSession: RTCP', () => {
  it.each([0, 0.5, 0.999_999])('the first report goes out within the §6.3.1 initial interval (random %s)', (r) => {
    const h = harness({}, { random: () => r });
    h.session.start();
    (h.clock as ManualClock).advance(3100);
    expect(h.rtcp.length).toBeGreaterThanOrEqual(1);
    const t = h.rtcp[0].t - T0;
    expect(Math.abs(t - firstIntervalMs(r))).toBeLessThan(0.01);
    // The bound: 2.5 s × [0.5, 1.5) / 1.21828 = [1026.0, 3078.1) ms.
    expect(t).toBeGreaterThanOrEqual(1026);
    expect(t).toBeLessThan(3078.2);
  });

  it('the next interval is no longer halved (5 s minimum)', () => {
    const h = harness();
    h.session.start();
    (h.clock as ManualClock).advance(7000);
    expect(h.rtcp.length).toBe(2);
    expect(h.rtcp[1].t - h.rtcp[0].t).toBeCloseTo(5000 / 1.21828, 3);
  });

  it('a sender reports with an SR carrying its counts, and an SDES CNAME', () => {
    const h = harness();
    h.session.start();
    (h.clock as ManualClock).advance(2100);
    expect(h.rtcp.length).toBe(1);
    const at = h.rtcp[0].t;
    const sentBefore = h.rtp.filter((p) => p.t <= at).length;
    const [sr, sdes, ...rest] = rtcpOf(h.rtcp[0]);
    expect(rest).toEqual([]);
    expect(sr.type).toBe('sr');
    if (sr.type !== 'sr') return;
    expect(sr.ssrc).toBe(SSRC);
    expect(sr.packetCount).toBe(sentBefore);
    expect(sr.octetCount).toBe(sentBefore * 160);
    expect(sr.rtpTimestamp).toBe((TS0 + 160 * sentBefore) >>> 0);
    const ntp = ntpFromUnixMs(WALL0 + at);
    expect(sr.ntpSec).toBe(ntp.sec);
    expect(sr.ntpFrac).toBe(ntp.frac);
    expect(sr.reports).toEqual([]); // nothing received: nothing to report on
    expect(sdes).toMatchObject({ type: 'sdes', chunks: [{ ssrc: SSRC, cname: CNAME }] });
  });

  it('a receiver that sends nothing reports with an RR', () => {
    const h = harness({ direction: 'recvonly' });
    h.session.start();
    feed(h, 100);
    (h.clock as ManualClock).advanceTo(T0 + 2100);
    expect(h.rtp).toEqual([]);
    const [rr, sdes] = rtcpOf(h.rtcp[0]);
    expect(rr.type).toBe('rr');
    if (rr.type !== 'rr') return;
    expect(rr.ssrc).toBe(SSRC);
    expect(rr.reports).toHaveLength(1);
    expect(rr.reports[0]).toMatchObject({ ssrc: PEER_SSRC, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: PEER_SEQ0 + 99, lsr: 0, dlsr: 0 });
    expect(sdes).toMatchObject({ type: 'sdes', chunks: [{ cname: CNAME }] });
  });

  it('stop() sends a BYE (in a compound with a report and the CNAME); stop(true) does not', () => {
    const h = harness();
    h.session.start();
    (h.clock as ManualClock).advance(500);
    h.session.stop();
    expect(h.session.isRunning).toBe(false);
    expect(h.rtcp.length).toBe(1);
    const pk = rtcpOf(h.rtcp[0]);
    expect(pk.map((p) => p.type)).toEqual(['sr', 'sdes', 'bye']);
    expect(pk[2]).toMatchObject({ type: 'bye', ssrcs: [SSRC] });
    expect(h.session.snapshot().endedMs).toBe(T0 + 500);
    // Nothing more after stop: no RTP, no RTCP.
    const n = h.rtp.length;
    (h.clock as ManualClock).advance(10_000);
    expect(h.rtp.length).toBe(n);
    expect(h.rtcp.length).toBe(1);

    const q = harness();
    q.session.start();
    (q.clock as ManualClock).advance(500);
    q.session.stop(true);
    expect(q.rtcp).toEqual([]);
  });

  it("a peer SR then a peer RR about our SSRC: snapshot().rtcp.peer has fractionLost and the RTT; our next report echoes the SR's LSR and DLSR", () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.session.start();
    feed(h, 100); // we receive the peer: our reports will carry a block about it
    clock.advanceTo(T0 + 2100);
    expect(h.rtcp.length).toBe(1);
    const ours = rtcpOf(h.rtcp[0])[0];
    if (ours.type !== 'sr') throw new Error('expected our SR');
    const ourLsr = ntpMiddle32(ours.ntpSec, ours.ntpFrac);

    // The peer's SR (no blocks), at t0+2100.
    const buf = new Uint8Array(256);
    const peerNtp = ntpFromUnixMs(WALL0 + 123_456); // the peer's own wall clock
    let n = writeSenderReport(buf, 0, { ssrc: PEER_SSRC, ntpSec: peerNtp.sec, ntpFrac: peerNtp.frac, rtpTimestamp: 777, packetCount: 123, octetCount: 123 * 160, reports: [] });
    n += writeSdes(buf, n, PEER_SSRC, 'peer@example');
    h.session.receiveRtcp(buf, n, clock.now());

    // The peer's RR about us, 150 ms after our SR left, having held it for 110 ms: RTT 40 ms.
    clock.advanceTo(h.rtcp[0].t + 150);
    const dlsr = Math.round(0.11 * 65536);
    n = writeReceiverReport(buf, 0, { ssrc: PEER_SSRC, reports: [{ ssrc: SSRC, fractionLost: 64, cumulativeLost: 7, extendedHighestSeq: 70_000, jitter: 80, lsr: ourLsr, dlsr }] });
    h.session.receiveRtcp(buf, n, clock.now());

    const snap = h.session.snapshot();
    expect(snap.rtcp).toMatchObject({ received: 2, reportsAboutUs: 1, reportsWithoutUs: 1, peerSentPackets: 123, byeReceived: false, problems: [], cname: 'peer@example' });
    const peer = snap.rtcp.peer!;
    expect(peer.fractionLost).toBe(0.25);
    expect(peer.cumulativeLost).toBe(7);
    expect(peer.extendedHighestSeq).toBe(70_000);
    expect(peer.jitterMs).toBe(10);
    expect(peer.atMs).toBe(h.rtcp[0].t + 150);
    expect(Math.abs(peer.rttMs! - 40)).toBeLessThan(0.1);

    // Our next report: LSR = the middle of the peer's SR NTP time; DLSR = since it arrived.
    feed(h, 240, { firstIndex: 110 }); // i = 110 … 349, the last at t0+6990
    clock.advanceTo(T0 + 7000);
    expect(h.rtcp.length).toBe(2);
    const next = rtcpOf(h.rtcp[1])[0];
    if (next.type !== 'sr') throw new Error('expected our SR');
    const block = next.reports.find((b) => b.ssrc === PEER_SSRC)!;
    expect(block.lsr).toBe(ntpMiddle32(peerNtp.sec, peerNtp.frac));
    expect(Math.abs(block.dlsr / 65.536 - (h.rtcp[1].t - (T0 + 2100)))).toBeLessThan(0.1);
    // 10 of the peer's packets (i = 100 … 109) never came, and they fall in this interval.
    const expectedInterval = block.extendedHighestSeq - (PEER_SEQ0 + 99);
    expect(block.fractionLost).toBe(Math.floor((10 * 256) / expectedInterval));
    expect(block.cumulativeLost).toBe(10);
  });

  it('a peer BYE is seen', () => {
    const h = harness();
    h.session.start();
    const buf = new Uint8Array(64);
    let n = writeReceiverReport(buf, 0, { ssrc: PEER_SSRC, reports: [] });
    n += writeSdes(buf, n, PEER_SSRC, 'p');
    buf.set([0x81, 203, 0, 1], n);
    buf.set([0xca, 0xfe, 0xf0, 0x0d], n + 4);
    n += 8;
    h.session.receiveRtcp(buf, n, T0);
    expect(h.session.snapshot().rtcp.byeReceived).toBe(true);
  });
});
