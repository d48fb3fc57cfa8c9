// Start-up time: spawning `sipcall options` until its first datagram arrives, against bare Node.
//
//   npm run bench -- startup          (builds first)
//   node bench/startup.bench.mjs      (dist/ must be built)
//   BENCH_RUNS=50 node bench/startup.bench.mjs
//
// A UDP listener on 127.0.0.1:0 in this process stamps (process.hrtime) every datagram on
// arrival and answers an OPTIONS with a hand-built 200 OK, so that each sipcall exits at once and
// the next run starts on a quiet machine. Each round spawns, one after the other (the order
// rotates from round to round):
//
//   bare      node -e ''                                         spawn → exit
//   send      node --input-type=module -e '<send one datagram>'  spawn → datagram ("bare Node
//             doing the same job": start, make a UDP socket, send)
//   import    node -e "require('./dist/cli.cjs')"               spawn → exit (context: the
//             bundle's load and evaluation cost, nothing run; loaded the way the bin loads it)
//   json      node bin/sipcall.cjs options sip:127.0.0.1:PORT --json --t1 50   spawn → datagram
//   default   node bin/sipcall.cjs options sip:127.0.0.1:PORT --t1 50          spawn → datagram
//
// bin/sipcall.cjs is the package's bin (CommonJS; it requires the one-file CLI dist/cli.cjs).
// stdout of every child is /dev/null (so `default` is the pretty output to a non-terminal: no
// spinner, no colour). Target (issue): sipcall ≤ 1.5 × bare Node, on medians. The verdicts are
// printed; the exit code does not depend on them (the machine may be shared and noisy), only on
// whether the bench itself could run. Env: BENCH_RUNS (rounds, default 30), BENCH_WARMUP (untimed
// rounds, default 3). BENCH_SECONDS (the parser bench's seconds per run) is not used here.
//
// Then, as context: dist/cli.cjs's size and module count (esbuild metafile of the `cli` build in
// scripts/build.mjs, redone in memory), a check that dist/ holds only what the current builds
// produce, and one traced run of `sipcall options --json` (a `--require` preload that records
// require.cache and the Node built-ins at exit, plus a module.register hook for import()) with
// PASS/MISS for ora, inquirer and ws staying unloaded.
//
// Network traffic goes to 127.0.0.1 only.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const TARGET = 1.5;

