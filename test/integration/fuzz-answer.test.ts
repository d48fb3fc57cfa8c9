// Issue 14 §5, the live fuzzer against `sipcall answer` (the built binary, bin/sipcall.cjs, as a
// child process): a few thousand mutated messages over UDP and over TCP (byte flips,
// truncation, 60 KB datagrams, 1,000 Via header fields, lying Content-Length, NUL, non-UTF-8,
// responses where requests belong, stray ACK/CANCEL/BYE; test/support/live-fuzzer.ts), a TCP
// peer that sends 10 MB behind `Content-Length: 10`, 500 TCP connections that open and go
// quiet, and a valid request with garbage behind it in one write (its reply must arrive before
// the connection is ended, with a FIN). With `--idle-timeout`, 1,000 quiet connections that fill
// answer are each closed that long after they opened, and new clients get in. Afterwards
// `answer` is alive, answers a valid OPTIONS with 200 within 1 s, its memory stayed bounded, Ctrl-C ends it with exit 0 (its normal stop), and the bad messages it counts
// are exactly those the project's own framer and parser say it must count. With -v each bad
// message is shown with its parse error.
//
// The messages come from a seeded PRNG: a failure names the seed; replay it with
// LIVE_FUZZ_SEED=<seed> npx vitest run test/integration/fuzz-answer.test.ts
//
// Memory bound: RSS may grow by at most 60 MB over the whole barrage. A run holds every INVITE
// that parsed in a server transaction for up to 32 s (Timer H/L, 64·T1), 1,000 open sockets
// cost Node some kB each, and its heap grows in steps of several MB before it collects: growth
// of 20 MB (UDP) to 35 MB (TCP, with the 1,000 connections) was measured. Buffering what the
// peers sent would show: 1,000 connections each holding a 64 KiB read would be 64 MB. The 10 MB
// flood is held to its own, tighter bound (peak RSS grows < 8 MB while it lasts).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse.js';
import { DEFAULT_LISTEN_MAX_MESSAGE_SIZE, DEFAULT_MAX_CONNECTIONS } from '../../src/transport/connection-limits.js';
import { StreamFramer } from '../../src/transport/stream-framer.js';
import { visible } from '../../src/present/visible.js';
import type { ResultEvent } from '../../src/events/types.js';
import {
  binary,
  classify,
  countsInSummary,
  floodBehindSmallContentLength,
  hostileRequests,
  bytesReadBy,
  memoryOf,
  optionsStatus,
  quietConnections,
  request,
  sendTcpEach,
  sendUdpPaced,
  spawnAnswer,
  sum,
  udpDrops,
  type AnswerProcess,
  type Expected,
  type FuzzMessage,
  type Target,
} from '../support/live-fuzzer.js';

