// SIP message parser throughput, side by side with npm SIP parsers, in the same run.
//
//   npm run bench -- parser            (builds dist/ first)
//   node bench/parser.bench.mjs        (dist/ must be built)
//   BENCH_SECONDS=0.5 node bench/parser.bench.mjs   (quick try; default 3 s per run)
//
// Workload: from the bytes of one datagram, parse the message and read the fields a UAC reads
// from every message: status code or method, Call-ID, CSeq (number and method), top Via
// branch, From tag, To tag, body length. Messages: the ten valid responses r01–r10 of
// test/fixtures/responses (MANIFEST `"bench": true`) plus RFC 4475 longreq, esc01, transports,
// semiuri and unreason from ../shared/corpus (skipped, with a note, when absent).
//
// Peers: sip-parsing@1.7.0, sip@0.0.6, drachtio-sip@0.6.3, installed only for this bench from
// bench/package.json into bench/node_modules (git-ignored; `npm install --prefix bench` is run
// here when they are missing). They are never dependencies of sipcall. Each is used the way it
// exposes the fields (see PEERS below); sipcall's parser comes from the built bundle
// ../dist/index.js.
//
// Figures: each parser runs 5 timed runs of ≥ BENCH_SECONDS seconds (runs interleaved between
// parsers, after a warm-up); the median run gives msgs/s and MB/s (MB = 10^6 bytes of input).
// Target: sipcall ≥ 3 × the fastest peer. Then the 64 KiB header line case: time per parse
// (parse + the same fields) of a response with one 64 KiB header line, for several shapes of
// line, and the same at 640 KiB to show that time grows linearly. Verdicts are printed as
// PASS/MISS; the exit code is 0 whatever the figures (the machine may be shared and noisy),
// non-zero only when the bench itself cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const RESPONSES = path.join(root, 'test', 'fixtures', 'responses');
const CORPUS = path.resolve(root, '..', 'shared', 'corpus');
const RFC4475_NAMES = ['longreq', 'esc01', 'transports', 'semiuri', 'unreason'];
const TARGET_RATIO = 3;
const LONG_LINE_TARGET_MS = 5;
const RUNS = 5;

const SECONDS = (() => {
  const v = process.env.BENCH_SECONDS;
  if (v === undefined || v === '') return 3;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`parser bench: BENCH_SECONDS=${JSON.stringify(v)} is not a positive number`);
    process.exit(2);
  }
  return n;
})();

// ---------------------------------------------------------------------------------------------
// sipcall, from the bundle

