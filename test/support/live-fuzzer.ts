// A live fuzzer for tests on loopback (issue 14 §5): mutated SIP messages (byte flips,
// truncation, 60 KB datagrams, 1,000 Via headers, lying Content-Length, NUL, non-UTF-8,
// responses where requests belong, stray ACK/CANCEL/BYE) sent at a UAS over UDP or TCP; a TCP
// peer that sends 10 MB behind a small Content-Length; one that opens many connections and goes
// quiet; hostile responses for a UAC (served by hostile-peer/); the RSS of a child
// process and the kernel's drop count of a UDP socket; and sipcall spawned from a private copy
// of the built binary. Messages are plain bytes, not a SIP stack, on purpose. Each message is
// also classified the way the UAS must see it (with the project's own framer and parser), so a
// test can compare what it sent with what the UAS counted. Used by
// test/integration/fuzz-answer.test.ts and fuzz-uac.test.ts.
import dgram from 'node:dgram';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SipEvent } from '../../src/events/types.js';
import { reply, type WireMessage } from './hostile-peer/index.js';
import { parseMessage } from '../../src/sip/parse.js';
import { DEFAULT_LISTEN_MAX_MESSAGE_SIZE } from '../../src/transport/connection-limits.js';
import { StreamFramer } from '../../src/transport/stream-framer.js';
import { prng } from './prng.js';

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

/** One hostile answer to a UAC's request: the bytes, built from the request received. */
export interface HostileResponse {
  label: string;
  make(req: WireMessage): Buffer;
  /**
   * Over a stream it leaves the framer stuck (a message that never ends) or failed (no or bad
   * Content-Length, too large): nothing after it on that connection is ever read.
   */
  breaksStream: boolean;
  /** Only over UDP (a 60 KB datagram) or only over TCP (a 10 MB body). */
  only?: 'UDP' | 'TCP';
}

/** `text` with `from` replaced by `to`, as bytes one to one (latin1). */
function swap(bytes: Buffer, from: string | RegExp, to: string): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(from, to), 'latin1');
}

/**
 * The hostile responses a UAC must survive (issue 14 §5): truncated, byte-flipped, a garbage
 * status line, 1,000 Via header fields, a lying Content-Length, NUL, non-UTF-8, a request where
 * a response belongs, a 60 KB datagram, a 10 MB body over TCP. Each is built for the request it
 * answers (its Via, Call-ID, CSeq), so that only what is wrong with it is wrong.
 */
export function hostileResponses(seed: number): HostileResponse[] {
  const rnd = prng(seed);
  const ok = (req: WireMessage, o: Parameters<typeof reply>[3] = {}) => reply(req, 200, 'OK', o);
  const cut = 0.2 + rnd() * 0.6;
  const flips = 1 + Math.floor(rnd() * 4);
  const flipSeed = Math.floor(rnd() * 2 ** 31);
  const random = Buffer.from(Array.from({ length: 300 }, () => Math.floor(rnd() * 256)));
  return [
    { label: 'truncated 200', make: (r) => ok(r).subarray(0, Math.floor(ok(r).length * cut)), breaksStream: true },
    { label: 'byte-flipped 200', make: (r) => flip(ok(r), flips, prng(flipSeed)), breaksStream: true },
    { label: 'garbage status line: SIP/2.0 2x0 OK', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'SIP/2.0 2x0 OK'), breaksStream: false },
    { label: 'garbage status line: HTTP/1.1 200 OK', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'HTTP/1.1 200 OK'), breaksStream: false },
    { label: 'garbage status line: status 099', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'SIP/2.0 099 Low'), breaksStream: false },
    { label: 'random bytes', make: () => random, breaksStream: true },
    { label: '1,000 Via header fields', make: (r) => ok(r, { via: [...r.all('via'), ...Array.from({ length: 999 }, (_, i) => `SIP/2.0/UDP 192.0.2.${i % 250}:5060;branch=z9hG4bKhop${i}`)] }), breaksStream: false },
    { label: 'Content-Length larger than the body', make: (r) => swap(ok(r, { body: 'short' }), 'Content-Length: 5', 'Content-Length: 500'), breaksStream: true },
    { label: 'Content-Length not a number', make: (r) => swap(ok(r), 'Content-Length: 0', 'Content-Length: ten'), breaksStream: true },
    { label: 'NUL in the reason phrase', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'SIP/2.0 200 O\u0000K'), breaksStream: false },
    { label: 'NUL in a header value', make: (r) => ok(r, { headers: ['Server: a\u0000b'] }), breaksStream: false },
    { label: 'ESC sequence in the reason phrase', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'SIP/2.0 200 \x1b[2J\x1b]0;pwned\x07OK'), breaksStream: false },
    { label: 'non-UTF-8 in the reason phrase', make: (r) => swap(ok(r), 'SIP/2.0 200 OK', 'SIP/2.0 200 \xff\xfe\xc0\x80'), breaksStream: false },
    { label: 'non-UTF-8 in the To display name', make: (r) => swap(ok(r), /\r\nTo: /, '\r\nTo: "\xc3\x28" '), breaksStream: false },
    { label: 'request where a response belongs', make: (r) => request('OPTIONS', { port: 5060, transport: /SIP\/2\.0\/TCP/i.test(r.get('via') ?? '') ? 'TCP' : 'UDP' }), breaksStream: false },
    { label: 'response to another transaction', make: (r) => ok(r, { via: [(r.get('via') ?? '').replace(/branch=[^;]*/, 'branch=z9hG4bKnotyours')] }), breaksStream: false },
    { label: '60 KB datagram: a 200 with a 60,000-byte body', make: (r) => ok(r, { headers: ['Content-Type: text/plain'], body: Buffer.alloc(60_000, 0x61) }), breaksStream: false, only: 'UDP' },
    { label: '10 MB body over TCP', make: (r) => ok(r, { headers: ['Content-Type: text/plain'], body: Buffer.alloc(10 * 1024 * 1024, 0x61) }), breaksStream: true, only: 'TCP' },
  ];
}

