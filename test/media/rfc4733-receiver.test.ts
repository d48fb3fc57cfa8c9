import { describe, expect, it } from 'vitest';
import { Rfc4733Receiver, type Rfc4733Digit, type Rfc4733LintNote } from '../../src/media/rfc4733-receiver.js';
import { Rfc4733Sender } from '../../src/media/rfc4733-sender.js';
import { writeRfc4733 } from '../../src/media/rfc4733-payload.js';

const SSRC = 0x1234_5678;

interface Pkt {
  seq: number;
  ts: number;
  marker: boolean;
  event: number;
  end: boolean;
  volume: number;
  duration: number;
  atMs: number;
  ssrc?: number;
}

/** What a conformant sender puts on the wire for one event: new seq for each packet, 20 ms apart. */
function conformant(event: number, ts: number, seq: number, t0: number, durationMs = 160): Pkt[] {
  const sender = new Rfc4733Sender({ durationMs });
  sender.start(event, ts);
  const out: Pkt[] = [];
  for (let p = sender.next(), i = 0; p !== undefined; p = sender.next(), i++) {
    out.push({ seq: (seq + i) & 0xffff, ts: p.timestamp, marker: p.marker, event, end: p.end, volume: 10, duration: p.duration, atMs: t0 + 20 * (i + 1) });
  }
  return out;
}

function run(packets: Pkt[], receiver = new Rfc4733Receiver(), endAtMs?: number): { digits: Rfc4733Digit[]; notes: Rfc4733LintNote[]; receiver: Rfc4733Receiver } {
  const buf = new Uint8Array(16);
  for (const p of packets) {
    writeRfc4733(buf, 4, p.event, p.end, p.volume, p.duration);
    receiver.push(p.seq, p.ts, p.marker, buf, 4, 4, p.ssrc ?? SSRC, p.atMs);
  }
  if (endAtMs !== undefined) receiver.tick(endAtMs);
  return { digits: receiver.digits, notes: receiver.notes, receiver };
}

const codes = (notes: Rfc4733LintNote[]): string[] => notes.map((n) => n.code);

describe('Rfc4733Receiver: sender → receiver round trip', () => {
  it('reports every event 0..16 once, at its end packet, with no lint', () => {
    const symbols = '0123456789*#ABCD!';
    for (let event = 0; event <= 16; event++) {
      const seen: Rfc4733Digit[] = [];
      const receiver = new Rfc4733Receiver({ onDigit: (d) => seen.push(d) });
      const { digits, notes } = run(conformant(event, 8000 * event, 100, 1000), receiver, 5000);
      expect(digits).toEqual([
        {
          digit: symbols[event],
          event,
          ssrc: SSRC,
          startTimestamp: 8000 * event,
          durationMs: 160,
          volume: 10,
          atMs: 1020,
          endMs: 1160,
          ended: true,
          endedBy: 'end-bit',
        },
      ]);
      expect(seen).toEqual(digits);
      expect(notes).toEqual([]);
      expect(receiver.busy).toBe(false);
    }
  });

  it('reports 159# in order, each once, and the same key twice when pressed twice', () => {
    const packets = [
      ...conformant(1, 1000, 1, 0),
      ...conformant(5, 5000, 11, 500),
      ...conformant(9, 9000, 21, 1000),
      ...conformant(11, 13000, 31, 1500),
      ...conformant(11, 17000, 41, 2000),
    ];
    const { digits, notes } = run(packets, undefined, 9999);
    expect(digits.map((d) => d.digit).join('')).toBe('159##');
    expect(digits.map((d) => d.atMs)).toEqual([20, 520, 1020, 1520, 2020]);
    expect(notes).toEqual([]);
  });

  it('keeps a long, segmented event (§2.5.1.3) as one digit with its whole duration', () => {
    const { digits, notes } = run(conformant(0, 0, 0, 0, 10_000), undefined, 99_999);
    expect(digits).toHaveLength(1);
    expect(digits[0]).toMatchObject({ digit: '0', durationMs: 10_000, ended: true, startTimestamp: 0 });
    expect(notes).toEqual([]);
  });

  it('wraps the timestamp and the sequence number', () => {
    const { digits, notes } = run([...conformant(7, 0xffff_ff00, 0xfffe, 0), ...conformant(8, 0x0000_1000, 0x0008, 400)]);
    expect(digits.map((d) => [d.digit, d.startTimestamp])).toEqual([
      ['7', 0xffff_ff00],
      ['8', 0x1000],
    ]);
    expect(notes).toEqual([]);
  });
});

