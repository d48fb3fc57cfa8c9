/**
 * `sipcall test FILE… [--only NAME] [--jobs N] [--junit FILE] [--tap] [--json] [--validate]
 * [--schema] [--var NAME=VALUE]`: loads every file (a file error exits 2 before anything is
 * sent), runs the tests, reports them in file order and returns the exit code:
 * 0 all passed, 5 an expectation failed, 3/4 a test could not run (timeout, transport error),
 * 2 a file or usage error. Every output goes through the secrets mask.
 */
import { accessSync, appendFileSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileSink, PcapCapture, PcapWriter } from '../pcap/index.js';
import { SystemClock } from '../clock/system-clock.js';
import { UsageError } from '../engine/errors.js';
import type { ColorLevel } from '../present/options.js';
import { FileError, formatFileError } from './errors.js';
import { EngineExecutor, type PlanBuilder } from './executor.js';
import { readTestFile } from './file.js';
import { EXIT_INTERRUPTED, Interruption, planTests, runTests, type PlannedTest, type TestResult } from './runner.js';
import { testFileSchema } from './schema.js';
import { maskingStream, Secrets } from './secrets.js';
import { githubAnnotations, githubSummary } from './report/github.js';
import { JsonReporter } from './report/json.js';
import { junitXml } from './report/junit.js';
import { OrderedReporter } from './report/ordered.js';
import { PrettyReporter } from './report/pretty.js';
import { TapReporter } from './report/tap.js';
import type { Reporter, RunSummary } from './report/types.js';
import type { TestFile } from './types.js';

export interface TestCommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  onInterrupt(handler: () => void): () => void;
}

export interface TestCommandDeps {
  /** The CLI's plan building (src/cli/build-plan.ts): a step is built as its command would be. */
  buildPlan: PlanBuilder;
  colorLevel: ColorLevel;
}

export interface TestFlags {
  only?: string[];
  jobs?: string;
  junit?: string;
  tap?: boolean;
  json?: boolean;
  validate?: boolean;
  schema?: boolean;
  pcapDir?: string;
  var?: string[];
  verbose?: boolean;
}

const EXIT = { OK: 0, USAGE: 2, EXPECTATION: 5 } as const;

