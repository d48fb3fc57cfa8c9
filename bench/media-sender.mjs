// The sender half of bench/media.bench.mjs, run as its own Node process (forked with IPC) so
// the receiver's arrival stamps are not disturbed by the senders' work.
//
//   node bench/media-sender.mjs RECV_PORT STREAMS SECONDS [together|spread]
//
// together: every session starts in the same instant (their packets fall due together);
// spread: session i starts i·20/STREAMS ms after the first, as independent calls would.
// Opens STREAMS RtpSocketPairs on 127.0.0.1 aimed at RECV_PORT (RTCP at RECV_PORT+1), starts one
// MediaSession per pair (PCMU, 20 ms, 440 Hz tone, SSRC i+1), stops them after SECONDS and
// reports { streams, wallMs, cpuUserUs, cpuSystemUs, skipped } (skipped: packet times
// left out after a stall of more than three packet times, RFC 3550 timestamps kept) over IPC (CPU counted from just before the
// first start() to just after the last stop()).
import { MediaSession, RtpSocketPair, SystemClock, ToneSource } from '../dist/index.js';

const [recvPort, streams, seconds] = process.argv.slice(2, 5).map(Number);
const phase = process.argv[5] ?? 'together';
const HOST = '127.0.0.1';

const clock = new SystemClock();
const pairs = [];
const sessions = [];
for (let i = 0; i < streams; i++) {
  const pair = await RtpSocketPair.open(HOST, () => clock.now());
  await pair.setRemote({ address: HOST, port: recvPort, family: 4 }, recvPort + 1);
  pairs.push(pair);
  sessions.push(
    new MediaSession(
      { codec: 'PCMU', payloadType: 0, ptimeMs: 20, direction: 'sendrecv', ssrc: i + 1, sequence: 0, timestamp: 0, cname: 'bench', source: new ToneSource([440], -20) },
      { clock, sendRtp: (b, l) => pair.send('rtp', b, l), sendRtcp: (b, l) => pair.send('rtcp', b, l), wallclockMs: () => Date.now(), random: Math.random },
    ),
  );
}

const cpu0 = process.cpuUsage();
const t0 = clock.now();
if (phase === 'spread') {
  await Promise.all(sessions.map((s, i) => new Promise((r) => setTimeout(() => { s.start(); r(); }, (i * 20) / streams))));
} else for (const s of sessions) s.start();
setTimeout(() => {
  for (const s of sessions) s.stop();
  const cpu = process.cpuUsage(cpu0);
  const skipped = sessions.reduce((n, s) => n + s.snapshot().sent.skipped, 0);
  const wallMs = clock.now() - t0;
  process.send({ streams, wallMs, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, skipped }, () => {
    for (const p of pairs) p.close();
    process.exit(0);
  });
}, seconds * 1000);
