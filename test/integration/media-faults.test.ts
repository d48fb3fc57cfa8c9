/**
 * sipcall's own UAS as a fault injector (`answer --fault`, docs/media.md), called by
 * `sipcall invite`: both are the built binary, on loopback. Loss and jitter are compared with
 * what the injector reports it did (its own RFC 3550 A.8 estimate over the delays it applied);
 * each media verdict is provoked and must be named within 3 s of the answer (--duration 3).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MediaSummary, ResultEvent, SipEvent } from '../../src/events/types.js';
import { freePort } from '../support/peers/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));

interface Run {
  code: number | null;
  events: SipEvent[];
  stderr: string;
}

function sipcall(args: string[], limitMs = 30_000): { done: Promise<Run>; kill(sig: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as SipEvent);
      resolve({ code, events, stderr: err });
    });
  });
  return { done, kill: (sig) => child.kill(sig) };
}

const result = (r: Run): ResultEvent => r.events.find((e): e is ResultEvent => e.type === 'result')!;

/** Starts `answer` with faults, calls it for `holdS`, returns both sides. */
async function call(answerArgs: string[], holdS: number, inviteArgs: string[] = []): Promise<{ caller: Run; callee: Run }> {
  const port = await freePort();
  const uas = sipcall(['answer', '--port', String(port), '--ring', '50', '--json', '--duration', String(holdS + 2), ...answerArgs]);
  await new Promise((r) => setTimeout(r, 400));
  const caller = await sipcall(['invite', `sip:x@127.0.0.1:${port}`, '--duration', String(holdS), '--json', ...inviteArgs]).done;
  // The callee's stream ended with the BYE; Ctrl-C ends `answer` (its normal stop).
  await new Promise((r) => setTimeout(r, 200));
  uas.kill('SIGINT');
  const callee = await uas.done;
  return { caller, callee };
}

function injected(callee: Run): NonNullable<MediaSummary['injected']> {
  const stopped = callee.events.find((e) => e.type === 'media.stopped');
  expect(stopped, 'the callee ended its stream').toBeDefined();
  return (stopped as Extract<SipEvent, { type: 'media.stopped' }>).summary.injected!;
}

describe('answer --fault: the caller measures what was injected', () => {
  // `retry: 2` on the two jitter tests only. The receiver stamps each packet's arrival in JS
  // when the socket event runs, so on a loaded machine the event-loop lateness of the
  // receiving process adds delay noise the injector never applied, and the ±10 % target does
  // not budget for it (one CI run measured +13.9 %). That noise is independent from one run to
  // the next; a systematic error (a wrong RFC 3550 A.8 estimator, a unit or clock-rate slip,
  // the truth computed over other packets) is off the same way on every run, so all three
  // attempts miss and the test still fails. The tolerance stays ±10 %.
  it('5 % loss and 10 ms jitter: loss within ±0.5 points, jitter within ±10 % of the injected truth', { retry: 2, timeout: 40_000 }, async () => {
    const { caller, callee } = await call(['--fault', 'drop=5%,jitter=10ms'], 10);
    expect(caller.code).toBe(0);
    const m = result(caller).media!;
    const truth = injected(callee);
    expect(truth.dropPct).toBeGreaterThan(2);
    expect(Math.abs(m.received.lossPct - truth.dropPct)).toBeLessThanOrEqual(0.5);
    expect(truth.jitterMs).toBeGreaterThan(5);
    expect(Math.abs(m.received.jitterMs - truth.jitterMs) / truth.jitterMs).toBeLessThanOrEqual(0.1);
  });

  it('30 ms jitter (packets reorder): jitter within ±10 % of the injected truth', { retry: 2, timeout: 40_000 }, async () => {
    const { caller, callee } = await call(['--fault', 'jitter=30ms'], 8);
    const m = result(caller).media!;
    const truth = injected(callee);
    expect(m.received.reordered).toBeGreaterThan(0);
    expect(Math.abs(m.received.jitterMs - truth.jitterMs) / truth.jitterMs).toBeLessThanOrEqual(0.1);
  });
});

describe('answer --fault: each media verdict, named within 3 s of the answer', () => {
  const cases: Array<{ faults: string[]; id: string; text?: RegExp }> = [
    { faults: ['--fault', 'no-rtp'], id: 'one-way-audio|no-rtp-received' },
    { faults: ['--fault', 'pt=8'], id: 'payload-type-not-negotiated', text: /payload type 8/ },
    { faults: ['--fault', 'from-other-port'], id: 'rtp-from-unexpected-address', text: /another port/ },
    { faults: ['--fault', 'sdp-port=9'], id: 'rtp-port-unreachable', text: /127\.0\.0\.1:9\b/ },
    { faults: ['--fault', 'sdp-address=127.0.0.2'], id: 'rtp-port-unreachable', text: /127\.0\.0\.2/ },
    { faults: ['--play', 'silence'], id: 'silent-audio' },
  ];
  for (const c of cases) {
    it(`${c.faults.join(' ')} → exit 6, ${c.id}`, async () => {
      const { caller } = await call(c.faults, 3);
      const r = result(caller);
      expect(caller.code, caller.stderr).toBe(6);
      expect(r.outcome).toBe('media-failure');
      expect(r.verdict?.id).toMatch(new RegExp(`^(${c.id})$`));
      if (c.text) expect(r.verdict!.text).toMatch(c.text);
      expect(r.verdict!.evidence.length).toBeGreaterThan(0);
      expect(r.durationMs).toBeLessThan(4000);
    }, 30_000);
  }

  it('stop-after=1s → media-timeout (a gap mid-call)', async () => {
    const { caller } = await call(['--fault', 'stop-after=1s'], 4);
    expect(caller.code).toBe(6);
    expect(result(caller).verdict?.id).toBe('media-timeout');
  }, 30_000);

  it('a clean call: exit 0, audio both ways, no verdict, the peer RTCP seen', async () => {
    const { caller, callee } = await call([], 4);
    expect(caller.code).toBe(0);
    const r = result(caller);
    expect(r.verdict).toBeUndefined();
    expect(r.media!.received.packets).toBeGreaterThan(190);
    expect(r.media!.received.lost).toBe(0);
    expect(r.media!.peer?.reports ?? 0).toBeGreaterThan(0);
    const calleeStopped = callee.events.find((e) => e.type === 'media.stopped') as Extract<SipEvent, { type: 'media.stopped' }>;
    expect(calleeStopped.summary.received.packets).toBeGreaterThan(190);
  }, 30_000);
});