const distIndex = path.join(root, 'dist', 'index.js');
if (!existsSync(distIndex)) {
  console.error('parser bench: dist/index.js not found; run `npm run build` (or `npm run bench -- parser`, which builds)');
  process.exit(1);
}
const lib = await import(pathToFileURL(distIndex).href);
for (const name of ['parseMessage', 'callId', 'cseqOf', 'topBranch', 'fromTag', 'toTag']) {
  if (typeof lib[name] !== 'function') {
    console.error(`parser bench: dist/index.js does not export ${name}; rebuild with \`npm run build\``);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Peers, installed on demand into bench/node_modules

const peerPkg = JSON.parse(readFileSync(path.join(benchDir, 'package.json'), 'utf8'));
const wanted = Object.entries(peerPkg.dependencies);
const installedVersion = (name) => {
  const p = path.join(benchDir, 'node_modules', name, 'package.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).version : undefined;
};
if (wanted.some(([name, version]) => installedVersion(name) !== version)) {
  console.log('installing the peer parsers into bench/node_modules (npm install --prefix bench) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) console.log(`npm install failed (${r.error?.message ?? `exit ${r.status}`}): the peers that are missing are skipped`);
}
const requirePeer = createRequire(path.join(benchDir, 'package.json'));
const loadPeer = (name) => {
  try {
    return { mod: requirePeer(name), version: installedVersion(name) };
  } catch (e) {
    console.log(`peer ${name} not available (${e.message.split('\n')[0]}): skipped`);
    return null;
  }
};

/** `;branch=` of a raw Via value, for a peer that gives only the raw header text. */
function branchOfRaw(via) {
  if (typeof via !== 'string') return undefined;
  const m = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(via);
  return m ? m[1] : undefined;
}

/**
 * Every parser reduced to: bytes of one datagram → the UAC fields. A peer that takes a string
 * is given the decoded datagram inside the timed loop (decoding is part of its job).
 */
function makeParsers() {
  const parsers = [];
  parsers.push({
    name: 'sipcall',
    version: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version + ' (dist)',
    read(buf) {
      const r = lib.parseMessage(buf);
      if (!r.ok) return null;
      const m = r.message;
      const cs = lib.cseqOf(m);
      return {
        first: m.kind === 'request' ? m.method : m.status,
        callId: lib.callId(m),
        cseq: cs ? cs.seq : undefined,
        cseqMethod: cs ? cs.method : undefined,
        branch: lib.topBranch(m),
        fromTag: lib.fromTag(m),
        toTag: lib.toTag(m),
        bodyLength: m.body.length,
      };
    },
  });

  const sp = loadPeer('sip-parsing');
  if (sp) {
    // Kamailio-style pseudo-variables: $rs/$rm, $ci, $cs (CSeq number; it fills $rm of a
    // response from CSeq), $ft, $tt, $rb; no Via accessor: `$hdr(via)` and the branch cut out.
    parsers.push({
      name: 'sip-parsing',
      version: sp.version,
      read(buf) {
        const m = sp.mod.parse(buf.toString('utf8'));
        const isRequest = m['$msg.is_request'] === 1;
        return {
          first: isRequest ? m.$rm : Number(m.$rs),
          callId: m.$ci,
          cseq: m.$cs,
          cseqMethod: m.$rm,
          branch: branchOfRaw(m['$hdr(via)']),
          fromTag: m.$ft,
          toTag: m.$tt,
          bodyLength: m.$rb === undefined ? 0 : Buffer.byteLength(m.$rb),
        };
      },
    });
  }

  const sipjs = loadPeer('sip');
  if (sipjs) {
    // sip.parse(buffer): eager; headers.via[0].params.branch, from/to .params.tag, cseq.seq.
    parsers.push({
      name: 'sip',
      version: sipjs.version,
      read(buf) {
        const m = sipjs.mod.parse(buf);
        if (!m) return null;
        const h = m.headers;
        return {
          first: m.method ?? m.status,
          callId: h['call-id'],
          cseq: h.cseq?.seq,
          cseqMethod: h.cseq?.method,
          branch: h.via?.[0]?.params?.branch ?? undefined,
          fromTag: h.from?.params?.tag ?? undefined,
          toTag: h.to?.params?.tag ?? undefined,
          bodyLength: m.content === undefined ? 0 : Buffer.byteLength(m.content, 'latin1'),
        };
      },
    });
  }

  const dr = loadPeer('drachtio-sip');
  if (dr) {
    // new SipMessage(string): lazy headers; get() for raw values, getParsedHeader() for typed.
    const { SipMessage } = dr.mod;
    parsers.push({
      name: 'drachtio-sip',
      version: dr.version,
      read(buf) {
        const m = new SipMessage(buf.toString('utf8'));
        const cs = m.getParsedHeader('cseq');
        const via = m.getParsedHeader('via');
        return {
          first: m.method ?? m.status,
          callId: m.get('call-id'),
          cseq: cs?.seq,
          cseqMethod: cs?.method,
          branch: via?.[0]?.params?.branch ?? undefined,
          fromTag: m.getParsedHeader('from')?.params?.tag ?? undefined,
          toTag: m.getParsedHeader('to')?.params?.tag ?? undefined,
          bodyLength: m.body === undefined ? 0 : Buffer.byteLength(m.body),
        };
      },
    });
  }
  return parsers;
}

// ---------------------------------------------------------------------------------------------
// Messages

const messages = [];
const manifest = JSON.parse(readFileSync(path.join(RESPONSES, 'MANIFEST.json'), 'utf8')).messages;
for (const e of manifest) if (e.bench) messages.push({ name: e.name.slice(0, 3), bytes: readFileSync(path.join(RESPONSES, e.file)) });
if (existsSync(path.join(CORPUS, 'rfc4475'))) {
  for (const n of RFC4475_NAMES) messages.push({ name: n, bytes: readFileSync(path.join(CORPUS, 'rfc4475', `${n}.dat`)) });
} else {
  console.log('shared corpus not found at ../shared/corpus: RFC 4475 messages skipped, responses only');
}
const totalBytes = messages.reduce((s, m) => s + m.bytes.length, 0);

// ---------------------------------------------------------------------------------------------
// Measurement

let sink = 0;
function consume(f) {
  if (f === null || f === undefined) return 1;
  sink = (sink + (typeof f.first === 'number' ? f.first : f.first.length) + (f.callId?.length ?? 0) + (f.cseq ?? 0)) | 0;
  sink = (sink + (f.branch?.length ?? 0) + (f.fromTag?.length ?? 0) + (f.toTag?.length ?? 0) + f.bodyLength) | 0;
  return 0;
}

/** Loops over the message set for at least `seconds`; returns msgs/s, MB/s. */
function timedRun(p, seconds) {
  const bufs = messages.map((m) => m.bytes);
  const limit = seconds * 1e9;
  const t0 = process.hrtime.bigint();
  let rounds = 0;
  let elapsed = 0;
  do {
    for (let k = 0; k < 20; k++) for (let i = 0; i < bufs.length; i++) consume(p.read(bufs[i]));
    rounds += 20;
    elapsed = Number(process.hrtime.bigint() - t0);
  } while (elapsed < limit);
  const s = elapsed / 1e9;
  return { msgs: (rounds * bufs.length) / s, mbs: (rounds * totalBytes) / s / 1e6 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------

console.log(`sipcall parser bench — node ${process.version}, ${process.platform} ${process.arch}`);
console.log(`${messages.length} messages, ${fmt(totalBytes)} bytes: ${messages.map((m) => m.name).join(' ')}`);
console.log(`${RUNS} runs of ≥ ${SECONDS} s per parser (interleaved), median reported; workload: parse + status/method, Call-ID, CSeq, top Via branch, From tag, To tag, body length`);
console.log('');

const parsers = makeParsers();

// Correctness first: every parser must read the fields; sipcall's reading is checked against
// hand-written expectations by test/sip/corpus.test.ts, so it is the reference here.
const reference = messages.map((m) => parsers[0].read(m.bytes));
if (reference.some((r) => r === null)) {
  console.error('parser bench: sipcall rejected a benchmark message; the corpus tests should show why');
  process.exit(1);
}
const FIELDS = ['first', 'callId', 'cseq', 'cseqMethod', 'branch', 'fromTag', 'toTag', 'bodyLength'];
for (const p of parsers.slice(1)) {
  const diffs = [];
  messages.forEach((m, i) => {
    let got;
    try {
      got = p.read(m.bytes);
    } catch (e) {
      diffs.push(`${m.name}: threw ${e.message.split('\n')[0]}`);
      return;
    }
    if (got === null || got === undefined) {
      diffs.push(`${m.name}: no message`);
      return;
    }
    const bad = FIELDS.filter((f) => got[f] !== reference[i][f]);
    if (bad.length) diffs.push(`${m.name}: ${bad.map((f) => `${f} ${JSON.stringify(got[f])}≠${JSON.stringify(reference[i][f])}`).join(', ')}`);
  });
  p.agreement = messages.length - diffs.length;
  p.diffs = diffs;
  p.broken = diffs.some((d) => / threw | no message/.test(d));
}
parsers[0].agreement = messages.length;
parsers[0].diffs = [];
const runnable = parsers.filter((p) => !p.broken);
for (const p of parsers.filter((q) => q.broken)) console.log(`${p.name} cannot parse every message (${p.diffs.join('; ')}): not timed`);

// Warm-up (JIT), then interleaved timed runs.
for (const p of runnable) timedRun(p, Math.min(1, SECONDS / 3));
const results = new Map(runnable.map((p) => [p, []]));
for (let r = 0; r < RUNS; r++) {
  for (const p of runnable) results.get(p).push(timedRun(p, SECONDS));
}

const rows = runnable.map((p) => {
  const runs = results.get(p);
  const msgs = median(runs.map((x) => x.msgs));
  const mbs = median(runs.map((x) => x.mbs));
  return { p, msgs, mbs, min: Math.min(...runs.map((x) => x.msgs)), max: Math.max(...runs.map((x) => x.msgs)) };
});
const ours = rows[0];
const peers = rows.slice(1);
const fastest = peers.reduce((a, b) => (b.msgs > (a?.msgs ?? 0) ? b : a), null);

const header = ['parser', 'version', 'msgs/s', 'MB/s', 'runs min–max msgs/s', 'vs sipcall', 'fields agree'];
const table = rows.map((r) => [
  r.p.name,
  r.p.version,
  fmt(r.msgs),
  r.mbs.toFixed(1),
  `${fmt(r.min)}–${fmt(r.max)}`,
  r === ours ? '1.00×' : `${(r.msgs / ours.msgs).toFixed(2)}×`,
  `${r.p.agreement}/${messages.length}`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of table) console.log(line(row));
for (const p of parsers.slice(1)) {
  if (p.diffs.length && !p.broken) console.log(`  ${p.name} reads differently: ${p.diffs.join('; ')}`);
}
console.log('');
if (fastest) {
  const ratio = ours.msgs / fastest.msgs;
  console.log(
    `sipcall / fastest peer (${fastest.p.name}): ${ratio.toFixed(2)}× — target ≥ ${TARGET_RATIO}× (≥ ${fmt(TARGET_RATIO * fastest.msgs)} msgs/s)  ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}`,
  );
} else {
  console.log('no peer parser could be timed: no ratio (target ≥ 3× the fastest peer not evaluated)');
}

// ---------------------------------------------------------------------------------------------
// One very long header line: time per parse, and linear growth.

console.log('');
console.log('one long header line in a 200 OK (parse + the same fields; median of repeated parses).');
console.log('Linear time shows as ns/byte staying in the same range from 64 KiB to 640 KiB (a quadratic');
console.log('parser would take ×10 per byte; cache effects on the larger input account for a few ×):');
const head = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKlong1',
  'From: <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>;tag=b2',
  'Call-ID: long-line@192.0.2.1',
  'CSeq: 1 OPTIONS',
];
function withLine(which, size) {
  const fill = (unit) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const lines = [...head];
  switch (which) {
    case 'token value':
      lines.push(`X-Long: ${fill('abcdefghij')}`);
      break;
    case 'Via, many params':
      lines[1] = `Via: SIP/2.0/UDP 192.0.2.1:5060${fill(';p')};branch=z9hG4bKlong1`;
      break;
    case 'To, quoted name':
      lines[3] = `To: "${fill('a\\"')}" <sip:bob@example.com>;tag=b2`;
      break;
    case 'Contact, many commas':
      lines.push(`Contact: ${fill('<sip:a@b>,')}`);
      break;
    case 'folded lines':
      lines.push(`X-Folded: ${fill('ab\r\n cd ')}x`);
      break;
  }
  return Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'latin1');
}
function msPerParse(buf) {
  const read = parsers[0].read;
  if (read(buf) === null) return NaN;
  const times = [];
  const until = process.hrtime.bigint() + BigInt(Math.round(Math.min(1, SECONDS / 2) * 1e9));
  do {
    const t0 = process.hrtime.bigint();
    consume(read(buf));
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  } while (times.length < 5 || process.hrtime.bigint() < until);
  return median(times);
}
for (const shape of ['token value', 'Via, many params', 'To, quoted name', 'Contact, many commas', 'folded lines']) {
  const smallBuf = withLine(shape, 64 * 1024);
  const bigBuf = withLine(shape, 640 * 1024);
  const small = msPerParse(smallBuf);
  const big = msPerParse(bigBuf);
  const verdict = small <= LONG_LINE_TARGET_MS ? 'PASS' : 'MISS';
  const nsPerByte = (ms, b) => ((ms * 1e6) / b.length).toFixed(2);
  console.log(
    `  ${shape.padEnd(22)} 64 KiB: ${small.toFixed(3).padStart(7)} ms/parse  ${verdict} (target ≤ ${LONG_LINE_TARGET_MS} ms)   640 KiB: ${big.toFixed(3).padStart(7)} ms   ns/byte ${nsPerByte(small, smallBuf)} → ${nsPerByte(big, bigBuf)}`,
  );
}
if (sink === 0.5) console.log(sink);
