// Memory of a long-running `sipcall answer`: the real CLI's RSS before and after 100,000 OPTIONS.
//
//   npm run bench -- uas-memory       (builds first)
//   node bench/uas-memory.bench.mjs   (dist/ must be built)
//   BENCH_REQUESTS=20000 node bench/uas-memory.bench.mjs
//
// Spawns `node bin/sipcall.cjs answer --port 0 --json` (the package's bin, so what a user runs)
// and reads the port from its "answering on …" note. This process then sends BENCH_REQUESTS
// (default 100,000) OPTIONS over UDP on loopback, each with its own branch and Call-ID, keeping
// BENCH_WINDOW (default 32) unanswered at a time; one unanswered for 500 ms is sent again. The
// child's stdout (JSON lines) is read and dropped as it comes, as a pipe to `jq` or a log would.
//
// RSS is VmRSS in /proc/PID/status of the child (the node process itself, no shell between):
// "start" 1 s after the note, then after every tenth of the requests, and "after" 1 s after the
// last response. Target (issue 11): RSS after 100,000 OPTIONS within 20 MB of the start. VmHWM
// (the peak) is printed beside it, and the growth from the first tenth to the end (warm: V8's
// heap has grown to its working size by then), which is what a leak would show in. Then the
// child gets SIGINT, as Ctrl-C would send, and its exit code and `result` summary are printed
// (expected: 0 and what it served).
//
// Context run (BENCH_CONTEXT=0 skips it): the same with `node --max-semi-space-size=1`. A busy
// Node process grows V8's young generation to 2 × 16 MB by default, whatever it keeps; this run
// shows how much of the growth is that.
//
// Network traffic goes to 127.0.0.1 only. Prints figures with PASS/MISS; the exit code does not
// depend on them (the machine may be shared and noisy), only on whether the bench could run.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGET_MB = 20;

