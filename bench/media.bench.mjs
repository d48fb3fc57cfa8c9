// RTP send schedule against the 20 ms grid, measured at a receiving socket (issue 10).
//
//   npm run build && node bench/media.bench.mjs          (BENCH_SECONDS per case, default 60)
//
// Cases, one after another in the same run:
//   sipcall, 1 stream      MediaSession (PCMU, ptime 20, tone) + RtpSocketPair from dist/index.js,
//   sipcall, 100 streams   run in a child process (bench/media-sender.mjs), all aimed at one socket;
//                          "together" (all started in one instant) and "spread" (start times spread
//                          over one packet time, as independent calls)
//   baresip, 1 stream      /usr/bin/baresip (baresip-core) as our child, answering a raw UDP INVITE
//                          whose SDP points at the same kind of receiving socket; ausine 440 Hz
//
// The receiver (this process) owns one UDP socket (and its +1 for RTCP, ignored) and stamps
// process.hrtime.bigint() first thing in every 'message' event. Per SSRC, a packet is expected at
// a0 + (its RTP timestamp − the first one)/8 ms, the 20 ms grid of the media clock (a sender that
// skips packet times after a stall keeps that clock); error = arrival − expected − the median error of
// the stream's first second (its constant phase). Reported over all streams' errors pooled:
// median |error|, p99 |error|, max |error|, and drift = least-squares slope of error over time
// (ms per minute). CPU: the sender process's user+system time over the run (sipcall: its
// process.cpuUsage(); baresip: /proc/PID/stat utime+stime) as % of one core, per stream.
//
// When dumpcap and tshark are there and we may capture on lo (root), the same packets are also
// stamped by the kernel (a second table): the socket receiver is a Node process taking 5,000
// datagrams a second, and its own event-loop delays show up in its figures.
//
// Targets: median ≤ 0.5 ms, p99 ≤ 2 ms, |drift| ≤ 1 ms/min ("no drift"). The figures are printed
// with PASS/MISS; the exit code does not depend on them (the machine may be shared and noisy).
// Network traffic goes to 127.0.0.1 only. baresip is stopped by its PID, never by name.
import { fork, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, startKernelCapture as startCapture } from './loopback.mjs';

const HOST = '127.0.0.1';
const PTIME = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60) || 60;
const BARESIP = '/usr/bin/baresip';
const TARGET = { median: 0.5, p99: 2, drift: 1 };
const benchDir = path.dirname(fileURLToPath(import.meta.url));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function bindUdp(port) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind({ address: HOST, port, exclusive: true }, () => {
      s.removeListener('error', reject);
      resolve(s);
    });
  });
}

// ---------------------------------------------------------------- receiver

/** An RTP socket on an even port (RTCP socket on port+1, drained and ignored). */
async function openReceiver() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 5000);
    let rtp;
    try {
      rtp = await bindUdp(port);
    } catch {
      continue;
    }
    let rtcp;
    try {
      rtcp = await bindUdp(port + 1);
    } catch {
      rtp.close();
      continue;
    }
    try {
      rtp.setRecvBufferSize(4 * 1024 * 1024);
    } catch {}
    const base = process.hrtime.bigint();
    const ssrcs = [];
    const seqs = [];
    const stamps = [];
    const times = []; // ms since base
    let recording = true;
    rtp.on('message', (msg) => {
      const t = process.hrtime.bigint();
      if (!recording || msg.length < 12 || msg[0] >> 6 !== 2 || (msg[1] & 0x7f) !== 0) return;
      times.push(Number(t - base) / 1e6);
      seqs.push(msg.readUInt16BE(2));
      stamps.push(msg.readUInt32BE(4));
      ssrcs.push(msg.readUInt32BE(8));
    });
    rtcp.on('message', () => {});
    return {
      port,
      packets: () => times.length,
      firstArrival: () => times[0],
      nowMs: () => Number(process.hrtime.bigint() - base) / 1e6,
      /** Stops recording, closes both sockets, returns { ssrc → { pts: [[extSeq, arrivalMs], ...] } }. */
      finish() {
        recording = false;
        rtp.close();
        rtcp.close();
        return groupBySsrc(times, seqs, ssrcs, stamps);
      },
    };
  }
  throw new Error('no free even UDP port pair on 127.0.0.1');
}

