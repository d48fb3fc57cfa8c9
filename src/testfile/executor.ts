/**
 * Executing a step: the `StepExecutor` seam between the runner (expectations, captures,
 * retries) and whatever sends the requests. `EngineExecutor` runs each step with the engine's
 * own `runUac` on a plan built by the CLI's plan building (given as `buildPlan`), so a step and
 * the matching command behave alike. One executor per test: its sockets and its call are the
 * test's own (`--jobs` runs tests side by side).
 *
 * A call stays up between steps: `invite` returns once the call is answered (after `hold`),
 * and the next `bye: {}` sends BYE in that dialog. A call still up when the test ends is hung
 * up by `close()`.
 */
import type { SipEvent } from '../events/types.js';
import type { RunOutcome } from '../engine/outcome.js';
import type { UacPlan } from '../engine/plan.js';
import type { EngineEnv } from '../engine/session.js';
import { runUac } from '../engine/run-uac.js';
import { AutoAnswer } from '../engine/uas.js';
import { checkHeader } from '../engine/header-values.js';
import type { AuthPlan } from '../engine/auth-plan.js';
import { UsageError } from '../engine/errors.js';
import { withMedia } from '../engine/flags/build-plan.js';
import { commandFor, type PlanCommand } from './step-flags.js';
import type { StepKind } from './types.js';

/** A step with its variables filled in and the file's defaults applied. */
export interface ResolvedStep {
  kind: StepKind;
  value: unknown;
  options: Record<string, unknown>;
}

/** What one step did: its events and how its request ended. */
export interface StepRun {
  /** The method whose final response the expectations read (REGISTER, INVITE, BYE, …). */
  method?: string;
  events: SipEvent[];
  outcome: RunOutcome;
}

export interface StepExecutor {
  run(step: ResolvedStep): Promise<StepRun>;
  /** Ends what is still up (a call: BYE) and closes sockets. */
  close(): Promise<void>;
}

export type PlanBuilder = (cmd: PlanCommand) => UacPlan;

interface OpenCall {
  done: Promise<RunOutcome>;
  hangup(): void;
  ended: boolean;
}

export class EngineExecutor implements StepExecutor {
  private call: OpenCall | undefined;
  private readonly log: SipEvent[] = [];
  private readonly env: EngineEnv;
  private readonly listeners = new Set<(e: SipEvent) => void>();

  constructor(
    outer: EngineEnv,
    private readonly buildPlan: PlanBuilder,
    private readonly onInterrupt: (h: () => void) => () => void = () => () => {},
  ) {
    this.env = {
      clock: outer.clock,
      sink: (e) => {
        this.log.push(e);
        for (const l of this.listeners) l(e);
        outer.sink(e);
      },
      ...(outer.capture ? { capture: outer.capture } : {}),
    };
  }

  private since(start: number): SipEvent[] {
    return this.log.slice(start);
  }

  async run(step: ResolvedStep): Promise<StepRun> {
    const start = this.log.length;
    switch (step.kind) {
      case 'wait': {
        const how = await this.sleepOrInterrupt(step.value as number);
        return { events: [], outcome: how === 'interrupted' ? { outcome: 'interrupted', summary: `wait ${step.value as number} ms: cut short` } : { outcome: 'success', summary: `waited ${step.value as number} ms` } };
      }
      case 'answer':
        return this.answer(step, start);
      case 'bye':
        if (Object.keys(step.value as object).length === 0) return this.byeInDialog(start);
        break;
      case 'invite':
        return this.invite(step, start);
    }
    const plan = this.plan(step);
    const outcome = await runUac(plan, this.env, { onInterrupt: this.onInterrupt });
    return { method: methodOf(step), events: this.since(start), outcome };
  }