describe('Rfc4733Receiver: de-duplication', () => {
  it('drops the end copies, late ones included, by (SSRC, timestamp, event)', () => {
    const packets = conformant(3, 4000, 10, 0);
    const endCopy = packets[packets.length - 1];
    const late = [...packets, ...conformant(4, 8000, 20, 300), { ...endCopy, seq: 99, atMs: 700 }];
    const { digits } = run(late, undefined, 9999);
    expect(digits.map((d) => d.digit)).toEqual(['3', '4']);
  });

  it('tells apart the same event from two SSRCs', () => {
    const a = conformant(2, 4000, 10, 0);
    const b = conformant(2, 4000, 500, 0).map((p) => ({ ...p, ssrc: 0xabcd, atMs: p.atMs + 5 }));
    const interleaved = a.flatMap((p, i) => [p, b[i]]);
    const { digits } = run(interleaved, undefined, 9999);
    expect(digits.map((d) => [d.digit, d.ssrc])).toEqual([
      ['2', SSRC],
      ['2', 0xabcd],
    ]);
  });

  it('ignores an update that arrives after its event ended', () => {
    const packets = conformant(6, 4000, 10, 0);
    const reordered = [...packets.slice(0, 3), ...packets.slice(4), { ...packets[3], atMs: 300 }];
    expect(run(reordered, undefined, 9999).digits.map((d) => d.digit)).toEqual(['6']);
  });
});