/** What a UAS must count for the bytes of one datagram, or of one connection's whole stream. */
export interface Expected {
  unparseable: number;
  unframeable: number;
  stray: number;
  /** Requests that parsed, by method (what `answer` lists after `requests:`). */
  requests: Record<string, number>;
}

const none = (): Expected => ({ unparseable: 0, unframeable: 0, stray: 0, requests: {} });

/**
 * How the UAS sees `bytes` (one datagram, or everything sent on one TCP connection before the
 * sender closes it): the project's own framer (64 KiB, as `answer` listens) and parser.
 */
export function classify(bytes: Buffer, transport: 'UDP' | 'TCP'): Expected {
  const e = none();
  const one = (msg: Buffer) => {
    const r = parseMessage(msg);
    if (!r.ok) e.unparseable += 1;
    else if (r.message.kind === 'response') e.stray += 1;
    else e.requests[r.message.method] = (e.requests[r.message.method] ?? 0) + 1;
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
  const total = none();
  for (const x of list) {
    total.unparseable += x.unparseable;
    total.unframeable += x.unframeable;
    total.stray += x.stray;
    for (const [m, n] of Object.entries(x.requests)) total.requests[m] = (total.requests[m] ?? 0) + n;
  }
  return total;
}

/**
 * The counts in the summary `answer` prints when it stops (src/cli/answer-summary.ts):
 * `…; requests: 3 INVITE, 1 ACK; bad messages: 4 unparseable, 1 unframeable, 2 stray responses`.
 */
export function countsInSummary(summary: string): Expected {
  const e = none();
  const requests = /; requests: ([^;]*)/.exec(summary)?.[1];
  for (const part of requests ? requests.split(', ') : []) {
    const m = /^(\d+) (.+)$/.exec(part);
    if (m) e.requests[m[2]!] = Number(m[1]);
  }
  const bad = /; bad messages: (.*)$/.exec(summary)?.[1] ?? '';
  e.unparseable = Number(/(\d+) unparseable/.exec(bad)?.[1] ?? 0);
  e.unframeable = Number(/(\d+) unframeable/.exec(bad)?.[1] ?? 0);
  e.stray = Number(/(\d+) stray response/.exec(bad)?.[1] ?? 0);
  return e;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Sends each message as one datagram from one socket, paced by the UAS itself so that none is
 * lost on loopback however slow it runs: after every `burst` datagrams (and after each one over
 * 8 KB: a 60 KB datagram takes a quarter of Linux's default 208 KiB receive buffer) a valid
 * OPTIONS goes out and the next burst waits for its 200 (a UAS reads one socket in order, so
 * by then it has read all sent before), or `probeWaitMs`. Resolves with the number of probes
 * sent (valid OPTIONS the UAS also counts) and how many got no answer in time.
 */
export async function sendUdpPaced(target: Target, messages: readonly Buffer[], o: { burst?: number; probeWaitMs?: number } = {}): Promise<{ probes: number; unanswered: number }> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  const waiting = new Map<string, () => void>();
  socket.on('message', (m) => {
    const callId = /\r\nCall-ID: *([^\r]*)/i.exec(m.toString('latin1'))?.[1];
    if (callId !== undefined) waiting.get(callId.replace(/@fuzz$/, ""))?.();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const burst = o.burst ?? 32;
  let probes = 0;
  let unanswered = 0;
  const probe = async () => {
    const callId = id('probe-');
    const answered = new Promise<boolean>((r) => {
      waiting.set(callId, () => r(true));
      setTimeout(() => r(false), o.probeWaitMs ?? 1000);
    });
    socket.send(request('OPTIONS', target, { callId }), target.port, '127.0.0.1');
    probes += 1;
    if (!(await answered)) unanswered += 1;
    waiting.delete(callId);
  };
  let inBurst = 0;
  for (const m of messages) {
    await new Promise<void>((r) => socket.send(m, target.port, '127.0.0.1', () => r()));
    inBurst += 1;
    if (m.length > 8192 || inBurst >= burst) {
      inBurst = 0;
      await probe();
    }
  }
  await probe();
  await new Promise<void>((r) => socket.close(() => r()));
  return { probes, unanswered };
}

/** `sendTcp` for each message (one connection each), `parallel` connections at a time. */
export async function sendTcpEach(port: number, messages: readonly Buffer[], parallel = 8, waitMs = 3000): Promise<{ notClosedByPeer: number }> {
  let next = 0;
  let notClosedByPeer = 0;
  const worker = async () => {
    while (next < messages.length) {
      const m = messages[next++]!;
      const r = await sendTcp(port, m, waitMs);
      if (!r.closedByPeer) notClosedByPeer += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { notClosedByPeer };
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
export async function floodBehindSmallContentLength(target: Target, totalBytes = 10 * 1024 * 1024): Promise<{ written: number; closedByPeer: boolean; finFromPeer: boolean; received: Buffer }> {
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
  /** The peer ended its side with a FIN (not a reset) before the connection closed. */
  let finFromPeer = false;
  socket.once('end', () => (finFromPeer = true));
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
    // Yield every chunk so that the peer's reset is seen: on loopback the kernel may take every
    // write at once (tcp_rmem can reach tens of MB), and a loop that never yields writes it all.
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), closed, sleep(2000)]);
    else await new Promise((r) => setImmediate(r));
  }
  await Promise.race([closed, sleep(3000)]);
  socket.destroy();
  return { written, closedByPeer, finFromPeer, received: Buffer.concat(chunks) };
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
  let text = '';
  let done: (status: number | undefined) => void = () => undefined;
  const status = new Promise<number | undefined>((resolve) => (done = resolve));
  const timer = setTimeout(() => done(undefined), waitMs);
  const take = (c: Buffer) => {
    text += c.toString('latin1');
    const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
    if (m) done(Number(m[1]));
    else if (target.transport === 'UDP') text = '';
  };
  let close: () => void;
  if (target.transport === 'UDP') {
    const socket = dgram.createSocket('udp4');
    socket.on('message', take);
    socket.on('error', () => undefined);
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    socket.send(msg, target.port, '127.0.0.1');
    close = () => socket.close();
  } else {
    const socket = net.connect(target.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('data', take);
    socket.once('connect', () => socket.write(msg));
    close = () => socket.destroy();
  }
  const result = await status;
  clearTimeout(timer);
  close();
  return result;
}

/** Resident set size and its peak (kB) of a live process, from /proc/PID/status (Linux). */
export function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

/**
 * Bytes a live process has read through read-like system calls (sockets, pipes and files
 * alike), the `rchar` line of /proc/PID/io (Linux). The difference over a span in which the
 * process reads nothing else is what it took from one peer.
 */
export function bytesReadBy(pid: number): number {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  return Number(/^rchar:\s+(\d+)/m.exec(text)?.[1] ?? NaN);
}

/**
 * Datagrams the kernel dropped at the UDP socket bound to `port` on 127.0.0.1 (its receive
 * buffer was full), from the `drops` column of /proc/net/udp (Linux); undefined when no such
 * socket is listed. Unlike RcvbufErrors in /proc/net/snmp, it is this socket's own count.
 */
export function udpDrops(port: number): number | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local) return Number(f[f.length - 1]);
  }
  return undefined;
}

// ---- `sipcall answer` from the built binary ------------------------------------------------

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
export const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface SipcallProcess {
  readonly pid: number;
  /** Resolves with the exit status once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Everything written to stdout so far (kept whole: the tests bound what they make it print). */
  stdout(): string;
  stderr(): string;
  /** The JSON lines on stdout so far (with --json). */
  events(): SipEvent[];
  /** The highest VmHWM (peak RSS, kB) seen while it ran, sampled every 10 ms (Linux). */
  peakKb(): number;
  /** SIGKILL (cleanup only). */
  kill(): void;
}

const children = new Set<ChildProcess>();
let snapshot: string | undefined;
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  if (snapshot) rmSync(path.dirname(path.dirname(snapshot)), { recursive: true, force: true });
});

