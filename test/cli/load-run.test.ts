// `sipcall load` run in process (`run(argv, io)` with fake streams) against a small UDP
// responder on loopback: the outputs (JSON lines, summary, CSV, HdrHistogram log, pcap), the
// exit codes (0, 7, 130), Ctrl-C, and `load merge` of two segments.
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistogramLogReader, listTags } from 'hdr-histogram-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { LoadInterval, LoadSummary } from '../../src/load/summary.js';
import { LOAD_CSV_COLUMNS } from '../../src/present/load-csv.js';
import { fakeIo } from '../support/fake-io.js';
import { readPcapFile } from '../support/pcap-read.js';

const dir = mkdtempSync(join(tmpdir(), 'sipcall-load-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Responder {
  port: number;
  /** Requests received, by method. */
  seen: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Answers every OPTIONS and REGISTER with 200 (RFC 3261 §8.2.6.2: Via, From, Call-ID, CSeq
 * copied, a To tag added); `silent` answers nothing (calls run into Timer F).
 */
async function responder(silent = false): Promise<Responder> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const seen: Record<string, number> = {};
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    const method = text.slice(0, text.indexOf(' '));
    seen[method] = (seen[method] ?? 0) + 1;
    if (silent) return;
    const keep = text.split('\r\n').filter((l) => /^(via|from|call-id|cseq|to):/i.test(l));
    const lines = keep.map((l) => (/^to:/i.test(l) ? `${l};tag=r${seen[method]}` : l));
    socket.send(Buffer.from(`SIP/2.0 200 OK\r\n${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'latin1'), rinfo.port, rinfo.address);
  });
  const port = socket.address().port;
  return { port, seen, close: () => new Promise((r) => socket.close(() => r())) };
}

const open: Responder[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
async function peer(silent = false): Promise<Responder> {
  const r = await responder(silent);
  open.push(r);
  return r;
}

function jsonLines(text: string): Array<LoadInterval | LoadSummary> {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LoadInterval | LoadSummary);
}
const summaryOf = (text: string): LoadSummary => jsonLines(text).find((e): e is LoadSummary => e.type === 'load.summary')!;

describe('sipcall load (in process, UDP on loopback)', () => {
  it('--json: load.interval lines, then one load.summary: 60 OPTIONS planned, sent, answered', async () => {
    const r = await peer();
    const io = fakeIo();
    const code = await run(['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '40', '--duration', '1.5s', '--json'], io);
    expect(code, io.err.text).toBe(0);
    const events = jsonLines(io.out.text);
    expect(events.at(-1)?.type).toBe('load.summary');
    expect(events.slice(0, -1).every((e) => e.type === 'load.interval')).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2);
    const s = summaryOf(io.out.text);
    expect(s).toMatchObject({ scenario: 'options', target: `sip:svc@127.0.0.1:${r.port}`, planned: 60, segment: { index: 1, count: 1 } });
    expect(s.calls).toEqual({ attempted: 60, completed: 60, failed: 0, dropped: 0, timeouts: 0 });
    expect(s.latency.ord.count).toBe(60);
    expect(r.seen.OPTIONS).toBe(60);
    // The intervals add up to the run.
    const intervals = events.filter((e): e is LoadInterval => e.type === 'load.interval');
    expect(intervals.reduce((a, e) => a + e.interval.attempted, 0)).toBe(60);
    expect(intervals.every((e) => e.histograms === undefined)).toBe(true);
    expect(io.err.text).toBe('');
  });

  it('register: REGISTER to the AOR domain, 200 each; the text summary on stdout, nothing live on a non-terminal', async () => {
    const r = await peer();
    const io = fakeIo();
    const code = await run(['load', `alice@127.0.0.1:${r.port}`, '--scenario', 'register', '-r', '50', '-m', '10', '--expires', '60'], io);
    expect(code, io.err.text).toBe(0);
    expect(io.out.text).toMatch(new RegExp(`^sipcall load register → sip:alice@127\\.0\\.0\\.1:${r.port}\\n`));
    expect(io.out.text).toMatch(/Calls +\[attempted, completed, failed, dropped\] +10, 10, 0, 0\n/);
    expect(io.out.text).toMatch(/RRD \(REGISTER → final\)/);
    expect(r.seen.REGISTER).toBe(10);
    expect(io.err.text).toBe('');
  });

  it('stderr a terminal: the live line each second, rewritten in place and cleared before the summary; never with --json', async () => {
    const r = await peer();
    const io = fakeIo();
    io.err.isTTY = true;
    const argv = ['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '20', '--duration', '2.2s'];
    expect(await run(argv, io), io.err.text).toBe(0);
    const lives = io.err.text.split('\r').filter((l) => l !== '');
    expect(lives.length).toBeGreaterThanOrEqual(2);
    for (const l of lives.slice(0, -1)) expect(l).toMatch(/^ +\d+\.\ds {2}rate \d+\/20 cps {2}active \d+ {2}completed [\d,]+ {2}failed 0 {2}dropped 0 {2}p99 setup — ?\x1b\[K$/);
    expect(io.err.text.endsWith('\r\x1b[K')).toBe(true);
    expect(io.out.text).toMatch(/^sipcall load options → /);
    const json = fakeIo();
    json.err.isTTY = true;
    expect(await run([...argv, '-m', '5', '--json'], json)).toBe(0);
    expect(json.err.text).toBe('');
  }, 15_000);

  it('a failing --threshold: exit 7 after the whole summary, which marks it ✗; a passing one: exit 0 and ✓', async () => {
    const r = await peer();
    const failing = fakeIo();
    const argv = ['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '50', '-m', '10'];
    expect(await run([...argv, '--threshold', 'p99(ord)<1us', '--threshold', 'failed==0'], failing)).toBe(7);
    expect(failing.out.text).toMatch(/Thresholds\n {2}✗ p99\(ord\)<1us {2}\(actual [\d.]+ ms\)\n {2}✓ failed==0 {2}\(actual 0 calls\)\n$/);
    const passing = fakeIo();
    expect(await run([...argv, '--threshold', 'p99(ord)<10s', '--json'], passing)).toBe(0);
    expect(summaryOf(passing.out.text).thresholds).toEqual([{ expr: 'p99(ord)<10s', ok: true, actual: expect.any(Number), unit: 'ms' }]);
  });

  it('--csv and --hdr: SIPp column names and one row per second; an HdrHistogram log that HistogramLogReader reads', async () => {
    const r = await peer();
    const csv = join(dir, 'run.csv');
    const hdr = join(dir, 'run.hlog');
    const io = fakeIo();
    const code = await run(['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '50', '--duration', '2', '--csv', csv, '--hdr', hdr, '--json'], io);
    expect(code, io.err.text).toBe(0);
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe(`${LOAD_CSV_COLUMNS.join(';')};`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const total = rows.slice(1).map((row) => row.split(';'));
    const col = (name: string) => LOAD_CSV_COLUMNS.indexOf(name as (typeof LOAD_CSV_COLUMNS)[number]);
    expect(Number(total.at(-1)![col('OutgoingCall(C)')])).toBe(100);
    expect(total.reduce((a, c) => a + Number(c[col('OutgoingCall(P)')]), 0)).toBe(100);
    // The JSON intervals stay free of the encoded histograms that --hdr asks the metrics for.
    expect(io.out.text).not.toMatch(/"histograms":\{"ord"/);

    const log = readFileSync(hdr, 'utf8');
    expect(log).toMatch(/^#\[Histogram log format version 1\.3\]$/m);
    expect(listTags(log)).toEqual(expect.arrayContaining(['ord', 'lag']));
    const reader = new HistogramLogReader(log);
    let ordCount = 0;
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      if (h.tag === 'ord') ordCount += h.totalCount;
    }
    expect(ordCount).toBe(100);
  });

  it('--pcap: every datagram sent and received, as UDP between the two ports', async () => {
    const r = await peer();
    const pcap = join(dir, 'run.pcap');
    const io = fakeIo();
    expect(await run(['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '50', '-m', '5', '--pcap', pcap], io)).toBe(0);
    const packets = readPcapFile(pcap);
    const out = packets.filter((p) => p.dstPort === r.port);
    const back = packets.filter((p) => p.srcPort === r.port);
    expect(out).toHaveLength(5);
    expect(back).toHaveLength(5);
    expect(Buffer.from(out[0]!.payload).toString('latin1')).toMatch(/^OPTIONS sip:svc@127\.0\.0\.1:\d+ SIP\/2\.0\r\n/);
    expect(Buffer.from(back[0]!.payload).toString('latin1')).toMatch(/^SIP\/2\.0 200 OK\r\n/);
  });

  it('Ctrl-C once: no new calls, those in progress end (Timer F here); exit 130 with the summary and what was not started', async () => {
    const r = await peer(true);
    const io = fakeIo();
    // T1 = 10 ms: a silent peer ends each OPTIONS by Timer F at 64·T1 = 640 ms.
    const running = run(['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '20', '--duration', '10', '--t1', '10', '--t2', '40', '--json'], io);
    await new Promise((resolve) => setTimeout(resolve, 400));
    io.interrupt();
    const started = Date.now();
    const code = await running;
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
    const s = summaryOf(io.out.text);
    expect(s.planned).toBe(200);
    expect(s.calls.attempted).toBeGreaterThan(0);
    expect(s.calls.attempted).toBeLessThan(30);
    expect(s.calls.timeouts).toBe(s.calls.attempted);
    expect(io.err.text).toMatch(/Ctrl-C: no new calls/);
    expect(io.err.text).toMatch(new RegExp(`stopped by Ctrl-C: ${200 - s.calls.attempted} planned calls not started`));
  });

  it('Ctrl-C twice: ends at once, the calls in progress left as they are', async () => {
    const r = await peer(true);
    const io = fakeIo();
    const running = run(['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '20', '--duration', '10', '--json'], io);
    await new Promise((resolve) => setTimeout(resolve, 300));
    io.interrupt();
    io.interrupt();
    expect(await running).toBe(130);
    expect(io.err.text).toMatch(/stopped at once: \d+ calls? left in progress/);
    expect(summaryOf(io.out.text).calls.completed).toBe(0);
  });

  it('load merge: two segments add up to the plan; --json; a missing segment is a warning; --threshold exits 7', async () => {
    const r = await peer();
    const argv = ['load', `sip:svc@127.0.0.1:${r.port}`, '--scenario', 'options', '-r', '40', '-m', '30', '--json'];
    const files: string[] = [];
    for (const seg of ['1/2', '2/2']) {
      const io = fakeIo();
      expect(await run([...argv, '--segment', seg], io), io.err.text).toBe(0);
      const file = join(dir, `seg-${seg.replace('/', 'of')}.json`);
      writeFileSync(file, io.out.text);
      files.push(file);
    }
    const parts = files.map((f) => summaryOf(readFileSync(f, 'utf8')));
    expect(parts.map((p) => p.planned)).toEqual([15, 15]);

    const merged = fakeIo();
    expect(await run(['load', 'merge', ...files, '--json'], merged)).toBe(0);
    const m = JSON.parse(merged.out.text) as LoadSummary;
    expect(m.calls).toEqual({ attempted: 30, completed: 30, failed: 0, dropped: 0, timeouts: 0 });
    expect(m.planned).toBe(30);
    expect(m.latency.ord.count).toBe(30);
    expect(m.merge).toEqual({ inputs: 2, count: 2, missing: [], duplicated: [], warnings: [] });
    expect(merged.err.text).toBe('');

    const text = fakeIo();
    expect(await run(['load', 'merge', files[0]!, '--threshold', 'completed>=30'], text)).toBe(7);
    expect(text.out.text).toMatch(/Merged +1 results, 2 segments\n {2}! segment 2\/2 missing: the planned load was not all run\n/);
    expect(text.out.text).toMatch(/✗ completed>=30 {2}\(actual 15 calls\)/);
  });

  it('a target that does not resolve: exit 4, one line, nothing on stdout', async () => {
    const io = fakeIo();
    expect(await run(['load', 'sip:svc@no-such-host.invalid', '-r', '10', '-m', '1'], io)).toBe(4);
    expect(io.err.text).toMatch(/^sipcall: cannot resolve "no-such-host\.invalid"/);
    expect(io.out.text).toBe('');
  }, 20_000);
});
