/**
 * JIT warm-up for `sipcall load` (docs/load.md, "Engine"): before the run's t0, a throw-away
 * engine places calls against an in-process answerer (no socket, no network, its own clock and
 * metrics), so that V8 has compiled the engine's hot paths before the first real call.
 *
 * Why: measured here at 10,000 calls/s against SIPp, the first second ran on V8's interpreter
 * and baseline code at ~100 % of a core, fell ~40 ms behind, and the kernel dropped 1,300–5,100
 * responses at our socket (RcvbufErrors; the 4 MiB buffer holds ~100 ms of them); the calls whose
 * 200 was lost then waited in Proceeding for the ring timeout. Starting at 3,000 calls/s for 2 s
 * first, the same run dropped nothing. Nothing of the warm-up reaches the wire or the results.
 */
import type { Clock, TimerHandle } from '../clock/clock.js';
import { LoadEngine } from './engine.js';
import type { LoadEngineOptions } from './engine-options.js';
import { LoadMetrics } from './metrics.js';
import { ArrivalSchedule } from './schedule.js';

/** Calls of the warm-up at most (about 1 s of CPU here). */
export const WARM_UP_CALLS = 30_000;

/**
 * How many calls to warm up with for a run at `rate` calls/s: three seconds' worth, at least
 * 2,000 and at most {@link WARM_UP_CALLS}. Measured at 10,000 calls/s: 10,000 warm-up calls left
 * a p99 of 137 / 78 ms in the first two seconds, 30,000 left 80 / 42 ms (then 3–4 ms either way).
 */
export function warmUpCallsFor(rate: number): number {
  return Math.max(2000, Math.min(WARM_UP_CALLS, Math.round(3 * rate)));
}

/** A clock that moves only when told (the warm-up steps it). */
class StepClock implements Clock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void } | undefined> = [];
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(handle: TimerHandle): void {
    const i = this.timers.indexOf(handle as { at: number; fn: () => void });
    if (i >= 0) this.timers[i] = undefined;
  }
  fireDue(): void {
    const due = this.timers.filter((x) => x !== undefined && x.at <= this.t);
    this.timers = this.timers.filter((x) => x !== undefined && x.at > this.t);
    for (const x of due) x!.fn();
  }
}

let serial = 0;

/**
 * What a plain UAS (SIPp's `-sn uas`) answers to one request, built by copying its header lines:
 * INVITE → 100, 180, 200 with a To tag and a Contact; ACK → nothing; anything else → 200.
 */
export function answerLikeAUas(request: Buffer): Buffer[] {
  const text = request.toString('latin1');
  const method = text.slice(0, text.indexOf(' '));
  if (method === 'ACK') return [];
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const lines = head.split('\r\n').slice(1);
  const pick = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const via = pick('Via').map((l) => `${l};received=127.0.0.1`);
  const tag = `w${(serial++).toString(36)}`;
  const to = pick('To').map((l) => (/;tag=/.test(l) ? l : `${l};tag=${tag}`));
  const common = [...via, ...pick('From'), ...to, ...pick('Call-ID'), ...pick('CSeq')];
  const reply = (status: string, extra: string[] = []): Buffer =>
    Buffer.from([`SIP/2.0 ${status}`, ...common, ...extra, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
  if (method !== 'INVITE') return [reply('200 OK')];
  const contact = 'Contact: <sip:warm-up@127.0.0.1:5060;transport=UDP>';
  return [reply('100 Trying'), reply('180 Ringing', [contact]), reply('200 OK', [contact])];
}

/**
 * Runs `calls` calls of the run's scenario at 10,000 calls/s through a throw-away engine with the
 * run's options, answered in process; returns the CPU milliseconds it took and the calls that
 * completed (all of them, unless the engine is broken).
 */
export function warmUp(o: Omit<LoadEngineOptions, 'clock' | 'send' | 'schedule' | 'metrics' | 'onInterval'>, calls = WARM_UP_CALLS): { cpuMs: number; completed: number } {
  const started = process.cpuUsage();
  const clock = new StepClock();
  let inbox: Buffer[] = [];
  const metrics = new LoadMetrics();
  const engine = new LoadEngine({
    ...o,
    holdMs: 0,
    maxConcurrent: undefined,
    credentials: undefined,
    clock,
    metrics,
    schedule: new ArrivalSchedule({ stages: [{ startRate: 10_000, endRate: 10_000, durationMs: calls / 10 }], calls }),
    send: (buf, offset, length) => {
      for (const r of answerLikeAUas(buf.subarray(offset, offset + length))) inbox.push(r);
    },
  });
  void engine.run();
  // 0.1 ms steps: responses come back one step after their request, timers fire when due.
  for (let step = 0; step < calls * 20 && engine.active + engine.notStarted > 0; step++) {
    clock.t += 0.1;
    const batch = inbox;
    inbox = [];
    for (const b of batch) engine.receive(b, clock.t);
    clock.fireDue();
  }
  engine.abort();
  const used = process.cpuUsage(started);
  return { cpuMs: (used.user + used.system) / 1000, completed: metrics.completed };
}
