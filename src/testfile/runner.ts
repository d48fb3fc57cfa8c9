/**
 * Runs the tests of loaded files: each test's steps in order (stopping at the first that
 * fails), then its `finally` steps (always), `repeat` times, again every `retry.every` until
 * it passes or `retry.for` has passed. Tests run `jobs` at a time, each with its own executor
 * (its own sockets, its own clock); results come back in file order.
 */
import type { Clock } from '../clock/clock.js';
import type { SipEvent, Verdict } from '../events/types.js';
import type { EngineEnv } from '../engine/session.js';
import type { WireTap } from '../transport/tap.js';
import { UsageError } from '../engine/errors.js';
import { captureValue } from './capture.js';
import { checkExpectations, couldNotRun, type Failure } from './expect.js';
import type { ResolvedStep, StepExecutor } from './executor.js';
import { interpolateDeep, UnknownVariable, type Scope } from './interpolate.js';
import { observe } from './observe.js';
import type { Secrets } from './secrets.js';
import type { Step, TestCase, TestFile } from './types.js';

export type TestStatus = 'passed' | 'failed' | 'error';

export interface StepFailure extends Failure {
  /** 1-based step number; in `finally` when `inFinally`. */
  step: number;
  inFinally?: boolean;
  iteration?: number;
}

export interface TestResult {
  /** `FILE#N`: unique over the run. */
  id: string;
  file: TestFile;
  test: TestCase;
  status: TestStatus;
  /** 0 passed, 5 an expectation failed, 3 timeout, 4 transport error, 2 a step could not be built. */
  exitCode: number;
  durationMs: number;
  failures: StepFailure[];
  /** The verdict of the step that failed, when the engine drew one. */
  verdict?: Verdict;
  /** Every event of the test, in order. */
  events: SipEvent[];
  /** The peer of the first request (the ladder's right column). */
  peer?: string;
}

export interface PlannedTest {
  id: string;
  file: TestFile;
  test: TestCase;
}

export interface RunnerOptions {
  jobs: number;
  env: Record<string, string | undefined>;
  secrets: Secrets;
  /** `--var NAME=VALUE`: over the file's `vars:`. */
  vars?: Record<string, string>;
  clock(): Clock;
  executor(env: EngineEnv): StepExecutor;
  /** Each event of a test as it happens (tests may interleave with --jobs). */
  onEvent?(t: PlannedTest, e: SipEvent): void;
  /** A test finished (in completion order). */
  onResult?(r: TestResult): void;
  /** `--pcap-dir`: where this test's sends and receives are captured (closed when it ends). */
  capture?(t: PlannedTest): (WireTap & { close(): void }) | undefined;
  /**
   * Ctrl-C (`sipcall test`): once set, the running steps end (the executor's own interrupt
   * handling sends their CANCEL or BYE), no further step, retry or test starts, and the
   * `finally` steps of the tests that were running still run. See docs/testfile.md.
   */
  interruption?: Interruption;
}

/** Exit code of a test (and the run) stopped by Ctrl-C, as the other commands. */
export const EXIT_INTERRUPTED = 130;

/** Ctrl-C for a run: a flag, and sleeps that end early when it is set. */
export class Interruption {
  private set = false;
  private readonly wakers = new Set<() => void>();
  get interrupted(): boolean {
    return this.set;
  }
  trigger(): void {
    if (this.set) return;
    this.set = true;
    for (const w of [...this.wakers]) w();
    this.wakers.clear();
  }
  /** Waits `ms` on `clock`, or until Ctrl-C. */
  sleep(clock: Clock, ms: number): Promise<void> {
    if (this.set) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clock.clearTimer(timer);
        resolve();
      };
      const timer = clock.setTimer(ms, () => {
        this.wakers.delete(wake);
        resolve();
      });
      this.wakers.add(wake);
    });
  }
}

const EXIT_FOR = { timeout: 3, 'transport-error': 4 } as const;

/** The tests to run, `--only` applied (exact names first, else names containing it). */
export function planTests(files: TestFile[], only?: string[]): PlannedTest[] {
  // The same file given twice runs twice: its ids get the copy number (`f.yaml(2)#1`).
  const seen = new Map<string, number>();
  const all = files.flatMap((file) => {
    const n = (seen.get(file.path) ?? 0) + 1;
    seen.set(file.path, n);
    const base = n === 1 ? file.path : `${file.path}(${n})`;
    return file.tests.map((test) => ({ id: `${base}#${test.index + 1}`, file, test }));
  });
  if (!only || only.length === 0) return all;
  return all.filter((p) => only.some((o) => p.test.name === o || (!all.some((q) => q.test.name === o) && p.test.name.toLowerCase().includes(o.toLowerCase()))));
}

