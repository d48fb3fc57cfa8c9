import { describe, expect, it } from 'vitest';
import { Rfc4733PayloadError, readRfc4733, writeRfc4733 } from '../../src/media/rfc4733-payload.js';
import { RFC4733_FINAL_COPIES, Rfc4733Sender, Rfc4733SenderError } from '../../src/media/rfc4733-sender.js';

interface Sent {
  marker: boolean;
  timestamp: number;
  end: boolean;
  duration: number;
  retransmission: boolean;
  bytes: number[];
}

/** Runs the sender to idle, copying each packet (the sender reuses its objects). */
function drain(sender: Rfc4733Sender, limit = 10_000): Sent[] {
  const out: Sent[] = [];
  for (let p = sender.next(); p !== undefined; p = sender.next()) {
    out.push({
      marker: p.marker,
      timestamp: p.timestamp,
      end: p.end,
      duration: p.duration,
      retransmission: p.retransmission,
      bytes: [...p.payload],
    });
    if (out.length > limit) throw new Error('sender never finished');
  }
  return out;
}

describe('RFC 4733 §2.3 payload', () => {
  it('writes event | E R volume | duration and reads it back', () => {
    const buf = new Uint8Array(6);
    writeRfc4733(buf, 2, 11, true, 10, 0x0500);
    expect([...buf]).toEqual([0, 0, 11, 0x8a, 0x05, 0x00]);
    expect(readRfc4733(buf, 2, 4)).toEqual({ event: 11, end: true, volume: 10, duration: 1280 });
    writeRfc4733(buf, 0, 255, false, 63, 0xffff);
    expect([...buf.subarray(0, 4)]).toEqual([255, 63, 255, 255]);
  });

  it('ignores the R bit and fills a caller-owned object', () => {
    const out = { event: 0, end: false, volume: 0, duration: 0 };
    const got = readRfc4733(new Uint8Array([5, 0x40 | 0x0a, 0, 160]), 0, 4, out);
    expect(got).toBe(out);
    expect(out).toEqual({ event: 5, end: false, volume: 10, duration: 160 });
  });

  it('refuses short payloads and fields out of range', () => {
    expect(() => readRfc4733(new Uint8Array(3), 0, 3)).toThrow(Rfc4733PayloadError);
    expect(() => readRfc4733(new Uint8Array(8), 6, 4)).toThrow(/needs 4 octets/);
    const buf = new Uint8Array(4);
    expect(() => writeRfc4733(buf, 1, 1, false, 10, 160)).toThrow(/no room/);
    expect(() => writeRfc4733(buf, 0, 256, false, 10, 160)).toThrow(/§2.3.1/);
    expect(() => writeRfc4733(buf, 0, 1, false, 64, 160)).toThrow(/§2.3.4/);
    expect(() => writeRfc4733(buf, 0, 1, false, 10, 0x10000)).toThrow(/§2.3.5/);
  });
});

