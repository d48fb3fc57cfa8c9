// The library's `pcap` option (docs/library.md, docs/pcap.md), through the built package as a
// user imports it (`import { … } from 'sipcall'`, run by Node in its own process): options(),
// register() and request() over UDP and call() over TCP against `sipcall answer` each write a
// pcap in which tshark finds every SIP message of the run's event stream (`wire` events), in
// order; the call's file has its RTP and the TCP connection's end. A path that cannot be
// written is a UsageError before anything is sent.
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePeers } from '../support/peers/require-peer.js';
import { sipInPcap, tcpSegments, tcpSummary, tsharkFields } from './pcap-helpers.js';
import { startCli, type CliRun } from './uac-helpers.js';

const tshark = requirePeers('tshark');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The user's script: each function with `pcap`, its `wire` events and result back as JSON. */
const SCRIPT = `
import { call, options, register, request, UsageError } from 'sipcall';
const { udp, tcp, silent, dir } = JSON.parse(process.argv[1]);
const firstLine = (e) => e.direction + ' ' + e.text.split('\\r\\n')[0];
async function run(name, start) {
  const events = [];
  const r = await start((e) => events.push(e));
  return { name, status: r.status, wire: events.filter((e) => e.type === 'wire').map(firstLine), rtpSent: r.media?.sent.packets, rtpLocal: events.find((e) => e.type === 'media.started')?.local };
}
const runs = [
  await run('options', (onEvent) => options('sip:127.0.0.1:' + udp, { pcap: dir + '/options.pcap', onEvent })),
  await run('register', (onEvent) => register('sip:alice@127.0.0.1:' + udp, { expires: 60, pcap: dir + '/register.pcap', onEvent })),
  await run('request', (onEvent) => request('MESSAGE', 'sip:bob@127.0.0.1:' + udp, { body: 'hello', pcap: dir + '/request.pcap', onEvent })),
  await run('call', (onEvent) => call('sip:bob@127.0.0.1:' + tcp, { transport: 'tcp', duration: 1, pcap: dir + '/call.pcap', onEvent })),
];
let refused;
try {
  await options('sip:127.0.0.1:' + silent, { pcap: dir + '/missing/x.pcap' });
  refused = 'resolved';
} catch (err) {
  refused = { usageError: err instanceof UsageError, message: err.message, hint: err.hint };
}
console.log(JSON.stringify({ runs, refused }));
`;

interface Ran {
  name: string;
  status: number;
  wire: string[];
  rtpSent?: number;
  rtpLocal?: string;
}

function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `sipcall answer` on a free port over `transport`; its port once it listens. */
async function answering(transport: 'udp' | 'tcp'): Promise<{ run: CliRun; port: number }> {
  const run = startCli(['answer', '--port', '0', '--transport', transport, '--ring', '50', '--no-input']);
  const listening = await run.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
  return { run, port: Number(/^answering on 127\.0\.0\.1:(\d+)/.exec(listening.type === 'note' ? listening.text : '')![1]) };
}

describe.skipIf(tshark.skip)('the library\'s pcap option, read by tshark', () => {
  let dir: string;
  let udp: Awaited<ReturnType<typeof answering>>;
  let tcp: Awaited<ReturnType<typeof answering>>;
  let silent: dgram.Socket;
  let received = 0;
  let result: { runs: Ran[]; refused: { usageError: boolean; message: string; hint?: string } | 'resolved' };

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'the package is built (node scripts/build.mjs)').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'sipcall-pcap-api-'));
    udp = await answering('udp');
    tcp = await answering('tcp');
    silent = dgram.createSocket('udp4');
    silent.on('message', () => received++);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const args = JSON.stringify({ udp: udp.port, tcp: tcp.port, silent: silent.address().port, dir });
    const r = await node(['--input-type=module', '-e', SCRIPT, args]);
    expect(r.code, r.stderr).toBe(0);
    result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  }, 90_000);

  afterAll(async () => {
    silent?.close();
    for (const a of [udp, tcp]) {
      if (!a) continue;
      a.run.io.interrupt();
      await a.run.done;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const ran = (name: string): Ran => result.runs.find((r) => r.name === name)!;

  for (const name of ['options', 'register', 'request'] as const) {
    it(`${name}() over UDP: the pcap holds the run's SIP messages as its events have them`, async () => {
      const r = ran(name);
      expect(r.status).toBe(200);
      expect(r.wire.length).toBeGreaterThanOrEqual(2);
      // the peer's port is the other end: "in" from its side is "out" from ours
      const seen = (await sipInPcap(join(dir, `${name}.pcap`), udp.port, [])).map((l) => l.replace(/^(in|out)/, (d) => (d === 'in' ? 'out' : 'in')));
      expect(seen).toEqual(r.wire);
    });
  }

  it('call() over TCP: its SIP messages, every RTP packet it sent, and the connection closed with FINs both ways', async () => {
    const r = ran('call');
    expect(r.status).toBe(200);
    expect(r.wire.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['out INVITE', 'in SIP/2.0', 'in SIP/2.0', 'in SIP/2.0', 'out ACK', 'out BYE', 'in SIP/2.0']);
    const file = join(dir, 'call.pcap');
    const seen = (await sipInPcap(file, tcp.port, [])).map((l) => l.replace(/^(in|out)/, (d) => (d === 'in' ? 'out' : 'in')));
    expect(seen).toEqual(r.wire);
    const rtpPort = Number(/:(\d+)$/.exec(r.rtpLocal!)![1]);
    expect(r.rtpSent).toBeGreaterThan(0);
    expect(await tsharkFields(file, ['-Y', `rtp && udp.srcport == ${rtpPort}`, '-e', 'frame.number'])).toHaveLength(r.rtpSent!);
    const fins = (await tcpSegments(file)).filter((x) => x.flags.includes('F'));
    expect(fins.map((x) => (x.dst === tcp.port ? 'ours' : 'theirs'))).toEqual(['ours', 'theirs']);
    expect((await tcpSummary(file)).problems).toEqual([]);
  });

  it('a pcap path that cannot be written: a UsageError naming --pcap, and nothing sent', async () => {
    expect(result.refused).toMatchObject({ usageError: true, hint: expect.stringMatching(/^nothing was sent/) });
    expect(result.refused !== 'resolved' && result.refused.message).toMatch(/^--pcap .*missing\/x\.pcap: cannot write it: its directory does not exist \(ENOENT\)$/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    expect(received).toBe(0);
  });
});