export async function runTests(planned: PlannedTest[], opts: RunnerOptions): Promise<TestResult[]> {
  const results: TestResult[] = new Array(planned.length);
  let next = 0;
  const worker = async () => {
    while (next < planned.length && !opts.interruption?.interrupted) {
      const i = next++;
      results[i] = await runOne(planned[i]!, opts);
      opts.onResult?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, planned.length)) }, worker));
  // Tests that Ctrl-C kept from starting have no result.
  return results.filter(Boolean);
}

async function runOne(p: PlannedTest, opts: RunnerOptions): Promise<TestResult> {
  const clock = opts.clock();
  const events: SipEvent[] = [];
  const capture = opts.capture?.(p);
  const env: EngineEnv = {
    clock,
    sink: (e) => {
      events.push(e);
      opts.onEvent?.(p, e);
    },
    ...(capture ? { capture } : {}),
  };
  try {
    return await runTest(p, opts, env, events, clock);
  } finally {
    capture?.close();
  }
}

async function runTest(p: PlannedTest, opts: RunnerOptions, env: EngineEnv, events: SipEvent[], clock: Clock): Promise<TestResult> {
  const started = clock.now();
  const test = p.test;
  const deadline = test.retry ? started + test.retry.forMs : started;
  let attempt: Attempt;
  for (;;) {
    attempt = await runAttempts(p, opts, env);
    if (attempt.failures.length === 0 || !test.retry || clock.now() + test.retry.everyMs > deadline || opts.interruption?.interrupted) break;
    await pause(opts, clock, test.retry.everyMs);
    if (opts.interruption?.interrupted) break;
  }
  const status: TestStatus = attempt.failures.length === 0 ? 'passed' : attempt.errorCode !== undefined ? 'error' : 'failed';
  const firstSent = events.find((e): e is Extract<SipEvent, { type: 'request.sent' }> => e.type === 'request.sent');
  return {
    id: p.id,
    file: p.file,
    test,
    status,
    exitCode: status === 'passed' ? 0 : (attempt.errorCode ?? 5),
    durationMs: clock.now() - started,
    failures: attempt.failures,
    ...(attempt.verdict ? { verdict: attempt.verdict } : {}),
    events,
    ...(firstSent ? { peer: firstSent.to } : {}),
  };
}

interface Attempt {
  failures: StepFailure[];
  errorCode?: number;
  verdict?: Verdict;
}

/** `repeat` runs of the steps and the finally steps; the first run that fails ends it. */
async function runAttempts(p: PlannedTest, opts: RunnerOptions, env: EngineEnv): Promise<Attempt> {
  for (let iteration = 1; iteration <= p.test.repeat; iteration++) {
    const a = await runAttempt(p, opts, env);
    if (a.failures.length === 0 && opts.interruption?.interrupted && iteration < p.test.repeat) {
      return { failures: [interruptedFailure(p.test.pos, 1, false)], errorCode: EXIT_INTERRUPTED };
    }
    if (a.failures.length > 0) {
      if (p.test.repeat > 1) for (const f of a.failures) f.iteration = iteration;
      return a;
    }
  }
  return { failures: [] };
}

async function runAttempt(p: PlannedTest, opts: RunnerOptions, env: EngineEnv): Promise<Attempt> {
  const exec = opts.executor(env);
  const scope: Scope = { vars: { ...p.file.vars, ...(opts.vars ?? {}), ...p.test.vars }, env: opts.env, secrets: opts.secrets };
  const out: Attempt = { failures: [] };
  const note = (a: Attempt) => {
    out.failures.push(...a.failures);
    if (out.errorCode === undefined && a.errorCode !== undefined) out.errorCode = a.errorCode;
    out.verdict ??= a.verdict;
  };
  const ctrlC = opts.interruption;
  try {
    for (const [i, step] of p.test.steps.entries()) {
      if (ctrlC?.interrupted) {
        // Ctrl-C came between steps: this one does not start
        note({ failures: [interruptedFailure(step.pos, i + 1, false)], errorCode: EXIT_INTERRUPTED });
        break;
      }
      const a = await runStepWithRetry(step, i + 1, false, p.file, scope, exec, env.clock, opts);
      note(a);
      if (a.failures.length > 0) break;
    }
    // finally steps run after Ctrl-C too (an unregister is what they are for); a second
    // Ctrl-C interrupts the one running
    for (const [i, step] of p.test.finally.entries()) {
      note(await runStepWithRetry(step, i + 1, true, p.file, scope, exec, env.clock, opts));
    }
  } finally {
    await exec.close();
  }
  return out;
}