/**
 * A private copy of the built binary (bin/sipcall.cjs and the one-file bundle dist/cli.cjs it
 * requires), taken once: other work may rebuild dist/ while a test runs, and a build empties
 * it first. Retried for up to 60 s while dist/cli.cjs is missing or does not load.
 */
export function binary(): string {
  if (snapshot) return snapshot;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-fuzz-'));
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'dist'));
  const bin = path.join(dir, 'bin', 'sipcall.cjs');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      copyFileSync(BIN, bin);
      copyFileSync(BUILT, path.join(dir, 'dist', 'cli.cjs'));
      if (spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).status === 0) return (snapshot = bin);
    } catch {
      // being rebuilt: try again
    }
    if (Date.now() > deadline || !existsSync(path.dirname(BUILT))) throw new Error('the built binary (dist/cli.cjs) did not load: run `npm run build` first');
    spawnSync('sleep', ['0.5']);
  }
}

/** `node bin/sipcall.cjs ARGS`, stdout and stderr kept apart; killed when this process exits. */
export function spawnSipcall(args: readonly string[]): SipcallProcess {
  const child = spawn(process.execPath, [binary(), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  children.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  let alive = true;
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, memoryOf(child.pid!).peakKb || 0);
    } catch {
      // gone
    }
  }, 10);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      clearInterval(sample);
      alive = false;
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const stdout = () => Buffer.concat(out).toString('utf8');
  return {
    pid: child.pid!,
    exited,
    running: () => alive,
    stdout,
    stderr: () => Buffer.concat(err).toString('utf8'),
    peakKb: () => peakKb,
    events: () =>
      stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as SipEvent),
    kill: () => {
      if (alive) child.kill('SIGKILL');
    },
  };
}

export interface AnswerProcess extends SipcallProcess {
  port: number;
  /** Ctrl-C (its normal stop); resolves with the exit status, or throws after 10 s. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sipcall answer --port 0 ARGS`; resolves once it says where it answers. */
export async function spawnAnswer(args: readonly string[]): Promise<AnswerProcess> {
  const proc = spawnSipcall(['answer', '--port', '0', ...args]);
  const deadline = Date.now() + 15_000;
  let port: number | undefined;
  while (port === undefined) {
    const m = /answering on 127\.0\.0\.1:(\d+)/.exec(proc.stdout());
    if (m) port = Number(m[1]);
    else if (!proc.running() || Date.now() > deadline) {
      proc.kill();
      throw new Error(`sipcall answer did not start: ${proc.stdout()}${proc.stderr()}`);
    }
    else await sleep(20);
  }
  return {
    ...proc,
    port,
    async interrupt() {
      process.kill(proc.pid, 'SIGINT');
      const status = await Promise.race([proc.exited, sleep(10_000).then(() => undefined)]);
      if (status === undefined) {
        proc.kill();
        throw new Error('sipcall answer did not stop within 10 s of Ctrl-C');
      }
      return status;
    },
  };
}