const SEED = process.env['LIVE_FUZZ_SEED'] ? Number(process.env['LIVE_FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);
const WHO = `live fuzzer seed ${SEED} (replay: LIVE_FUZZ_SEED=${SEED})`;
/** `answer --idle-timeout` in the idle test, seconds. */
const IDLE_S = 5;
/** Rounds of the generator: each is 60 byte flips, 20 cuts and the 28 fixed cases. */
const ROUNDS = 20;
const MB = 1024;
/** LIVE_FUZZ_REPORT=1: print the figures measured (RSS, drops, counts, times). */
const report = (what: string, figures: object) => {
  if (process.env['LIVE_FUZZ_REPORT']) console.log(`${what}: ${JSON.stringify(figures)}`);
};

/** ROUNDS rounds of hostile requests, each from its own seed. */
function barrage(target: Target): FuzzMessage[] {
  return Array.from({ length: ROUNDS }, (_, r) => hostileRequests(target, SEED + r, { flips: 60, cuts: 20 })).flat();
}

/** `count` valid OPTIONS (the warm-up, and what `answer` must count beside the bad ones). */
function validOptions(target: Target, count: number): Buffer[] {
  return Array.from({ length: count }, () => request('OPTIONS', target, { headers: ['Accept: application/sdp'] }));
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms (${WHO})`)), ms))]);
}

/** The `result` event `answer --json` printed last. */
function resultOf(a: AnswerProcess): ResultEvent {
  const r = a.events().find((e): e is ResultEvent => e.type === 'result');
  if (!r) throw new Error(`no result event (${WHO}); stdout ends: ${a.stdout().slice(-2000)}; stderr: ${a.stderr()}`);
  return r;
}

/** The counts of the result event's `answer` figures, in the shape `classify` gives. */
function countsInResult(r: ResultEvent): Expected {
  if (!r.answer) throw new Error(`the result event has no answer figures (${WHO})`);
  return { ...r.answer.bad, requests: { ...r.answer.requests } };
}

/** Stops `a` with Ctrl-C: exit 0 within 5 s, nothing on stderr (no stack trace, no warning). */
async function stopCleanly(a: AnswerProcess): Promise<void> {
  const status = await within(a.interrupt(), 5000, 'answer after Ctrl-C');
  expect(status, WHO).toEqual({ code: 0, signal: null });
  expect(a.stderr(), WHO).toBe('');
}

/** Over UDP: `answer`'s counts equal the classifier's, less at most what the kernel dropped. */
function expectCounts(got: Expected, want: Expected, dropped: number): void {
  if (dropped === 0) {
    expect(got, WHO).toEqual(want);
    return;
  }
  // Each datagram the kernel dropped is missing from exactly one count: a documented bound.
  for (const k of ['unparseable', 'unframeable', 'stray'] as const) {
    expect(got[k], `${k}, ${dropped} dropped, ${WHO}`).toBeLessThanOrEqual(want[k]);
    expect(got[k], `${k}, ${dropped} dropped, ${WHO}`).toBeGreaterThanOrEqual(want[k] - dropped);
  }
}

beforeAll(() => {
  binary(); // a private copy of the built binary, or a clear error when there is none
}, 70_000);

const running: AnswerProcess[] = [];
afterAll(() => {
  for (const a of running.splice(0)) a.kill();
});

async function start(args: string[]): Promise<AnswerProcess> {
  const a = await spawnAnswer(args);
  running.push(a);
  return a;
}

describe(`sipcall answer under the live fuzzer (${WHO})`, () => {
  it('UDP: ~2,200 hostile datagrams; then alive, OPTIONS → 200 within 1 s, RSS bounded, Ctrl-C → exit 0, every bad message counted', async () => {
    const a = await start(['--json', '--no-media', '--ring', '0']);
    const target: Target = { port: a.port, transport: 'UDP' };
    const warm = validOptions(target, 100);
    const warmPaced = await sendUdpPaced(target, warm);
    const before = memoryOf(a.pid);
    const drops0 = udpDrops(a.port) ?? 0;

    const msgs = barrage(target);
    expect(msgs.length).toBeGreaterThan(2000);
    const paced = await sendUdpPaced(target, msgs.map((m) => m.bytes));
    const dropped = (udpDrops(a.port) ?? 0) - drops0;
    // The probes (valid OPTIONS) that paced the barrage were each answered.
    expect(paced.unanswered, WHO).toBe(0);

    expect(a.running(), WHO).toBe(true);
    const t0 = Date.now();
    expect(await optionsStatus(target, 1000), WHO).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    const after = memoryOf(a.pid);
    expect(after.rssKb - before.rssKb, `RSS ${before.rssKb} → ${after.rssKb} kB, ${WHO}`).toBeLessThan(60 * MB);

    report('UDP barrage', { seed: SEED, messages: msgs.length, probes: paced.probes, dropped, rssKb: [before.rssKb, after.rssKb], peakKb: after.peakKb });
    await stopCleanly(a);
    const probes = warmPaced.probes + paced.probes + 1; // and the OPTIONS above
    const want = sum([...msgs.map((m) => classify(m.bytes, 'UDP')), ...warm.map((b) => classify(b, 'UDP')), ...validOptions(target, probes).map((b) => classify(b, 'UDP'))]);
    const got = countsInSummary(resultOf(a).summary ?? '');
    // The result event carries the same counts as numbers (answer), for scripts.
    expect(countsInResult(resultOf(a)), WHO).toEqual(got);
    expect(want.unparseable + want.stray).toBeGreaterThan(1000); // the barrage is mostly bad
    expectCounts(got, want, dropped);
    expect(dropped, `datagrams the kernel dropped at answer's socket, ${WHO}`).toBe(0);
  });

  describe('TCP', () => {
    let a: AnswerProcess;
    let target: Target;
    const sent: Expected[] = [];
    let before: { rssKb: number; peakKb: number };

    beforeAll(async () => {
      a = await start(['--json', '--no-media', '--ring', '0', '--transport', 'tcp']);
      target = { port: a.port, transport: 'TCP' };
      const warm = validOptions(target, 100);
      await sendTcpEach(a.port, warm);
      sent.push(...warm.map((b) => classify(b, 'TCP')));
      before = memoryOf(a.pid);
    });

    it('~2,200 hostile messages, each on its own connection then closed: answer closes every connection', async () => {
      const msgs = barrage(target);
      const { notClosedByPeer } = await sendTcpEach(a.port, msgs.map((m) => m.bytes), 8);
      sent.push(...msgs.map((m) => classify(m.bytes, 'TCP')));
      expect(notClosedByPeer, WHO).toBe(0);
      expect(a.running(), WHO).toBe(true);
    });

    it('10 MB behind Content-Length: 10: answer takes the OPTIONS, then ends the connection (FIN) at its 64 KiB message limit, within 2 s, dropping what still comes; RSS peak grows < 8 MB', async () => {
      const peak0 = memoryOf(a.pid).peakKb;
      const read0 = bytesReadBy(a.pid);
      const t0 = Date.now();
      const flood = await floodBehindSmallContentLength(target);
      const ms = Date.now() - t0;
      const read = bytesReadBy(a.pid) - read0;
      report('10 MB flood', { ms, written: flood.written, readByAnswer: read, peakGrowthKb: memoryOf(a.pid).peakKb - peak0 });
      expect(flood.closedByPeer, WHO).toBe(true);
      // tcp-stream.ts: at the framing error answer ends its side with a FIN (RFC 3261 §18.3, after
      // the replies already written) and reads and drops what still comes until the flooder
      // closes too. How much of the flood that is depends on the kernel's buffers (tcp_rmem
      // reaches 32 MB on some hosts) and on scheduling, so neither `written` nor `read` is bounded
      // here; what is bounded is that answer closed first, in time, and kept none of it.
      expect(flood.finFromPeer, WHO).toBe(true);
      expect(ms, WHO).toBeLessThan(2000);
      expect(read, WHO).toBeGreaterThan(DEFAULT_LISTEN_MAX_MESSAGE_SIZE);
      expect(memoryOf(a.pid).peakKb - peak0, WHO).toBeLessThan(8 * MB);
      // What answer must count: the OPTIONS and one stream it cannot frame (MESSAGE_TOO_LARGE).
      const head = request('OPTIONS', target, { headers: ['Content-Type: text/plain'], body: '0123456789' });
      const seen = classify(Buffer.concat([head, Buffer.alloc(2 * DEFAULT_LISTEN_MAX_MESSAGE_SIZE, 0x78)]), 'TCP');
      expect(seen).toEqual({ unparseable: 0, unframeable: 1, stray: 0, requests: { OPTIONS: 1 } });
      sent.push(seen);
    });

    it(`500 connections that open and go quiet: answer still answers OPTIONS within 1 s; they are held (no byte, no limit broken) up to its limit of ${DEFAULT_MAX_CONNECTIONS}, and one over it is closed at once`, async () => {
      const quiet = await quietConnections(a.port, 500);
      try {
        expect(quiet.open(), WHO).toBe(500);
        const t0 = Date.now();
        expect(await optionsStatus(target, 1000), WHO).toBe(200);
        expect(Date.now() - t0).toBeLessThan(1000);
        sent.push(classify(validOptions(target, 1)[0]!, 'TCP'));
        // connection-limits.ts: a connection is closed when it holds an incomplete message
        // 32 s, holds too many bytes, is one over max-connections (1,000), or has been idle for
        // the idle timeout (120 s by default: see the --idle-timeout test below). None of the
        // 500 was closed within this test.
        expect(quiet.open(), WHO).toBe(500);
        expect(a.events().filter((e) => e.type === 'note' && e.code === 'max-connections'), WHO).toEqual([]);
        const more = await quietConnections(a.port, DEFAULT_MAX_CONNECTIONS - 500 + 1);
        try {
          const deadline = Date.now() + 2000;
          while (more.open() > DEFAULT_MAX_CONNECTIONS - 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          expect(quiet.open() + more.open(), WHO).toBe(DEFAULT_MAX_CONNECTIONS);
        } finally {
          more.close();
        }
        await new Promise((r) => setTimeout(r, 200));
        expect(a.events().filter((e) => e.type === 'note' && e.code === 'max-connections').length, WHO).toBe(1);
      } finally {
        quiet.close();
      }
    });

    for (const garbage of [
      { what: 'a line that is not a header', bytes: Buffer.from('Content-Length: banana\r\n\r\n') },
      { what: '4 MB behind a huge Content-Length (many reads left unread when it ends)', bytes: Buffer.concat([Buffer.from('X / SIP/2.0\r\nContent-Length: 99999999\r\n\r\n'), Buffer.alloc(4 * 1024 * 1024, 0x41)]) },
    ]) {
      it(`a valid OPTIONS and garbage in ONE write (${garbage.what}): the 200 arrives, then answer ends the connection with a FIN, not a reset`, async () => {
        const bytes = Buffer.concat([request('OPTIONS', target, { headers: ['Accept: application/sdp'] }), garbage.bytes]);
        const r = await oneWrite(a.port, bytes);
        expect(r.received.toString('latin1'), WHO).toMatch(/^SIP\/2\.0 200 OK\r\n/);
        expect(r.end, WHO).toBe('fin');
        sent.push(classify(bytes, 'TCP'));
      });
    }

    it('afterwards: alive, OPTIONS → 200 within 1 s, RSS grew < 60 MB, Ctrl-C → exit 0; the bad messages counted are those the framer and parser say', async () => {
      expect(a.running(), WHO).toBe(true);
      const t0 = Date.now();
      expect(await optionsStatus(target, 1000), WHO).toBe(200);
      expect(Date.now() - t0).toBeLessThan(1000);
      sent.push(classify(validOptions(target, 1)[0]!, 'TCP'));
      const after = memoryOf(a.pid);
      report('TCP afterwards', { seed: SEED, rssKb: [before.rssKb, after.rssKb], peakKb: after.peakKb, });
      expect(after.rssKb - before.rssKb, `RSS ${before.rssKb} → ${after.rssKb} kB, ${WHO}`).toBeLessThan(60 * MB);
      const t1 = Date.now();
      await stopCleanly(a);
      report('TCP Ctrl-C', { ms: Date.now() - t1, summary: resultOf(a).summary });
      const want = sum(sent);
      expect(want.unparseable + want.unframeable + want.stray).toBeGreaterThan(1000);
      expect(countsInSummary(resultOf(a).summary ?? ''), `${WHO}: ${resultOf(a).summary}`).toEqual(want);
      expect(countsInResult(resultOf(a)), WHO).toEqual(want);
    });
  });

  it(`TCP --idle-timeout ${IDLE_S}: ${DEFAULT_MAX_CONNECTIONS} quiet connections fill answer and shut a new client out; each is closed (FIN) ${IDLE_S} s after it opened, and new clients get in`, async () => {
    const a = await start(['--json', '--no-media', '--ring', '0', '--transport', 'tcp', '--idle-timeout', String(IDLE_S)]);
    const target: Target = { port: a.port, transport: 'TCP' };
    const quiet = await timedQuietConnections(a.port, DEFAULT_MAX_CONNECTIONS);
    const filledIn = Math.max(...quiet.map((q) => q.openedAt)) - Math.min(...quiet.map((q) => q.openedAt));
    report('idle: opened', { count: quiet.length, ms: filledIn });
    // Opening them all took less than the idle timeout: all are open, and one more is shut out.
    expect(filledIn, WHO).toBeLessThan(IDLE_S * 1000 - 500);
    expect(await optionsStatus(target, 300), WHO).toBeUndefined();
    await within(Promise.all(quiet.map((q) => q.closed)), IDLE_S * 1000 + 5000, 'the quiet connections closed by answer');
    const lifetimes = quiet.map((q) => q.closedAt! - q.openedAt);
    report('idle: lifetimes', { min: Math.min(...lifetimes), max: Math.max(...lifetimes) });
    for (const q of quiet) expect(q.end, WHO).toBe('fin');
    expect(Math.min(...lifetimes), WHO).toBeGreaterThanOrEqual(IDLE_S * 1000 - 100);
    expect(Math.max(...lifetimes), WHO).toBeLessThan(IDLE_S * 1000 + 2500);
    const t0 = Date.now();
    expect(await optionsStatus(target, 1000), WHO).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    const notes = a.events().filter((e) => e.type === 'note');
    expect(notes.filter((e) => e.type === 'note' && e.code === 'idle-timeout').length, WHO).toBe(DEFAULT_MAX_CONNECTIONS);
    expect(notes.filter((e) => e.type === 'note' && e.code === 'max-connections').length, WHO).toBe(1);
    await stopCleanly(a);
  });

  describe('with -v, each bad message is shown with its parse error (control bytes escaped)', () => {
    for (const transport of ['UDP', 'TCP'] as const) {
      it(`over ${transport}`, async () => {
        const a = await start(['-v', '--no-media', '--ring', '0', '--transport', transport.toLowerCase()]);
        const target: Target = { port: a.port, transport };
        const msgs = hostileRequests(target, SEED, { flips: 12, cuts: 6 });
        let probes = 0;
        if (transport === 'UDP') probes = (await sendUdpPaced(target, msgs.map((m) => m.bytes), { burst: 8 })).probes;
        else await sendTcpEach(a.port, msgs.map((m) => m.bytes), 4);
        await stopCleanly(a);
        const out = a.stdout();
        // Shown, not obeyed: no raw NUL, ESC or other C0 control but TAB, CR and LF.
        expect(out, WHO).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
        let shown = 0;
        for (const m of msgs) {
          const what = `${m.label} (${WHO})`;
          const messages = transport === 'UDP' ? [m.bytes] : framed(m.bytes);
          for (const one of messages) {
            const r = parseMessage(one);
            if (!r.ok) {
              expect(out, what).toContain(visible(`(${one.length} bytes) ignored: ${r.error.reason} (at byte ${r.error.offset})`));
              shown += 1;
            } else if (r.message.kind === 'response') {
              expect(out, what).toContain(`stray ${r.message.status} ${visible(r.message.reason)} from 127.0.0.1:`);
              shown += 1;
            }
          }
          for (const fragment of transport === 'TCP' ? framingError(m.bytes) : []) expect(out, what).toContain(visible(fragment));
          if (transport === 'TCP' && framingError(m.bytes).length > 0) shown += 1;
        }
        expect(shown).toBeGreaterThan(20);
        const want = sum([...msgs.map((m) => classify(m.bytes, transport)), ...validOptions(target, probes).map((b) => classify(b, transport))]);
        const summary = /answer: stopped by Ctrl-C .*/.exec(out)?.[0] ?? '';
        expect(countsInSummary(summary), WHO).toEqual(want);
      });
    }
  });
});