async function runStepWithRetry(step: Step, n: number, inFinally: boolean, file: TestFile, scope: Scope, exec: StepExecutor, clock: Clock, opts: RunnerOptions): Promise<Attempt> {
  const deadline = clock.now() + (step.retry?.forMs ?? 0);
  const ctrlC = opts.interruption;
  // Ctrl-C before the step began (a finally step) counts only when the step itself is interrupted
  const before = ctrlC?.interrupted ?? false;
  for (;;) {
    const a = await runStep(step, n, inFinally, file, scope, exec, () => !before && ctrlC?.interrupted === true);
    if (a.failures.length === 0 || !step.retry || clock.now() + step.retry.everyMs > deadline || a.errorCode === EXIT_INTERRUPTED) return a;
    if (!before && ctrlC?.interrupted) return a;
    await pause(opts, clock, step.retry.everyMs);
    if (!before && ctrlC?.interrupted) return { failures: [interruptedFailure(step.pos, n, inFinally)], errorCode: EXIT_INTERRUPTED };
  }
}

function pause(opts: RunnerOptions, clock: Clock, ms: number): Promise<void> {
  return opts.interruption ? opts.interruption.sleep(clock, ms) : new Promise<void>((r) => clock.setTimer(ms, r));
}

function interruptedFailure(pos: Step['pos'], step: number, inFinally: boolean, summary?: string): StepFailure {
  return { message: `interrupted (Ctrl-C)${summary ? `: ${summary}` : ''}`, expected: 'the step to run to its end', actual: 'interrupted', pos, step, ...(inFinally ? { inFinally } : {}) };
}

/** The step with its variables filled in and the file's defaults under its own options. */
export function resolveStep(step: Step, file: TestFile, scope: Scope): ResolvedStep {
  const options = interpolateDeep({ ...file.defaults, ...step.options }, scope);
  if (file.defaults.headers && step.options.headers) options.headers = [...(interpolateDeep(file.defaults.headers, scope) as string[]), ...(options.headers as string[])];
  return { kind: step.kind, value: interpolateDeep(step.value, scope), options };
}

async function runStep(step: Step, n: number, inFinally: boolean, file: TestFile, scope: Scope, exec: StepExecutor, interrupted: () => boolean): Promise<Attempt> {
  const at = (f: Failure): StepFailure => ({ ...f, step: n, ...(inFinally ? { inFinally } : {}) });
  let resolved: ResolvedStep;
  let run;
  try {
    resolved = resolveStep(step, file, scope);
    run = await exec.run(resolved);
  } catch (err) {
    if (err instanceof UsageError || err instanceof UnknownVariable) {
      const message = err instanceof UsageError && err.hint ? `${err.message}; ${err.hint}` : err.message;
      return { failures: [at({ message, expected: 'a step that can be sent', actual: 'error', pos: step.pos })], errorCode: 2 };
    }
    throw err;
  }
  // Ctrl-C: the executor ended the step (CANCEL or BYE sent); its expectations are not judged
  if (run.outcome.outcome === 'interrupted' || interrupted()) {
    return { failures: [interruptedFailure(step.pos, n, inFinally, run.outcome.outcome === 'interrupted' ? run.outcome.summary : undefined)], errorCode: EXIT_INTERRUPTED };
  }
  const o = observe(run);
  const failures = checkExpectations(step, run, o).map(at);
  const cannot = couldNotRun(run, o);
  const verdict = run.outcome.verdict;
  if (failures.length > 0) return { failures, ...(cannot ? { errorCode: EXIT_FOR[cannot] } : {}), ...(verdict ? { verdict } : {}) };
  for (const c of step.capture ?? []) {
    const v = captureValue(c, o);
    if ('missing' in v) return { failures: [at({ message: `capture ${c.name}: ${v.missing}`, expected: `a value for ${c.name}`, actual: v.missing, pos: c.pos })] };
    scope.vars[c.name] = v.value;
  }
  return { failures: [] };
}
