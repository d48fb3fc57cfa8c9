/**
 * `runTests` for library users: the `sipcall test` runner without the CLI. Files are read and
 * checked first (a file error rejects with a typed `FileError` naming FILE:LINE:COL before
 * anything is sent); then the tests run, `jobs` at a time, and the promise resolves with one
 * result per test in file order and the exit code the CLI would give (0, 5, 3, 4; see
 * docs/testfile.md). Values read with `${env.NAME}` are secrets: masked in every failure text
 * and event handed back.
 */
import { SystemClock } from '../clock/system-clock.js';
import { buildUacPlan } from '../engine/flags/build-plan.js';
import type { SipEvent } from '../events/types.js';
import { exitCodeFor } from './command.js';
import { EngineExecutor, type PlanBuilder } from './executor.js';
import { readTestFile } from './file.js';
import { planTests, runTests as runPlanned, type TestStatus } from './runner.js';
import { Secrets } from './secrets.js';

export { FileError } from './errors.js';

export interface RunTestsOptions {
  /** Tests run at a time (each on its own socket); default 1. */
  jobs?: number;
  /** Only the tests with these names (or, when no name matches exactly, containing them). */
  only?: string[];
  /** Over the files' `vars:` (as `--var NAME=VALUE`). */
  vars?: Record<string, string>;
  /** What `${env.NAME}` reads; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Every event of every test, secrets masked (tests interleave when `jobs` > 1). */
  onEvent?(testId: string, event: SipEvent): void;
}

export interface TestRunFailure {
  message: string;
  expected: string;
  actual: string;
  /** `FILE:LINE:COL` of the expectation or step. */
  at: string;
  step: number;
  inFinally: boolean;
}

export interface TestRunResult {
  /** `FILE#N`, unique over the run. */
  id: string;
  name: string;
  file: string;
  status: TestStatus;
  /** 0 passed, 5 an expectation failed, 3 timeout, 4 transport error, 2 a step could not be built. */
  exitCode: number;
  durationMs: number;
  failures: TestRunFailure[];
  verdict?: string;
}

export interface TestRun {
  /** 0 only when every planned test ran and passed (the CLI's exit code). */
  exitCode: number;
  results: TestRunResult[];
}

/** Runs the tests of `files` (YAML, docs/testfile.md). */
export async function runTests(files: string | string[], opts: RunTestsOptions = {}): Promise<TestRun> {
  const env = opts.env ?? process.env;
  const secrets = new Secrets();
  const vars = opts.vars ?? {};
  const buildPlan: PlanBuilder = (c) => buildUacPlan(c, () => Buffer.alloc(0));
  const loaded = (Array.isArray(files) ? files : [files]).map((path) => readTestFile(path, { env, secrets, vars, buildPlan }));
  const planned = planTests(loaded, opts.only);
  const mask = (s: string) => secrets.mask(s);
  const results = await runPlanned(planned, {
    jobs: Math.max(1, opts.jobs ?? 1),
    env,
    secrets,
    vars,
    clock: () => new SystemClock(),
    executor: (e) => new EngineExecutor(e, buildPlan),
    onEvent: opts.onEvent ? (t, e) => opts.onEvent!(t.id, JSON.parse(mask(JSON.stringify(e))) as SipEvent) : undefined,
  });
  return {
    exitCode: exitCodeFor(results, planned.length),
    results: results.map((r) => ({
      id: r.id,
      name: mask(r.test.name),
      file: r.file.path,
      status: r.status,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      failures: r.failures.map((f) => ({
        message: mask(f.message),
        expected: mask(f.expected),
        actual: mask(f.actual),
        at: `${r.file.path}:${f.pos.line}:${f.pos.col}`,
        step: f.step,
        inFinally: f.inFinally === true,
      })),
      ...(r.verdict ? { verdict: r.verdict.id } : {}),
    })),
  };
}