/** The messages the framer splits a TCP stream into. */
function framed(bytes: Buffer): Buffer[] {
  return new StreamFramer({ maxMessageSize: DEFAULT_LISTEN_MAX_MESSAGE_SIZE }).push(bytes).messages;
}

/** What `answer -v` must say when a stream cannot be framed (or ends mid-message): none if it can. */
function framingError(bytes: Buffer): string[] {
  const framer = new StreamFramer({ maxMessageSize: DEFAULT_LISTEN_MAX_MESSAGE_SIZE });
  const out = framer.push(bytes);
  if (out.error !== undefined) return [`${out.error.code} — ${out.error.message}`];
  if (framer.buffered > 0) return ['CLOSED_MID_MESSAGE — ', `closed the connection in the middle of a message (${framer.buffered} bytes of an unfinished message were discarded)`];
  return [];
}

interface QuietConnection {
  openedAt: number;
  closedAt?: number;
  /** How answer ended it: `fin`, or the error (ECONNRESET: a reset). */
  end?: string;
  closed: Promise<void>;
}

/** Opens `count` TCP connections one after another and sends nothing; each notes when and how it closed. */
async function timedQuietConnections(port: number, count: number): Promise<QuietConnection[]> {
  const out: QuietConnection[] = [];
  for (let i = 0; i < count; i++) {
    const s = net.connect(port, '127.0.0.1');
    const q: QuietConnection = { openedAt: 0, closed: Promise.resolve() };
    q.closed = endOf(s).then((end) => {
      q.end = end;
      q.closedAt = Date.now();
    });
    await new Promise<void>((r) => s.once('connect', () => r()).once('error', () => r()));
    q.openedAt = Date.now();
    out.push(q);
  }
  return out;
}

/** Resolves when `s` closes: `fin` when the peer ended it cleanly, else the error code (an RST is ECONNRESET, which Node may report after 'end'). */
function endOf(s: net.Socket): Promise<string> {
  let error: string | undefined;
  let fin = false;
  s.on('error', (e: Error & { code?: string }) => (error ??= e.code ?? 'error'));
  s.once('end', () => (fin = true));
  return new Promise((r) => s.once('close', () => r(error ?? (fin ? 'fin' : 'closed'))));
}

/** One connection, one write of `bytes` (no half-close): what came back, and how answer ended it (within 5 s). */
async function oneWrite(port: number, bytes: Buffer): Promise<{ received: Buffer; end: string }> {
  const s = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  s.on('data', (c) => chunks.push(c));
  const ended = endOf(s);
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.write(bytes);
  const end = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('still open after 5 s'), 5000))]);
  s.destroy();
  return { received: Buffer.concat(chunks), end };
}