  /** The plan for a step: the CLI's plan building, then the step's body and credentials. */
  private plan(step: ResolvedStep): UacPlan {
    const plan = this.buildPlan(commandFor(step.kind, step.value, step.options));
    const o = step.options;
    if (plan.kind === 'request' && o.body !== undefined) {
      plan.body = Buffer.from(String(o.body));
      plan.contentType = String(o['content-type'] ?? 'text/plain');
      checkHeader('Content-Type', plan.contentType, 'content-type');
    }
    const auth = o.auth as Record<string, string> | undefined;
    if (auth) {
      const user = auth.user;
      if (user !== undefined && plan.kind !== 'register' && plan.request.from === undefined) plan.request.from = `sip:${user}@${plan.target.host}`;
      const username = auth['auth-user'] ?? user ?? plan.target.user ?? 'sipcall';
      const credentials = auth.ha1 !== undefined ? { username, ha1: auth.ha1.toLowerCase() } : { username, password: auth.password! };
      // The secret lives only in this closure (docs/auth.md); the source names the file.
      const a: AuthPlan = { username, source: 'test file', warnings: [], credentials: () => Promise.resolve(credentials) };
      plan.auth = a;
    }
    return plan;
  }

  private async invite(step: ResolvedStep, start: number): Promise<StepRun> {
    if (this.call && !this.call.ended) await this.hangupCall();
    const plan = this.plan(step);
    let hangup: () => void = () => {};
    const hungUp = new Promise<void>((r) => (hangup = r));
    let established: () => void = () => {};
    const up = new Promise<'up'>((r) => (established = () => r('up')));
    const watch = (e: SipEvent) => {
      if (e.type === 'dialog.established') established();
    };
    this.listeners.add(watch);
    const call: OpenCall = { done: undefined as unknown as Promise<RunOutcome>, hangup, ended: false };
    call.done = runUac(plan, this.env, { onInterrupt: this.onInterrupt, waitForHangup: () => ({ promise: hungUp, cancel: () => {} }) }).then((o) => {
      call.ended = true;
      return o;
    });
    const first = await Promise.race([call.done, up]);
    this.listeners.delete(watch);
    if (first !== 'up') return { method: 'INVITE', events: this.since(start), outcome: first };
    this.call = call;
    const hold = step.options.hold as number | undefined;
    if (hold) await Promise.race([this.sleep(hold), call.done]);
    const final = [...this.since(start)].reverse().find((e) => e.type === 'response.received' && e.method === 'INVITE' && e.status >= 200);
    const status = final?.type === 'response.received' ? final : undefined;
    const outcome: RunOutcome = call.ended
      ? { ...(await call.done) }
      : { outcome: 'success', status: status?.status, reason: status?.reason, statusLocal: false, summary: `INVITE: ${status?.status ?? ''} ${status?.reason ?? ''}; the call is up` };
    return { method: 'INVITE', events: this.since(start), outcome };
  }

  private async byeInDialog(start: number): Promise<StepRun> {
    const call = this.call;
    if (!call) return { method: 'BYE', events: [], outcome: { outcome: 'usage-error', summary: 'bye: {} but no call is up (the invite step did not establish one)' } };
    if (call.ended) {
      this.call = undefined;
      const o = await call.done;
      return { method: 'BYE', events: this.since(start), outcome: { outcome: 'failure-response', summary: `bye: {} but the call had already ended (${o.summary})` } };
    }
    const outcome = await this.hangupCall();
    return { method: 'BYE', events: this.since(start), outcome };
  }

  private async hangupCall(): Promise<RunOutcome> {
    const call = this.call!;
    this.call = undefined;
    call.hangup();
    return call.done;
  }

