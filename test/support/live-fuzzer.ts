// A live fuzzer for tests on loopback (issue 14 §5): mutated SIP messages (byte flips,
// truncation, 60 KB datagrams, 1,000 Via headers, lying Content-Length, NUL, non-UTF-8,
// responses where requests belong, stray ACK/CANCEL/BYE) sent at a UAS over UDP or TCP; a TCP
// peer that sends 10 MB behind a small Content-Length; one that opens many connections and goes
// quiet; a hostile responder for a UAC; the RSS of a child process; and `sipcall answer` spawned
// from the built binary. Messages are plain bytes, not a SIP stack, on purpose. Each message is
// also classified the way the UAS must see it (with the project's own framer and parser), so a
// test can compare what it sent with what the UAS counted.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SipEvent } from '../../src/events/types.js';
import { parseMessage } from '../../src/sip/parse.js';
import { responseKey } from '../../src/transaction/match.js';
import { DEFAULT_LISTEN_MAX_MESSAGE_SIZE } from '../../src/transport/connection-limits.js';
import { StreamFramer } from '../../src/transport/stream-framer.js';
import { signalPeer, spawnManaged, type ManagedProcess } from './peers/process.js';

/** A deterministic PRNG (mulberry32), so that a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzMessage {
  label: string;
  bytes: Buffer;
}

export interface Target {
  port: number;
  transport: 'UDP' | 'TCP';
}

let serial = 0;
const id = (prefix: string) => `${prefix}${process.pid.toString(36)}${(serial++).toString(36)}`;

/** A valid request to `target`, fresh branch, tag and Call-ID unless given. */
export function request(
  method: string,
  target: Target,
  o: { branch?: string; callId?: string; cseq?: number; headers?: string[]; body?: string | Buffer; contentLength?: string; toTag?: string; vias?: number } = {},
): Buffer {
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : (o.body ?? Buffer.alloc(0));
  const via = `Via: SIP/2.0/${target.transport} 127.0.0.1:9;branch=${o.branch ?? id('z9hG4bKfz')};rport`;
  const vias = Array.from({ length: o.vias ?? 1 }, (_, i) => (i === 0 ? via : `Via: SIP/2.0/UDP 192.0.2.${i % 250}:5060;branch=z9hG4bKhop${i}`));
  const head = [
    `${method} sip:fuzz@127.0.0.1:${target.port} SIP/2.0`,
    ...vias,
    'Max-Forwards: 70',
    `From: "Fuzz" <sip:fuzzer@127.0.0.1>;tag=${id('f')}`,
    `To: <sip:fuzz@127.0.0.1:${target.port}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? id('call-')}@fuzz`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    `Contact: <sip:fuzzer@127.0.0.1:9>`,
    ...(o.headers ?? []),
    `Content-Length: ${o.contentLength ?? body.length}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** A response with the usual header fields, as a peer would send one. */
function response(status: number, reason: string, target: Target, o: { branch?: string; method?: string } = {}): Buffer {
  return Buffer.from(
    [
      `SIP/2.0 ${status} ${reason}`,
      `Via: SIP/2.0/${target.transport} 127.0.0.1:${target.port};branch=${o.branch ?? id('z9hG4bKst')}`,
      `From: <sip:fuzz@127.0.0.1>;tag=${id('f')}`,
      `To: <sip:x@127.0.0.1>;tag=${id('t')}`,
      `Call-ID: ${id('stray-')}@fuzz`,
      `CSeq: 7 ${o.method ?? 'INVITE'}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** `bytes` with `count` random bytes XORed with a random non-zero mask. */
function flip(bytes: Buffer, count: number, rnd: () => number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < count; i++) out[Math.floor(rnd() * out.length)] ^= 1 + Math.floor(rnd() * 255);
  return out;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/**
 * The hostile messages for a UAS at `target`: `flips` byte-flipped and `cuts` truncated copies of
 * valid INVITE/OPTIONS/BYE requests, then every fixed case the issue names.
 */
export function hostileRequests(target: Target, seed: number, o: { flips?: number; cuts?: number } = {}): FuzzMessage[] {
  const rnd = prng(seed);
  const out: FuzzMessage[] = [];
  const seeds = () => [
    request('INVITE', target, { headers: ['Content-Type: application/sdp'], body: SDP }),
    request('OPTIONS', target, { headers: ['Accept: application/sdp'] }),
    request('BYE', target, { toTag: 'x1' }),
  ];
  for (let i = 0; i < (o.flips ?? 40); i++) {
    const s = seeds()[i % 3] as Buffer;
    out.push({ label: `byte flip #${i}`, bytes: flip(s, 1 + Math.floor(rnd() * 4), rnd) });
  }
  for (let i = 0; i < (o.cuts ?? 20); i++) {
    const s = seeds()[i % 3] as Buffer;
    out.push({ label: `truncated #${i}`, bytes: s.subarray(0, Math.floor(rnd() * s.length)) });
  }
  const garbage = Buffer.alloc(60_000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rnd() * 256);
  out.push(
    { label: '60 KB datagram: OPTIONS with a 60,000-byte body', bytes: request('OPTIONS', target, { headers: ['Content-Type: text/plain'], body: Buffer.alloc(60_000, 0x61) }) },
    { label: '60 KB datagram: random bytes', bytes: garbage },
    { label: '60 KB datagram: one 60 KB header line', bytes: request('OPTIONS', target, { headers: [`Subject: ${'s'.repeat(60_000)}`] }) },
    { label: '1,000 Via headers', bytes: request('OPTIONS', target, { vias: 1000 }) },
    { label: 'Content-Length larger than the body', bytes: request('OPTIONS', target, { body: 'short', contentLength: '500' }) },
    { label: 'Content-Length smaller than the body', bytes: request('MESSAGE', target, { headers: ['Content-Type: text/plain'], body: 'x'.repeat(100), contentLength: '3' }) },
    { label: 'Content-Length negative', bytes: request('OPTIONS', target, { body: 'abc', contentLength: '-1' }) },
    { label: 'Content-Length not a number', bytes: request('OPTIONS', target, { contentLength: 'ten' }) },
    { label: 'Content-Length of 20 digits', bytes: request('OPTIONS', target, { contentLength: '99999999999999999999' }) },
    { label: 'two conflicting Content-Length', bytes: request('OPTIONS', target, { headers: ['l: 7'] }) },
    { label: 'NUL in the Request-URI', bytes: Buffer.from(request('OPTIONS', target).toString('latin1').replace('sip:fuzz@', 'sip:fu\u0000zz@'), 'latin1') },
    { label: 'NUL in a header name', bytes: request('OPTIONS', target, { headers: ['X-N\u0000ul: 1'] }) },
    { label: 'NUL in a header value', bytes: request('OPTIONS', target, { headers: ['Subject: a\u0000b'] }) },
    { label: 'NUL bytes only', bytes: Buffer.alloc(64) },
    { label: 'non-UTF-8 in the display name', bytes: Buffer.from(request('OPTIONS', target).toString('latin1').replace('"Fuzz"', '"\xff\xfe\xc0\x80"'), 'latin1') },
    { label: 'non-UTF-8 in the Request-URI', bytes: Buffer.from(request('OPTIONS', target).toString('latin1').replace('sip:fuzz@', 'sip:\xc3\x28@'), 'latin1') },
    { label: 'non-UTF-8 in the method', bytes: Buffer.from(request('OPTIONS', target).toString('latin1').replace(/OPTIONS/g, 'OPT\xe9ONS'), 'latin1') },
    { label: 'response where a request belongs: 200', bytes: response(200, 'OK', target) },
    { label: 'response where a request belongs: 180', bytes: response(180, 'Ringing', target) },
    { label: 'response where a request belongs: 481 to a BYE', bytes: response(481, 'Call/Transaction Does Not Exist', target, { method: 'BYE' }) },
    { label: 'response with status 999', bytes: Buffer.from(response(200, 'OK', target).toString('latin1').replace('SIP/2.0 200', 'SIP/2.0 999'), 'latin1') },
    { label: 'stray ACK', bytes: request('ACK', target, { toTag: 'nope', cseq: 1 }) },
    { label: 'stray CANCEL', bytes: request('CANCEL', target) },
    { label: 'stray BYE', bytes: request('BYE', target, { toTag: 'nope' }) },
    { label: 'empty datagram', bytes: Buffer.alloc(0) },
    { label: 'CRLF keep-alive', bytes: Buffer.from('\r\n\r\n') },
    { label: 'HTTP request', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
    { label: 'start line only', bytes: Buffer.from(`OPTIONS sip:fuzz@127.0.0.1:${target.port} SIP/2.0\r\n\r\n`) },
  );
  return out;
}

/** What a UAS must count for the bytes of one datagram, or of one connection's whole stream. */
export interface Expected {
  unparseable: number;
  unframeable: number;
  stray: number;
}

/**
 * How the UAS sees `bytes` (one datagram, or everything sent on one TCP connection before the
 * sender closes it): the project's own framer (64 KiB, as `answer` listens) and parser.
 */
export function classify(bytes: Buffer, transport: 'UDP' | 'TCP'): Expected {
  const e: Expected = { unparseable: 0, unframeable: 0, stray: 0 };
  const one = (msg: Buffer) => {
    const r = parseMessage(msg);
    if (!r.ok) e.unparseable += 1;
    else if (r.message.kind === 'response') e.stray += 1;
  };
  if (transport === 'UDP') {
    one(bytes);
    return e;
  }
  const framer = new StreamFramer({ maxMessageSize: DEFAULT_LISTEN_MAX_MESSAGE_SIZE });
  const out = framer.push(bytes);
  for (const m of out.messages) one(m);
  if (out.error !== undefined || framer.buffered > 0) e.unframeable += 1;
  return e;
}

export function sum(list: readonly Expected[]): Expected {
  return list.reduce((a, b) => ({ unparseable: a.unparseable + b.unparseable, unframeable: a.unframeable + b.unframeable, stray: a.stray + b.stray }), { unparseable: 0, unframeable: 0, stray: 0 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends each message as one datagram, `gapMs` apart; resolves with every datagram that came back. */
export async function sendUdp(port: number, messages: readonly Buffer[], gapMs = 2, settleMs = 300): Promise<Buffer[]> {
  const socket = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  for (const m of messages) {
    await new Promise<void>((r) => socket.send(m, port, '127.0.0.1', () => r()));
    if (gapMs) await sleep(gapMs);
  }
  await sleep(settleMs);
  await new Promise<void>((r) => socket.close(() => r()));
  return got;
}

/**
 * One TCP connection: writes `bytes`, half-closes, and waits for the peer to close (or
 * `waitMs`). Resolves with what came back and whether the peer closed it.
 */
export async function sendTcp(port: number, bytes: Buffer, waitMs = 3000): Promise<{ received: Buffer; closedByPeer: boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c) => chunks.push(c));
  socket.on('error', () => undefined); // a reset by the peer is an answer too
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const closed = new Promise<boolean>((r) => socket.once('close', () => r(true)));
  socket.end(bytes);
  const closedByPeer = await Promise.race([closed, sleep(waitMs).then(() => false)]);
  socket.destroy();
  return { received: Buffer.concat(chunks), closedByPeer };
}

/**
 * A TCP peer that sends a valid OPTIONS head with `Content-Length: 10`, then `totalBytes` more
 * without a single empty line, with backpressure, until the UAS closes the connection.
 */
export async function floodBehindSmallContentLength(target: Target, totalBytes = 10 * 1024 * 1024): Promise<{ written: number; closedByPeer: boolean; received: Buffer }> {
  const socket = net.connect(target.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c) => chunks.push(c));
  let failed = false;
  socket.on('error', () => {
    failed = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let closedByPeer = false;
  const closed = new Promise<void>((r) =>
    socket.once('close', () => {
      closedByPeer = true;
      r();
    }),
  );
  socket.write(request('OPTIONS', target, { headers: ['Content-Type: text/plain'], body: '0123456789' }));
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  let written = 0;
  while (written < totalBytes && !failed && !closedByPeer) {
    const ok = socket.write(chunk);
    written += chunk.length;
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), closed, sleep(2000)]);
  }
  await Promise.race([closed, sleep(3000)]);
  socket.destroy();
  return { written, closedByPeer, received: Buffer.concat(chunks) };
}

/** Opens `count` TCP connections to `port` and sends nothing on them. */
export async function quietConnections(port: number, count: number): Promise<{ open(): number; close(): void }> {
  const sockets: net.Socket[] = [];
  let closed = 0;
  for (let i = 0; i < count; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('close', () => (closed += 1));
    sockets.push(s);
    await new Promise<void>((r) => {
      s.once('connect', () => r());
      s.once('error', () => r());
    });
  }
  return { open: () => count - closed, close: () => sockets.forEach((s) => s.destroy()) };
}

/** The status of the first response to a valid OPTIONS sent over `target`, or undefined after `waitMs`. */
export async function optionsStatus(target: Target, waitMs = 3000): Promise<number | undefined> {
  const msg = request('OPTIONS', target, { headers: ['Accept: application/sdp'] });
  const first = (bufs: Buffer[]) => {
    for (const b of bufs) {
      const m = /^SIP\/2\.0 (\d{3}) /.exec(b.toString('latin1'));
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  if (target.transport === 'UDP') return first(await sendUdp(target.port, [msg], 0, waitMs));
  const socket = net.connect(target.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const status = await new Promise<number | undefined>((resolve) => {
    let text = '';
    const t = setTimeout(() => resolve(undefined), waitMs);
    socket.on('data', (c) => {
      text += c.toString('latin1');
      const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    socket.once('connect', () => socket.write(msg));
  });
  socket.destroy();
  return status;
}

/** Resident set size and its peak (kB) of a live process, from /proc/PID/status (Linux). */
export function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

// ---- `sipcall answer` from the built binary ------------------------------------------------

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
export const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface AnswerProcess {
  proc: ManagedProcess;
  port: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** The JSON lines printed so far (with --json). */
  events(): SipEvent[];
  /** Ctrl-C (its normal stop); resolves with the exit status. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node bin/sipcall.cjs answer --port 0 ARGS`; resolves once it says where it answers. */
export async function spawnAnswer(args: string[]): Promise<AnswerProcess> {
  const proc = spawnManaged(process.execPath, [BIN, 'answer', '--port', '0', ...args], { label: 'sipcall answer', captureStdout: true, parentDeathSignal: 'KILL', cwd: ROOT });
  const deadline = Date.now() + 15_000;
  let port: number | undefined;
  while (port === undefined) {
    const m = /answering on 127\.0\.0\.1:(\d+)/.exec(proc.output());
    if (m) port = Number(m[1]);
    else if (!proc.running() || Date.now() > deadline) throw new Error(`sipcall answer did not start: ${proc.output()}`);
    else await sleep(20);
  }
  const events = () =>
    proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as SipEvent);
  return {
    proc,
    port,
    output: () => proc.output(),
    events,
    async interrupt() {
      signalPeer(proc.pid, 'SIGINT');
      const status = await Promise.race([proc.exited, sleep(10_000).then(() => undefined)]);
      if (status === undefined) {
        await proc.stop(500);
        throw new Error('sipcall answer did not stop within 10 s of Ctrl-C');
      }
      return status;
    },
  };
}
