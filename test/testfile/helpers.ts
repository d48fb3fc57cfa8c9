// Helpers for the test-file unit tests: a scripted StepExecutor (no network) and a manual clock.
import type { SipEvent } from '../../src/events/types.js';
import type { RunOutcome } from '../../src/engine/outcome.js';
import type { EngineEnv } from '../../src/engine/session.js';
import type { ResolvedStep, StepExecutor, StepRun } from '../../src/testfile/executor.js';
import { parseTestFile } from '../../src/testfile/file.js';
import { Secrets } from '../../src/testfile/secrets.js';
import type { TestFile } from '../../src/testfile/types.js';
import { ManualClock } from '../support/manual-clock.js';

export function load(text: string, env: Record<string, string> = {}, path = 'smoke.yaml'): TestFile {
  return parseTestFile(path, text, { env, secrets: new Secrets() });
}

/** A request and its responses as the engine would emit them, `t` in ms from `start`. */
export function exchange(method: string, statuses: Array<[number, string, number]>, opts: { start?: number; headers?: string; body?: string; retransmissions?: number } = {}): SipEvent[] {
  const start = opts.start ?? 0;
  const base = { branch: 'z9hG4bK1', callId: 'c1' };
  const events: SipEvent[] = [{ type: 'request.sent', t: start, method, uri: 'sip:x', attempt: 1, retransmission: false, transport: 'UDP', to: '127.0.0.1:5060', bytes: 300, cseq: 1, ...base } as SipEvent];
  for (let i = 0; i < (opts.retransmissions ?? 0); i++) events.push({ ...(events[0] as object), t: start + 500 * (i + 1), attempt: i + 2, retransmission: true } as SipEvent);
  for (const [status, reason, t] of statuses) {
    const body = status >= 200 ? (opts.body ?? '') : '';
    const text = `SIP/2.0 ${status} ${reason}\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nTo: <sip:x>;tag=tt${status}\r\nFrom: <sip:y>;tag=ff\r\nCall-ID: c1\r\nCSeq: 1 ${method}\r\n${status >= 200 ? (opts.headers ?? '') : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    events.push({ type: 'wire', t: start + t, direction: 'in', transport: 'UDP', peer: '127.0.0.1:5060', text } as SipEvent);
    events.push({ type: 'response.received', t: start + t, status, reason, category: status < 200 ? 'provisional' : status < 300 ? 'success' : 'client-error', meaning: '', cseq: `1 ${method}`, method, from: '127.0.0.1:5060', transport: 'UDP', bytes: 300, retransmission: false, ...base } as SipEvent);
  }
  return events;
}

export type Script = (step: ResolvedStep, n: number) => { events: SipEvent[]; outcome?: Partial<RunOutcome>; method?: string };

/** Runs each step by a script; records what it was asked to run. */
export class ScriptedExecutor implements StepExecutor {
  readonly ran: ResolvedStep[] = [];
  closed = false;
  constructor(
    private readonly env: EngineEnv,
    private readonly script: Script,
  ) {}
  async run(step: ResolvedStep): Promise<StepRun> {
    this.ran.push(step);
    const s = this.script(step, this.ran.length);
    for (const e of s.events) this.env.sink(e);
    const final = [...s.events].reverse().find((e) => e.type === 'response.received' && e.status >= 200);
    const status = final?.type === 'response.received' ? final.status : undefined;
    const outcome: RunOutcome = { outcome: status === undefined ? 'timeout' : status < 300 ? 'success' : 'failure-response', summary: 'scripted', ...(status ? { status } : {}), ...s.outcome };
    return { method: s.method ?? (step.kind === 'message' ? 'MESSAGE' : step.kind.toUpperCase()), events: s.events, outcome };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export { ManualClock };