  /**
   * `answer`: listen, take one call, and return when it ends: the caller's BYE (a 2xx
   * `respond`), the ACK of our 3xx–6xx, or the ACK of the 487 after the caller's CANCEL.
   * No call within `timeout` is a timeout (exit 3); a port that cannot be bound a transport
   * error (exit 4); a bad port or transport after `${…}` is filled in a step that cannot be
   * built (exit 2); Ctrl-C stops listening (interrupted).
   */
  private async answer(step: ResolvedStep, start: number): Promise<StepRun> {
    const v = step.value as { port?: number | string; address?: string; transport?: string; respond?: number; ring?: number; timeout?: number; media?: boolean };
    const transport = (v.transport ?? 'udp').toLowerCase();
    if (transport !== 'udp' && transport !== 'tcp') throw new UsageError(`answer: transport ${JSON.stringify(v.transport)} cannot be used here`, 'a test file answers on udp or tcp');
    const port = typeof v.port === 'string' ? Number(v.port.trim()) : (v.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || (typeof v.port === 'string' && !/^\s*\d+\s*$/.test(v.port))) {
      throw new UsageError(`answer: port ${JSON.stringify(v.port)} is not a port number`, 'a whole number from 0 to 65535, e.g. answer: { port: 5090 }');
    }
    const respond = v.respond ?? 200;
    const address = v.address ?? '127.0.0.1';
    const uas = new AutoAnswer(
      { kind: 'answer', transport, address, port, respond, ringMs: v.ring ?? 0, t1: 500, t2: 4000, userAgent: 'sipcall/0.1', ...(v.media === true ? withMedia({ header: [] }) : {}) },
      this.env,
    );
    let local;
    try {
      local = await uas.start();
    } catch (err) {
      await uas.close().catch(() => {});
      const e = err as NodeJS.ErrnoException;
      return { events: this.since(start), outcome: { outcome: 'transport-error', summary: `answer: cannot listen on ${transport.toUpperCase()} ${address}:${port}: ${e.code ?? e.message}` } };
    }
    this.env.sink({ type: 'note', t: this.env.clock.now(), level: 'info', text: `answer: listening on ${transport.toUpperCase()} ${local.address}:${local.port}` });
    const timeoutMs = v.timeout ?? 30_000;
    let done: (r: 'ended' | 'timeout' | 'interrupted') => void = () => {};
    const ended = new Promise<'ended' | 'timeout' | 'interrupted'>((r) => (done = r));
    let invited = false;
    let cancelled = false;
    const watch = (e: SipEvent) => {
      if (e.type !== 'request.received' || e.retransmission) return;
      if (e.method === 'INVITE') invited = true;
      if (!invited) return;
      if (e.method === 'CANCEL') cancelled = true;
      // the call is over: BYE (answered), or the ACK of a non-2xx final (ours, or the 487 of a CANCEL)
      else if (e.method === 'BYE' || (e.method === 'ACK' && (respond >= 300 || cancelled))) done('ended');
    };
    this.listeners.add(watch);
    const timer = this.env.clock.setTimer(timeoutMs, () => done('timeout'));
    const removeInterrupt = this.onInterrupt(() => done('interrupted'));
    const how = await ended;
    removeInterrupt();
    this.env.clock.clearTimer(timer);
    this.listeners.delete(watch);
    await uas.close();
    const outcome: RunOutcome =
      how === 'ended'
        ? { outcome: 'success', summary: `answer: took a call (${cancelled ? 'the caller cancelled it' : `${respond}`}) and it ended` }
        : how === 'interrupted'
          ? { outcome: 'interrupted', summary: `answer: stopped listening${invited ? ' (a call had come)' : ''}` }
          : { outcome: 'timeout', summary: `answer: ${invited ? 'the call did not end' : 'no call came'} within ${timeoutMs / 1000} s on ${transport.toUpperCase()} ${local.address}:${local.port}` };
    return { events: this.since(start), outcome };
  }

  /** Sleeps `ms`, or less when Ctrl-C comes first. */
  private sleepOrInterrupt(ms: number): Promise<'slept' | 'interrupted'> {
    return new Promise((resolve) => {
      const remove = this.onInterrupt(() => {
        this.env.clock.clearTimer(timer);
        resolve('interrupted');
      });
      const timer = this.env.clock.setTimer(ms, () => {
        remove();
        resolve('slept');
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.env.clock.setTimer(ms, r));
  }

  async close(): Promise<void> {
    if (this.call && !this.call.ended) await this.hangupCall();
    this.call = undefined;
  }
}

function methodOf(step: ResolvedStep): string {
  switch (step.kind) {
    case 'message':
      return 'MESSAGE';
    case 'request':
      return String(step.options.method).toUpperCase();
    default:
      return step.kind.toUpperCase();
  }
}