const intEnv = (name, dflt, min) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`uas-memory bench: ${name}=${JSON.stringify(v)} is not an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const REQUESTS = intEnv('BENCH_REQUESTS', 100_000, 10);
const WINDOW = intEnv('BENCH_WINDOW', 32, 1);
const CONTEXT = intEnv('BENCH_CONTEXT', 1, 0) > 0;
const RESEND_MS = 500;
const SETTLE_MS = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
const signed = (kb) => `${kb >= 0 ? '+' : '−'}${mb(Math.abs(kb))}`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const count = (n) => n.toLocaleString('en-US');

/** VmRSS and VmHWM of a process, in kB (Linux /proc). */
function memoryOf(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

function options(port, from, i) {
  return Buffer.from(
    `OPTIONS sip:answer@${HOST}:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP ${HOST}:${from};branch=z9hG4bKmem${i};rport\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <sip:bench@${HOST}>;tag=mem${i}\r\n` +
      `To: <sip:answer@${HOST}>\r\n` +
      `Call-ID: mem-${i}@${HOST}\r\n` +
      'CSeq: 1 OPTIONS\r\n' +
      'Accept: application/sdp\r\n' +
      'User-Agent: sipcall-bench\r\n' +
      'Content-Length: 0\r\n\r\n',
  );
}

/** Starts `sipcall answer`; resolves once it says where it listens. */
async function startAnswer(nodeArgs) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'sipcall.cjs'), 'answer', '--port', '0', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const run = { child, exited, stderr: '', lines: 0, result: undefined };
  child.stderr.on('data', (d) => (run.stderr += d));
  let onNote;
  createInterface({ input: child.stdout }).on('line', (line) => {
    run.lines++;
    if (line.includes('"type":"note"') && line.includes('answering on ')) onNote?.(JSON.parse(line).text);
    else if (line.includes('"type":"result"')) run.result = JSON.parse(line);
  });
  const note = await Promise.race([
    new Promise((resolve) => (onNote = resolve)),
    exited.then((s) => {
      throw new Error(`sipcall answer exited (${s.signal ?? `exit ${s.code}`}) before listening: ${run.stderr.trim()}`);
    }),
    sleep(10_000).then(() => {
      throw new Error('sipcall answer did not say where it listens within 10 s');
    }),
  ]);
  run.port = Number(/answering on 127\.0\.0\.1:(\d+) \(UDP\)/.exec(note)?.[1]);
  if (!run.port) throw new Error(`unexpected note: ${note}`);
  return run;
}

/** Sends REQUESTS OPTIONS, WINDOW in flight; samples the child's memory every tenth. */
async function flood(run) {
  const sender = dgram.createSocket('udp4');
  await new Promise((r) => sender.bind(0, HOST, r));
  const from = sender.address().port;
  const inFlight = new Map(); // index → time sent
  const stats = { samples: [], resent: 0, strays: 0 };
  const step = Math.floor(REQUESTS / 10);
  let next = 0;
  let answered = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  const sendNext = () => {
    while (inFlight.size < WINDOW && next < REQUESTS) {
      const i = next++;
      inFlight.set(i, performance.now());
      sender.send(options(run.port, from, i), run.port, HOST);
    }
  };
  sender.on('message', (msg) => {
    const m = /^Call-ID: mem-(\d+)@/m.exec(msg.toString('latin1'));
    if (!msg.toString('latin1', 0, 12).startsWith('SIP/2.0 200 ') || !m || !inFlight.delete(Number(m[1]))) {
      stats.strays++;
      return;
    }
    answered++;
    if (answered % step === 0) stats.samples.push({ answered, ...memoryOf(run.child.pid) });
    if (answered === REQUESTS) done();
    else sendNext();
  });
  const resender = setInterval(() => {
    const now = performance.now();
    for (const [i, at] of inFlight) {
      if (now - at < RESEND_MS) continue;
      inFlight.set(i, now);
      stats.resent++;
      sender.send(options(run.port, from, i), run.port, HOST);
    }
  }, 100);
  const t0 = performance.now();
  sendNext();
  await finished;
  stats.seconds = (performance.now() - t0) / 1000;
  clearInterval(resender);
  sender.close();
  return stats;
}

/** One whole measurement: start, flood, settle, Ctrl-C. */
async function measure(nodeArgs) {
  const run = await startAnswer(nodeArgs);
  try {
    await sleep(SETTLE_MS);
    const start = memoryOf(run.child.pid);
    const stats = await flood(run);
    await sleep(SETTLE_MS);
    const after = memoryOf(run.child.pid);
    run.child.kill('SIGINT');
    const status = await Promise.race([run.exited, sleep(10_000).then(() => undefined)]);
    return { run, start, after, stats, status };
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
}

function report(label, m, target) {
  const { run, start, after, stats, status } = m;
  const growth = after.rss - start.rss;
  const warm = stats.samples[0];
  console.log(`${label}`);
  console.log(`  ${'answered'.padStart(10)}  ${'VmRSS'.padStart(10)}  ${'VmHWM'.padStart(10)}`);
  console.log(`  ${'start'.padStart(10)}  ${mb(start.rss).padStart(10)}  ${mb(start.hwm).padStart(10)}`);
  for (const s of stats.samples) console.log(`  ${count(s.answered).padStart(10)}  ${mb(s.rss).padStart(10)}  ${mb(s.hwm).padStart(10)}`);
  console.log(`  ${'after'.padStart(10)}  ${mb(after.rss).padStart(10)}  ${mb(after.hwm).padStart(10)}   (${SETTLE_MS} ms after the last response)`);
  const line = (what, value, rest = '') => console.log(`  ${what.padEnd(34)}${value.padStart(10)}${rest}`);
  line('RSS after − start', signed(growth), target ? `   target within ${TARGET_MB} MB   ${verdict(Math.abs(growth) <= TARGET_MB * 1024)}` : '');
  line(`RSS after − after ${count(warm.answered)} (warm)`, signed(after.rss - warm.rss));
  line('peak (VmHWM) − start', signed(after.hwm - start.rss));
  line('throughput', `${count(Math.round(REQUESTS / stats.seconds))}/s`, `   (${stats.seconds.toFixed(1)} s; ${stats.resent} re-sent after ${RESEND_MS} ms, ${stats.strays} stray datagrams)`);
  line('JSON lines read from its stdout', count(run.lines));
  const exit = status ? (status.signal ? `killed by ${status.signal}` : `exit ${status.code}`) : 'no exit within 10 s (SIGKILL sent)';
  console.log(`  after SIGINT (Ctrl-C): ${exit}${run.result ? `; result ${run.result.outcome}: "${run.result.summary}"` : '; no result event'}`);
  if (run.stderr.trim()) console.log(`  stderr: ${run.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
}

console.log(`sipcall answer memory bench — node ${process.version}, ${process.platform} ${process.arch}`);
console.log(`  ${count(REQUESTS)} OPTIONS over UDP to 127.0.0.1, ${WINDOW} in flight; RSS of the sipcall process from /proc/PID/status`);
console.log('');
report('[1] node bin/sipcall.cjs answer --port 0 --json', await measure([]), true);
if (CONTEXT) {
  console.log('');
  report('[2] context: node --max-semi-space-size=1 bin/sipcall.cjs answer --port 0 --json (V8 young generation capped at 2 × 1 MB)', await measure(['--max-semi-space-size=1']), false);
}
