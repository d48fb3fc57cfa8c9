// `sipcall test` throughput against a real Kamailio (test/kamailio) on loopback (issue 12).
//
//   npm run build && node bench/testfile.bench.mjs
//
// Cases, each the built CLI (node bin/sipcall.cjs test …) as a child process, wall time from
// spawn to exit (Node start-up included):
//   100 REGISTER tests, --jobs 20     target < 2 s
//   10 tests (REGISTER/OPTIONS), --jobs 1   target < 1 s
// Kamailio runs as our child (foreground, -DD -E) and is stopped by its PID. Figures print with
// PASS/MISS; the exit code is 1 only when a run's tests did not all pass.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import dgram from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-bench-tf-'));
const port = 20000 + Math.floor(Math.random() * 20000);
cpSync(path.join(ROOT, 'test/kamailio/db'), path.join(dir, 'db'), { recursive: true });
const kam = spawn('kamailio', ['-f', path.join(ROOT, 'test/kamailio/kamailio.cfg'), '-DD', '-E', '-m', '64', '-M', '8', '-Y', dir, '-l', `udp:127.0.0.1:${port}`, '-l', `tcp:127.0.0.1:${port}`, '-A', `DBURL="text://${path.join(dir, 'db')}"`, '-A', `CTLSOCK="unix:${path.join(dir, 'kamailio_ctl')}"`, '--debug=1'], { stdio: 'ignore', detached: true });

async function ready() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port: local } = s.address();
  try {
    for (let i = 0; i < 50; i++) {
      const got = new Promise((r) => {
        s.once('message', (m) => r(m.toString().startsWith('SIP/2.0 200')));
        setTimeout(() => r(false), 200);
      });
      s.send(`OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKbench${i}\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: bench${i}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`, port, '127.0.0.1');
      if (await got) return;
    }
    throw new Error('kamailio did not answer');
  } finally {
    s.close();
  }
}

function file(name, n, kind) {
  const tests = Array.from({ length: n }, (_, i) => {
    const user = ['alice', 'bob', 'carol'][i % 3];
    const pw = user === 'carol' ? 'CAROL_PASSWORD' : 'PASSWORD';
    return kind === 'register' || i % 2 === 0
      ? `  - name: ${user} registers ${i + 1}\n    steps:\n      - register: "sip:${user}@\${pbx}"\n        auth: { user: ${user}, password: "\${env.${pw}}" }\n        contact: "sip:${user}-${i}@127.0.0.1:5999"\n        expires: 60\n        expect: { status: 200, within: 1s }\n`
      : `  - name: ping ${i + 1}\n    steps:\n      - options: "sip:\${pbx}"\n        expect: { status: 200 }\n`;
  });
  const p = path.join(dir, name);
  writeFileSync(p, `vars: { pbx: "127.0.0.1:${port}" }\ntests:\n${tests.join('')}`);
  return p;
}

function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/sipcall.cjs'), 'test', ...args], { env: { ...process.env, PASSWORD: 'secret', CAROL_PASSWORD: 'wonderland' }, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, code: r.status, out: r.stdout + r.stderr };
}

let failed = false;
try {
  await ready();
  const cases = [
    ['100 REGISTER tests, --jobs 20', [file('register-100.yaml', 100, 'register'), '--jobs', '20'], 2000],
    ['10 tests, --jobs 1', [file('ten.yaml', 10, 'mixed')], 1000],
  ];
  for (const [label, args, target] of cases) {
    const runs = [timed(args), timed(args), timed(args)];
    const best = Math.min(...runs.map((r) => r.ms));
    const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1];
    const ok = runs.every((r) => r.code === 0);
    if (!ok) {
      failed = true;
      console.log(runs.find((r) => r.code !== 0).out.slice(-2000));
    }
    console.log(`${label.padEnd(32)} median ${median.toFixed(0).padStart(5)} ms  best ${best.toFixed(0).padStart(5)} ms  target < ${target} ms  ${median < target ? 'PASS' : 'MISS'}${ok ? '' : '  (tests failed)'}`);
  }
} finally {
  try {
    process.kill(-kam.pid, 'SIGTERM');
  } catch {}
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
