#!/usr/bin/env node
// `npm run fuzz [-- CASES]`: property fuzzing (fast-check) of the SIP parser, the URI and
// header parsers, the SDP reader and the four transaction machines, CASES in all (default
// 1,050,000), plus the linear-time check at 10 KB / 100 KB / 1 MB. Runs test/fuzz/fuzz.test.ts
// under vitest with FUZZ_RUNS set, then prints cases and time per target. Exit status: vitest's
// (0 = no crash, no hang, no broken invariant).
//
// Environment passed through: FUZZ_SEED (replay the seed fast-check printed for a failure),
// FUZZ_CASE_MS (per-case time bound, default 1,000 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = process.argv[2];
const total = arg === undefined ? 1_050_000 : Number(arg.replace(/[_,]/g, ''));
if (!Number.isInteger(total) || total <= 0) {
  process.stderr.write(`usage: npm run fuzz [-- CASES]   (CASES: a positive integer, got ${JSON.stringify(arg)})\n`);
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-fuzz-'));
const report = path.join(dir, 'report.json');
const started = Date.now();
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', 'test/fuzz/fuzz.test.ts', '--project', 'unit'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(total), FUZZ_REPORT: report },
});
const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
const seconds = (Date.now() - started) / 1000;

let data;
try {
  data = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  data = undefined;
}
rmSync(dir, { recursive: true, force: true });

const fmt = (n) => n.toLocaleString('en-US');
if (data) {
  const out = ['', 'target                                          cases       time    slowest case'];
  let cases = 0;
  for (const t of data.targets) {
    cases += t.cases;
    if (t.failure) {
      out.push(`${t.name.padEnd(44)}     FAILED: ${t.failure}`);
      continue;
    }
    out.push(`${t.name.padEnd(44)}${fmt(t.cases).padStart(11)}${`${(t.ms / 1000).toFixed(1)} s`.padStart(11)}${`${t.slowestCaseMs.toFixed(2)} ms`.padStart(16)}`);
  }
  out.push('', 'linear time: ns per byte at 10 KB / 100 KB / 1 MB (growth 1 MB vs 10 KB)');
  for (const l of data.linear) out.push(`${l.name.padEnd(44)}${l.nsPerByte.map((x) => x.toFixed(1)).join(' / ').padStart(24)}   ×${l.growth.toFixed(1)}`);
  out.push('', `${fmt(cases)} cases in ${data.targets.length} targets, ${seconds.toFixed(0)} s in all; ${code === 0 ? '0 failures' : 'FAILED (see above)'}`);
  process.stdout.write(`${out.join('\n')}\n`);
} else {
  process.stdout.write(`\nno report was written (${seconds.toFixed(0)} s); vitest exited ${code}\n`);
}
process.exit(code === 0 ? 0 : 1);
