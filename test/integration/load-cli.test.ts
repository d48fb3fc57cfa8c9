// `sipcall load` as users run it: the built binary (`node bin/sipcall.cjs`, so `node
// scripts/build.mjs` first) against real peers on loopback: SIPp's built-in uas for calls (UDP
// and TCP), SIPp scenarios for OPTIONS and REGISTER, Kamailio for TLS and for digest (401 on REGISTER,
// 407 on INVITE).
// Checked: the counts of the JSON summary, exit 7 on a failed --threshold, two segments merged
// into the unsegmented plan, the --csv and --hdr files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistogramLogReader, listTags } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadInterval, LoadSummary } from '../../src/load/summary.js';
import { LOAD_CSV_COLUMNS } from '../../src/present/load-csv.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { requireTlsPeers, useKamailioTls } from '../support/peers/kamailio-tls.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'sipcall-load-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/sipcall.cjs ARGS`, no TTY, killed after `limitMs`. */
function sipcall(args: string[], env: Record<string, string> = {}, limitMs = 20_000): Promise<Ran> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, SIPCALL_PASSWORD: undefined, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

function summaryOf(ran: Ran): LoadSummary {
  const lines = ran.stdout.trim().split('\n');
  const last = JSON.parse(lines.at(-1) ?? '{}') as LoadSummary;
  expect(last.type, ran.stderr).toBe('load.summary');
  for (const l of lines.slice(0, -1)) expect((JSON.parse(l) as LoadInterval).type).toBe('load.interval');
  return last;
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `node scripts/build.mjs` before this test');
});

