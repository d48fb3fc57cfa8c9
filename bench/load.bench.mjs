// `sipcall load` side by side with SIPp's uac, both against SIPp's `-sn uas` (issue 13).
//
//   npm run bench -- load               (builds first)
//   node bench/load.bench.mjs           (dist/ must be built)
//   BENCH_RATES=2000,5000 BENCH_SECONDS=5 BENCH_RUNS=3 node bench/load.bench.mjs
//   BENCH_PARTS=rates,soak,loss,stall   which parts to run (default: all)
//
// 1. rates: for each rate (default 2,000 / 5,000 / 10,000 calls/s) and each UAC — SIPp's built-in
//    uac and `sipcall load --scenario call` — a fresh `sipp -sn uas` on 127.0.0.1 takes
//    rate × BENCH_SECONDS (default 10) calls, INVITE-180-200-ACK-BYE-200 over UDP, 4 MiB socket
//    buffers on every side. Printed: completed/attempted, failed, dropped, achieved rate, the
//    UAC's CPU as % of one core (utime + stime from /proc/PID/stat over its wall time), and the
//    setup time p50/p99. sipcall measures from each call's intended start, in µs; SIPp from its
//    actual send, truncated to whole ms (-trace_rtt), so SIPp's figures are rounded down.
//    BENCH_RUNS (default 1) repeats each sipcall run: the target is 0 failed and 0 dropped at
//    10,000 calls/s in 3 of 3 runs, achieved ≥ 99 % of offered, ≤ 100 % of one core.
// 2. soak: sipcall at 5,000 calls/s for BENCH_SOAK_SECONDS (default 60); its RSS (VmRSS, which
//    bounds the heap from above) is sampled each second: growth from second 5 to the end must
//    stay ≤ 50 MB.
// 3. loss: sipcall at 2,000 calls/s through a relay that drops 1 % of the datagrams each way:
//    0 failed calls (the RFC timers recover every loss), retransmissions shown.
// 4. stall: sipcall and SIPp's uac at 2,000 calls/s for 6 s; at 2 s the bench stops the far end
//    (SIGSTOP to the SIPp PID it started) for 1 s. Calls due in that second wait up to 1 s:
//    sipcall's p99 setup must show ≥ 500 ms. SIPp's uac times from its late sends.
//
// Network traffic stays on 127.0.0.1. The machine may be shared and noisy: the exit code says
// only whether the bench could run; PASS/MISS are printed beside the figures.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from './loopback.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// SIPCALL_BIN: another build of sipcall to measure (default: this checkout's bin/sipcall.cjs).
const BIN = process.env.SIPCALL_BIN ?? path.join(root, 'bin', 'sipcall.cjs');
const RATES = (process.env.BENCH_RATES ?? '2000,5000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'rates,soak,loss,stall').split(','));
const BUF = '4194304';
const HZ = 100; // USER_HZ
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));

function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(after[11]) + Number(after[12]);
  } catch {
    return undefined;
  }
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns a process, samples its CPU ticks (and RSS) every 200 ms until it exits. */
function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const t0 = performance.now();
  const samples = { ticks: 0, rss: [] };
  const timer = setInterval(() => {
    const t = cpuTicks(child.pid);
    if (t !== undefined) samples.ticks = t;
    const r = rssMb(child.pid);
    if (r !== undefined) samples.rss.push(r);
  }, 200);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, wallMs: performance.now() - t0 });
    }),
  );
  return { child, exited, samples, out: () => out, err: () => err };
}

async function stop(p) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 3000);
  await p.exited;
  clearTimeout(t);
}

