// Client transaction timers on the real clock: accuracy and memory.
//
//   npm run build && node bench/timers.bench.mjs
//
// (1) Accuracy: 1,000 concurrent INVITE client transactions (T1 = 50 ms) send over one UDP
//     socket to a silent loopback UDP sink in a child process, which stamps every datagram on
//     arrival. For each retransmission k of a transaction, the error is
//     |(arrival_k − arrival_1) − T1·(2^k − 1)|. Targets: median ≤ 1 ms, p99 ≤ 5 ms.
// (2) Memory: RSS growth for 10,000 concurrent INVITE transactions in Calling (no-op send
//     port, requests included). Target < 50 MB.
//
// Network traffic goes to 127.0.0.1 only. Prints figures; the exit code does not depend on
// them (the machine may be shared and noisy).
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const HOST = '127.0.0.1';

/** The silent peer: records (branch, arrival time) for every datagram, answers nothing. */
async function runSink() {
  const arrivals = [];
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg) => {
    const at = performance.timeOrigin + performance.now();
    const text = msg.toString('latin1', 0, Math.min(msg.length, 400));
    const m = /branch=([^;\s,]+)/.exec(text);
    arrivals.push([m ? m[1] : '?', at]);
  });
  await new Promise((resolve) => sock.bind({ address: HOST, port: 0, exclusive: true }, resolve));
  // A large receive buffer: bursts must not be dropped by the kernel (see PEERS.md notes).
  try {
    sock.setRecvBufferSize(4 * 1024 * 1024);
  } catch {}
  process.send({ port: sock.address().port });
  process.on('message', (m) => {
    if (m === 'report') {
      process.send({ arrivals }, () => {
        sock.close();
        process.exit(0);
      });
    }
  });
}