describe.skipIf(requirePeers('sipp').skip)('sipcall load against SIPp', () => {
  let uas: SippPeer;
  beforeAll(async () => {
    uas = await startSipp({ scenario: 'uas', extraArgs: ['-buff_size', '4194304'] });
  });
  afterAll(async () => {
    await uas?.stop();
  });
  const target = () => `sip:service@127.0.0.1:${uas.port}`;

  it('-r 500 --duration 3 --json: 1,500 calls attempted and completed, none failed or dropped', async () => {
    const ran = await sipcall(['load', target(), '-r', '500', '--duration', '3', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 1500, completed: 1500, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.planned).toBe(1500);
    expect(s.rate.offered).toBe(500);
    expect(s.latency.setup.count).toBe(1500);
    expect(s.latency.sdd.count).toBe(1500);
    // INVITE and BYE each answered with a 200.
    expect(s.statuses['200']).toBe(3000);
    expect(ran.stderr).toBe('');
  }, 30_000);

  it('a failing --threshold exits 7 and marks it ✗ in the summary; a passing one exits 0 with ✓', async () => {
    const args = ['load', target(), '-r', '100', '-m', '50'];
    const failing = await sipcall([...args, '--threshold', 'p99(setup)<1us', '--threshold', 'dropped==0']);
    expect(failing.code, failing.stderr).toBe(7);
    expect(failing.stdout).toMatch(/^Thresholds\n {2}✗ p99\(setup\)<1us {2}\(actual [\d.]+ ms\)\n {2}✓ dropped==0 {2}\(actual 0 calls\)\n$/m);
    expect(failing.stdout).toMatch(/Calls +\[attempted, completed, failed, dropped\] +50, 50, 0, 0\n/);
    const passing = await sipcall([...args, '--threshold', 'p99(setup)<5s', '--threshold', 'failed==0']);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/✓ p99\(setup\)<5s .*\n {2}✓ failed==0/);
  }, 30_000);

  it('--segment 1/2 and 2/2 run together, then load merge: the counts of the unsegmented plan, no segment missing', async () => {
    const args = ['load', target(), '-r', '200', '--duration', '1.5', '--json'];
    const [a, b] = await Promise.all([sipcall([...args, '--segment', '1/2']), sipcall([...args, '--segment', '2/2'])]);
    const sa = summaryOf(a);
    const sb = summaryOf(b);
    expect(sa.segment).toEqual({ index: 1, count: 2 });
    expect(sb.segment).toEqual({ index: 2, count: 2 });
    expect(sa.planned + sb.planned).toBe(300);
    const files = [join(dir, 'seg-1.json'), join(dir, 'seg-2.json')];
    writeFileSync(files[0]!, a.stdout);
    writeFileSync(files[1]!, b.stdout);
    const merged = await sipcall(['load', 'merge', ...files, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(merged.stdout) as LoadSummary;
    expect(m.planned).toBe(300);
    expect(m.calls).toEqual({ attempted: 300, completed: 300, failed: 0, dropped: 0, timeouts: 0 });
    expect(m.latency.setup.count).toBe(300);
    expect(m.rate.offered).toBe(200);
    expect(m.merge?.missing).toEqual([]);
    expect(m.merge?.duplicated).toEqual([]);
    const text = await sipcall(['load', 'merge', ...files, '--threshold', 'completed>=300']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Merged +2 results, 2 segments\n/);
    expect(text.stdout).toMatch(/✓ completed>=300/);
  }, 30_000);

  it('--csv and --hdr: a CSV in SIPp\'s -trace_stat columns, an HdrHistogram log HistogramLogReader reads', async () => {
    const csv = join(dir, 'calls.csv');
    const hdr = join(dir, 'calls.hlog');
    const ran = await sipcall(['load', target(), '-r', '100', '--duration', '2', '--csv', csv, '--hdr', hdr]);
    expect(ran.code, ran.stderr).toBe(0);
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(rows[0]!.split(';').slice(0, 4)).toEqual(['StartTime', 'LastResetTime', 'CurrentTime', 'ElapsedTime(P)']);
    expect(rows[0]).toBe(`${LOAD_CSV_COLUMNS.join(';')};`);
    const cells = rows.slice(1).map((r) => r.split(';'));
    const col = (name: (typeof LOAD_CSV_COLUMNS)[number]) => LOAD_CSV_COLUMNS.indexOf(name);
    expect(cells.length).toBeGreaterThanOrEqual(2);
    expect(cells.reduce((a, c) => a + Number(c[col('SuccessfulCall(P)')]), 0)).toBe(200);
    expect(Number(cells.at(-1)![col('SuccessfulCall(C)')])).toBe(200);
    // SIPp's date format: date, time with µs, epoch with µs, tab-separated.
    expect(cells[0]![col('StartTime')]).toMatch(/^\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d{6}\t\d+\.\d{6}$/);

    const log = readFileSync(hdr, 'utf8');
    expect(listTags(log)).toEqual(expect.arrayContaining(['srd', 'setup', 'sdd', 'lag']));
    const reader = new HistogramLogReader(log);
    let setups = 0;
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) if (h.tag === 'setup') setups += h.totalCount;
    expect(setups).toBe(200);
  }, 30_000);
});

describe.skipIf(requirePeers('sipp').skip)('sipcall load --scenario options and register against SIPp scenarios', () => {
  const peers: SippPeer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
  });

  it('--scenario options: every OPTIONS answered 200', async () => {
    const p = await startSipp({ scenario: 'uas-options.xml' });
    peers.push(p);
    const ran = await sipcall(['load', `sip:ping@127.0.0.1:${p.port}`, '--scenario', 'options', '-r', '100', '-m', '100', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 100, completed: 100, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.latency.ord.count).toBe(100);
    expect(s.statuses).toEqual({ '200': 100 });
  }, 30_000);

  it('--scenario register: REGISTER sip:DOMAIN with the AOR in To and From, every one 200', async () => {
    const p = await startSipp({ scenario: 'uas-register-200.xml' });
    peers.push(p);
    const ran = await sipcall(['load', `alice@127.0.0.1:${p.port}`, '--scenario', 'register', '-r', '100', '-m', '100', '--expires', '120', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 100, completed: 100, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.latency.rrd.count).toBe(100);
    const log = await p.messageLog(/REGISTER sip:/);
    const register = log.split(/\r?\n/).find((l) => l.startsWith('REGISTER '));
    expect(register).toBe(`REGISTER sip:127.0.0.1:${p.port} SIP/2.0`);
    expect(log).toMatch(new RegExp(`^To: <sip:alice@127\\.0\\.0\\.1:${p.port}>`, 'm'));
    expect(log).toMatch(new RegExp(`^From: <sip:alice@127\\.0\\.0\\.1:${p.port}>;tag=`, 'm'));
    expect(log).toMatch(/^Expires: 120/m);
  }, 30_000);
});

describe.skipIf(requirePeers('sipp').skip)('sipcall load over TCP against SIPp -t t1', () => {
  let uas: SippPeer;
  beforeAll(async () => {
    uas = await startSipp({ scenario: 'uas', transport: 't1', extraArgs: ['-max_socket', '100'] });
  });
  afterAll(async () => {
    await uas?.stop();
  });

  it('-t tcp --calls-per-connection 50: 200 calls, all completed, none retransmitted; a closed port is exit 4', async () => {
    const ran = await sipcall(['load', `sip:service@127.0.0.1:${uas.port}`, '-t', 'tcp', '-r', '200', '--duration', '1', '--calls-per-connection', '50', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 200, completed: 200, failed: 0, dropped: 0, timeouts: 0 });
    // A reliable transport sends each request once (RFC 3261 §17.1.1.2: no Timer A).
    expect(s.retransmissions).toEqual({});
    const refused = await sipcall(['load', 'sip:service@127.0.0.1:9', '-t', 'tcp', '-r', '10', '-m', '1']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^sipcall: connection refused: nothing listens on 127\.0\.0\.1:9\/tcp/);
  }, 30_000);
});

describe.skipIf(requireTlsPeers().skip)('sipcall load over TLS against Kamailio', () => {
  const peer = useKamailioTls();

  it('sips: with --ca: every OPTIONS over verified TLS answered 200; an expired certificate fails every call as transport', async () => {
    const ok = await sipcall(['load', `sips:127.0.0.1:${peer.k.tls.valid}`, '--scenario', 'options', '--ca', peer.pki.ca, '-r', '50', '-m', '50', '--calls-per-connection', '25', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(summaryOf(ok).calls).toEqual({ attempted: 50, completed: 50, failed: 0, dropped: 0, timeouts: 0 });
    const expired = await sipcall(['load', `sips:127.0.0.1:${peer.k.tls.expired}`, '--scenario', 'options', '--ca', peer.pki.ca, '-r', '50', '-m', '5', '--json']);
    expect(expired.code, expired.stderr).toBe(0);
    const s = summaryOf(expired);
    expect(s.calls).toMatchObject({ attempted: 5, completed: 0, failed: 5 });
    expect(s.errors).toEqual({ transport: 5 });
  }, 30_000);
});

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('sipcall load with digest against Kamailio', () => {
  let k: KamailioPeer;
  let uas: SippPeer;
  beforeAll(async () => {
    [k, uas] = await Promise.all([startKamailio(), startSipp({ scenario: 'uas' })]);
  });
  afterAll(async () => {
    await Promise.all([k?.stop(), uas?.stop()]);
  });

  it('--scenario register at 50/s for 2 s: each 401 answered, every REGISTER ends 200', async () => {
    const ran = await sipcall(['load', `alice@${k.hostPort}`, '--scenario', 'register', '-r', '50', '--duration', '2', '--expires', '60', '--json'], { SIPCALL_PASSWORD: 'secret' });
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 100, completed: 100, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.statuses).toEqual({ '200': 100, '401': 100 });
    expect(ran.stdout).not.toContain('secret');
    expect(ran.stderr).not.toContain('secret');
  }, 30_000);

  it('a wrong password: every REGISTER fails on the second 401 (4xx), the run exits 0 unless a threshold says otherwise', async () => {
    const ran = await sipcall(['load', `bob@${k.hostPort}`, '--scenario', 'register', '-r', '50', '-m', '10', '--json', '--threshold', 'failed==0'], { SIPCALL_PASSWORD: 'wrong' });
    expect(ran.code, ran.stderr).toBe(7);
    const s = summaryOf(ran);
    expect(s.calls).toMatchObject({ attempted: 10, completed: 0, failed: 10 });
    expect(s.errors).toEqual({ '4xx': 10 });
    expect(s.statuses).toEqual({ '401': 20 });
  }, 30_000);

  it('--scenario call through the 407 (--user alice) to SIPp: INVITE, 407, INVITE with credentials, 200, ACK, BYE, 200', async () => {
    const ran = await sipcall(['load', `port-${uas.port}@${k.hostPort}`, '--user', 'alice', '-r', '50', '--duration', '2', '--json'], { SIPCALL_PASSWORD: 'secret' });
    expect(ran.code, ran.stderr).toBe(0);
    const s = summaryOf(ran);
    expect(s.calls).toEqual({ attempted: 100, completed: 100, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.statuses['407']).toBe(100);
    expect(s.latency.setup.count).toBe(100);
    expect(s.latency.sdd.count).toBe(100);
  }, 30_000);
});