describe('Rfc4733Receiver: tolerated deviations, each noted once per call', () => {
  it('rfc4733-no-marker: an event without M (livekit/sip#585)', () => {
    const packets = [...conformant(1, 1000, 1, 0), ...conformant(2, 3000, 11, 400)].map((p) => ({ ...p, marker: false }));
    const { digits, notes } = run(packets, undefined, 9999);
    expect(digits.map((d) => d.digit)).toEqual(['1', '2']);
    expect(codes(notes)).toEqual(['rfc4733-no-marker']);
    expect(notes[0].text).toContain('§2.2.2');
  });

  it('rfc4733-marker-repeated: M on every packet', () => {
    const packets = conformant(1, 1000, 1, 0).map((p) => ({ ...p, marker: true }));
    const { digits, notes } = run(packets);
    expect(digits).toHaveLength(1);
    expect(codes(notes)).toEqual(['rfc4733-marker-repeated']);
  });

  it('rfc4733-repeated-seq: the three end packets share one sequence number', () => {
    const packets = conformant(9, 1000, 1, 0);
    for (const p of packets.slice(-2)) p.seq = packets[packets.length - 3].seq;
    const { digits, notes } = run(packets);
    expect(digits).toHaveLength(1);
    expect(codes(notes)).toEqual(['rfc4733-repeated-seq']);
    expect(notes[0].text).toContain(`sequence number ${packets[packets.length - 1].seq}`);
    expect(notes[0].text).toContain('§2.5.1.6');
  });

  it('rfc4733-zero-duration: a first report of 0 (pjproject#361) starts the event only', () => {
    const packets = conformant(4, 1000, 1, 0);
    packets.unshift({ ...packets[0], seq: 0, duration: 0, atMs: 0 });
    packets[1].marker = false;
    const { digits, notes } = run(packets);
    expect(digits).toMatchObject([{ digit: '4', durationMs: 160, atMs: 0 }]);
    expect(codes(notes)).toEqual(['rfc4733-zero-duration']);
    expect(notes[0].text).toContain('§2.3.5');
  });

  it('rfc4733-duration-rate: durations that grow at twice real time', () => {
    const packets = conformant(8, 1000, 1, 0).map((p) => ({ ...p, duration: 2 * p.duration }));
    const { digits, notes } = run(packets);
    expect(digits).toMatchObject([{ digit: '8', durationMs: 320 }]);
    expect(codes(notes)).toEqual(['rfc4733-duration-rate']);
    expect(notes[0].text).toMatch(/grew 2\.0× faster than real time/);
  });

  it('does not mistake jitter for a fast duration', () => {
    const packets = conformant(8, 1000, 1, 0);
    packets[0].atMs += 50; // the first packet held up, the rest on time
    packets[1].atMs += 30;
    expect(run(packets).notes).toEqual([]);
    // All packets at once (a burst on loopback): no span, no verdict.
    expect(run(conformant(8, 1000, 1, 0).map((p) => ({ ...p, atMs: 5 }))).notes).toEqual([]);
  });

  it('rfc4733-no-end: an event whose end packets never come ends after silence (baresip#2802)', () => {
    const packets = conformant(5, 1000, 1, 0).filter((p) => !p.end);
    const receiver = new Rfc4733Receiver();
    run(packets, receiver);
    expect(receiver.busy).toBe(true);
    receiver.tick(140 + 100);
    expect(receiver.digits).toEqual([]);
    receiver.tick(140 + 110);
    expect(receiver.digits).toMatchObject([{ digit: '5', ended: false, endedBy: 'timeout', durationMs: 140, endMs: 250 }]);
    expect(codes(receiver.notes)).toEqual(['rfc4733-no-end']);
    receiver.tick(10_000);
    expect(receiver.digits).toHaveLength(1);
  });

  it('rfc4733-no-end: a new event ends the previous one', () => {
    const packets = [...conformant(5, 1000, 1, 0).filter((p) => !p.end), ...conformant(6, 3000, 20, 180)];
    const { digits, notes } = run(packets);
    expect(digits.map((d) => [d.digit, d.endedBy])).toEqual([
      ['5', 'new-event'],
      ['6', 'end-bit'],
    ]);
    expect(codes(notes)).toEqual(['rfc4733-no-end']);
  });

  it('waits longer for peers whose updates come further apart', () => {
    // Updates every 100 ms although ptime is 20: the default 110 ms timeout would cut the event.
    const packets: Pkt[] = [0, 1, 2, 3].map((i) => ({
      seq: i, ts: 1000, marker: i === 0, event: 7, end: false, volume: 10, duration: 800 * (i + 1), atMs: 100 * i,
    }));
    const receiver = new Rfc4733Receiver();
    run(packets, receiver);
    receiver.tick(300 + 200);
    expect(receiver.digits).toEqual([]);
    receiver.tick(300 + 350);
    expect(receiver.digits).toMatchObject([{ digit: '7', endedBy: 'timeout' }]);
  });

  it('rfc4733-timestamp-moved: a timestamp that advances within one event is one digit (rtpengine#1929)', () => {
    const packets = conformant(2, 1000, 1, 0).map((p, i) => ({ ...p, ts: p.end ? 1000 + 160 * 7 : 1000 + 160 * i }));
    const { digits, notes } = run(packets);
    expect(digits.map((d) => [d.digit, d.startTimestamp, d.durationMs, d.ended])).toEqual([['2', 1000, 160, true]]);
    expect(codes(notes)).toEqual(['rfc4733-timestamp-moved']);
    expect(notes[0].text).toContain('§2.2.1');
  });

  it('a new timestamp with the marker bit is a new press, not a moved timestamp', () => {
    const first = conformant(2, 1000, 1, 0).filter((p) => !p.end);
    const second = conformant(2, 1000 + 480, 20, 60);
    const { digits, notes } = run([...first.slice(0, 3), ...second]);
    expect(digits.map((d) => d.startTimestamp)).toEqual([1000, 1480]);
    expect(codes(notes)).toEqual(['rfc4733-no-end']);
  });

  it('rfc4733-short-payload: fewer than 4 octets', () => {
    const receiver = new Rfc4733Receiver();
    receiver.push(1, 1000, true, new Uint8Array([1, 2, 3]), 0, 3, SSRC, 0);
    receiver.push(2, 1000, true, new Uint8Array([1, 2, 3, 4]), 2, 4, SSRC, 20);
    expect(codes(receiver.notes)).toEqual(['rfc4733-short-payload']);
    expect(receiver.digits).toEqual([]);
  });

  it('passes every note to onLint as it happens', () => {
    const seen: string[] = [];
    const receiver = new Rfc4733Receiver({ onLint: (n) => seen.push(n.code) });
    run(conformant(1, 1000, 1, 0).map((p) => ({ ...p, marker: false })), receiver);
    expect(seen).toEqual(['rfc4733-no-marker']);
  });
});
