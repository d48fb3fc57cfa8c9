// `--pcap FILE` (docs/pcap.md) proven with tshark: `sipcall invite` calls `sipcall answer`
// over UDP, TCP, TLS, WS and WSS, both with --pcap and --json -v; each pcap, read by tshark, holds
// every SIP message of that side's event stream (`wire` events), in the same order, with the
// same start lines and directions, and the RTP each side sent and received.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../support/peers/certs.js';
import { findCommand, requirePeers } from '../support/peers/require-peer.js';
import { exec, nextSeq, sipInEvents, sipInPcap, tcpSegments, tcpSummary, tsharkFields } from './pcap-helpers.js';
import { ofType, resultOf, runCli, startCli } from './uac-helpers.js';

const tshark = requirePeers('tshark');
const sngrep = requirePeers('sngrep');

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

        // Stream transports: the connection ends with FINs both ways, then the last ACK to the
        // end that sent the second FIN; one conversation, which tshark's TCP analysis follows
        // without a gap (no "previous segment not captured", no "ACKed unseen segment"). The
        // caller closes first (after the BYE's 200); the callee, stopped at once by Ctrl-C,
        // may close before it has read the caller's FIN: each file says what its side saw.
        if (transport !== 'udp') {
          for (const [side, file] of [['caller', callerPcap], ['callee', calleePcap]] as const) {
            const segments = await tcpSegments(file);
            const fins = segments.filter((x) => x.flags.includes('F')).map((x) => (x.dst === port ? 'from the caller' : 'from the callee'));
            if (side === 'caller') expect(fins, side).toEqual(['from the caller', 'from the callee']);
            else expect([...fins].sort(), side).toEqual(['from the callee', 'from the caller']);
            const last = segments.at(-1)!;
            expect(last.dst === port ? 'from the caller' : 'from the callee', side).toBe(fins[0]);
            expect(last.len, side).toBe(0);
            expect(last.flags.replace(/·/g, ''), side).toBe('A');
            expect(segments.filter((x) => x.flags.includes('R')), side).toEqual([]);
            const { conversations, problems } = await tcpSummary(file, decodeAs);
            expect(problems, side).toEqual([]);
            expect(conversations, side).toHaveLength(1);
            expect(conversations[0], side).toMatch(new RegExp(`:${port}\\b`));
          }
        }
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
  it('a connection the peer resets: `options --transport tcp` shows the OPTIONS, then one RST from the peer, and no gap', async () => {
    const file = join(dir, 'reset-client.pcap');
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('data', () => s.resetAndDestroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runCli(['options', `sip:127.0.0.1:${port}`, '--transport', 'tcp', '--pcap', file]);
      expect(r.code).toBe(4);
      const segments = await tcpSegments(file);
      expect(segments.map((x) => `${x.src === port ? 'peer' : 'us'} ${x.flags.replace(/·/g, '')} ${x.len > 0 ? 'data' : ''}`.trim())).toEqual(['us S', 'peer AS', 'us A', 'us AP data', 'peer AR']);
      expect(await sipInPcap(file, port, [])).toEqual([`in OPTIONS sip:127.0.0.1:${port} SIP/2.0`]); // "in": seen from the peer's port
      // the RST continues the stream: at the peer's next number, acknowledging all we sent
      const rst = segments.at(-1)!;
      const us = segments[0]!.src;
      expect([rst.seq, rst.ack]).toEqual([nextSeq(segments.slice(0, -1), port), nextSeq(segments, us)]);
      expect(rst.expert).toMatch(/Connection reset \(RST\)/);
      expect((await tcpSummary(file)).problems).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('a connection the caller resets: `answer --transport tcp` shows the OPTIONS, its 200, then the RST from the caller', async () => {
    const file = join(dir, 'reset-listener.pcap');
    const answer = startCli(['answer', '--port', '0', '--transport', 'tcp', '--no-input', '--pcap', file]);
    try {
      const listening = await answer.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
      const port = Number(/^answering on 127\.0\.0\.1:(\d+)/.exec(listening.type === 'note' ? listening.text : '')![1]);
      const client = net.connect(port, '127.0.0.1');
      client.on('error', () => undefined);
      await new Promise((r) => client.once('connect', r));
      const localPort = client.localPort!;
      const options = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:${localPort};branch=z9hG4bK-pcap-reset`,
        'Max-Forwards: 70',
        `From: <sip:t@127.0.0.1>;tag=a`,
        `To: <sip:127.0.0.1:${port}>`,
        'Call-ID: pcap-reset@127.0.0.1',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const replied = new Promise((r) => client.once('data', r));
      client.write(options);
      await replied;
      client.resetAndDestroy();
      await answer.waitFor((e) => e.type === 'transport.error', 3000); // the listener saw the reset
      answer.io.interrupt();
      expect(await answer.done).toBe(0);
      const segments = await tcpSegments(file);
      expect(segments.map((x) => `${x.src === port ? 'us' : 'peer'} ${x.flags.replace(/·/g, '')} ${x.len > 0 ? 'data' : ''}`.trim())).toEqual(['peer S', 'us AS', 'peer A', 'peer AP data', 'us AP data', 'peer AR']);
      const rst = segments.at(-1)!;
      expect(rst.src).toBe(localPort);
      expect([rst.seq, rst.ack]).toEqual([nextSeq(segments.slice(0, -1), localPort), nextSeq(segments, port)]);
      expect((await tcpSummary(file)).problems).toEqual([]);
    } finally {
      answer.io.interrupt(); // again, when an expectation failed before: answer ends on it
      await answer.done;
    }
  });

  it('RTP from another port than the SDP named (`answer --fault from-other-port`): the caller\'s pcap has it from the real port', async () => {
    const file = join(dir, 'rtp-other-port.pcap');
    const answer = startCli(['answer', '--port', '0', '--ring', '50', '--no-input', '--fault', 'from-other-port']);
    try {
      const listening = await answer.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
      const port = Number(/^answering on 127\.0\.0\.1:(\d+)/.exec(listening.type === 'note' ? listening.text : '')![1]);
      const call = await runCli(['invite', `sip:bob@127.0.0.1:${port}`, '-d', '1.5', '--pcap', file]);
      const result = resultOf(call.events);
      expect(result.verdict?.id, result.summary).toBe('rtp-from-unexpected-address');
      const [started] = ofType(call.events, 'media.started');
      const ourRtp = Number(/:(\d+)$/.exec(started!.local)![1]);
      const sdpPort = Number(/:(\d+)$/.exec(started!.remote)![1]);
      const sources = result.media!.received.sources;
      expect(sources).toHaveLength(1);
      expect(sources[0]!.port).not.toBe(sdpPort);
      // what arrived at our RTP port, by its source port: all of it from where it really came
      const arrived = await tsharkFields(file, ['-Y', `udp.dstport == ${ourRtp}`, '-e', 'udp.srcport']);
      expect(new Set(arrived.map(([src]) => Number(src)))).toEqual(new Set([sources[0]!.port]));
      expect(arrived).toHaveLength(sources[0]!.packets);
      // …decoded as RTP (the offer in the capture names our port) and sent by us to the SDP's port
      expect(await tsharkFields(file, ['-Y', `rtp && udp.srcport == ${sources[0]!.port}`, '-e', 'frame.number'])).toHaveLength(sources[0]!.packets);
      expect((await tsharkFields(file, ['-Y', `udp.srcport == ${ourRtp}`, '-e', 'udp.dstport'])).every(([d]) => Number(d) === sdpPort)).toBe(true);
    } finally {
      answer.io.interrupt();
      await answer.done;
    }
  });
});
