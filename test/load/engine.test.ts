// The load engine on a manual clock against a scripted UAS in process: exact send times of the
// schedule and of RFC 3261's timers, the messages of each call, and what gets counted.
import { describe, expect, it } from 'vitest';
import type { LoadEngineOptions } from '../../src/load/engine-options.js';
import { LoadEngine } from '../../src/load/engine.js';
import { LoadMetrics } from '../../src/load/metrics.js';
import { ArrivalSchedule } from '../../src/load/schedule.js';
import { answerLikeAUas } from '../../src/load/warm-up.js';
import { ManualClock } from '../support/manual-clock.js';

interface Sent {
  t: number;
  text: string;
}

const URI = 'sip:uas@127.0.0.1:5070';

/** A response to `req` (its Via, From, To, Call-ID, CSeq), with a To tag unless `noTag`. */
function reply(req: string, status: string, extra: string[] = [], o: { noTag?: boolean; branch?: string } = {}): Buffer {
  const lines = req.split('\r\n\r\n')[0]!.split('\r\n').slice(1);
  const pick = (n: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${n.toLowerCase()}:`));
  const via = pick('Via').map((l) => (o.branch ? l.replace(/branch=[^;]+/, `branch=${o.branch}`) : l));
  const to = pick('To').map((l) => (o.noTag || /;tag=/.test(l) ? l : `${l};tag=uas1`));
  return Buffer.from([`SIP/2.0 ${status}`, ...via, ...pick('From'), ...to, ...pick('Call-ID'), ...pick('CSeq'), ...extra, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
}

const method = (text: string): string => text.slice(0, text.indexOf(' '));
const branchOf = (text: string): string => /branch=([^;\r]+)/.exec(text)![1]!;
const header = (text: string, name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'mi').exec(text)?.[1];

function setup(o: Partial<LoadEngineOptions> & { calls?: number; rate?: number; uas?: (text: string, t: number) => Buffer[] }) {
  const clock = new ManualClock(0);
  const metrics = new LoadMetrics();
  const sent: Sent[] = [];
  const rate = o.rate ?? 1000;
  const calls = o.calls ?? 1;
  const schedule = new ArrivalSchedule({ stages: [{ startRate: rate, endRate: rate, durationMs: (calls / rate) * 1000 }], calls });
  const inbox: Array<{ at: number; buf: Buffer }> = [];
  let engine!: LoadEngine;
  engine = new LoadEngine({
    scenario: 'call',
    schedule,
    metrics,
    clock,
    requestUri: URI,
    toUri: URI,
    fromUri: 'sip:load@127.0.0.1',
    contactUri: 'sip:load@127.0.0.1:5060',
    sentBy: '127.0.0.1:5060',
    mediaAddress: '127.0.0.1',
    userAgent: 'test',
    t1: 500,
    t2: 4000,
    holdMs: 0,
    ringTimeoutMs: 60_000,
    expires: 60,
    runId: 'r1',
    ...o,
    send: (buf, off, len) => {
      const text = buf.toString('latin1', off, off + len);
      sent.push({ t: clock.now(), text });
      // Answers arrive 1 ms later (a timer on the manual clock), never inside the send.
      for (const r of o.uas?.(text, clock.now()) ?? []) clock.setTimer(1, () => engine.receive(r, clock.now()));
    },
  });
  void inbox;
  let finished = false;
  void engine.run().then(() => (finished = true));
  return { clock, metrics, sent, engine, done: () => finished };
}

describe('LoadEngine: the schedule', () => {
  it('starts each call at its intended time (1,000 calls/s: 0, 1, 2, 3, 4 ms) and completes each', async () => {
    const { clock, sent, metrics, done } = setup({ calls: 5, uas: (t) => answerLikeAUas(Buffer.from(t, 'latin1')) });
    clock.advanceTo(100);
    await Promise.resolve();
    expect(sent.filter((s) => method(s.text) === 'INVITE').map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
    expect(metrics.completed).toBe(5);
    expect(sent.map((s) => method(s.text)).filter((m) => m !== 'INVITE')).toEqual(['ACK', 'BYE', 'ACK', 'BYE', 'ACK', 'BYE', 'ACK', 'BYE', 'ACK', 'BYE']);
    expect(done()).toBe(true);
    expect(metrics.latency.setup.count).toBe(5);
    expect(metrics.latency.sdd.count).toBe(5);
  });

  it('--max-concurrent: a due call that finds the limit reached is dropped and counted', () => {
    const { clock, metrics } = setup({ calls: 3, maxConcurrent: 2 });
    clock.advanceTo(10);
    expect(metrics.attempted).toBe(2);
    expect(metrics.dropped).toBe(1);
  });

  it('emits one interval per second and a last partial one', () => {
    const events: number[] = [];
    const { clock } = setup({ calls: 3, rate: 1, uas: (t) => answerLikeAUas(Buffer.from(t, 'latin1')), onInterval: (e) => events.push(e.t) });
    clock.advanceTo(5000);
    // the last call starts at 2 s; its 200 at 2.001, the BYE's 200 at 2.002
    expect(events).toEqual([1, 2, 2.002]);
  });
});

describe('LoadEngine: RFC 3261 timers on a silent peer', () => {
  it('INVITE: Timer A sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B ends the call at 32 s as a timeout', () => {
    const { clock, sent, metrics } = setup({});
    clock.advanceTo(40_000);
    expect(sent.map((s) => s.t)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(new Set(sent.map((s) => s.text)).size).toBe(1);
    expect(metrics.timeouts).toBe(1);
    expect(metrics.retransmissions).toEqual({ INVITE: 6 });
    expect(metrics.active).toBe(0);
  });

  it('OPTIONS: Timer E doubles to T2 (11 sends), Timer F at 32 s', () => {
    const { clock, sent, metrics } = setup({ scenario: 'options' });
    clock.advanceTo(40_000);
    expect(sent.map((s) => s.t)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(method(sent[0]!.text)).toBe('OPTIONS');
    expect(metrics.timeouts).toBe(1);
  });

  it('a 180 stops the INVITE retransmissions (Proceeding has no timer)', () => {
    const { clock, sent } = setup({ ringTimeoutMs: 100_000, uas: (t, at) => (at === 0 ? [reply(t, '180 Ringing')] : []) });
    clock.advanceTo(60_000);
    expect(sent.map((s) => s.t)).toEqual([0]);
  });
});

describe('LoadEngine: a call', () => {
  it('200 → ACK (new branch, To tag, Request-URI = Contact, Route = Record-Route reversed); BYE after --hold; BYE 200 completes it', () => {
    const contact = 'Contact: <sip:callee@127.0.0.9:5999;transport=udp>';
    const rr = ['Record-Route: <sip:p2.example;lr>', 'Record-Route: <sip:p1.example;lr>'];
    const { clock, sent, metrics } = setup({
      holdMs: 2000,
      uas: (t) => (method(t) === 'INVITE' ? [reply(t, '180 Ringing'), reply(t, '200 OK', [contact, ...rr])] : method(t) === 'BYE' ? [reply(t, '200 OK')] : []),
    });
    clock.advanceTo(10_000);
    const [invite, ack, bye] = sent;
    expect(sent.map((s) => [method(s.text), s.t])).toEqual([
      ['INVITE', 0],
      ['ACK', 1],
      ['BYE', 2001],
    ]);
    expect(ack!.text.split('\r\n')[0]).toBe('ACK sip:callee@127.0.0.9:5999;transport=udp SIP/2.0');
    expect(branchOf(ack!.text)).not.toBe(branchOf(invite!.text));
    expect(header(ack!.text, 'To')).toBe(`<${URI}>;tag=uas1`);
    expect(header(ack!.text, 'Route')).toBe('<sip:p1.example;lr>, <sip:p2.example;lr>');
    expect(header(ack!.text, 'CSeq')).toBe('1 ACK');
    expect(bye!.text.split('\r\n')[0]).toBe('BYE sip:callee@127.0.0.9:5999;transport=udp SIP/2.0');
    expect(header(bye!.text, 'CSeq')).toBe('2 BYE');
    expect(header(bye!.text, 'Route')).toBe('<sip:p1.example;lr>, <sip:p2.example;lr>');
    expect(header(bye!.text, 'Call-ID')).toBe(header(invite!.text, 'Call-ID'));
    expect(metrics.completed).toBe(1);
    expect(metrics.statuses()).toEqual({ 180: 1, 200: 2 });
    // 180 and 200 came 1 ms after the INVITE (histogram values in ms, 3 significant digits)
    expect(metrics.latency.srd.max).toBeCloseTo(1, 2);
    expect(metrics.latency.setup.max).toBeCloseTo(1, 2);
    expect(metrics.latency.sdd.max).toBeCloseTo(1, 2);
  });

  it('every copy of the 2xx gets the ACK again (§13.2.2.4)', () => {
    let invite = '';
    const { clock, sent, engine } = setup({ holdMs: 5000, uas: (t) => (method(t) === 'INVITE' ? ((invite = t), [reply(t, '200 OK', ['Contact: <sip:c@127.0.0.1>'])]) : []) });
    clock.advanceTo(100);
    engine.receive(reply(invite, '200 OK', ['Contact: <sip:c@127.0.0.1>']), clock.now());
    engine.receive(reply(invite, '200 OK', ['Contact: <sip:c@127.0.0.1>']), clock.now());
    const acks = sent.filter((s) => method(s.text) === 'ACK');
    expect(acks).toHaveLength(3);
    expect(new Set(acks.map((a) => a.text)).size).toBe(1);
  });

  it('486 → the ACK in the transaction (same branch, the response To tag); failed as 4xx, SRD recorded', () => {
    const { clock, sent, metrics } = setup({ uas: (t) => (method(t) === 'INVITE' ? [reply(t, '486 Busy Here')] : []) });
    clock.advanceTo(100);
    const [invite, ack] = sent;
    expect(method(ack!.text)).toBe('ACK');
    expect(ack!.text.split('\r\n')[0]).toBe(`ACK ${URI} SIP/2.0`);
    expect(branchOf(ack!.text)).toBe(branchOf(invite!.text));
    expect(header(ack!.text, 'To')).toBe(`<${URI}>;tag=uas1`);
    expect(metrics.failed).toBe(1);
    expect(metrics.errors).toEqual({ '4xx': 1 });
    expect(metrics.latency.srd.count).toBe(1);
    expect(metrics.latency.setup.count).toBe(0);
  });

  it('ring timeout: CANCEL (same branch, CSeq n CANCEL) once a 1xx came; the 487 is ACKed; the call fails as a timeout', () => {
    const { clock, sent, metrics } = setup({
      ringTimeoutMs: 3000,
      uas: (t) => {
        if (method(t) === 'INVITE') return [reply(t, '180 Ringing')];
        if (method(t) === 'CANCEL') return [reply(t, '200 OK'), reply(sent[0]!.text, '487 Request Terminated')];
        return [];
      },
    });
    clock.advanceTo(10_000);
    expect(sent.map((s) => [method(s.text), s.t])).toEqual([
      ['INVITE', 0],
      ['CANCEL', 3000],
      ['ACK', 3001],
    ]);
    expect(branchOf(sent[1]!.text)).toBe(branchOf(sent[0]!.text));
    expect(header(sent[1]!.text, 'CSeq')).toBe('1 CANCEL');
    expect(header(sent[1]!.text, 'To')).toBe(`<${URI}>`);
    expect(metrics.timeouts).toBe(1);
  });

  it('no CANCEL before a provisional response (§9.1): sent when the 180 comes, after the ring timeout', () => {
    let invite = '';
    const { clock, sent, engine } = setup({ ringTimeoutMs: 1000, uas: (t) => ((invite ||= t), []) });
    clock.advanceTo(2000);
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'INVITE', 'INVITE']);
    engine.receive(reply(invite, '180 Ringing'), clock.now());
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'INVITE', 'INVITE', 'CANCEL']);
  });

  it('407 with credentials: ACK, then the INVITE again with Proxy-Authorization, CSeq 2, a new branch; the 200 completes the call', () => {
    const challenge = 'Proxy-Authenticate: Digest realm="lab", nonce="abc123", qop="auth", algorithm=MD5';
    const { clock, sent, metrics } = setup({
      credentials: { username: 'alice', password: 'secret-pw' },
      uas: (t) => {
        if (method(t) === 'INVITE') return header(t, 'Proxy-Authorization') ? [reply(t, '200 OK', ['Contact: <sip:c@127.0.0.1>'])] : [reply(t, '407 Proxy Authentication Required', [challenge])];
        if (method(t) === 'BYE') return [reply(t, '200 OK')];
        return [];
      },
    });
    clock.advanceTo(100);
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
    const retry = sent[2]!.text;
    expect(header(retry, 'CSeq')).toBe('2 INVITE');
    expect(branchOf(retry)).not.toBe(branchOf(sent[0]!.text));
    expect(header(retry, 'Proxy-Authorization')).toMatch(/^Digest username="alice", realm="lab", nonce="abc123", uri="sip:uas@127\.0\.0\.1:5070", response="[0-9a-f]{32}"/);
    expect(sent.map((s) => s.text).join('')).not.toContain('secret-pw');
    // §13.2.2.4: "The ACK MUST contain the same credentials as the INVITE."
    expect(header(sent[3]!.text, 'Proxy-Authorization')).toBe(header(retry, 'Proxy-Authorization'));
    expect(metrics.completed).toBe(1);
    expect(metrics.latency.srd.count).toBe(1);
  });

  it('a 2xx whose Contact is unusable: ACKed where the INVITE went, no BYE, the call fails', () => {
    const { clock, sent, metrics, engine } = setup({ uas: (t) => (method(t) === 'INVITE' ? [reply(t, '200 OK', ['Contact: <garbage'])] : []) });
    clock.advanceTo(100);
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'ACK']);
    expect(sent[1]!.text.split('\r\n')[0]).toBe(`ACK ${URI} SIP/2.0`);
    expect(metrics.errors).toEqual({ unexpected: 1 });
    expect(engine.counters.badTarget).toBe(1);
  });

  it('a 2xx retransmitted after the call ended is still ACKed, from the response (late); foreign branches are stray', () => {
    let invite = '';
    const contact = ['Contact: <sip:c@127.0.0.1:5099>'];
    // Two calls a second apart: the run is still on when the first call's 200 comes again.
    const { clock, sent, engine } = setup({
      calls: 2,
      rate: 1,
      uas: (t) => (method(t) === 'INVITE' ? ((invite ||= t), [reply(t, '200 OK', contact)]) : method(t) === 'BYE' ? [reply(t, '200 OK')] : []),
    });
    clock.advanceTo(100);
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'ACK', 'BYE']);
    engine.receive(reply(invite, '200 OK', contact), clock.now());
    expect(engine.counters.late).toBe(1);
    const late = sent.at(-1)!.text;
    expect(late.split('\r\n')[0]).toBe('ACK sip:c@127.0.0.1:5099 SIP/2.0');
    expect(header(late, 'CSeq')).toBe('1 ACK');
    engine.receive(reply(invite, '200 OK', contact, { branch: 'z9hG4bKother' }), clock.now());
    engine.receive(Buffer.from('garbage'), clock.now());
    expect(engine.counters.stray).toBe(1);
    expect(engine.counters.unparseable).toBe(1);
  });
});

describe('LoadEngine: a response with two Vias', () => {
  it('is discarded and counted as stray (RFC 3261 §8.1.3.3): the INVITE goes on being retransmitted', () => {
    const { clock, sent, engine, metrics } = setup({});
    clock.advanceTo(10);
    const invite = sent[0]!.text;
    const r = reply(invite, '200 OK', ['Contact: <sip:c@127.0.0.1>']).toString('latin1').replace('\r\nFrom:', '\r\nVia: SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKevil\r\nFrom:');
    engine.receive(Buffer.from(r, 'latin1'), clock.now());
    expect(engine.counters.stray).toBe(1);
    expect(metrics.statuses()).toEqual({});
    clock.advanceTo(600);
    expect(sent.map((s) => method(s.text))).toEqual(['INVITE', 'INVITE']);
  });
});

describe('LoadEngine: transport failures', () => {
  it('refused(): calls that heard nothing fail as transport errors at once; a call that got a 180 goes on', () => {
    let invites = 0;
    const { clock, metrics, engine } = setup({ calls: 3, uas: (t) => (++invites === 1 ? [reply(t, '180 Ringing')] : []) });
    clock.advanceTo(10);
    expect(metrics.attempted).toBe(3);
    engine.refused();
    expect(metrics.errors).toEqual({ transport: 2 });
    expect(metrics.active).toBe(1);
  });
});

describe('LoadEngine: register', () => {
  it('401 → REGISTER again with Authorization; RRD from the intended start to the 200', () => {
    const { clock, sent, metrics } = setup({
      scenario: 'register',
      requestUri: 'sip:127.0.0.1',
      toUri: 'sip:alice@127.0.0.1',
      fromUri: 'sip:alice@127.0.0.1',
      credentials: { username: 'alice', password: 'pw' },
      uas: (t) => (header(t, 'Authorization') ? [reply(t, '200 OK')] : [reply(t, '401 Unauthorized', ['WWW-Authenticate: Digest realm="r", nonce="n1"'])]),
    });
    clock.advanceTo(100);
    expect(sent.map((s) => s.text.split('\r\n')[0])).toEqual(['REGISTER sip:127.0.0.1 SIP/2.0', 'REGISTER sip:127.0.0.1 SIP/2.0']);
    expect(header(sent[0]!.text, 'Expires')).toBe('60');
    expect(metrics.completed).toBe(1);
    expect(metrics.latency.rrd.count).toBe(1);
    // 401 at 1 ms, the second REGISTER's 200 at 2 ms: RRD covers both (RFC 6076 §4.1)
    expect(metrics.latency.rrd.max).toBeCloseTo(2, 2);
  });
});

describe('warmUp', () => {
  it('warms up with three seconds of calls, 2,000 to 30,000', async () => {
    const { warmUpCallsFor } = await import('../../src/load/warm-up.js');
    expect([1, 1000, 5000, 10_000, 50_000].map(warmUpCallsFor)).toEqual([2000, 3000, 15_000, 30_000, 30_000]);
  });

  it('places its calls against the in-process answerer, each one completed, for every scenario', async () => {
    const { warmUp } = await import('../../src/load/warm-up.js');
    for (const scenario of ['call', 'options', 'register'] as const) {
      const r = warmUp(
        { scenario, requestUri: URI, toUri: URI, fromUri: 'sip:w@127.0.0.1', contactUri: 'sip:w@127.0.0.1:5060', sentBy: '127.0.0.1:5060', mediaAddress: '127.0.0.1', userAgent: 'w', t1: 500, t2: 4000, holdMs: 0, ringTimeoutMs: 60_000, expires: 60 },
        500,
      );
      expect(r.completed, scenario).toBe(500);
      expect(r.cpuMs).toBeGreaterThan(0);
    }
  });
});