/** Arrivals grouped per SSRC with extended sequence numbers (RFC 3550 A.1 style unwrap). */
function groupBySsrc(times, seqs, ssrcs, stamps) {
  const streams = new Map();
  for (let i = 0; i < times.length; i++) {
    let s = streams.get(ssrcs[i]);
    if (!s) streams.set(ssrcs[i], (s = { last: -1, ext: 0, ts0: stamps[i], pts: [] }));
    const seq = seqs[i];
    if (s.last >= 0) {
      let d = seq - s.last;
      if (d < -32768) d += 65536;
      else if (d > 32768) d -= 65536;
      s.ext += d;
    } else s.ext = seq;
    s.last = seq;
    // RTP timestamp since the stream's first packet, in ms (8 kHz; 32-bit wrap)
    s.pts.push([s.ext, times[i], ((stamps[i] - s.ts0) >>> 0) / 8]);
  }
  return streams;
}

// ---------------------------------------------------------------- kernel timestamps

/**
 * The same arrivals stamped by the kernel: dumpcap on lo for datagrams to `port`, read back with
 * tshark. The socket receiver above stamps in a Node 'message' callback, so at 5,000 packets a
 * second its own event-loop delays add to what it measures; the capture shows what left the
 * sender. Needs dumpcap and tshark (Debian wireshark-common, tshark) and the right to capture
 * (root, or dumpcap's capabilities); without them this column is skipped.
 */
async function startKernelCapture(port) {
  const cap = await startCapture(`udp dst port ${port}`);
  if (!cap) return undefined;
  return {
    async finish() {
      const out = await cap.finish(['-d', `udp.port==${port},rtp`, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'rtp.ssrc', '-e', 'rtp.seq', '-e', 'rtp.p_type', '-e', 'rtp.timestamp']);
      const times = [], seqs = [], ssrcs = [], stamps = [];
      let base;
      for (const line of out.split('\n')) {
        const [t, ssrc, seq, pt, ts] = line.split('\t');
        if (!ssrc || Number(pt) !== 0) continue;
        const ms = Number(t) * 1000;
        base ??= ms;
        times.push(ms - base);
        seqs.push(Number(seq));
        stamps.push(Number(ts));
        ssrcs.push(Number(ssrc));
      }
      return times.length > 0 ? groupBySsrc(times, seqs, ssrcs, stamps) : undefined;
    },
  };
}

/** Errors against the 20 ms grid, pooled over streams, plus drift. */
function analyse(streams) {
  const abs = [];
  let sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  let packets = 0, lost = 0, dups = 0;
  let worstDrift = 0;
  for (const { pts } of streams.values()) {
    if (pts.length < 2) continue;
    const seen = new Set();
    const uniq = [];
    for (const p of pts) {
      if (seen.has(p[0])) dups++;
      else {
        seen.add(p[0]);
        uniq.push(p);
      }
    }
    uniq.sort((a, b) => a[0] - b[0]);
    const [seq0, a0, ms0] = uniq[0];
    packets += uniq.length;
    lost += uniq[uniq.length - 1][0] - seq0 + 1 - uniq.length;
    // Expected at the stream's first arrival plus its RTP timestamp: the media clock, which a
    // sender keeps across packet times it skips after a stall (RFC 3550 §5.1).
    const raw = uniq.map(([, t, ms]) => [t - a0, t - (a0 + ms - ms0)]);
    const firstSecond = raw.filter(([x]) => x < 1000).map(([, e]) => e).sort((a, b) => a - b);
    const offset = percentile(firstSecond, 50);
    let ax = 0, ay = 0, axx = 0, axy = 0;
    for (const [x, e0] of raw) {
      const e = e0 - offset;
      abs.push(Math.abs(e));
      sx += x; sy += e; sxx += x * x; sxy += x * e; n++;
      ax += x; ay += e; axx += x * x; axy += x * e;
    }
    const m = raw.length;
    const slope = ((m * axy - ax * ay) / (m * axx - ax * ax)) * 60000;
    if (Math.abs(slope) > Math.abs(worstDrift)) worstDrift = slope;
  }
  abs.sort((a, b) => a - b);
  const drift = ((n * sxy - sx * sy) / (n * sxx - sx * sx)) * 60000; // ms per minute
  return {
    streams: streams.size,
    packets,
    lost,
    dups,
    median: percentile(abs, 50),
    p99: percentile(abs, 99),
    max: abs[abs.length - 1] ?? NaN,
    drift,
    worstDrift,
  };
}

