// `sipcall answer` in process: Ctrl-C (its normal stop) and --duration both end it with exit 0
// and a summary of what it served; what it keeps of its events stays bounded.
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { AnswerTally } from '../../src/cli/answer-summary.js';
import { run } from '../../src/cli/main.js';
import { allEvents, verdictEvents } from '../../src/cli/run-events.js';
import type { SipEvent } from '../../src/events/types.js';
import { fakeIo, type FakeIo } from '../support/fake-io.js';

const received = (method: string, retransmission = false, t = 0): SipEvent => ({
  type: 'request.received',
  t,
  method,
  uri: 'sip:a@127.0.0.1',
  from: '127.0.0.1:5062',
  transport: 'UDP',
  callId: 'c',
  cseq: `1 ${method}`,
  branch: 'z9hG4bK1',
  bytes: 300,
  retransmission,
});
const wire = (t: number): SipEvent => ({ type: 'wire', t, direction: 'in', transport: 'UDP', peer: '127.0.0.1:5062', text: 'OPTIONS sip:a SIP/2.0\r\n\r\n' });
const note = (t: number): SipEvent => ({ type: 'note', t, level: 'warn', text: `note ${t}` });

describe('AnswerTally', () => {
  it('counts first copies by method, in the Allow order, then others by name', () => {
    const tally = new AnswerTally();
    for (const m of ['OPTIONS', 'BYE', 'INVITE', 'OPTIONS', 'SUBSCRIBE', 'ACK', 'PUBLISH']) tally.add(received(m));
    tally.add(received('INVITE', true)); // a re-sent INVITE (RFC 3261 §17.2.1) is not a new request
    tally.add(wire(1));
    expect([...tally.requests]).toEqual([['OPTIONS', 2], ['BYE', 1], ['INVITE', 1], ['SUBSCRIBE', 1], ['ACK', 1], ['PUBLISH', 1]]);
    expect(tally.summary('by Ctrl-C', 12_345, { calls: 3, withMedia: 2 })).toBe(
      'answer: stopped by Ctrl-C after 12.3 s; served 3 calls (2 with media); requests: 1 INVITE, 1 ACK, 1 BYE, 2 OPTIONS, 1 PUBLISH, 1 SUBSCRIBE',
    );
  });

  it('says so when nothing came', () => {
    expect(new AnswerTally().summary('by --duration', 2000, { calls: 0, withMedia: 0 })).toBe('answer: stopped by --duration after 2.0 s; served no calls; no requests');
    const one = new AnswerTally();
    one.add(received('INVITE'));
    expect(one.summary('by Ctrl-C', 100, { calls: 1, withMedia: 1 })).toBe('answer: stopped by Ctrl-C after 0.1 s; served 1 call (1 with media); requests: 1 INVITE');
  });
});

describe('what a run keeps of its events', () => {
  it('allEvents: every event (invite, options, register: unchanged)', () => {
    const kept = allEvents();
    const events = [wire(0), received('OPTIONS'), note(1)];
    for (const e of events) kept.add(e);
    expect(kept.list()).toEqual(events);
  });

  it('verdictEvents: only the kinds a verdict reads, the last N, oldest first', () => {
    const kept = verdictEvents(3);
    for (let t = 0; t < 10; t++) {
      kept.add(wire(t));
      kept.add(received('OPTIONS', false, t));
      kept.add(note(t));
    }
    expect(kept.list().map((e) => [e.type, e.t])).toEqual([['note', 7], ['note', 8], ['note', 9]]);
    const few = verdictEvents(3);
    few.add(note(0));
    few.add(wire(1));
    expect(few.list()).toEqual([note(0)]);
  });
});

/** Starts `answer --json` in process; resolves with its io, its exit and its UDP port. */
async function startAnswer(extra: string[]): Promise<{ io: FakeIo; done: Promise<number>; port: number }> {
  const io = fakeIo();
  const done = run(['answer', '--port', '0', '--json', '--no-media', '--ring', '0', ...extra], io);
  for (let i = 0; i < 500; i++) {
    const m = /answering on 127\.0\.0\.1:(\d+)/.exec(io.out.text);
    if (m) return { io, done, port: Number(m[1]) };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`answer did not start: ${io.out.text}${io.err.text}`);
}

/** Sends each request over UDP and waits for its final response. */
async function ask(port: number, methods: string[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    for (const [i, method] of methods.entries()) {
      const answered = new Promise<void>((r) => s.once('message', () => r()));
      s.send(
        `${method} sip:answer@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${s.address().port};branch=z9hG4bKstop${i}${method};rport\r\n` +
          `From: <sip:t@127.0.0.1>;tag=t${i}\r\nTo: <sip:answer@127.0.0.1>\r\nCall-ID: stop-${i}@127.0.0.1\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
        port,
        '127.0.0.1',
      );
      await answered;
    }
  } finally {
    s.close();
  }
}

function result(io: FakeIo): Extract<SipEvent, { type: 'result' }> {
  const last = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as SipEvent).at(-1)!;
  if (last.type !== 'result') throw new Error(`the last line is not the result: ${JSON.stringify(last)}`);
  return last;
}

describe('sipcall answer: how it stops', () => {
  it('Ctrl-C is its normal stop: exit 0, outcome success, the summary of what it served, no verdict', async () => {
    const { io, done, port } = await startAnswer([]);
    await ask(port, ['OPTIONS', 'OPTIONS', 'MESSAGE', 'BYE']);
    io.interrupt();
    expect(await done).toBe(0);
    const r = result(io);
    expect(r).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(r.summary).toMatch(/^answer: stopped by Ctrl-C after \d+\.\d s; served no calls; requests: 1 BYE, 2 OPTIONS, 1 MESSAGE$/);
    expect(r.verdict).toBeUndefined();
    expect(io.err.text).toBe('');
  });

  it('--duration: exit 0 with the same summary', async () => {
    const { io, done } = await startAnswer(['--duration', '0.2']);
    expect(await done).toBe(0);
    expect(result(io).summary).toMatch(/^answer: stopped by --duration after 0\.\d s; served no calls; no requests$/);
  });
});