async function startUas() {
  const port = await freeUdpPort();
  // In the foreground (no -bg): the PID the bench holds is SIPp's, for SIGSTOP and the stop.
  const uas = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-buff_size', BUF, '-nostdin']);
  await sleep(400);
  return { uas, port };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `sipcall load` against `port`; returns the parsed summary and CPU. */
async function sipcallLoad(port, rate, seconds, extra = [], onStart = undefined) {
  const args = [BIN, 'load', `sip:service@127.0.0.1:${port}`, '--scenario', 'call', '-r', String(rate), '--duration', String(seconds), '--json', ...extra];
  const p = start(process.execPath, args);
  if (onStart) onStart(p);
  const ex = await p.exited;
  const lines = p.out().split('\n').filter((l) => l.startsWith('{'));
  const summary = lines.map((l) => JSON.parse(l)).find((e) => e.type === 'load.summary');
  if (!summary) throw new Error(`sipcall load gave no summary (exit ${ex.code}): ${p.err().slice(-500)}`);
  return { summary, cpuPct: ((p.samples.ticks / HZ) * 1000 * 100) / ex.wallMs, rss: p.samples.rss, code: ex.code };
}

/** SIPp's uac against `port`: -trace_stat for counts, -trace_rtt for response times (ms). */
async function sippUac(port, rate, seconds, onStart = undefined) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-load-bench-'));
  try {
    const calls = rate * seconds;
    const p = start(
      'sipp',
      ['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-r', String(rate), '-m', String(calls), '-buff_size', BUF, '-nostdin', '-trace_stat', '-fd', '1', '-stf', path.join(dir, 'stat.csv'), '-trace_rtt', '-rtt_freq', '1000', '-timeout', String(seconds + 40) + 's'],
      { cwd: dir },
    );
    if (onStart) onStart(p);
    const ex = await p.exited;
    const stat = readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n').map((l) => l.split(';'));
    const head = stat[0];
    const last = Object.fromEntries(head.map((h, i) => [h, stat.at(-1)[i]]));
    const rttFile = readdirSync(dir).find((f) => f.includes('_rtt'));
    const rtts = rttFile
      ? readFileSync(path.join(dir, rttFile), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => Number(l.split(';')[1]))
          .filter((x) => Number.isFinite(x))
          .sort((a, b) => a - b)
      : [];
    return {
      attempted: Number(last['OutgoingCall(C)'] ?? last['TotalCallCreated']),
      completed: Number(last['SuccessfulCall(C)']),
      failed: Number(last['FailedCall(C)']),
      retrans: Number(last['Retransmissions(C)']),
      cpuPct: ((p.samples.ticks / HZ) * 1000 * 100) / ex.wallMs,
      p50: percentile(rtts, 50),
      p99: percentile(rtts, 99),
      code: ex.code,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(cells, widths) {
  return cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
}

async function rates() {
  console.log(`\n1. rates: ${SECONDS} s per run against sipp -sn uas (4 MiB buffers); setup ms (sipcall: from the intended start, µs resolution; SIPp: from its send, whole ms)`);
  const W = [8, 8, 4, 22, 7, 8, 10, 9, 9, 9, 6];
  console.log(row(['rate', 'UAC', 'run', 'completed/attempted', 'failed', 'dropped', 'achieved', 'CPU %', 'p50 ms', 'p99 ms', 'check'], W));
  for (const rate of RATES) {
    {
      const { uas, port } = await startUas();
      try {
        const s = await sippUac(port, rate, SECONDS);
        console.log(row([fmt(rate), 'SIPp', 1, `${fmt(s.completed)}/${fmt(s.attempted)}`, fmt(s.failed), '(uncounted)', '—', fmt(s.cpuPct), fmt(s.p50, 0), fmt(s.p99, 0), ''], W));
      } finally {
        await stop(uas);
      }
    }
    for (let run = 1; run <= RUNS; run++) {
      const { uas, port } = await startUas();
      try {
        const r = await sipcallLoad(port, rate, SECONDS);
        const c = r.summary.calls;
        const achievedPct = (r.summary.rate.achieved / r.summary.rate.offered) * 100;
        const ok = c.failed === 0 && c.dropped === 0 && achievedPct >= 99 && r.cpuPct <= 100;
        console.log(
          row(
            [fmt(rate), 'sipcall', run, `${fmt(c.completed)}/${fmt(c.attempted)}`, fmt(c.failed), fmt(c.dropped), `${fmt(achievedPct, 1)} %`, fmt(r.cpuPct), fmt(r.summary.latency.setup.p50, 3), fmt(r.summary.latency.setup.p99, 3), ok ? 'PASS' : 'MISS'],
            W,
          ),
        );
        if (!ok) console.log(`         errors ${JSON.stringify(r.summary.errors)} kernel ${JSON.stringify(r.summary.kernel)} retransmissions ${JSON.stringify(r.summary.retransmissions)}`);
      } finally {
        await stop(uas);
      }
    }
  }
}

async function soak() {
  console.log(`\n2. soak: sipcall load at 5,000 calls/s for ${SOAK_SECONDS} s; RSS sampled every 200 ms`);
  const { uas, port } = await startUas();
  try {
    const r = await sipcallLoad(port, 5000, SOAK_SECONDS);
    const c = r.summary.calls;
    const from = r.rss[Math.min(r.rss.length - 1, 25)]; // second 5
    const max = Math.max(...r.rss.slice(25));
    const growth = max - from;
    console.log(`   calls ${fmt(c.completed)}/${fmt(c.attempted)} completed, ${fmt(c.failed)} failed, ${fmt(c.dropped)} dropped; CPU ${fmt(r.cpuPct)} %`);
    console.log(`   RSS at 5 s ${fmt(from, 1)} MB, max after ${fmt(max, 1)} MB: growth ${fmt(growth, 1)} MB  ${growth <= 50 ? 'PASS' : 'MISS'} (target ≤ 50 MB)`);
  } finally {
    await stop(uas);
  }
}

/** A UDP relay between one client and `target` that drops `lossPct` % each way. */
async function lossyRelay(targetPort, lossPct) {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  await new Promise((r) => front.bind(0, '127.0.0.1', r));
  await new Promise((r) => back.bind(0, '127.0.0.1', r));
  for (const s of [front, back]) {
    s.setRecvBufferSize(4 * 1024 * 1024);
    s.setSendBufferSize(4 * 1024 * 1024);
  }
  let client;
  const counts = { forwarded: 0, dropped: 0 };
  const pass = () => {
    if (Math.random() * 100 < lossPct) {
      counts.dropped++;
      return false;
    }
    counts.forwarded++;
    return true;
  };
  front.on('message', (m, rinfo) => {
    client = rinfo;
    if (pass()) back.send(m, targetPort, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (client && pass()) front.send(m, client.port, client.address);
  });
  return { port: front.address().port, counts, close: () => (front.close(), back.close()) };
}

async function loss() {
  console.log('\n3. loss: sipcall load at 2,000 calls/s for 10 s through a relay dropping 1 % each way');
  console.log('   (when both the 180 and the 200 are lost, 1 in 10,000 calls, the INVITE is sent again after 500 ms;');
  console.log('   SIPp\'s built-in uas then fails the call, as in part 4; `sipcall answer --load` absorbs the copy.)');
  for (const far of ['sipp -sn uas', 'sipcall answer --load']) {
    const { uas, port } = far.startsWith('sipp') ? await startUas() : await startAnswerLoad();
    const relay = await lossyRelay(port, 1);
    try {
      const r = await sipcallLoad(relay.port, 2000, 10);
      const c = r.summary.calls;
      console.log(`   → ${far}: relay dropped ${fmt(relay.counts.dropped)} of ${fmt(relay.counts.dropped + relay.counts.forwarded)} datagrams`);
      console.log(`     calls ${fmt(c.completed)}/${fmt(c.attempted)} completed, ${fmt(c.failed)} failed ${c.failed === 0 ? 'PASS' : 'MISS'}; retransmissions ${JSON.stringify(r.summary.retransmissions)}; setup p99 ${fmt(r.summary.latency.setup.p99, 1)} ms`);
      if (c.failed > 0) console.log(`     failures ${JSON.stringify(r.summary.errors)}`);
    } finally {
      relay.close();
      await stop(uas);
    }
  }
}

async function startAnswerLoad() {
  const port = await freeUdpPort();
  const uas = start(process.execPath, [BIN, 'answer', '--load', '--ring', '0', '--port', String(port)]);
  await sleep(600);
  return { uas, port };
}

async function stall() {
  console.log('\n4. stall: 2,000 calls/s for 6 s; the far end gets SIGSTOP at 2 s, SIGCONT at 3 s');
  console.log('   (INVITEs sent during the stop are retransmitted at 500 ms: SIPp\'s built-in uas aborts a call whose');
  console.log('   INVITE it receives twice, so its BYE is never answered; `sipcall answer --load` absorbs the copy.)');
  const runs = [
    ['sipcall', 'sipp -sn uas'],
    ['SIPp', 'sipp -sn uas'],
    ['sipcall', 'sipcall answer --load'],
  ];
  for (const [who, far] of runs) {
    const { uas, port } = far.startsWith('sipp') ? await startUas() : await startAnswerLoad();
    const freeze = async () => {
      await sleep(2000 + (who === 'sipcall' ? 600 : 0)); // sipcall's JIT warm-up runs before its t0
      uas.child.kill('SIGSTOP');
      await sleep(1000);
      uas.child.kill('SIGCONT');
    };
    try {
      if (who === 'sipcall') {
        const [r] = await Promise.all([sipcallLoad(port, 2000, 6), freeze()]);
        const p99 = r.summary.latency.setup.p99;
        console.log(`   sipcall load → ${far}: setup p50 ${fmt(r.summary.latency.setup.p50, 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(r.summary.latency.setup.max, 1)} ms  ${p99 >= 500 ? 'PASS' : 'MISS'} (p99 ≥ 500 ms); failed ${fmt(r.summary.calls.failed)}`);
        if (r.summary.calls.failed > 0) console.log(`     failures ${JSON.stringify(r.summary.errors)}, retransmissions ${JSON.stringify(r.summary.retransmissions)}`);
      } else {
        const [s] = await Promise.all([sippUac(port, 2000, 6), freeze()]);
        console.log(`   SIPp uac → ${far}: response time p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms (from its actual sends, whole ms); failed ${fmt(s.failed)}`);
      }
    } finally {
      uas.child.kill('SIGCONT');
      await stop(uas);
    }
  }
}

console.log(`sipcall load vs SIPp uac — ${os.cpus().length} CPUs, Node ${process.version}`);
if (PARTS.has('rates')) await rates();
if (PARTS.has('soak')) await soak();
if (PARTS.has('loss')) await loss();
if (PARTS.has('stall')) await stall();