// ---------------------------------------------------------------- sipcall

async function sipcallCase(streams, phase = 'together') {
  const rx = await openReceiver();
  const cap = await startKernelCapture(rx.port);
  const child = fork(path.join(benchDir, 'media-sender.mjs'), [String(rx.port), String(streams), String(SECONDS), phase], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const report = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code, sig) => reject(new Error(`media-sender exited (${sig ?? code}) before reporting`)));
  });
  await sleep(100); // the last datagrams
  const res = analyse(rx.finish());
  const kernel = await cap?.finish();
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  const cpuMs = (report.cpuUserUs + report.cpuSystemUs) / 1000;
  return { ...res, kernel: kernel && analyse(kernel), skipped: report.skipped, expectedStreams: streams, cpuPerStream: (100 * cpuMs) / report.wallMs / streams };
}

// ---------------------------------------------------------------- baresip

function procCpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
}

function spawnSyncText(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim() ?? '';
}

async function baresipCase() {
  const hz = Number(spawnSyncText('getconf', ['CLK_TCK'])) || 100;
  const sipPort = await freeUdpPort();
  const dnsPort = await freeUdpPort();
  const rtpMin = 30000 + 2 * Math.floor(Math.random() * 2000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-bench-baresip-'));
  const config = [
    'poll_method\t\tepoll',
    `sip_listen\t\t${HOST}:${sipPort}`,
    'audio_source\t\tausine,440',
    'audio_player\t\taubridge,play',
    'audio_alert\t\taubridge,alert',
    'ausrc_srate\t\t48000',
    'ausrc_channels\t\t2',
    'audio_level\t\tno',
    `rtp_ports\t\t${rtpMin}-${rtpMin + 7}`,
    'rtcp_mux\t\tno',
    `dns_server\t\t${HOST}:${dnsPort}`,
    'net_interface\t\t127.0.0.1',
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    'module\t\t\tausine.so',
    'module\t\t\taubridge.so',
    'module_tmp\t\taccount.so',
    'module_app\t\tmenu.so',
    'statmode_default\toff',
    'ringback_disabled\tyes',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'config'), config);
  await writeFile(path.join(dir, 'accounts'), `<sip:bob@${HOST}>;regint=0;answermode=auto;audio_codecs=pcmu;ptime=20\n`);
  await writeFile(path.join(dir, 'contacts'), '');

  const stdbuf = existsSync('/usr/bin/stdbuf') ? '/usr/bin/stdbuf' : undefined;
  const args = ['-4', '-f', dir];
  const proc = stdbuf ? spawn(stdbuf, ['-oL', '-eL', BARESIP, ...args], { cwd: dir }) : spawn(BARESIP, args, { cwd: dir });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  let exited = false;
  const exitedP = new Promise((r) => proc.once('exit', () => ((exited = true), r())));
  const stopProc = async () => {
    if (exited) return;
    process.kill(proc.pid, 'SIGTERM');
    await Promise.race([exitedP, sleep(3000)]);
    if (!exited) process.kill(proc.pid, 'SIGKILL');
    await exitedP;
  };

  const rx = await openReceiver();
  let cap = await startKernelCapture(rx.port);
  const sip = await bindUdp(0);
  const sipLocal = sip.address().port;
  try {
    for (let t = Date.now(); !output.includes('baresip is ready.'); await sleep(20)) {
      if (exited) throw new Error(`baresip exited before it was ready:\n${output}`);
      if (Date.now() - t > 10_000) throw new Error(`baresip did not get ready in 10 s:\n${output}`);
    }

    const callId = `bench-${Date.now()}@${HOST}`;
    const fromTag = `b${process.pid}`;
    const sdp = [
      'v=0',
      `o=bench 1 1 IN IP4 ${HOST}`,
      's=-',
      `c=IN IP4 ${HOST}`,
      't=0 0',
      `m=audio ${rx.port} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
    const request = (method, uri, cseq, toTag, body = '') =>
      [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${HOST}:${sipLocal};branch=z9hG4bK${method}${cseq}${Date.now()};rport`,
        'Max-Forwards: 70',
        `From: <sip:bench@${HOST}>;tag=${fromTag}`,
        `To: <sip:bob@${HOST}>${toTag ? `;tag=${toTag}` : ''}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:bench@${HOST}:${sipLocal}>`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
    const send = (text) => sip.send(Buffer.from(text), sipPort, HOST);
    const responses = [];
    sip.on('message', (m) => {
      const text = m.toString('latin1');
      if (text.startsWith('SIP/2.0 ')) responses.push(text);
      else if (/^BYE /.test(text) || /^OPTIONS /.test(text)) {
        // answer anything baresip asks of us with a plain 200 (copy the dialog headers)
        const hdr = (n) => (new RegExp(`^${n}:.*$`, 'mi').exec(text) ?? [''])[0];
        send(['SIP/2.0 200 OK', ...['Via', 'From', 'To', 'Call-ID', 'CSeq'].map(hdr), 'Content-Length: 0', '', ''].join('\r\n'));
      }
    });
    const waitFor = async (pred, ms, what) => {
      for (const t = Date.now(); Date.now() - t < ms; await sleep(10)) {
        const r = responses.find(pred);
        if (r) return r;
        if (exited) break;
      }
      throw new Error(`baresip: no ${what} in ${ms} ms\n${output}`);
    };

    const ruri = `sip:bob@${HOST}:${sipPort}`;
    const invite = request('INVITE', ruri, 1, undefined, sdp);
    send(invite);
    const is200Invite = (r) => /^SIP\/2\.0 200/.test(r) && /^CSeq:\s*1 INVITE/im.test(r);
    let ok;
    for (let i = 0; i < 6 && !ok; i++) {
      try {
        ok = await waitFor(is200Invite, 500, '200 to INVITE');
      } catch {
        if (!responses.length) send(invite); // no provisional either: retransmit
      }
    }
    if (!ok) throw new Error(`baresip did not answer the INVITE\n${output}`);
    const toTag = /^To:.*;tag=([^;\s]+)/im.exec(ok)?.[1];
    const contact = /^(?:Contact|m):.*<([^>]+)>/im.exec(ok)?.[1] ?? ruri;
    send(request('ACK', contact, 1, toTag));

    // measure from the first RTP packet for SECONDS
    for (const t = Date.now(); rx.packets() === 0; await sleep(5)) {
      if (Date.now() - t > 5000) throw new Error(`baresip sent no RTP in 5 s\n${output}`);
    }
    const cpu0 = procCpuTicks(proc.pid);
    const w0 = rx.nowMs();
    await sleep(SECONDS * 1000);
    const cpu1 = procCpuTicks(proc.pid);
    const wallMs = rx.nowMs() - w0;
    const res = analyse(rx.finish());
    const kernel = await cap?.finish();
    cap = undefined;

    send(request('BYE', contact, 2, toTag));
    await waitFor((r) => /^CSeq:\s*2 BYE/im.test(r), 2000, '200 to BYE').catch(() => undefined);
    return { ...res, kernel: kernel && analyse(kernel), expectedStreams: 1, cpuPerStream: (100 * ((cpu1 - cpu0) / hz) * 1000) / wallMs };
  } finally {
    sip.close();
    try {
      rx.finish();
    } catch {}
    await cap?.finish();
    await stopProc();
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

function row(name, r) {
  if (!r) return `| ${name.padEnd(19)} | ${'—'.padStart(7)} | ${'skipped'.padStart(22)} |`;
  const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  return [
    '',
    name.padEnd(19),
    String(r.streams).padStart(7),
    `${f(r.median)} ${verdict(r.median <= TARGET.median)}`.padStart(16),
    `${f(r.p99)} ${verdict(r.p99 <= TARGET.p99)}`.padStart(14),
    f(r.max).padStart(8),
    `${f(r.drift)} ${verdict(Math.abs(r.drift) <= TARGET.drift)}`.padStart(15),
    f(r.cpuPerStream, 2).padStart(20),
    '',
  ].join(' | ').trim();
}

async function main() {
  console.log(`sipcall media bench — node ${process.version}, ${process.platform} ${process.arch}, ${os.cpus().length} CPUs`);
  console.log(`RTP (PCMU, ptime ${PTIME} ms) arrival times at a loopback socket; ${SECONDS} s per case`);
  console.log(`targets: median |err| ≤ ${TARGET.median} ms, p99 ≤ ${TARGET.p99} ms, |drift| ≤ ${TARGET.drift} ms/min`);
  console.log('');
  const results = [];
  for (const [n, phase] of (process.env.BENCH_CASES ?? "1,100,100s").split(",").map((c) => [Number.parseInt(c, 10), c.endsWith("s") ? "spread" : "together"])) {
    const name = n === 1 ? 'sipcall 1 stream' : `sipcall ${n} ${phase}`;
    process.stdout.write(`running ${name} …\n`);
    results.push([name, await sipcallCase(n, phase)]);
  }
  if (!existsSync(BARESIP)) {
    console.log(`baresip: ${BARESIP} not found (Debian package baresip-core); baresip row skipped`);
    results.push(['baresip 1 stream', undefined]);
  } else {
    process.stdout.write('running baresip, 1 stream …\n');
    try {
      results.push(['baresip 1 stream', await baresipCase()]);
    } catch (err) {
      console.log(`baresip: failed (${String(err?.message ?? err).split('\n')[0]}); baresip row skipped`);
      results.push(['baresip 1 stream', undefined]);
    }
  }
  console.log('');
  console.log('| case                | streams | median |err| ms |  p99 |err| ms |   max ms |   drift ms/min | CPU % core / stream |');
  console.log('| ------------------- | ------: | ---------------: | -------------: | -------: | -------------: | ------------------: |');
  for (const [name, r] of results) console.log(row(name, r));
  console.log('');
  if (results.some(([, r]) => r?.kernel)) {
    console.log('The same packets, arrival stamped by the kernel (dumpcap on lo), without the receiving socket\'s own event-loop delays:');
    console.log('');
    console.log('| case                | streams | median |err| ms |  p99 |err| ms |   max ms |   drift ms/min | CPU % core / stream |');
    console.log('| ------------------- | ------: | ---------------: | -------------: | -------: | -------------: | ------------------: |');
    for (const [name, r] of results) console.log(row(name, r?.kernel && { ...r.kernel, cpuPerStream: r.cpuPerStream }));
    console.log('');
  } else console.log('kernel timestamps: skipped (dumpcap/tshark missing, or no right to capture on lo)\n');
  for (const [name, r] of results) {
    if (!r) continue;
    console.log(
      `${name}: ${r.packets} packets from ${r.streams}/${r.expectedStreams} SSRCs, ${r.lost} missing, ${r.dups} duplicate${r.skipped !== undefined ? `, ${r.skipped} packet times skipped by the sender after a stall` : ""}; worst single-stream drift ${r.worstDrift.toFixed(3)} ms/min`,
    );
  }
}

await main();
