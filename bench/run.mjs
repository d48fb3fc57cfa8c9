// Runs the benches: builds the bundle once (`node scripts/build.mjs`), then runs every
// bench/*.bench.mjs in name order, each in its own Node process with inherited stdio and
// environment (BENCH_SECONDS, BENCH_RUNS, … pass straight through).
//
//   npm run bench                    every bench
//   npm run bench -- startup         only bench/startup.bench.mjs
//   npm run bench -- startup timers  those two, in the order given
//   npm run bench -- uas-memory      a running `sipcall answer` under 100,000 OPTIONS (BENCH_REQUESTS)
//   npm run bench -- --list          the bench names
//   npm run bench -- --no-build      skip the build (dist/ must be current)
//
// Exit code: 0 when every bench script ran to completion, whatever its figures say (benches
// print PASS/MISS beside each figure; the machine may be shared and noisy). 1 when a bench
// script crashed (non-zero exit or signal) or the build failed; 2 for a usage error.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const SUFFIX = '.bench.mjs';

const available = readdirSync(benchDir)
  .filter((f) => f.endsWith(SUFFIX))
  .sort()
  .map((f) => f.slice(0, -SUFFIX.length));

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('-')));
const names = args.filter((a) => !a.startsWith('-'));

for (const f of flags) {
  if (!['--list', '--no-build', '--help', '-h'].includes(f)) {
    console.error(`bench: unknown option ${f}; options are --list, --no-build`);
    process.exit(2);
  }
}
if (flags.has('--help') || flags.has('-h')) {
  console.log('usage: npm run bench -- [--no-build] [--list] [name ...]');
  console.log(`benches: ${available.join(', ')}`);
  process.exit(0);
}
if (flags.has('--list')) {
  for (const n of available) console.log(n);
  process.exit(0);
}

/** `startup`, `startup.bench.mjs` and `bench/startup.bench.mjs` all name the same bench. */
function pick(name) {
  const base = path.basename(name).replace(/\.bench\.mjs$/, '').replace(/\.mjs$/, '');
  if (available.includes(base)) return base;
  const prefixed = available.filter((n) => n.startsWith(base));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

let selected = available;
if (names.length > 0) {
  selected = [];
  for (const n of names) {
    const found = pick(n);
    if (!found) {
      console.error(`bench: no bench named ${JSON.stringify(n)}; available: ${available.join(', ')}`);
      process.exit(2);
    }
    if (!selected.includes(found)) selected.push(found);
  }
}
if (selected.length === 0) {
  console.error('bench: no bench/*.bench.mjs found');
  process.exit(2);
}

const rule = (title) => `\n${'='.repeat(8)} ${title} ${'='.repeat(Math.max(4, 72 - title.length))}`;

if (!flags.has('--no-build')) {
  console.log(rule('build (node scripts/build.mjs)'));
  const t0 = process.hrtime.bigint();
  const built = spawnSync(process.execPath, [path.join('scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`bench: the build failed (${built.signal ?? `exit ${built.status}`}); no bench was run`);
    process.exit(1);
  }
  console.log(`built in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
}

/** Runs one bench script; resolves with its exit code and signal. */
function runOne(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join('bench', name + SUFFIX)], { cwd: root, stdio: 'inherit', env: process.env });
    child.on('error', (err) => resolve({ code: null, signal: null, error: err }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

// Ctrl-C reaches the children through the terminal's process group; the runner itself just
// waits for the current child to go and then stops.
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});

const results = [];
for (const name of selected) {
  if (interrupted) break;
  console.log(rule(`${name} (bench/${name}${SUFFIX})`));
  const t0 = process.hrtime.bigint();
  const r = await runOne(name);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const ok = r.code === 0 && !r.signal && !r.error;
  results.push({ name, ok, seconds, why: r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit ${r.code}` });
}

console.log(rule('summary'));
for (const r of results) {
  console.log(`${r.ok ? 'ran    ' : 'CRASHED'}  ${r.name.padEnd(16)} ${r.seconds.toFixed(1).padStart(6)} s${r.ok ? '' : `  (${r.why})`}`);
}
if (interrupted) console.log('interrupted: the remaining benches were not run');
console.log('(figures and PASS/MISS verdicts are in each section above; a MISS does not fail the run)');
process.exit(results.every((r) => r.ok) && !interrupted ? 0 : 1);
