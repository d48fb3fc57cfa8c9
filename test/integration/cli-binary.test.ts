// The built binary itself: `node bin/sipcall.cjs …` as a child process (no TTY), its JSON
// lines on stdout, its stderr and its exit status. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { closedUdpPort, ofType, parseJsonLines, parseSippLog, resultOf, sippSequence, wireSequence } from './uac-helpers.js';

usePeerCleanup();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

interface Spawned {
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stdout(): string;
  signal(sig: NodeJS.Signals): void;
}

/** `node bin/sipcall.cjs ARGS`, stdin a pipe (given text, or closed at once), killed after `limitMs`. */
function sipcall(args: string[], opts: { stdin?: string; limitMs?: number } = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end(opts.stdin ?? '');
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 20_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { exited, stdout: () => stdout, signal: (sig) => child.kill(sig) };
}

const peers: SippPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `npm run build` before the integration tests');
});

function lines(stdout: string): SipEvent[] {
  const events = parseJsonLines(stdout);
  expect(events.length).toBeGreaterThan(0);
  return events;
}

describe('node bin/sipcall.cjs', () => {
  it('demo --json: a whole call against its own UAS; every line JSON, the last the result with exitCode 0; exit 0', async () => {
    const r = await sipcall(['demo', '--json']).exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = lines(r.stdout);
    expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
    expect(ofType(events, 'dialog.established')).toHaveLength(1);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    // time only moves forward
    const ts = events.map((e) => e.t);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
  });

  it('demo timeout --json: 7 INVITEs, Timer B at 3.2 s, local 408; exit 3', async () => {
    const r = await sipcall(['demo', 'timeout', '--json']).exited;
    expect(r.code).toBe(3);
    const events = lines(r.stdout);
    expect(ofType(events, 'request.sent').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ofType(events, 'timer.fired').at(-1)?.timer).toBe('B');
    expect(resultOf(events)).toMatchObject({ outcome: 'timeout', status: 408, statusLocal: true, exitCode: 3 });
  });

  it('options to a closed UDP port --json: transport.error ECONNREFUSED, result exitCode 4; exit 4', async () => {
    const port = await closedUdpPort();
    const r = await sipcall(['options', `127.0.0.1:${port}`, '--json']).exited;
    expect(r.code).toBe(4);
    const events = lines(r.stdout);
    const [err] = ofType(events, 'transport.error');
    expect(err).toMatchObject({ code: 'ECONNREFUSED', to: `127.0.0.1:${port}` });
    expect(err!.t).toBeLessThan(1000);
    expect(resultOf(events)).toMatchObject({ outcome: 'transport-error', status: 503, statusLocal: true, exitCode: 4 });
  });

  it('no arguments and no TTY: exit 2, the reason and the help on stderr, nothing on stdout', async () => {
    const r = await sipcall([]).exited;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^sipcall: no command given \(and no terminal to ask on\); see 'sipcall --help'\n/);
    expect(r.stderr).toContain('Usage: sipcall [options] [command]');
    for (const cmd of ['invite', 'options', 'register', 'bye', 'request', 'answer', 'demo']) expect(r.stderr).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });
});

describe.skipIf(requirePeers('sipp').skip)('node bin/sipcall.cjs against SIPp', () => {
  it('invite --transport tcp against SIPp over TCP (uas-full.xml): exit 0, SIPp saw the whole call over TCP', async () => {
    const uas = await startSipp({ scenario: 'uas-full.xml', transport: 't1' });
    peers.push(uas);
    const r = await sipcall(['invite', '--no-media', `bob@${uas.hostPort}`, '--transport', 'tcp', '--json']).exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = lines(r.stdout);
    expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
    for (const e of ofType(events, 'request.sent')) expect(e.transport).toBe('TCP');
    expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    const msgs = parseSippLog(await uas.messageLog());
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
    for (const m of msgs) expect(m.transport).toBe('TCP');
  });

  it('request MESSAGE --body - with a pipe on stdin: the body reaches SIPp; exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-message.xml' });
    peers.push(uas);
    const body = 'piped into the real binary\n';
    const r = await sipcall(['request', 'MESSAGE', `bob@${uas.hostPort}`, '--body', '-', '--json'], { stdin: body }).exited;
    expect(r.code).toBe(0);
    const [req] = parseSippLog(await uas.messageLog());
    expect(req!.method).toBe('MESSAGE');
    expect(req!.header('Content-Length')).toBe(String(Buffer.byteLength(body)));
    expect(`${req!.body}\n`).toBe(body);
  });

  it('a real SIGINT while ringing (uas-100-silence.xml): CANCEL, 487, ACK; exit 130', async () => {
    const uas = await startSipp({ scenario: 'uas-100-silence.xml' });
    peers.push(uas);
    const p = sipcall(['invite', '--no-media', `bob@${uas.hostPort}`, '--json', '--t1', '100']);
    const deadline = Date.now() + 10_000;
    while (!p.stdout().includes('"status":100') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    p.signal('SIGINT');
    const r = await p.exited;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    const events = lines(r.stdout);
    expect(wireSequence(events)).toEqual(['INVITE', '100', 'CANCEL', '200', '487', 'ACK']);
    expect(resultOf(events)).toMatchObject({ outcome: 'interrupted', status: 487, exitCode: 130 });
    expect(sippSequence(parseSippLog(await uas.messageLog()))).toEqual(['→ INVITE', '← 100 INVITE', '→ CANCEL', '← 200 CANCEL', '← 487 INVITE', '→ ACK']);
  });
});

describe('sipcall piped into a reader that goes away', () => {
  it('ends with its own exit code and no stack trace when stdout closes early (EPIPE)', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('bash', ['-c', 'node bin/sipcall.cjs demo timeout --no-color | head -n 2 >/dev/null; echo "exit=${PIPESTATUS[0]}"'], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stdout).toContain('exit=3');
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(/);
  });
});
