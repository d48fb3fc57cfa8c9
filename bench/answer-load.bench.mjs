// `sipcall answer --load` as the far end of a load run, side by side with SIPp's own UAS.
//
//   npm run bench -- answer-load         (builds first)
//   node bench/answer-load.bench.mjs     (dist/ must be built)
//   BENCH_RATES=2000,5000 BENCH_SECONDS=5 node bench/answer-load.bench.mjs
//
// For each rate (default 2,000 / 5,000 / 10,000 calls/s) and each UAS — `node bin/sipcall.cjs
// answer --load --ring 0` and `sipp -sn uas` — SIPp's built-in uac places rate × BENCH_SECONDS
// (default 10) calls, INVITE-180-200-ACK-BYE-200 over UDP on 127.0.0.1, 4 MiB socket buffers on
// both sides (`-buff_size 4194304`; sipcall asks for 4 MiB itself). Printed per run: successful
// and failed calls from SIPp's -trace_stat CSV, SIPp's retransmissions, and the UAS's CPU as %
// of one core: utime + stime from /proc/PID/stat over the uac's run, divided by its wall time.
// Target (issue 13): 10,000 calls/s with 0 failed calls. The machine may be shared and noisy:
// the exit code says only whether the bench could run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from './loopback.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RATES = (process.env.BENCH_RATES ?? '2000,5000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BUF = '4194304';
const HZ = 100; // USER_HZ on Linux
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(after[11]) + Number(after[12]); // utime, stime (fields 14, 15)
}

function start(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exited, output: () => out };
}

async function stop(p) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGINT');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 5000);
  await p.exited;
  clearTimeout(t);
}

async function run(kind, rate) {
  const port = await freeUdpPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'answer-load-'));
  const uas =
    kind === 'sipcall'
      ? start(process.execPath, [path.join(root, 'bin/sipcall.cjs'), 'answer', '--load', '--ring', '0', '--port', String(port), '-q'])
      : start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-buff_size', BUF, '-nostdin', '-trace_err', '-error_file', path.join(dir, 'uas-err.log')]);
  await sleep(1500);
  const calls = rate * SECONDS;
  const t0 = cpuTicks(uas.child.pid);
  const w0 = process.hrtime.bigint();
  const uac = start('sipp', ['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-r', String(rate), '-m', String(calls), '-buff_size', BUF, '-nostdin', '-trace_stat', '-fd', '1', '-stf', path.join(dir, 'stat.csv'), '-timeout', String(SECONDS + 40), '-timeout_error']);
  const status = await uac.exited;
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  const cpu = (cpuTicks(uas.child.pid) - t0) / HZ;
  await stop(uas);
  const stat = readdirSync(dir).find((f) => f.endsWith('.csv'));
  let ok = NaN, failed = NaN, retrans = NaN;
  if (stat) {
    const rows = readFileSync(path.join(dir, stat), 'utf8').trim().split('\n').map((l) => l.split(';'));
    const h = rows[0];
    const last = rows[rows.length - 1];
    ok = Number(last[h.indexOf('SuccessfulCall(C)')]);
    failed = Number(last[h.indexOf('FailedCall(C)')]);
    retrans = Number(last[h.indexOf('Retransmissions(C)')]);
  }
  rmSync(dir, { recursive: true, force: true });
  return { kind, rate, calls, ok, failed, retrans, wall, cpuPct: (100 * cpu) / wall, uacExit: status.code };
}

const rows = [];
console.log(`answer-load: SIPp uac → UAS on 127.0.0.1, ${SECONDS} s per rate, 4 MiB buffers`);
for (const rate of RATES) {
  for (const kind of ['sipcall', 'sipp']) {
    const r = await run(kind, rate);
    rows.push(r);
    const pass = r.failed === 0 && r.ok === r.calls;
    console.log(
      `${String(rate).padStart(6)} cps  ${kind === 'sipcall' ? 'sipcall answer --load' : 'sipp -sn uas         '}  ok ${String(r.ok).padStart(7)}/${r.calls}  failed ${String(r.failed).padStart(6)}  uac retrans ${String(r.retrans).padStart(6)}  UAS CPU ${r.cpuPct.toFixed(0).padStart(3)} % of a core  wall ${r.wall.toFixed(1)} s  uac exit ${r.uacExit}  ${kind === 'sipcall' ? (pass ? 'PASS' : 'MISS') : ''}`,
    );
  }
}