describe('Rfc4733Sender', () => {
  it('sends a 160 ms digit at 8 kHz/20 ms as 10 packets: M on the first, one timestamp, E three times', () => {
    const sender = new Rfc4733Sender();
    expect(sender.busy).toBe(false);
    expect(sender.next()).toBeUndefined();
    sender.start(5, 123_456);
    expect(sender.busy).toBe(true);
    const sent = drain(sender);
    expect(sender.busy).toBe(false);
    expect(sent.map((p) => [p.marker, p.timestamp, p.end, p.duration, p.retransmission])).toEqual([
      [true, 123_456, false, 160, false],
      [false, 123_456, false, 320, false],
      [false, 123_456, false, 480, false],
      [false, 123_456, false, 640, false],
      [false, 123_456, false, 800, false],
      [false, 123_456, false, 960, false],
      [false, 123_456, false, 1120, false],
      [false, 123_456, true, 1280, false],
      [false, 123_456, true, 1280, true],
      [false, 123_456, true, 1280, true],
    ]);
    expect(sent[0].bytes).toEqual([5, 10, 0, 160]);
    expect(sent[9].bytes).toEqual([5, 0x80 | 10, 0x05, 0x00]);
    expect(sent.filter((p) => p.end)).toHaveLength(RFC4733_FINAL_COPIES);
  });

  it('follows clock rate, ptime, duration and volume', () => {
    const sender = new Rfc4733Sender({ clockRate: 48_000, ptimeMs: 50, durationMs: 200, volume: 20 });
    expect(sender.stepUnits).toBe(2400);
    sender.start(11, 0xffff_fff0);
    const sent = drain(sender);
    expect(sent.map((p) => [p.duration, p.end])).toEqual([
      [2400, false],
      [4800, false],
      [7200, false],
      [9600, true],
      [9600, true],
      [9600, true],
    ]);
    expect(sent.every((p) => p.timestamp === 0xffff_fff0)).toBe(true);
    expect(sent[0].bytes[1]).toBe(20);
  });

  it('ends a duration that is not a whole number of packets with its exact length', () => {
    const sender = new Rfc4733Sender();
    sender.start(1, 0, 50); // 400 units
    expect(drain(sender).map((p) => [p.duration, p.end])).toEqual([
      [160, false],
      [320, false],
      [400, true],
      [400, true],
      [400, true],
    ]);
    sender.start(1, 0, 10); // shorter than one packet: one report, three copies
    expect(drain(sender).map((p) => [p.marker, p.duration, p.end])).toEqual([
      [true, 80, true],
      [false, 80, true],
      [false, 80, true],
    ]);
  });

  it('splits an event longer than 0xFFFF units into segments (§2.5.1.3)', () => {
    const sender = new Rfc4733Sender();
    expect(sender.maxSegmentUnits).toBe(65_440);
    sender.start(0, 1000, 10_000); // 80 000 units
    const sent = drain(sender);
    expect(sent.filter((p) => p.marker)).toHaveLength(1);
    expect(sent[0].marker).toBe(true);
    const first = sent.filter((p) => p.timestamp === 1000);
    const second = sent.filter((p) => p.timestamp === 1000 + 65_440);
    expect(first.length + second.length).toBe(sent.length);
    // Segment 1: 409 updates, its final report three times, E = 0 (§2.3.2).
    expect(first).toHaveLength(409 + 2);
    expect(first.slice(-3).map((p) => [p.duration, p.end])).toEqual([
      [65_440, false],
      [65_440, false],
      [65_440, false],
    ]);
    // Segment 2 starts where segment 1 stopped; its first report counts the time the copies took.
    expect(second[0]).toMatchObject({ marker: false, duration: 480, end: false });
    expect(second.slice(-3).map((p) => [p.duration, p.end])).toEqual([
      [14_560, true],
      [14_560, true],
      [14_560, true],
    ]);
    expect(second.every((p, i) => i === 0 || p.duration >= second[i - 1].duration)).toBe(true);
    expect(Math.max(...second.map((p) => p.duration)) + 65_440).toBe(80_000);
  });

  it('reuses one packet object and one payload array', () => {
    const sender = new Rfc4733Sender();
    sender.start(3, 0);
    const a = sender.next();
    const b = sender.next();
    expect(a).toBe(b);
    expect(a?.payload).toBe(b?.payload);
  });

  it('refuses a second event while busy, and arguments out of range', () => {
    const sender = new Rfc4733Sender();
    sender.start(1, 0);
    expect(() => sender.start(2, 0)).toThrow(Rfc4733SenderError);
    try {
      sender.start(2, 0);
    } catch (e) {
      expect((e as Rfc4733SenderError).code).toBe('busy');
    }
    const idle = new Rfc4733Sender();
    expect(() => idle.start(256, 0)).toThrow(/§2.3.1/);
    expect(() => idle.start(1, -1)).toThrow(/timestamp/);
    expect(() => idle.start(1, 2 ** 32)).toThrow(/timestamp/);
    expect(() => idle.start(1, 0, 0)).toThrow(/duration/);
    expect(() => new Rfc4733Sender({ volume: 64 })).toThrow(/§2.3.4/);
    expect(() => new Rfc4733Sender({ clockRate: 0 })).toThrow(Rfc4733SenderError);
    expect(() => new Rfc4733Sender({ ptimeMs: 0 })).toThrow(/ptime/);
    expect(() => new Rfc4733Sender({ durationMs: -5 })).toThrow(/duration/);
  });
});
