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
//   import    node --input-type=module -e 'import dist/cli.js'   spawn → exit (context: the
//             bundle's load and evaluation cost, nothing run)
//   json      node bin/sipcall.js options sip:127.0.0.1:PORT --json --t1 50   spawn → datagram
//   default   node bin/sipcall.js options sip:127.0.0.1:PORT --t1 50          spawn → datagram
//
// stdout of every child is /dev/null (so `default` is the pretty output to a non-terminal: no
// spinner, no colour). Target (issue): sipcall ≤ 1.5 × bare Node, on medians. The verdicts are
// printed; the exit code does not depend on them (the machine may be shared and noisy), only on
// whether the bench itself could run. Env: BENCH_RUNS (rounds, default 30), BENCH_WARMUP (untimed
// rounds, default 3). BENCH_SECONDS (the parser bench's seconds per run) is not used here.
//
// Network traffic goes to 127.0.0.1 only.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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
// The bundle: sizes, module counts, what start-up loads

/**
 * The module graph of the bundle from esbuild's metafiles: the builds of scripts/build.mjs are
 * redone in memory (write: false), so the output names match dist/ when it is current.
 * Returns Map<file, { stat, dyn, modules: Set, bytes }> or null.
 */
async function metafileGraph() {
  try {
    const { builds } = await import(pathToFileURL(path.join(root, 'scripts', 'build.mjs')).href);
    const { build } = await import('esbuild');
    if (!Array.isArray(builds)) return null;
    const outputs = {};
    for (const options of builds) {
      const r = await build({ ...options, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' });
      Object.assign(outputs, r.metafile.outputs);
    }
    const graph = new Map();
    for (const [out, o] of Object.entries(outputs)) {
      if (!out.endsWith('.js')) continue;
      const name = path.basename(out);
      const local = (k) => o.imports.filter((i) => i.kind === k && !i.external).map((i) => path.basename(i.path));
      const modules = new Set(Object.keys(o.inputs).filter((i) => /^(src|node_modules)\//.test(i)));
      graph.set(name, { stat: local('import-statement'), dyn: local('dynamic-import'), modules, bytes: o.bytes });
    }
    // Only trust it when it describes the files in dist/.
    for (const [name, g] of graph) {
      const f = path.join(dist, name);
      if (!existsSync(f) || statSync(f).size !== g.bytes) return null;
    }
    return graph;
  } catch {
    return null;
  }
}

/** Fallback: imports read from the chunk text; modules from esbuild's `// path` comments, if any. */
function chunkImports(file) {
  const src = readFileSync(path.join(dist, file), 'utf8');
  const stat = [...src.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+)["']/g)].map((m) => m[1]);
  const dyn = [...src.matchAll(/import\(\s*["']\.\/([^"']+)["']\s*\)/g)].map((m) => m[1]);
  const modules = new Set([...src.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]));
  return { stat: [...new Set(stat)], dyn: [...new Set(dyn)], modules, bytes: Buffer.byteLength(src) };
}

async function bundleReport() {
  const graph = await metafileGraph();
  const info = new Map(graph ?? []);
  const get = (f) => {
    if (!info.has(f)) info.set(f, chunkImports(f));
    return info.get(f);
  };
  const closure = (entry) => {
    const seen = new Set();
    const walk = (f) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const s of get(f).stat) walk(s);
    };
    walk(entry);
    return seen;
  };
  const startup = closure('cli.js');
  // Everything reachable through import() too, from any file reached so far.
  const lazy = new Set();
  const todo = [...startup];
  while (todo.length > 0) {
    const f = todo.pop();
    for (const d of get(f).dyn) {
      for (const c of closure(d)) {
        if (!startup.has(c) && !lazy.has(c)) {
          lazy.add(c);
          todo.push(c);
        }
      }
    }
  }
  const packagesOf = (files) => {
    const pk = new Set();
    for (const f of files) for (const m of get(f).modules) {
      const mm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m);
      if (mm) pk.add(mm[1]);
    }
    return [...pk].sort();
  };
  const sum = (files) => [...files].reduce((a, f) => a + get(f).bytes, 0);
  const modules = (files) => {
    const all = new Set();
    for (const f of files) for (const m of get(f).modules) all.add(m);
    return all;
  };
  return { startup, lazy, packagesOf, sum, modules, get, fromMetafile: graph !== null };
}

/**
 * Runs `sipcall options … --json` once with a module-load hook (Node's module.register) that
 * writes every loaded file: URL to a temporary file. Returns the loaded paths, or null when the
 * hook could not be installed.
 */
async function loadedAtStartup(port) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-startup-'));
  const trace = path.join(dir, 'loaded.txt');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(trace)}, url + '\\n');
  return next(url, context);
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});`;
  try {
    const r = await runOnce(['--import', 'data:text/javascript,' + encodeURIComponent(register), path.join('bin', 'sipcall.js'), 'options', `sip:${HOST}:${port}`, '--json', '--t1', '50'], (t) => t.startsWith('OPTIONS '));
    if (r.code !== 0 || !existsSync(trace)) return null;
    return readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((u) => path.relative(root, fileURLToPath(u)).split(path.sep).join('/'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const f of ['bin/sipcall.js', 'dist/cli.js']) {
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
  const importSrc = `await import(${JSON.stringify(pathToFileURL(path.join(dist, 'cli.js')).href)});`;

  const variants = [
    { key: 'bare', label: "node -e ''", what: 'spawn → exit', args: ['-e', ''], measure: 'exit' },
    { key: 'send', label: 'node, one UDP datagram (ESM -e)', what: 'spawn → datagram', args: ['--input-type=module', '-e', sendSrc], test: (t) => t === 'bench-send', measure: 'datagram' },
    { key: 'import', label: 'node, import dist/cli.js only', what: 'spawn → exit', args: ['--input-type=module', '-e', importSrc], measure: 'exit' },
    { key: 'json', label: 'sipcall options --json --t1 50', what: 'spawn → 1st datagram', args: [path.join('bin', 'sipcall.js'), 'options', target, '--json', '--t1', '50'], test: isOptions, measure: 'datagram', sipcall: true },
    { key: 'default', label: 'sipcall options --t1 50', what: 'spawn → 1st datagram', args: [path.join('bin', 'sipcall.js'), 'options', target, '--t1', '50'], test: isOptions, measure: 'datagram', sipcall: true },
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
  console.log(`      import dist/cli.js only − node -e ''           ${ms(load).padStart(9)}   (loading and evaluating the bundle)`);
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
  const b = await bundleReport();
  const cliBytes = statSync(path.join(dist, 'cli.js')).size;
  const startupFiles = [...b.startup];
  console.log(`    dist/cli.js                         ${kb(cliBytes).padStart(10)}   ${b.get('cli.js').modules.size || '?'} modules${b.fromMetafile ? '' : '   (module counts from `// path` comments; esbuild metafile unavailable)'}`);
  console.log(`    loaded at start-up (static imports) ${kb(b.sum(startupFiles)).padStart(10)}   ${b.modules(startupFiles).size || '?'} modules in ${startupFiles.length} files: ${startupFiles.join(', ')}`);
  console.log(`      packages: ${b.packagesOf(startupFiles).join(', ') || '(none)'}`);
  const lazyFiles = [...b.lazy];
  console.log(`    loaded only on demand (import())   ${kb(b.sum(lazyFiles)).padStart(10)}   ${b.modules(lazyFiles).size || '?'} modules in ${lazyFiles.length} files`);
  console.log(`      packages: ${b.packagesOf(lazyFiles).join(', ') || '(none)'}`);
  const present = new Set(readdirSync(dist).filter((f) => f.endsWith('.js')));
  const unreachable = [...present].filter((f) => !b.startup.has(f) && !b.lazy.has(f) && f !== 'index.js');
  if (unreachable.length > 0) console.log(`    (${unreachable.length} other .js file(s) in dist/ not reachable from cli.js: left by earlier builds, dist/ is never cleaned)`);

  const heavy = ['ora', 'inquirer', '@inquirer/core', '@inquirer/prompts'];
  const staticHeavy = b.packagesOf(startupFiles).filter((p) => heavy.includes(p));
  console.log(`    ora / inquirer outside the start-up files            ${staticHeavy.length === 0 ? 'PASS' : `MISS (${staticHeavy.join(', ')})`}`);

  const loaded = await loadedAtStartup(port);
  if (loaded) {
    const distLoaded = loaded.filter((f) => f.startsWith('dist/')).map((f) => f.slice(5));
    const external = loaded.filter((f) => f.includes('node_modules/'));
    const heavyLoaded = distLoaded.filter((f) => b.lazy.has(f) && b.packagesOf([f]).some((p) => heavy.includes(p)));
    console.log(`    files loaded by \`sipcall options --json\` (traced)   ${loaded.length}: ${loaded.join(', ')}`);
    if (external.length > 0) console.log(`      from node_modules at run time: ${external.join(', ')}`);
    console.log(`    ora / inquirer not loaded by \`sipcall options\`       ${heavyLoaded.length === 0 ? 'PASS' : `MISS (${heavyLoaded.join(', ')})`}`);
  } else {
    console.log('    (could not trace the loaded files: module.register hooks unavailable?)');
  }

  sock.close();
  const broken = variants.filter((v) => v.samples.length === 0);
  if (broken.length > 0) {
    console.error(`startup bench: no successful run of ${broken.map((v) => v.label).join(', ')}`);
    process.exit(1);
  }
}

await main();
