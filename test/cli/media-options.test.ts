import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaPlanFrom, rtpPortsFrom } from '../../src/cli/media-options.js';
import type { ParsedCommand } from '../../src/cli/program.js';
import { run } from '../../src/cli/main.js';
import { UsageError } from '../../src/engine/errors.js';
import { wavHeader } from '../../src/media/wav.js';
import { fakeIo } from '../support/fake-io.js';

/**
 * Bad media flags: each is a usage error (exit 2) with one line naming the problem, before
 * anything is sent (the target is the discard port, and nothing may reach it anyway).
 */

const TARGET = 'sip:bob@127.0.0.1:9';
const dir = mkdtempSync(join(tmpdir(), 'sipcall-media-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 44.1 kHz stereo 16-bit PCM WAV (a CD rip), 10 ms of silence. */
function cdWav(): string {
  const path = join(dir, 'cd quality.wav');
  const frames = 441;
  const dataBytes = frames * 4;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(2, 22); // stereo
  b.writeUInt32LE(44_100, 24);
  b.writeUInt32LE(44_100 * 4, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  writeFileSync(path, b);
  return path;
}

function textFile(): string {
  const path = join(dir, 'notes.wav');
  writeFileSync(path, 'this is not audio, just a text file someone named .wav\n');
  return path;
}

/** A good 8 kHz mono file, to show the WAV path itself works. */
function goodWav(): string {
  const path = join(dir, 'good.wav');
  const data = Buffer.alloc(1600);
  writeFileSync(path, Buffer.concat([wavHeader('pcm16', 1, data.length), data]));
  return path;
}

/** Parsed flags as commander leaves them (`header` is always there). */
const flags = (f: Record<string, unknown>): ParsedCommand['flags'] => ({ header: [], ...f });

const CD = cdWav();
const TEXT = textFile();
const GOOD = goodWav();

const BAD: Array<[string[], RegExp]> = [
  [['--play', 'tone:abc'], /--play.*"abc" is not a frequency/],
  [['--play', 'tone:5000'], /--play.*5000 Hz cannot be carried at 8000 Hz/],
  [['--play', 'tone:440@3'], /--play.*above full scale/],
  [['--play', '/nonexistent.wav'], /--play \/nonexistent\.wav: no such file/],
  [['--play', dir], /--play .*: is a directory/],
  [['--play', CD], /44100 Hz, 2 channels, 16-bit PCM.*sox '.*cd quality\.wav' -r 8000 -c 1 -b 16 -e signed-integer/],
  [['--play', TEXT], /notes\.wav is not a WAV file/],
  [['--record', '/nonexistent-dir/x.wav'], /--record \/nonexistent-dir\/x\.wav: the directory \/nonexistent-dir does not exist/],
  [['--record', dir], /--record .* is a directory/],
  [['--record-both', '/nonexistent-dir/x.wav'], /--record-both .*does not exist/],
  [['--dtmf', '12x'], /--dtmf: .*"x" at position 3/],
  [['--dtmf', '1!', '--dtmf-mode', 'inband'], /a flash \(!\) has no in-band tone/],
  [['--dtmf-mode', 'foo'], /--dtmf-mode "foo" is not known/],
  [['--media-timeout', '-1'], /--media-timeout must be a positive number of seconds, got "-1"/],
  [['--media-timeout', '0'], /--media-timeout must be a positive number/],
  [['--media-timeout', 'abc'], /--media-timeout must be a positive number/],
  [['--expect-tone', '5000'], /--expect-tone must be a frequency in Hz below 4000/],
  [['--expect-tone', 'loud'], /--expect-tone must be a frequency/],
  [['--expect-tone', '0'], /--expect-tone must be a frequency/],
  [['--check', 'foo'], /--check "foo" is not known/],
  [['--rtp-port', '40001'], /--rtp-port 40001 is odd/],
  [['--rtp-port', '9-5'], /--rtp-port "9-5" is not a port or a range in 1024-65534/],
  [['--rtp-port', '80'], /--rtp-port "80" is not a port or a range/],
  [['--rtp-port', '40000-'], /--rtp-port "40000-" is not a port or a range/],
];

describe('bad media flags', () => {
  for (const [flags, message] of BAD) {
    it(`sipcall invite ${TARGET} ${flags.map((a) => JSON.stringify(a.startsWith(dir) ? a.replace(dir, '$TMP') : a)).join(' ')} → exit 2`, async () => {
      const io = fakeIo();
      const code = await run(['invite', TARGET, ...flags], io);
      expect(code).toBe(2);
      expect(io.out.text).toBe('');
      const lines = io.err.text.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^sipcall: /);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).toMatch(/; /); // how to fix it
      expect(io.err.text).not.toMatch(/\n\s+at .*\(/); // no stack trace
      expect(io.err.text).not.toMatch(/Error:/);
    });
  }

  it('the CD-quality WAV message gives a sox command for the very file', async () => {
    const io = fakeIo();
    expect(await run(['invite', TARGET, '--play', CD], io)).toBe(2);
    expect(io.err.text).toContain(`sox '${CD}' -r 8000 -c 1 -b 16 -e signed-integer '${CD.replace(/\.wav$/, '')}-8k.wav'`);
  });

  it('answer checks its media flags the same way', async () => {
    const io = fakeIo();
    expect(await run(['answer', '--play', 'tone:abc'], io)).toBe(2);
    expect(io.err.text.split('\n')[0]).toMatch(/^sipcall: --play.*"abc" is not a frequency/);
  });

  it('--no-media: no plan, and a bad --play is not even read', () => {
    expect(mediaPlanFrom(flags({ media: false, play: 'tone:abc' }))).toBeUndefined();
  });
});

describe('mediaPlanFrom: good flags', () => {
  it('defaults: a quiet 440 Hz tone, auto DTMF, 2 s timeout', () => {
    expect(mediaPlanFrom(flags({}))).toEqual({ play: { kind: 'tone', freqsHz: [440], dbfs: -20 }, dtmfMode: 'auto', timeoutS: 2, checkEcho: false, lateOffer: false });
  });

  it('reads everything it is given', () => {
    const plan = mediaPlanFrom(flags({ play: GOOD, record: join(dir, 'rec.wav'), dtmf: '1,2', dtmfMode: 'RFC2833', mediaTimeout: '3.5', expectTone: '1000', check: 'echo', rtpPort: '40000-40009' }))!;
    expect(plan.play).toMatchObject({ kind: 'samples', label: `file ${GOOD}` });
    expect(plan.play.kind === 'samples' && plan.play.samples.length).toBe(800);
    expect(plan.record).toEqual({ path: join(dir, 'rec.wav'), both: false });
    expect(plan.dtmf).toEqual([
      { kind: 'digit', digit: '1', event: 1, durationMs: 160 },
      { kind: 'pause', ms: expect.any(Number) },
      { kind: 'digit', digit: '2', event: 2, durationMs: 160 },
    ]);
    expect(plan.dtmfMode).toBe('rfc4733');
    expect(plan.timeoutS).toBe(3.5);
    expect(plan.expectToneHz).toBe(1000);
    expect(plan.checkEcho).toBe(true);
    expect(plan.ports).toEqual({ min: 40000, max: 40008 });
  });
});

describe('rtpPortsFrom', () => {
  const GOOD_PORTS: Array<[string, { min: number; max: number }]> = [
    ['40000', { min: 40000, max: 40000 }],
    [' 40000 ', { min: 40000, max: 40000 }],
    ['1024', { min: 1024, max: 1024 }],
    ['65534', { min: 65534, max: 65534 }],
    ['40000-40100', { min: 40000, max: 40099 }],
    ['40000 - 40100', { min: 40000, max: 40099 }],
    ['40000-40001', { min: 40000, max: 40000 }], // one pair: RTP 40000, RTCP 40001
    ['40000-40000', { min: 40000, max: 40000 }],
    ['40001-40003', { min: 40001, max: 40002 }], // holds the pair 40002/40003
    ['1024-65534', { min: 1024, max: 65533 }],
  ];
  for (const [text, want] of GOOD_PORTS) {
    it(`${JSON.stringify(text)} → ${want.min}-${want.max}`, () => {
      expect(rtpPortsFrom(text)).toEqual(want);
    });
  }

  const BAD_PORTS: Array<[string, RegExp]> = [
    ['', /is not a port or a range/],
    ['abc', /is not a port or a range/],
    ['40000-abc', /is not a port or a range/],
    ['-40000', /is not a port or a range/],
    ['1023', /is not a port or a range in 1024-65534/],
    ['0', /is not a port or a range/],
    ['65535', /is not a port or a range/],
    ['65536', /is not a port or a range/],
    ['100000', /is not a port or a range/],
    ['40000-65535', /is not a port or a range/],
    ['9-5', /is not a port or a range/],
    ['40100-40000', /is not a port or a range/],
    ['40001', /--rtp-port 40001 is odd/],
    ['40001-40001', /is odd/],
    ['40000.5', /is not a port or a range/],
    // An odd start and the next port: no even RTP port whose RTCP port (+1) is in range.
    ['40001-40002', /holds no RTP\/RTCP pair/],
  ];
  for (const [text, message] of BAD_PORTS) {
    it(`${JSON.stringify(text)} → UsageError`, () => {
      let err: unknown;
      try {
        rtpPortsFrom(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