const intEnv = (name, dflt, min) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`startup bench: ${name}=${JSON.stringify(v)} is not a number ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const RUNS = Math.floor(intEnv('BENCH_RUNS', 30, 1));
const WARMUP = Math.floor(intEnv('BENCH_WARMUP', 3, 0));
const RUN_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// The listener

const sock = dgram.createSocket('udp4');
/** The run waiting for its first datagram, if any: { resolve, test }. */
let waiting = null;
let stray = 0;

sock.on('message', (msg, rinfo) => {
  const at = process.hrtime.bigint();
  const text = msg.toString('latin1');
  if (waiting && waiting.test(text)) {
    const w = waiting;
    waiting = null;
    w.resolve(at);
  } else if (!text.startsWith('OPTIONS ')) {
    stray++;
  }
  if (text.startsWith('OPTIONS ')) {
    const reply = okFor(text);
    if (reply) sock.send(reply, rinfo.port, rinfo.address);
  }
});

/** A minimal 200 OK for an OPTIONS request: Via, From, To (with a tag), Call-ID, CSeq copied. */
function okFor(request) {
  const head = request.split('\r\n\r\n')[0].split('\r\n');
  const pick = (re) => head.filter((l) => re.test(l));
  const via = pick(/^(via|v)\s*:/i);
  const from = pick(/^(from|f)\s*:/i);
  const to = pick(/^(to|t)\s*:/i);
  const callId = pick(/^(call-id|i)\s*:/i);
  const cseq = pick(/^cseq\s*:/i);
  if (via.length === 0 || from.length !== 1 || to.length !== 1 || callId.length !== 1 || cseq.length !== 1) return null;
  const toLine = /;\s*tag=/i.test(to[0]) ? to[0] : `${to[0]};tag=bench`;
  return Buffer.from(['SIP/2.0 200 OK', ...via, ...from, toLine, ...callId, ...cseq, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
}

// ---------------------------------------------------------------------------------------------
// One run

/**
 * Spawns `node args` and measures spawn → first matching datagram (when `test` is given) and
 * spawn → exit. Resolves { datagramMs, exitMs, code, signal, stderr }.
 */
function runOnce(args, test) {
  return new Promise((resolve, reject) => {
    let datagramAt = null;
    let stderr = '';
    let timer;
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    if (test) {
      waiting = {
        test,
        resolve: (at) => {
          datagramAt = at;
        },
      };
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s) => {
      if (stderr.length < 4000) stderr += s;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      waiting = null;
      reject(err);
    });
    child.on('exit', (code, signal) => {
      const exitAt = process.hrtime.bigint();
      clearTimeout(timer);
      // The datagram may still be in the socket's queue when 'exit' is seen: give it a turn.
      setImmediate(() => {
        waiting = null;
        resolve({
          datagramMs: datagramAt === null ? null : Number(datagramAt - t0) / 1e6,
          exitMs: Number(exitAt - t0) / 1e6,
          code,
          signal,
          stderr,
        });
      });
    });
    timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: percentile(s, 50), p90: percentile(s, 90), min: s[0] ?? NaN };
};
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

// ---------------------------------------------------------------------------------------------
// The bundle: size, module count, what start-up loads

/** The packages the CLI keeps out of its bundle and loads only when a run needs them. */
const LAZY_PACKAGES = ['ora', 'inquirer', 'ws'];
const packageOf = (p) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1];
/** ora, inquirer (and its @inquirer/* parts) and ws. */
const isLazyPackage = (pkg) => pkg !== undefined && (LAZY_PACKAGES.includes(pkg) || pkg.startsWith('@inquirer/'));

/**
 * The builds of scripts/build.mjs (`builds`), redone in memory with esbuild's metafile
 * (write: false: dist/ is not touched). Returns { outputs } with the metafile's outputs keyed by
 * file name in dist/ ('cli.cjs', 'index.js', chunks …), or { error } when that is not possible.
 */
/** dist/ subfolders of .d.ts files that scripts/build.mjs writes with tsc (not esbuild). */
let declarationDirsOfBuild = [];

async function metafiles() {
  try {
    const { builds, declarationDirs = [] } = await import(pathToFileURL(path.join(root, 'scripts', 'build.mjs')).href);
    if (!Array.isArray(builds)) return { error: 'scripts/build.mjs exports no `builds` array' };
    declarationDirsOfBuild = declarationDirs;
    const { build } = await import('esbuild');
    const outputs = new Map();
    for (const options of builds) {
      const r = await build({ ...options, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' });
      for (const [out, o] of Object.entries(r.metafile.outputs)) outputs.set(path.relative('dist', out).split(path.sep).join('/'), o);
    }
    return { outputs };
  } catch (err) {
    return { error: String(err?.message ?? err).split('\n')[0] };
  }
}

/** Every file under dist/, as paths relative to dist/ with '/' separators. */
function distFiles(dir = dist, prefix = '') {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...distFiles(path.join(dir, e.name), `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

/**
 * Runs `node -r <preload> args…` once. The preload (CommonJS, so it also works for the CommonJS
 * entry bin/sipcall.cjs) writes, at the child's exit, the files in `require.cache` and the public
 * Node built-ins in `process.moduleLoadList`; it also registers a module.register load hook that
 * records every file: URL the ESM loader loads (a dynamic import() of ora or inquirer). Returns
 * { files: [paths relative to the repo], builtins: [names], esmHook: boolean, run }, or null when
 * the child failed or left no trace.
 */
async function traced(args, test) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-startup-'));
  const trace = path.join(dir, 'loaded.txt');
  const preload = path.join(dir, 'trace-preload.cjs');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(trace)}, 'esm ' + url + '\\n');
  return next(url, context);
}`;
  writeFileSync(
    preload,
    `'use strict';
