// SDP negotiation against SIPp scenarios (issue 10), end to end with the built binary
// (`node bin/sipcall.cjs invite … --json`): early media on a 183, answers sipcall cannot use
// (G.729 only, m= port 0, RTP/SAVP, a 488 with Warning 305), a one-way (sendonly) answer, a
// late offer whose answer must ride in the ACK, and, the other way round, SIPp replaying the
// sip-tester package's RFC 2833 DTMF pcap at `sipcall answer`. Needs `node scripts/build.mjs`
// first. Every SDP address in the scenarios is 127.0.0.1: sipcall sends RTP where the SDP says.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup, type ExitStatus } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippOptions, type SippPeer } from '../support/peers/sipp.js';
import { ofType, parseJsonLines, parseSippLog, resultOf } from './uac-helpers.js';

usePeerCleanup();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
const LOOPBACK = '127.0.0.1';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: SipEvent[];
}

/** A running `node bin/sipcall.cjs ARGS --json`; `done` resolves at its end (SIGKILL after `limitMs`). */
function spawnSipcall(args: string[], limitMs = 20_000): { child: ChildProcessWithoutNullStreams; stdout(): string; done: Promise<Run> } {
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
  const done = new Promise<Run>((resolve, reject) => {
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      try {
        resolve({ code, signal, stdout, stderr, events: parseJsonLines(stdout) });
      } catch (err) {
        reject(new Error(`stdout is not JSON lines (${String(err)}); exit ${code}\n${stdout}\n${stderr}`));
      }
    });
  });
  return { child, stdout: () => stdout, done };
}

const sipcall = (args: string[], limitMs?: number): Promise<Run> => spawnSipcall(args, limitMs).done;

function why(r: Run): string {
  return `exit ${r.code}; result ${JSON.stringify(r.events.find((e) => e.type === 'result'))}\nstderr: ${r.stderr}`;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);
}

const peers = requirePeers('sipp');

const sipps: SippPeer[] = [];
async function sipp(opts: SippOptions): Promise<SippPeer> {
  const peer = await startSipp(opts);
  sipps.push(peer);
  return peer;
}
afterEach(async () => {
  await Promise.all(sipps.splice(0).map((s) => s.stop()));
});

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `node scripts/build.mjs` before the integration tests');
});

