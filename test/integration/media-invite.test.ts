// `sipcall invite` with RTP media (issue 10), end to end: the built binary (`node bin/sipcall.cjs
// invite … --json`) against real media peers on loopback — baresip 1.0.0 (tone and echo modes)
// and SIPp 3.6.1 (`-sn uas`, with and without `-rtp_echo`). Each run's JSON lines are parsed, its
// exit code checked, and what sipcall says is held against what the peer logged (baresip's
// rtp_stats and DTMF lines) and against the audio itself (WAVs checked with soxi and a Goertzel
// filter inline below). Needs `node scripts/build.mjs` first. Everything stays on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { parseRtpStats, receivedDtmf, startBaresip, type BaresipPeer } from '../support/peers/baresip.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { findCommand, requirePeers } from '../support/peers/require-peer.js';
import { pidHoldsPort, startSipp, type SippPeer } from '../support/peers/sipp.js';
import { headerOf, statusOf, token } from '../support/peers/udp.js';
import { ofType, parseJsonLines, resultOf } from './uac-helpers.js';

usePeerCleanup();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
const LOOPBACK = '127.0.0.1';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ the binary

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: SipEvent[];
}

/** `node bin/sipcall.cjs ARGS --json` to its end (SIGKILL after `limitMs`); stdout parsed as JSON lines. */
function sipcall(args: string[], limitMs = 20_000): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end('');
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve, reject) => {
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      try {
        resolve({ code, signal, stdout, stderr, events: parseJsonLines(stdout) });
      } catch (err) {
        reject(new Error(`stdout is not JSON lines (${String(err)}); exit ${code}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** A one-line description of a run for assertion messages. */
function why(r: Run): string {
  const res = r.events.find((e) => e.type === 'result');
  return `exit ${r.code}; result ${JSON.stringify(res)}\nstderr: ${r.stderr}`;
}

function mediaEvents(events: SipEvent[]): SipEvent[] {
  return events.filter((e) => e.type.startsWith('media.'));
}

// ------------------------------------------------------------ WAV, Goertzel, soxi

/** 16-bit PCM samples of a WAV's data chunk (RIFF chunks walked), interleaved if stereo. */
function wavSamples(buf: Buffer): { rate: number; channels: number; samples: Int16Array } {
  expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
  expect(buf.toString('ascii', 8, 12)).toBe('WAVE');
  let off = 12;
  let rate = 0;
  let channels = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    let size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      expect(buf.readUInt16LE(off + 8)).toBe(1); // PCM
      channels = buf.readUInt16LE(off + 10);
      rate = buf.readUInt32LE(off + 12);
      expect(buf.readUInt16LE(off + 22)).toBe(16);
    } else if (id === 'data') {
      expect(off + 8 + size).toBeLessThanOrEqual(buf.length); // the header was finalised
      size = Math.min(size, buf.length - off - 8);
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(off + 8 + 2 * i);
      return { rate, channels, samples };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in WAV');
}

/** One channel of interleaved samples. */
function channel(samples: Int16Array, channels: number, index: number): Int16Array {
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + index];
  return out;
}

/** The middle second (8000 samples at 8 kHz) of a channel. */
function middleSecond(x: Int16Array, rate = 8000): Int16Array {
  const mid = Math.floor(x.length / 2);
  return x.subarray(Math.max(0, mid - rate / 2), mid + rate / 2);
}

/** Amplitude of `hz` in `x` (sampled at `rate`), Goertzel, normalised to the sine's peak. */
function toneAmplitude(x: ArrayLike<number>, hz: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / x.length;
}

/** Amplitudes of each frequency in x. */
function amplitudes(x: ArrayLike<number>, freqs: number[]): Record<number, number> {
  return Object.fromEntries(freqs.map((hz) => [hz, Math.round(toneAmplitude(x, hz))]));
}

/** What soxi says about a file: rate, channels, bits, duration in s. */
function soxi(file: string): { rate: number; channels: number; bits: number; seconds: number } {
  const ask = (flag: string): number => Number(execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim());
  return { rate: ask('-r'), channels: ask('-c'), bits: ask('-b'), seconds: ask('-D') };
}

// ------------------------------------------------------------ baresip's log

const STATS_BLOCK = /Transmit:\s+Receive:[\s\S]*?errors:[^\n]*\n/g;

/** The baresip log written since `from`, once the rtp_stats block of the call has been printed. */
async function callLog(bob: BaresipPeer, from: number, blocksBefore: number): Promise<string> {
  await bob.waitFor(STATS_BLOCK, { count: blocksBefore + 1, timeoutMs: 5000 });
  await sleep(100); // the optional pkt.report/lost/jitter lines follow
  return bob.output().slice(from);
}

function mark(bob: BaresipPeer): { from: number; blocks: number } {
  const out = bob.output();
  return { from: out.length, blocks: [...out.matchAll(STATS_BLOCK)].length };
}

// ------------------------------------------------------------ tests

const peers = requirePeers('baresip', 'sipp');

let wavDir = '';
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `node scripts/build.mjs` before the integration tests');
  wavDir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-media-invite-'));
});
afterAll(async () => {
  if (wavDir) await rm(wavDir, { recursive: true, force: true });
});

describe.skipIf(peers.skip)('sipcall invite with media against baresip (tone 440 Hz)', () => {
  let bob: BaresipPeer;
  beforeAll(async () => {
    if (!findCommand('soxi')) throw new Error('soxi is not installed (Debian package sox; .ci/run installs it)');
    bob = await startBaresip({ mode: 'tone', toneHz: 440 });
  });
  afterAll(async () => {
    await bob?.stop();
  });

  it('--duration 3 --record --expect-tone 440: exit 0; PCMU from baresip at 50/s, no loss; the WAV holds 440 Hz; baresip counted what we sent', async () => {
    const wav = path.join(wavDir, 'heard.wav');
    const m = mark(bob);
    const r = await sipcall(['invite', bob.uri, '--duration', '3', '--record', wav, '--expect-tone', '440']);
    expect(r.code, why(r)).toBe(0);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    expect(result.verdict).toBeUndefined();

    // media.started: the codec, and baresip's RTP address from its answer
    const [started] = ofType(r.events, 'media.started');
    expect(started).toBeDefined();
    expect(started).toMatchObject({ codec: 'PCMU', payloadType: 0, dtmfPayloadType: 101, ptimeMs: 20, direction: 'sendrecv', early: false });
    const [host, port] = started!.remote.split(':');
    expect(host).toBe(LOOPBACK);
    expect(Number(port)).toBeGreaterThanOrEqual(bob.rtpPorts[0]);
    expect(Number(port)).toBeLessThanOrEqual(bob.rtpPorts[1]);
    expect(started!.remoteRtcp).toBe(`${LOOPBACK}:${Number(port) + 1}`);
    expect(started!.local.startsWith(`${LOOPBACK}:`)).toBe(true);
    expect(started!.sdp).toContain('answer line 4: c=IN IP4 127.0.0.1');
    expect(ofType(r.events, 'media.stopped')).toHaveLength(1);

    // what we received: ≥ 98 % of 50 packets/s over the media time, none lost, all from baresip's port
    const media = result.media!;
    expect(media).toBeDefined();
    expect(media.remote).toBe(started!.remote);
    expect(media.durationMs).toBeGreaterThan(2800);
    expect(media.durationMs).toBeLessThan(3500);
    expect(media.received.packets).toBeGreaterThanOrEqual(0.98 * 50 * (media.durationMs / 1000));
    expect(media.received.lost).toBe(0);
    expect(media.received.lossPct).toBe(0);
    expect(media.received.sources).toEqual([{ address: LOOPBACK, port: Number(port), packets: media.received.packets }]);
    expect(media.received.unexpectedPayloadTypes).toEqual([]);
    expect(media.tone).toMatchObject({ hz: 440, heard: true });
    expect(media.sent.packets).toBeGreaterThanOrEqual(0.98 * 50 * (media.durationMs / 1000));

    // the recording: a valid 8 kHz mono WAV as long as the call held, carrying 440 Hz
    const info = soxi(wav);
    expect(info).toMatchObject({ rate: 8000, channels: 1, bits: 16 });
    expect(Math.abs(info.seconds - media.durationMs / 1000), `soxi ${info.seconds} s vs media ${media.durationMs} ms`).toBeLessThan(0.25);
    const pcm = wavSamples(await readFile(wav));
    expect(pcm).toMatchObject({ rate: 8000, channels: 1 });
    const amps = amplitudes(middleSecond(pcm.samples), [440, 1000]);
    expect(amps[440], JSON.stringify(amps)).toBeGreaterThan(1000);
    expect(amps[440], JSON.stringify(amps)).toBeGreaterThan(20 * amps[1000]);

    // baresip's own count of what it received, printed when its stream ended
    const log = await callLog(bob, m.from, m.blocks);
    const stats = parseRtpStats(log);
    expect(stats, log).toHaveLength(1);
    expect(stats[0].rx.errors).toBe(0);
    expect(Math.abs(stats[0].rx.packets - media.sent.packets), `baresip received ${stats[0].rx.packets}, we sent ${media.sent.packets}`).toBeLessThanOrEqual(3);
  });

  it('--expect-tone 1000 against the 440 Hz peer: exit 5, verdict tone-not-heard', async () => {
    const r = await sipcall(['invite', bob.uri, '--duration', '2', '--expect-tone', '1000']);
    expect(r.code, why(r)).toBe(5);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'expectation-failed', status: 200, exitCode: 5 });
    expect(result.verdict?.id).toBe('tone-not-heard');
    expect(result.verdict?.text).toContain('1000 Hz');
    expect(result.alsoVerdicts ?? []).toEqual([]);
    // the audio itself was fine
    expect(result.media?.received.packets).toBeGreaterThan(90);
    expect(result.media?.tone).toMatchObject({ hz: 1000, heard: false });
  });

  it('--record-both with --play tone:700: a 2-channel WAV, left = our 700 Hz, right = baresip\'s 440 Hz', async () => {
    const wav = path.join(wavDir, 'both.wav');
    const r = await sipcall(['invite', bob.uri, '--duration', '2', '--play', 'tone:700', '--record-both', wav]);
    expect(r.code, why(r)).toBe(0);
    const [started] = ofType(r.events, 'media.started');
    expect(started?.source).toMatch(/^tone 700 Hz/);
    const media = resultOf(r.events).media!;

    const info = soxi(wav);
    expect(info).toMatchObject({ rate: 8000, channels: 2, bits: 16 });
    expect(Math.abs(info.seconds - media.durationMs / 1000), `soxi ${info.seconds} s vs media ${media.durationMs} ms`).toBeLessThan(0.25);
    const pcm = wavSamples(await readFile(wav));
    expect(pcm).toMatchObject({ rate: 8000, channels: 2 });
    const left = amplitudes(middleSecond(channel(pcm.samples, 2, 0)), [440, 700, 1000]);
    const right = amplitudes(middleSecond(channel(pcm.samples, 2, 1)), [440, 700, 1000]);
    expect(left[700], `left ${JSON.stringify(left)}`).toBeGreaterThan(500);
    expect(left[700], `left ${JSON.stringify(left)}`).toBeGreaterThan(20 * Math.max(left[440], left[1000]));
    expect(right[440], `right ${JSON.stringify(right)}`).toBeGreaterThan(1000);
    expect(right[440], `right ${JSON.stringify(right)}`).toBeGreaterThan(20 * Math.max(right[700], right[1000]));
  });

  it('--dtmf 159# (auto → RFC 4733, baresip answers with telephone-event): media.dtmf sent 1,5,9,#; baresip logs them in order', async () => {
    const m = mark(bob);
    const r = await sipcall(['invite', bob.uri, '--duration', '2', '--dtmf', '159#']);
    expect(r.code, why(r)).toBe(0);
    const sent = ofType(r.events, 'media.dtmf').filter((e) => e.direction === 'sent');
    expect(sent.map((e) => [e.digit, e.method])).toEqual(['1', '5', '9', '#'].map((d) => [d, 'rfc4733']));
    const media = resultOf(r.events).media!;
    expect(media.digitsSent).toBe('159#');
    expect(media.sent.dtmfPackets).toBeGreaterThan(0);

    const log = await callLog(bob, m.from, m.blocks);
    expect(receivedDtmf(log)).toEqual(['1', '5', '9', '#'].map((digit) => ({ digit, via: 'rtp' })));
  });

  it('--dtmf-mode info --dtmf 7: an INFO in the dialog; baresip logs the INFO digit 7', async () => {
    const m = mark(bob);
    const r = await sipcall(['invite', bob.uri, '--duration', '1', '--dtmf-mode', 'info', '--dtmf', '7']);
    expect(r.code, why(r)).toBe(0);
    expect(ofType(r.events, 'request.sent').map((e) => e.method)).toContain('INFO');
    expect(ofType(r.events, 'note').filter((n) => n.code === 'dtmf-info-refused')).toEqual([]);
    const sent = ofType(r.events, 'media.dtmf').filter((e) => e.direction === 'sent');
    expect(sent.map((e) => [e.digit, e.method])).toEqual([['7', 'info']]);

    const log = await callLog(bob, m.from, m.blocks);
    const digits = receivedDtmf(log);
    expect(digits.map((d) => [d.digit, d.via])).toEqual([['7', 'info']]);
  });

  it('--no-media: no media.* events, no media in the result; exit 0', async () => {
    const r = await sipcall(['invite', bob.uri, '--duration', '1', '--no-media']);
    expect(r.code, why(r)).toBe(0);
    expect(mediaEvents(r.events)).toEqual([]);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    expect(result.media).toBeUndefined();
  });

  // Regression: the notes once carried the "answer line N:" prefix twice (negotiate.ts cites it).
  it('the SDP notes cite each answer line once (sdp-multiple-codecs)', async () => {
    const r = await sipcall(['invite', bob.uri, '--duration', '0']);
    expect(r.code, why(r)).toBe(0);
    const notes = ofType(r.events, 'note').filter((n) => n.code?.startsWith('sdp-'));
    expect(notes.map((n) => n.code)).toContain('sdp-multiple-codecs');
    for (const n of notes) expect(n.text).not.toMatch(/^answer line (\d+): answer line \1:/);
  });
});

describe.skipIf(peers.skip)('sipcall invite with media against baresip (echo.so)', () => {
  it('--dtmf 159#: baresip relays each digit back; media.dtmf received 1,5,9,#; our audio comes back', async () => {
    const echo = await startBaresip({ mode: 'echo' });
    try {
      const r = await sipcall(['invite', echo.uri, '--duration', '2', '--dtmf', '159#', '--expect-tone', '440']);
      expect(r.code, why(r)).toBe(0);
      const dtmf = ofType(r.events, 'media.dtmf');
      expect(dtmf.filter((e) => e.direction === 'sent').map((e) => e.digit)).toEqual(['1', '5', '9', '#']);
      const back = dtmf.filter((e) => e.direction === 'received');
      expect(back.map((e) => [e.digit, e.method])).toEqual(['1', '5', '9', '#'].map((d) => [d, 'rfc4733']));
      const media = resultOf(r.events).media!;
      expect(media.digitsReceived).toBe('159#');
      // the echoed tone: baresip decodes and re-encodes our 440 Hz
      expect(media.tone).toMatchObject({ hz: 440, heard: true });
      expect(media.received.packets).toBeGreaterThan(80);
      expect(media.received.levelDbfs).toBeGreaterThan(-30);
      const log = await echo.waitFor(/Transmit:\s+Receive:[\s\S]*?errors:[^\n]*\n/);
      expect(receivedDtmf(log).map((d) => d.digit)).toEqual(['1', '5', '9', '#']);
    } finally {
      await echo.stop();
    }
  });
});

describe.skipIf(peers.skip)('sipcall invite with media against SIPp -sn uas', () => {
  const sipps: SippPeer[] = [];
  afterAll(async () => {
    await Promise.all(sipps.map((s) => s.stop()));
  });

  it('-rtp_echo, --check echo --duration 3: exit 0; the bursts come back (median < 50 ms); received ≈ sent', async () => {
    const uas = await startSipp({ scenario: 'uas', rtpEcho: true });
    sipps.push(uas);
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--check', 'echo', '--duration', '3']);
    expect(r.code, why(r)).toBe(0);
    const [started] = ofType(r.events, 'media.started');
    expect(started).toMatchObject({ codec: 'PCMU', remote: `${LOOPBACK}:${uas.mediaPort}` });
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'success', exitCode: 0 });
    const media = result.media!;
    expect(media.echo, JSON.stringify(media.echo)).toBeDefined();
    expect(media.echo!.burstsReturned).toBeGreaterThanOrEqual(2);
    expect(media.echo!.medianMs).toBeLessThan(50);
    expect(Math.abs(media.received.packets - media.sent.packets), `received ${media.received.packets}, sent ${media.sent.packets}`).toBeLessThanOrEqual(3);
    expect(media.received.lost).toBe(0);
  });

  it('no -rtp_echo (its media port takes our RTP, sends nothing): --duration 3 → exit 6 no-rtp-received; --duration 1 → exit 0, too short to judge', async () => {
    const uas = await startSipp({ scenario: 'uas' });
    sipps.push(uas);
    // SIPp binds its media port even without -rtp_echo: no ICMP, so the cause is "no RTP", not "unreachable"
    expect(pidHoldsPort(uas.pid, uas.mediaPort, 'u1', false)).toBe(true);

    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '3']);
    expect(r.code, why(r)).toBe(6);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'media-failure', status: 200, exitCode: 6 });
    expect(result.verdict?.id).toBe('no-rtp-received');
    expect(result.verdict?.text).toMatch(/^no RTP received in 3\.\d s after the answer/);
    expect(result.verdict?.evidence).toContain(`we sent ${result.media!.sent.packets} RTP packets there`);
    expect(result.verdict?.evidence.join('\n')).toContain(`the answer named ${LOOPBACK}:${uas.mediaPort}`);
    expect(result.summary).toContain('but no RTP received');
    expect(result.media!.received.packets).toBe(0);
    expect(result.media!.sent.packets).toBeGreaterThan(140);
    // no ICMP for our RTP (RTCP to mediaPort+1 may draw one; that is not the RTP port)
    expect(ofType(r.events, 'note').filter((n) => n.code === 'rtp-port-unreachable' && /our RTP /.test(n.text))).toEqual([]);

    const short = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '1']);
    expect(short.code, why(short)).toBe(0);
    const sr = resultOf(short.events);
    expect(sr).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(sr.verdict).toBeUndefined();
    expect(sr.summary).toMatch(/no RTP in 1\.\d s \(too short to judge: the media timeout is 2 s\)/);
  });
});

// ------------------------------------------------------------ teardown race

/**
 * A minimal UAS over node:dgram that behaves like baresip at the end of a call, only slower:
 * it answers the INVITE (SDP: PCMU at its own RTP socket, which returns every datagram to its
 * source), and on BYE closes its RTP socket at once but sends the 200 to the BYE `byeDelayMs`
 * later. baresip does the same with a delay of a few ms (it closes the stream when the BYE
 * arrives); on a loaded machine that window is enough for one of our RTP packets to draw ICMP.
 */
async function slowByeUas(byeDelayMs: number): Promise<{ port: number; close(): void }> {
  const bind = (): Promise<dgram.Socket> =>
    new Promise((resolve, reject) => {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(0, LOOPBACK, () => resolve(s));
    });
  const sip = await bind();
  const rtp = await bind();
  const rtpPort = rtp.address().port;
  let rtpOpen = true;
  rtp.on('message', (m, r) => rtp.send(m, r.port, r.address));
  const toTag = token(4);
  const timers: NodeJS.Timeout[] = [];
  sip.on('message', (buf, r) => {
    const text = buf.toString('utf8');
    if (statusOf(text) !== undefined) return;
    const method = text.slice(0, text.indexOf(' '));
    const reply = (status: number, reason: string, body = ''): void => {
      const head = text.split('\r\n\r\n')[0]!.split('\r\n');
      const keep = head.filter((l) => /^(via|from|call-id|cseq)\s*:/i.test(l));
      const to = headerOf(text, 'To') ?? '';
      const lines = [
        `SIP/2.0 ${status} ${reason}`,
        ...keep,
        `To: ${to}${/;tag=/.test(to) ? '' : `;tag=${toTag}`}`,
        `Contact: <sip:bob@${LOOPBACK}:${sip.address().port}>`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ];
      sip.send(lines.join('\r\n'), r.port, r.address);
    };
    if (method === 'INVITE') {
      const sdp = ['v=0', `o=- 1 1 IN IP4 ${LOOPBACK}`, 's=-', `c=IN IP4 ${LOOPBACK}`, 't=0 0', `m=audio ${rtpPort} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
      reply(200, 'OK', sdp);
    } else if (method === 'BYE') {
      if (rtpOpen) {
        rtpOpen = false;
        rtp.close();
      }
      timers.push(setTimeout(() => reply(200, 'OK'), byeDelayMs));
    } else if (method !== 'ACK') {
      reply(200, 'OK');
    }
  });
  return {
    port: sip.address().port,
    close() {
      for (const t of timers) clearTimeout(t);
      if (rtpOpen) rtp.close();
      sip.close();
    },
  };
}

describe('sipcall invite with media: the end of the call', () => {
  // Regression (seen against baresip with the CPU loaded: a `--record-both` run exited 6 with
  // "nothing listens on 127.0.0.1:20046: our RTP got ICMP port unreachable (1×)" after 101 packets
  // had come from that very port): the RTP stream ran on after our BYE until its final response,
  // and a peer that closes its RTP socket when the BYE arrives (baresip does) answered those
  // packets with ICMP, counted as `rtp-port-unreachable`. Media must stop when the BYE goes
  // (src/engine/call.ts hangup()). Here the window is widened to 300 ms to make it certain.
  it('a peer that closes its RTP socket on BYE (200 OK 300 ms later): exit 0, no rtp-port-unreachable verdict', async () => {
    const uas = await slowByeUas(300);
    try {
      const r = await sipcall(['invite', `bob@${LOOPBACK}:${uas.port}`, '--duration', '1']);
      const result = resultOf(r.events);
      expect(result.media?.received.packets).toBeGreaterThan(40);
      expect(result.verdict?.id, why(r)).toBeUndefined();
      expect(r.code, why(r)).toBe(0);
    } finally {
      uas.close();
    }
  });
});