const fs = require('node:fs');
const trace = ${JSON.stringify(trace)};
let esmHook = false;
try {
  require('node:module').register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});
  esmHook = true;
} catch {}
process.on('exit', () => {
  const lines = ['hook ' + esmHook];
  for (const f of Object.keys(require.cache)) if (f !== __filename) lines.push('cjs ' + f);
  for (const m of process.moduleLoadList ?? []) {
    const name = /^NativeModule (.+)$/.exec(m)?.[1];
    if (name && !name.startsWith('internal/')) lines.push('builtin ' + name);
  }
  fs.appendFileSync(trace, lines.join('\\n') + '\\n');
});
`,
  );
  try {
    const run = await runOnce(['--require', preload, ...args], test);
    if (run.code !== 0 || run.signal || !existsSync(trace)) return null;
    const files = new Set();
    const builtins = new Set();
    let esmHook = false;
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      const sp = line.indexOf(' ');
      const kind = line.slice(0, sp);
      const value = line.slice(sp + 1);
      if (kind === 'hook') esmHook = value === 'true';
      else if (kind === 'builtin') builtins.add(value);
      else if (kind === 'cjs' || kind === 'esm') {
        const file = kind === 'esm' ? fileURLToPath(value) : value;
        if (file === preload) continue;
        const rel = path.relative(root, file);
        files.add(rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/'));
      }
    }
    return { files: [...files], builtins: [...builtins].sort(), esmHook, run };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const f of ['bin/sipcall.cjs', 'dist/cli.cjs']) {
    if (!existsSync(path.join(root, f))) {
      console.error(`startup bench: ${f} is missing; run \`npm run build\` (or \`npm run bench\`, which builds)`);
      process.exit(1);
    }
  }
  await new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: HOST, port: 0, exclusive: true }, resolve);
  });
  const port = sock.address().port;
  const target = `sip:${HOST}:${port}`;
  const isOptions = (t) => t.startsWith('OPTIONS ');
  const sendSrc = `import dgram from 'node:dgram'; const s = dgram.createSocket('udp4'); s.send('bench-send', ${port}, '${HOST}', () => s.close());`;

  const variants = [
    { key: 'bare', label: "node -e ''", what: 'spawn → exit', args: ['-e', ''], measure: 'exit' },
    { key: 'send', label: 'node, one UDP datagram (ESM -e)', what: 'spawn → datagram', args: ['--input-type=module', '-e', sendSrc], test: (t) => t === 'bench-send', measure: 'datagram' },
    { key: 'import', label: 'node, require dist/cli.cjs only', what: 'spawn → exit', args: ['-e', "require('./dist/cli.cjs')"], measure: 'exit' },
    { key: 'json', label: 'sipcall options --json --t1 50', what: 'spawn → 1st datagram', args: [path.join('bin', 'sipcall.cjs'), 'options', target, '--json', '--t1', '50'], test: isOptions, measure: 'datagram', sipcall: true },
    { key: 'default', label: 'sipcall options --t1 50', what: 'spawn → 1st datagram', args: [path.join('bin', 'sipcall.cjs'), 'options', target, '--t1', '50'], test: isOptions, measure: 'datagram', sipcall: true },
  ];
  for (const v of variants) {
    v.samples = [];
    v.exits = [];
    /** Per round (index = round): the value, or null when that run failed. */
    v.byRound = [];
    v.failures = [];
  }

  console.log(`sipcall start-up bench — node ${process.version}, ${process.platform} ${process.arch}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`listener on ${HOST}:${port} (answers OPTIONS with 200 OK); ${RUNS} rounds + ${WARMUP} warm-up, variants interleaved`);
  console.log('');

  const once = async (v, round) => {
    const r = await runOnce(v.args, v.test);
    const value = v.measure === 'exit' ? r.exitMs : r.datagramMs;
    const ok = r.code === 0 && !r.signal && value !== null;
    if (round < 0) return;
    v.byRound[round] = ok ? value : null;
    if (ok) {
      v.samples.push(value);
      v.exits.push(r.exitMs);
    } else {
      v.failures.push(r);
    }
  };

  for (let i = 0; i < WARMUP; i++) for (const v of variants) await once(v, -1);
  let rounds = 0;
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < variants.length; k++) await once(variants[(i + k) % variants.length], i);
    rounds++;
  }

  const V = Object.fromEntries(variants.map((v) => [v.key, v]));
  const S = Object.fromEntries(variants.map((v) => [v.key, stats(v.samples)]));
  const E = Object.fromEntries(variants.map((v) => [v.key, stats(v.exits)]));
  /** Per-round combination of two variants (the runs of one round are seconds apart: drift cancels). */
  const paired = (a, b, f) => {
    const out = [];
    for (let i = 0; i < rounds; i++) {
      const x = V[a].byRound[i];
      const y = V[b].byRound[i];
      if (x != null && y != null) out.push(f(x, y));
    }
    return stats(out);
  };

  console.log(`[1] start-up, ${rounds} rounds`);
  console.log(`    ${'what'.padEnd(34)} ${'measured'.padEnd(22)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'min'.padStart(9)}   ok`);
  for (const v of variants) {
    const s = S[v.key];
    console.log(`    ${v.label.padEnd(34)} ${v.what.padEnd(22)} ${ms(s.median).padStart(9)} ${ms(s.p90).padStart(9)} ${ms(s.min).padStart(9)}   ${s.n}/${rounds}`);
  }
  for (const v of variants.filter((x) => x.sipcall)) {
    console.log(`    ${v.label.padEnd(34)} ${'spawn → exit (200 OK)'.padEnd(22)} ${ms(E[v.key].median).padStart(9)} ${ms(E[v.key].p90).padStart(9)} ${ms(E[v.key].min).padStart(9)}`);
  }
  console.log('');
  const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
  console.log(`    ${'sipcall / bare Node'.padEnd(52)} ${'of medians'.padStart(10)} ${'paired¹'.padStart(8)} ${'of minima'.padStart(10)}   target ≤ ${TARGET}× (of medians)`);
  const ratioLine = (a, b, label) => {
    const r = S[a].median / S[b].median;
    const p = paired(a, b, (p1, p2) => p1 / p2).median;
    const m = S[a].min / S[b].min;
    console.log(`    ${label.padEnd(52)} ${x(r).padStart(10)} ${x(p).padStart(8)} ${x(m).padStart(10)}   ${Number.isFinite(r) ? verdict(r <= TARGET) : 'MISS'}`);
  };
  ratioLine('json', 'bare', "options --json  /  node -e ''   (the issue's)");
  ratioLine('default', 'bare', "options         /  node -e ''");
  ratioLine('json', 'send', 'options --json  /  node sending one datagram');
  ratioLine('default', 'send', 'options         /  node sending one datagram');
  console.log('    ¹ median over rounds of the ratio within one round (less sensitive to load drift)');
  console.log('');
  const own = paired('json', 'send', (p1, p2) => p1 - p2).median;
  const load = paired('import', 'bare', (p1, p2) => p1 - p2).median;
  console.log(`    sipcall's own start-up, paired medians:`);
  console.log(`      options --json − node sending one datagram    ${ms(own).padStart(9)}`);
  console.log(`      require dist/cli.cjs only − node -e ''         ${ms(load).padStart(9)}   (loading and evaluating the bundle)`);
  console.log(`      the rest (argv, plan, socket, first send)      ${ms(own - load).padStart(9)}   (difference of the two; rough)`);

  for (const v of variants) {
    if (v.failures.length === 0) continue;
    const f = v.failures[0];
    console.log(`    ! ${v.label}: ${v.failures.length} run(s) failed; first: ${f.signal ? `signal ${f.signal}` : `exit ${f.code}`}${f.datagramMs === null && v.measure === 'datagram' ? ', no datagram' : ''}${f.stderr ? `; stderr: ${f.stderr.trim().split('\n').slice(0, 3).join(' | ')}` : ''}`);
  }
  if (stray > 0) console.log(`    (${stray} unexpected datagram(s) ignored)`);

  // -------------------------------------------------------------------------------------------
  console.log('');
  console.log('[2] the bundle (context)');
  const meta = await metafiles();
  const cliMeta = meta.outputs?.get('cli.cjs');
  const cliBytes = statSync(path.join(dist, 'cli.cjs')).size;
  if (cliMeta) {
    const inputs = Object.keys(cliMeta.inputs).filter((i) => /^(src|node_modules)\//.test(i));
    const bundledPackages = [...new Set(inputs.map(packageOf).filter(Boolean))].sort();
    const srcCount = inputs.filter((i) => i.startsWith('src/')).length;
    console.log(`    ${'dist/cli.cjs'.padEnd(36)}${kb(cliBytes).padStart(10)}   ${inputs.length} modules (${srcCount} from src/, ${inputs.length - srcCount} from node_modules; esbuild metafile of the \`cli\` build)`);
    if (cliMeta.bytes !== cliBytes) console.log(`      ! a build of the current sources gives ${kb(cliMeta.bytes)}: dist/ is not current (run \`npm run build\`)`);
    console.log(`      packages bundled: ${bundledPackages.join(', ') || '(none)'}`);
    const externals = new Map();
    for (const i of cliMeta.imports) {
      if (!i.external || i.path.startsWith('node:')) continue;
      const how = i.kind === 'dynamic-import' ? 'import()' : i.kind === 'require-call' ? 'require()' : i.kind;
      if (!externals.has(i.path)) externals.set(i.path, new Set());
      externals.get(i.path).add(how);
    }
    console.log(`      left outside (node_modules at run time): ${[...externals].map(([p, h]) => `${p} (${[...h].join(', ')})`).join(', ') || '(none)'}`);
    const bundledLazy = bundledPackages.filter(isLazyPackage);
    console.log(`    ${'ora / inquirer / ws not bundled into dist/cli.cjs'.padEnd(56)}${bundledLazy.length === 0 ? 'PASS' : `MISS (${bundledLazy.join(', ')})`}`);
  } else {
    console.log(`    ${'dist/cli.cjs'.padEnd(36)}${kb(cliBytes).padStart(10)}   ? modules (esbuild metafile unavailable: ${meta.error ?? 'no cli.cjs output in `builds`'})`);
  }
  if (meta.outputs) {
    const lib = [...meta.outputs.keys()].filter((f) => f !== 'cli.cjs' && f.endsWith('.js'));
    const libBytes = lib.reduce((a, f) => a + meta.outputs.get(f).bytes, 0);
    console.log(`    ${`library (dist/index.js + ${lib.length - 1} chunks)`.padEnd(36)}${kb(libBytes).padStart(10)}   not loaded by the CLI`);
    // dist/ is cleaned by every build: anything else there comes from another build or tool.
    // (the .d.ts trees that tsc writes, scripts/build.mjs `declarationDirs`, are the build's too)
    const foreign = distFiles().filter((f) => !meta.outputs.has(f) && !declarationDirsOfBuild.some((d) => f.startsWith(`${d}/`)));
    if (foreign.length > 0) console.log(`    ! ${foreign.length} file(s) in dist/ not produced by the current builds (stale dist/? run \`npm run build\`): ${foreign.join(', ')}`);
  } else {
    console.log('    (dist/ not checked against the builds: esbuild metafile unavailable)');
  }

  const t = await traced([path.join('bin', 'sipcall.cjs'), 'options', target, '--json', '--t1', '50'], isOptions);
  const bare = await traced(['-e', ''], undefined);
  if (t) {
    const mine = t.files.filter((f) => !path.isAbsolute(f));
    console.log(`    ${'files loaded by `sipcall options --json` (traced)'.padEnd(56)}${mine.length}: ${mine.join(', ')}${t.files.length > mine.length ? ` (+ ${t.files.length - mine.length} outside the repo)` : ''}`);
    if (bare) {
      const bareSet = new Set(bare.builtins);
      const extra = t.builtins.filter((b2) => !bareSet.has(b2));
      console.log(`      Node built-ins beyond \`node -e ''\`: ${extra.join(', ') || '(none)'}`);
    }
    const lazyLoaded = [...new Set(t.files.map(packageOf).filter(isLazyPackage))];
    console.log(`    ${'ora / inquirer / ws not loaded by `sipcall options`'.padEnd(56)}${lazyLoaded.length === 0 ? 'PASS' : `MISS (${lazyLoaded.join(', ')})`}${t.esmHook ? '' : '   (require() only: module.register unavailable, import() not traced)'}`);
  } else {
    console.log('    (could not trace the loaded files: the traced run of `sipcall options --json` failed)');
  }
  sock.close();
  const broken = variants.filter((v) => v.samples.length === 0);
  if (broken.length > 0) {
    console.error(`startup bench: no successful run of ${broken.map((v) => v.label).join(', ')}`);
    process.exit(1);
  }
}

await main();
