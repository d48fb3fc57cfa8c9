// `--pcap FILE` (docs/pcap.md) proven with tshark: `sipcall invite` calls `sipcall answer`
// over UDP, TCP, TLS, WS and WSS, both with --pcap and --json -v; each pcap, read by tshark, holds
// every SIP message of that side's event stream (`wire` events), in the same order, with the
// same start lines and directions, and the RTP each side sent and received.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { findCommand, requirePeers } from '../support/peers/require-peer.js';
import { ofType, resultOf, runCli, startCli } from './uac-helpers.js';

const exec = promisify(execFile);
const tshark = requirePeers('tshark');
const sngrep = requirePeers('sngrep');

/** Runs tshark over `file` with `args`; returns its lines split on tabs. */
async function tsharkFields(file: string, args: string[]): Promise<string[][]> {
  const { stdout } = await exec('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', ...args], { maxBuffer: 64 << 20 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/**
 * The SIP messages tshark finds, in order: `in`/`out` from our port's point of view, and the
 * start line. `-d` makes TLS's plain text (written as TCP on the real port) SIP explicitly.
 */
async function sipInPcap(file: string, ourPort: number, decodeAs: string[]): Promise<string[]> {
  const rows = await tsharkFields(file, [...decodeAs, '-Y', 'sip', '-e', 'udp.srcport', '-e', 'tcp.srcport', '-e', 'sip.Request-Line', '-e', 'sip.Status-Line']);
  return rows.map(([udp, tcp, req, status]) => `${Number(udp || tcp) === ourPort ? 'out' : 'in'} ${req || status}`);
}

/** The same from the event stream: every `wire` event. */
function sipInEvents(events: SipEvent[]): string[] {
  return ofType(events, 'wire').map((w) => `${w.direction} ${w.text.split('\r\n')[0]}`);
}

/** RTP packets tshark finds from and to `port` (the SDP in the capture tells tshark which ports are RTP). */
async function rtpCounts(file: string, port: number): Promise<{ sent: number; received: number }> {
  const rows = await tsharkFields(file, ['-Y', 'rtp', '-e', 'udp.srcport', '-e', 'udp.dstport']);
  return { sent: rows.filter(([s]) => Number(s) === port).length, received: rows.filter(([, d]) => Number(d) === port).length };
}

describe.skipIf(tshark.skip)('--pcap read by tshark: sipcall invite → sipcall answer', () => {
  let dir: string;
  let pki: TestPki | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipcall-pcap-it-'));
    if (findCommand('openssl')) pki = await makeTestPki();
  });
  afterAll(async () => {
    await pki?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['udp', 'tcp', 'tls', 'ws', 'wss'] as const) {
    it(`over ${transport.toUpperCase()}: each side's pcap has its SIP messages as its event stream has them, and its RTP`, async () => {
      const secure = transport === 'tls' || transport === 'wss';
      if (secure) expect(pki, 'openssl is needed for the TLS certificates').toBeDefined();
      const cert = secure ? ['--cert', pki!.valid.cert, '--key', pki!.valid.key] : [];
      const ca = secure ? ['--ca', pki!.ca] : [];
      const calleePcap = join(dir, `answer-${transport}.pcap`);
      const callerPcap = join(dir, `invite-${transport}.pcap`);
      const answer = startCli(['answer', '--port', '0', '--transport', transport, '--ring', '50', '-v', '--no-input', '--pcap', calleePcap, ...cert]);
      let answerCode: number | undefined;
      try {
        const listening = await answer.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
        const port = Number(/^answering on 127\.0\.0\.1:(\d+)/.exec(listening.type === 'note' ? listening.text : '')![1]);
        const call = await runCli(['invite', `sip:bob@127.0.0.1:${port}`, '--transport', transport, '-d', '1.5', '-v', '--pcap', callerPcap, ...ca]);
        const result = resultOf(call.events);
        expect(call.code, `${result.summary}\n${call.stderr}`).toBe(0);
        answer.io.interrupt();
        answerCode = await answer.done;
        expect(answerCode).toBe(0);

        // TLS, WS, WSS: the SIP messages they carry are written as TCP on the real ports (no TLS
        // records, no WebSocket frames); tshark is told that port is SIP.
        const decodeAs = transport === 'udp' || transport === 'tcp' ? [] : ['-d', `tcp.port==${port},sip`];

        // The caller: the answerer's port is the other end ("in" when it is the source).
        const callerWire = sipInEvents(call.events);
        expect(callerWire.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['out INVITE', 'in SIP/2.0', 'in SIP/2.0', 'in SIP/2.0', 'out ACK', 'out BYE', 'in SIP/2.0']);
        const callerPcapSip = (await sipInPcap(callerPcap, port, decodeAs)).map((l) => l.replace(/^(in|out)/, (d) => (d === 'in' ? 'out' : 'in')));
        expect(callerPcapSip).toEqual(callerWire);

        // The callee: its own port is ours.
        const calleeWire = sipInEvents(answer.events());
        expect(calleeWire.length).toBeGreaterThanOrEqual(7);
        expect(await sipInPcap(calleePcap, port, decodeAs)).toEqual(calleeWire);

        // RTP: every packet the caller sent is in its pcap, and packets came back.
        const [started] = ofType(call.events, 'media.started');
        const rtpPort = Number(/:(\d+)$/.exec(started!.local)![1]);
        const rtp = await rtpCounts(callerPcap, rtpPort);
        expect(rtp.sent).toBe(result.media!.sent.packets);
        expect(rtp.received).toBeGreaterThan(0);
        expect(rtp.received).toBeGreaterThanOrEqual(result.media!.received.packets);
        // …and the callee's pcap has them arriving (loopback loses none)
        const calleeRtp = await tsharkFields(calleePcap, ['-Y', 'rtp', '-e', 'udp.srcport']);
        expect(calleeRtp.filter(([s]) => Number(s) === rtpPort).length).toBe(rtp.sent);

        // sngrep reads the file as SIP: asked to save the dialogs it found (-N: no UI), it writes
        // back every SIP message of the capture. (TLS/WS/WSS: their plain text is on ports sngrep
        // does not take for SIP; it is checked over UDP and TCP.)
        if (!sngrep.skip && (transport === 'udp' || transport === 'tcp')) {
          const resaved = join(dir, `sngrep-${transport}.pcap`);
          await exec('sngrep', ['-I', callerPcap, '-N', '-q', '-O', resaved], { timeout: 15_000 });
          expect(await sipInPcap(resaved, port, decodeAs)).toEqual(await sipInPcap(callerPcap, port, decodeAs));
        }

        // Checksums (IP, UDP, TCP) all verify.
        const bad = await tsharkFields(callerPcap, ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-Y', 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0', '-e', 'frame.number']);
        expect(bad).toEqual([]);
      } finally {
        if (answerCode === undefined) {
          answer.io.interrupt();
          await answer.done;
        }
      }
    });
  }

  it('a killed run leaves a valid file: the built CLI `answer --pcap`, SIGKILLed after an OPTIONS, still reads as SIP', async () => {
    const file = join(dir, 'killed.pcap');
    const bin = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
    const child = spawn(process.execPath, [bin, 'answer', '--port', '0', '--pcap', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`answer did not start: ${out}`)), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /answering on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const ping = await runCli(['options', `sip:127.0.0.1:${port}`]);
      expect(ping.code).toBe(0);
      child.kill('SIGKILL'); // by the PID we hold
      await new Promise((resolve) => child.once('exit', resolve));
      expect(await sipInPcap(file, port, [])).toEqual(['in OPTIONS sip:127.0.0.1:' + port + ' SIP/2.0', 'out SIP/2.0 200 OK']);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('diagnose --pcap: the OPTIONS over UDP and its 200 (the TCP connection is refused: no segments)', async () => {
    const file = join(dir, 'diagnose.pcap');
    const answer = startCli(['answer', '--port', '0', '--no-input']);
    try {
      const listening = await answer.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
      const port = Number(/^answering on 127\.0\.0\.1:(\d+)/.exec(listening.type === 'note' ? listening.text : '')![1]);
      const d = await runCli(['diagnose', `sip:127.0.0.1:${port}`, '--pcap', file]);
      expect(d.code).toBe(0);
      const rows = await tsharkFields(file, ['-Y', 'sip', '-e', 'udp.dstport', '-e', 'sip.Method', '-e', 'sip.Status-Code']);
      expect(rows).toEqual([[String(port), 'OPTIONS', ''], [expect.any(String), '', '200']]);
      expect(await tsharkFields(file, ['-Y', 'tcp.len > 0', '-e', 'frame.number'])).toEqual([]);
    } finally {
      answer.io.interrupt();
      await answer.done;
    }
  });
});