describe.skipIf(peers.skip)('sipcall invite: SDP answers from SIPp scenarios', () => {
  it('uas-183-early (-rtp_echo): media.started early:true before the 200, our RTP comes back during the 183; exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-183-early.xml', rtpEcho: true });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '1']);
    expect(r.code, why(r)).toBe(0);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    expect(result.verdict).toBeUndefined();

    const i183 = r.events.findIndex((e) => e.type === 'response.received' && e.status === 183);
    const i200 = r.events.findIndex((e) => e.type === 'response.received' && e.status === 200);
    expect(i183).toBeGreaterThanOrEqual(0);
    expect(i200).toBeGreaterThan(i183);
    const iStarted = r.events.findIndex((e) => e.type === 'media.started');
    expect(iStarted, 'a media.started before the 200').toBeGreaterThan(i183);
    expect(iStarted).toBeLessThan(i200);
    const started = ofType(r.events, 'media.started');
    expect(started[0]).toMatchObject({ early: true, codec: 'PCMU', payloadType: 0, remote: `${LOOPBACK}:${uas.mediaPort}` });
    // the echo flowed in the 2 s of early media: media.stats lines before the 200 show packets received
    const earlyStats = r.events.slice(iStarted, i200).filter((e): e is Extract<SipEvent, { type: 'media.stats' }> => e.type === 'media.stats');
    expect(earlyStats.length, 'media.stats during the 183').toBeGreaterThanOrEqual(1);
    expect(Math.max(...earlyStats.map((s) => s.received.total))).toBeGreaterThan(40);

    const media = result.media!;
    expect(media).toBeDefined();
    expect(media.remote).toBe(`${LOOPBACK}:${uas.mediaPort}`);
    // 2 s early + 1 s after the ACK, all echoed
    expect(media.received.packets).toBeGreaterThan(120);
    expect(media.received.lost).toBe(0);
    expect(Math.abs(media.received.packets - media.sent.packets)).toBeLessThanOrEqual(3);
  });

  it('uas-sdp-g729 (PT 18 only): ACK then BYE at once; exit 6 codec-mismatch, the evidence names both sides\' codecs', async () => {
    const uas = await sipp({ scenario: 'uas-sdp-g729.xml' });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '3']);
    expect(r.code, why(r)).toBe(6);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ status: 200, exitCode: 6 });
    expect(result.verdict?.id).toBe('codec-mismatch');
    const said = [result.verdict!.text, ...result.verdict!.evidence].join('\n');
    expect(said, said).toMatch(/G729/i); // theirs
    expect(said, said).toMatch(/PCMU/); // ours
    expect(said, said).toMatch(/PCMA/);
    // ACK, then BYE without holding the call for --duration 3
    const sent = ofType(r.events, 'request.sent').map((e) => e.method);
    expect(sent).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(result.durationMs).toBeLessThan(2000);
    expect(ofType(r.events, 'media.started')).toEqual([]);
    const log = parseSippLog(await uas.messageLog(/BYE sip:/));
    expect(log.filter((m) => m.direction === 'received').map((m) => m.method)).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('uas-sdp-port0 (m=audio 0): exit 6 media-rejected', async () => {
    const uas = await sipp({ scenario: 'uas-sdp-port0.xml' });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '3']);
    expect(r.code, why(r)).toBe(6);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ status: 200, exitCode: 6 });
    expect(result.verdict?.id).toBe('media-rejected');
    expect(result.verdict!.evidence.join('\n')).toContain('m=audio 0 RTP/AVP 0');
    expect(ofType(r.events, 'request.sent').map((e) => e.method)).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('uas-sdp-savp (RTP/SAVP + a=crypto): exit 6 srtp-required', async () => {
    const uas = await sipp({ scenario: 'uas-sdp-savp.xml' });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '3']);
    expect(r.code, why(r)).toBe(6);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ status: 200, exitCode: 6 });
    expect(result.verdict?.id).toBe('srtp-required');
    expect(result.verdict!.evidence.join('\n')).toContain('RTP/SAVP');
    expect(ofType(r.events, 'request.sent').map((e) => e.method)).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('uas-488-warning (488, Warning 305): exit 1, verdict codec-mismatch, Warning 305 decoded', async () => {
    const uas = await sipp({ scenario: 'uas-488-warning.xml' });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`]);
    expect(r.code, why(r)).toBe(1);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ status: 488, exitCode: 1 });
    expect(result.verdict?.id).toBe('codec-mismatch');
    const evidence = result.verdict!.evidence.join('\n');
    expect(evidence).toContain('Warning 305 (incompatible media format (no common codec)) from sipp: "Incompatible media format"');
    expect(evidence).toMatch(/we offered .*PCMU/);
    expect(ofType(r.events, 'request.sent').map((e) => e.method)).toEqual(['INVITE', 'ACK']);
  });

  // What sipcall does with a one-way answer to its sendrecv offer: negotiate.ts counts the peer's
  // a=sendonly as the peer holding the stream (RFC 3264 §8.4, `hold: 'sendonly'`), so there is no
  // `direction-mismatch` (that is drawn only "without a hold", e.g. for a=recvonly) but a hold
  // note; we become recvonly and send no RTP, SIPp's echo has nothing to mirror, and the peer,
  // which said it sends, sends nothing: the verdict is `no-rtp-received`, exit 6.
  it('uas-sdp-sendonly (-rtp_echo; the answer says a=sendonly): we are recvonly, send nothing, nothing comes; exit 6 no-rtp-received (a hold note, no direction-mismatch)', async () => {
    const uas = await sipp({ scenario: 'uas-sdp-sendonly.xml', rtpEcho: true });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--duration', '3']);
    expect(r.code, why(r)).toBe(6);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'media-failure', status: 200, exitCode: 6 });
    const [started] = ofType(r.events, 'media.started');
    expect(started).toMatchObject({ direction: 'recvonly', remote: `${LOOPBACK}:${uas.mediaPort}`, early: false });
    // recvonly: we send no RTP, so SIPp's echo has nothing to mirror
    expect(result.media!.sent.packets).toBe(0);
    expect(result.media!.received.packets).toBe(0);
    const ids = [result.verdict?.id, ...(result.alsoVerdicts ?? []).map((v) => v.id)];
    expect(result.verdict?.id, JSON.stringify(ids)).toBe('no-rtp-received');
    expect(ids).not.toContain('direction-mismatch');
    expect(result.verdict!.evidence).toContain('we sent 0 RTP packets there');
    const notes = ofType(r.events, 'note').map((n) => n.text);
    expect(notes).toContain('the answer puts the call on hold (sendonly): no audio is expected that way (RFC 3264 §8.4)');
  });

  it('uas-late-offer (--late-offer, -rtp_echo): INVITE without SDP, the answer in the ACK (SIPp checks it, exits 0); media flows; exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-late-offer.xml', rtpEcho: true, extraArgs: ['-m', '1'] });
    const r = await sipcall(['invite', `bob@${uas.hostPort}`, '--late-offer', '--duration', '2']);
    expect(r.code, why(r)).toBe(0);
    const result = resultOf(r.events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    expect(result.verdict).toBeUndefined();
    const [started] = ofType(r.events, 'media.started');
    expect(started).toMatchObject({ codec: 'PCMU', payloadType: 0, dtmfPayloadType: 101, remote: `${LOOPBACK}:${uas.mediaPort}`, early: false });
    expect(result.media!.received.packets).toBeGreaterThan(80);
    expect(result.media!.received.lost).toBe(0);

    // SIPp: the call succeeded (the ACK's m=audio matched) and it exited 0 after its one call
    const status: ExitStatus = await within(uas.exited, 10_000, 'sipp -m 1');
    expect(status, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    const log = parseSippLog(await uas.messageLog());
    const invite = log.find((m) => m.method === 'INVITE')!;
    const ack = log.find((m) => m.method === 'ACK')!;
    expect(invite.body).toBe('');
    expect(ack.header('Content-Type')).toBe('application/sdp');
    expect(ack.body).toMatch(/^m=audio \d+ RTP\/AVP 0( 101)?$/m);
    expect(ack.body).toContain('c=IN IP4 127.0.0.1');
  });
});

/** Where the sip-tester package put dtmf_2833_5.pcap (dpkg -L), else its usual path. */
function dtmfPcap(): string {
  try {
    const files = execFileSync('dpkg', ['-L', 'sip-tester'], { encoding: 'utf8' }).split('\n');
    const hit = files.find((f) => f.endsWith('/dtmf_2833_5.pcap'));
    if (hit) return hit;
  } catch {
    // not a Debian system
  }
  return '/usr/share/sip-tester/dtmf_2833_5.pcap';
}

describe.skipIf(peers.skip)('sipcall answer: SIPp plays the RFC 2833 DTMF pcap at it', () => {
  it('uac-dtmf-pcap (dtmf_2833_5.pcap): media.dtmf received 5; notes rfc4733-zero-duration, -duration-rate, -repeated-seq; SIGINT ends answer', async () => {
    const pcap = dtmfPcap();
    expect(existsSync(pcap), pcap).toBe(true);
    const port = await freePort({ hosts: [LOOPBACK] });
    const answer = spawnSipcall(['answer', '--port', String(port), '--ring', '100', '--duration', '8'], 15_000);
    try {
      const deadline = Date.now() + 5000;
      while (!answer.stdout().includes(`answering on ${LOOPBACK}:${port}`)) {
        if (Date.now() > deadline) throw new Error(`sipcall answer did not start: ${answer.stdout()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const uac = await sipp({ scenario: 'uac-dtmf-pcap.xml', remote: `${LOOPBACK}:${port}`, extraArgs: ['-m', '1', '-key', 'dtmf_pcap', pcap] });
      const status = await within(uac.exited, 10_000, 'sipp uac-dtmf-pcap');
      expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });

      answer.child.kill('SIGINT');
      const r = await answer.done;
      expect(r.signal, why(r)).toBeNull();
      expect(r.code, why(r)).toBe(0);
      expect(resultOf(r.events)).toMatchObject({ outcome: 'success', exitCode: 0 });
      expect(resultOf(r.events).summary).toMatch(/^answer: stopped by Ctrl-C after .*; served 1 call \(1 with media\); requests: 1 INVITE, 1 ACK, 1 BYE$/);

      const received = ofType(r.events, 'media.dtmf').filter((e) => e.direction === 'received');
      expect(received.map((e) => [e.digit, e.method])).toEqual([['5', 'rfc4733']]);
      const codes = ofType(r.events, 'note').map((n) => n.code);
      expect(codes).toContain('rfc4733-zero-duration');
      expect(codes).toContain('rfc4733-duration-rate');
      expect(codes).toContain('rfc4733-repeated-seq');
    } finally {
      answer.child.kill('SIGKILL');
      await answer.done.catch(() => undefined);
      releasePort(port);
    }
  });

  // Regression: the --duration timer once kept `answer` alive after Ctrl-C until it ran out.
  it('answer --duration 6, SIGINT after start: exits 0 within 2 s (not when --duration ends)', async () => {
    const port = await freePort({ hosts: [LOOPBACK] });
    const answer = spawnSipcall(['answer', '--port', String(port), '--duration', '6'], 10_000);
    try {
      const deadline = Date.now() + 5000;
      while (!answer.stdout().includes(`answering on ${LOOPBACK}:${port}`)) {
        if (Date.now() > deadline) throw new Error(`sipcall answer did not start: ${answer.stdout()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      answer.child.kill('SIGINT');
      const r = await within(answer.done, 2000, 'sipcall answer after SIGINT');
      expect(r.code, why(r)).toBe(0);
    } finally {
      answer.child.kill('SIGKILL');
      await answer.done.catch(() => undefined);
      releasePort(port);
    }
  });
});