async function main() {
  const lib = await import('../dist/index.js');
  console.log(`sipcall timer bench — node ${process.version}, ${process.platform} ${process.arch}`);
  console.log('');
  await accuracy(lib);
  console.log('');
  await memory(lib);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

const fmt = (ms) => `${ms.toFixed(3)} ms`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

function makeInvite(lib, i, t0) {
  const branch = `z9hG4bKbench${t0}x${i}`;
  const headers = new lib.Headers()
    .append('Via', `SIP/2.0/UDP ${HOST}:5070;branch=${branch};rport`)
    .append('Max-Forwards', '70')
    .append('From', `<sip:bench@${HOST}>;tag=b${i}`)
    .append('To', `<sip:silent@${HOST}>`)
    .append('Call-ID', `bench-${t0}-${i}@${HOST}`)
    .append('CSeq', '1 INVITE')
    .append('Contact', `<sip:bench@${HOST}:5070>`)
    .append('Content-Length', '0');
  return { kind: 'request', method: 'INVITE', uri: `sip:silent@${HOST}`, version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}

async function accuracy(lib) {
  const N = 1000;
  const T1 = 50;
  const OFFSETS = [0, 1, 3, 7, 15, 31, 63].map((k) => k * T1);
  const SPREAD_MS = 1000; // starts spread over 1 s: all N are live together from 1 s to 3.2 s

  const sink = fork(fileURLToPath(import.meta.url), ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port: sinkPort } = await new Promise((resolve) => sink.once('message', resolve));

  const sock = dgram.createSocket('udp4');
  await new Promise((resolve) => sock.bind({ address: HOST, port: 0 }, resolve));
  try {
    sock.setSendBufferSize(4 * 1024 * 1024);
  } catch {}
  const send = (bytes) => sock.send(bytes, sinkPort, HOST);

  const clock = new lib.SystemClock();
  const layer = new lib.TransactionLayer({ clock, emit: () => {} });
  const timers = lib.timerConfig({ t1: T1 });
  const bLate = [];
  const senderErrors = [];
  let ended = 0;
  let peak = 0;
  const t0 = Date.now();

  await new Promise((resolve) => {
    for (let i = 0; i < N; i++) {
      setTimeout(() => {
        const req = makeInvite(lib, i, t0);
        let first;
        let k = 0;
        layer.send(
          req,
          {
            transport: 'UDP',
            reliable: false,
            to: `${HOST}:${sinkPort}`,
            timers,
            port: (bytes) => {
              const now = clock.now();
              if (first === undefined) first = now;
              else senderErrors.push(Math.abs(now - first - OFFSETS[++k]));
              send(bytes);
            },
          },
          {
            onResponse: () => {},
            onTerminated: () => {
              bLate.push(clock.now() - first - timers.timerB);
              if (++ended === N) resolve();
            },
          },
        );
        peak = Math.max(peak, layer.size);
      }, (i * SPREAD_MS) / N);
    }
  });
  await new Promise((r) => setTimeout(r, 300)); // let the last datagrams land
  sink.send('report');
  const { arrivals } = await new Promise((resolve) => sink.once('message', resolve));
  sock.close();

  const byBranch = new Map();
  for (const [branch, at] of arrivals) {
    const list = byBranch.get(branch) ?? [];
    list.push(at);
    byBranch.set(branch, list);
  }
  const errors = [];
  for (const list of byBranch.values()) {
    list.sort((a, b) => a - b);
    for (let k = 1; k < list.length && k < OFFSETS.length; k++) errors.push(Math.abs(list[k] - list[0] - OFFSETS[k]));
  }
  errors.sort((a, b) => a - b);
  bLate.sort((a, b) => a - b);
  senderErrors.sort((a, b) => a - b);
  const median = percentile(errors, 50);
  const p99 = percentile(errors, 99);

  console.log(`[1] timer accuracy on the real clock (SystemClock)`);
  console.log(`    ${N} INVITE transactions over UDP, T1 = ${T1} ms, starts spread over ${SPREAD_MS} ms (peak live: ${peak})`);
  console.log(`    datagrams received            ${arrivals.length} / ${N * OFFSETS.length}`);
  console.log(`    retransmissions measured      ${errors.length} / ${N * (OFFSETS.length - 1)}`);
  console.log(`    median |actual − scheduled|   ${fmt(median).padStart(10)}   target ≤ 1 ms   ${verdict(median <= 1)}`);
  console.log(`    p99    |actual − scheduled|   ${fmt(p99).padStart(10)}   target ≤ 5 ms   ${verdict(p99 <= 5)}`);
  console.log(`    max    |actual − scheduled|   ${fmt(errors[errors.length - 1] ?? NaN).padStart(10)}`);
  console.log(`    sender side (send call time)  median ${fmt(percentile(senderErrors, 50))}, p99 ${fmt(percentile(senderErrors, 99))}`);
  console.log(`    Timer B lateness (sender)     median ${fmt(percentile(bLate, 50))}, p99 ${fmt(percentile(bLate, 99))}`);
}

function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  gc();
  gc();
}

async function memory(lib) {
  const N = 10_000;
  const clock = new lib.SystemClock();
  const layer = new lib.TransactionLayer({ clock, emit: () => {} });
  const timers = lib.timerConfig();
  const user = { onResponse: () => {}, onTerminated: () => {} };
  const noop = () => {};
  const t0 = Date.now();

  collectGarbage();
  const before = process.memoryUsage();
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    layer.send(makeInvite(lib, i, t0), { transport: 'UDP', reliable: false, to: `${HOST}:5060`, timers, port: noop }, user);
  }
  const elapsed = performance.now() - started;
  collectGarbage();
  const after = process.memoryUsage();
  const live = layer.size;
  const calling = [...Array(10).keys()].every((i) => layer.get(`z9hG4bKbench${t0}x${i}`, 'INVITE')?.state === 'Calling');
  layer.close();

  const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const rss = after.rss - before.rss;
  console.log(`[2] memory: ${N} concurrent INVITE transactions in Calling (no-op send port)`);
  console.log(`    live transactions             ${live} (in Calling: ${calling ? 'yes' : 'NO'})`);
  console.log(`    created in                    ${elapsed.toFixed(0)} ms`);
  console.log(`    RSS growth                    ${mb(rss).padStart(10)}   target < 50 MB   ${verdict(rss < 50 * 1024 * 1024)}`);
  console.log(`    heap used growth              ${mb(after.heapUsed - before.heapUsed).padStart(10)}   (${((after.heapUsed - before.heapUsed) / N).toFixed(0)} bytes per transaction)`);
  console.log(`    external + buffers growth     ${mb(after.external - before.external).padStart(10)}`);
}

// Last, so that every top-level const above is initialised.
if (process.argv[2] === '--sink') {
  await runSink();
} else {
  await main();
}