export async function runTestCommand(files: string[], flags: TestFlags, io: TestCommandIo, deps: TestCommandDeps): Promise<number> {
  const pcapDir = flags.pcapDir === undefined ? undefined : checkPcapDir(flags.pcapDir);
  if (flags.schema) {
    io.stdout.write(`${JSON.stringify(testFileSchema(), null, 2)}\n`);
    return EXIT.OK;
  }
  if (files.length === 0) throw new UsageError('no test file given', 'sipcall test FILE.yaml (sipcall test --schema prints the format)');
  if (flags.json && flags.tap) throw new UsageError('--json and --tap cannot be combined', 'choose one report on stdout; --junit FILE goes with either');
  const jobs = flags.jobs === undefined ? 1 : Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1000) throw new UsageError(`--jobs ${JSON.stringify(flags.jobs)} must be a whole number from 1 to 1000`, 'example: --jobs 8');
  const vars: Record<string, string> = {};
  for (const v of flags.var ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(v);
    if (!m) throw new UsageError(`--var ${JSON.stringify(v)} is not NAME=VALUE`, 'example: --var pbx=127.0.0.1:5080');
    vars[m[1]!] = m[2]!;
  }

  const secrets = new Secrets();
  const out = maskingStream(io.stdout, secrets);
  const err = maskingStream(io.stderr, secrets);

  // Every file is read and checked before anything is sent.
  const loaded: TestFile[] = [];
  let fileErrors = 0;
  for (const path of files) {
    try {
      loaded.push(readTestFile(path, { env: io.env, secrets, vars, buildPlan: deps.buildPlan }));
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      fileErrors++;
      let source = '';
      try {
        source = readFileSync(path, 'utf8');
      } catch {
        // unreadable files are usage errors, not FileErrors
      }
      err.write(`sipcall: ${formatFileError(e, source)}\n`);
    }
  }
  if (fileErrors > 0) return EXIT.USAGE;
  if (flags.validate) {
    for (const f of loaded) out.write(`${f.path}: ${f.tests.length} test${f.tests.length === 1 ? '' : 's'}, valid\n`);
    return EXIT.OK;
  }
  const planned = planTests(loaded, flags.only);
  if (planned.length === 0) throw new UsageError(`no test matches --only ${(flags.only ?? []).map((o) => JSON.stringify(o)).join(', ')}`, `the tests are: ${loaded.flatMap((f) => f.tests.map((t) => JSON.stringify(t.name))).join(', ')}`);

  const reporters: Reporter[] = [flags.json ? new JsonReporter(out, flags.verbose === true) : flags.tap ? new TapReporter(out) : new PrettyReporter(out, deps.colorLevel)];
  for (const r of reporters) r.begin?.(planned);
  const ordered = new OrderedReporter(planned, reporters);
  const started = Date.now();
  // Ctrl-C: the running steps end (CANCEL/BYE: each one's own handler), their finally steps
  // run, nothing else starts; the reports say so and the exit code is 130.
  const interruption = new Interruption();
  const removeInterrupt = io.onInterrupt(() => interruption.trigger());
  const results = await runTests(planned, {
    jobs,
    env: io.env,
    secrets,
    vars,
    clock: () => new SystemClock(),
    executor: (env) => new EngineExecutor(env, deps.buildPlan, io.onInterrupt),
    onEvent: (t, e) => ordered.event(t, e),
    onResult: (r) => ordered.result(r),
    ...(pcapDir ? { capture: (t: PlannedTest) => new PcapCapture(new PcapWriter(fileSink(join(pcapDir, pcapFileName(t.id))))) } : {}),
    interruption,
  }).finally(removeInterrupt);
  const interrupted = interruption.interrupted;
  const summary: RunSummary = { results, planned: planned.length, durationMs: Date.now() - started, exitCode: exitCodeFor(results, planned.length, interrupted), ...(interrupted ? { interrupted } : {}) };
  for (const r of reporters) r.end?.(summary);

  if (flags.junit) {
    try {
      writeFileSync(flags.junit, secrets.mask(junitXml(summary)));
    } catch (e) {
      err.write(`sipcall: --junit ${flags.junit}: ${(e as Error).message}\n`);
      return EXIT.USAGE;
    }
  }
  if (io.env.GITHUB_ACTIONS === 'true') {
    (flags.json ? err : out).write(githubAnnotations(results));
    const file = io.env.GITHUB_STEP_SUMMARY;
    if (file) {
      try {
        appendFileSync(file, secrets.mask(githubSummary(summary)));
      } catch (e) {
        err.write(`sipcall: GITHUB_STEP_SUMMARY ${file}: ${(e as Error).message}\n`);
      }
    }
  }
  return summary.exitCode;
}

/**
 * 0 only when every planned test ran and passed; a test that could not run (3 timeout,
 * 4 transport, 2 a step that could not be built) says more than a failed expectation (5).
 * A run stopped by Ctrl-C is 130 whatever else happened, as every other command.
 */
export function exitCodeFor(results: TestResult[], planned: number, interrupted = false): number {
  if (interrupted || results.some((r) => r?.exitCode === EXIT_INTERRUPTED)) return EXIT_INTERRUPTED;
  const error = results.find((r) => r.status === 'error');
  if (error) return error.exitCode;
  if (results.some((r) => r.status === 'failed')) return EXIT.EXPECTATION;
  if (results.filter(Boolean).length < planned) return 3;
  return EXIT.OK;
}

/**
 * `--pcap-dir DIR`: one pcap per test (docs/pcap.md), named after its file and number
 * (`pbx-smoke.yaml-2.pcap`). The directory must exist and be writable: checked before
 * anything is sent (exit 2).
 */
function checkPcapDir(dir: string): string {
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a directory' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : (err as Error).message;
    throw new UsageError(`--pcap-dir ${dir}: ${why}`, 'nothing was sent; give an existing directory you can write to (mkdir -p it first)');
  }
  return dir;
}

/** `examples/pbx-smoke.yaml#2` → `pbx-smoke.yaml-2.pcap` (the same file twice: `…yaml(2)-2.pcap`). */
export function pcapFileName(testId: string): string {
  const hash = testId.lastIndexOf('#');
  return `${basename(testId.slice(0, hash))}-${testId.slice(hash + 1)}.pcap`.replace(/[^A-Za-z0-9._()-]/g, '_');
}
