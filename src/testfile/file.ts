/**
 * Loading a test file: YAML with positions (load.ts), the format (validate.ts), then every step
 * whose values are known before the run (no captured variable in it) is built into a plan, so
 * a bad URI or option is a file error at its line, exit 2, before anything is sent.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import { FileError } from './errors.js';
import type { PlanBuilder } from './executor.js';
import { referencesIn, UnknownVariable } from './interpolate.js';
import { loadYaml } from './load.js';
import { resolveStep } from './runner.js';
import type { Secrets } from './secrets.js';
import { commandFor } from './step-flags.js';
import type { Step, TestFile } from './types.js';
import { validateYaml } from './validate.js';

export interface LoadOptions {
  env: Record<string, string | undefined>;
  secrets: Secrets;
  vars?: Record<string, string>;
  /** When given, each step is built into a plan as a check (nothing is sent). */
  buildPlan?: PlanBuilder;
}

export function readTestFile(path: string, opts: LoadOptions): TestFile {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`, 'give the path of a test file (YAML); see docs/testfile.md');
  }
  return parseTestFile(path, source, opts);
}

export function parseTestFile(path: string, source: string, opts: LoadOptions): TestFile {
  const file = validateYaml(loadYaml(path, source), opts.env);
  if (opts.buildPlan) checkPlans(file, opts);
  return file;
}

function checkPlans(file: TestFile, opts: LoadOptions): void {
  for (const test of file.tests) {
    const vars = { ...file.vars, ...(opts.vars ?? {}), ...test.vars };
    for (const step of [...test.steps, ...test.finally]) {
      if (step.kind === 'wait' || step.kind === 'answer' || (step.kind === 'bye' && Object.keys(step.value as object).length === 0)) continue;
      if (usesUnknown(step, vars)) continue; // a captured value: known only at run time
      try {
        const r = resolveStep(step, file, { vars, env: opts.env, secrets: opts.secrets });
        opts.buildPlan!(commandFor(r.kind, r.value, r.options));
      } catch (err) {
        if (err instanceof UsageError) throw new FileError(file.path, step.pos, opts.secrets.mask(err.message), err.hint && opts.secrets.mask(err.hint));
        if (err instanceof UnknownVariable) throw new FileError(file.path, step.pos, err.message);
        throw err;
      }
    }
  }
}

function usesUnknown(step: Step, vars: Record<string, string>): boolean {
  const text = JSON.stringify([step.value, step.options]);
  return referencesIn(text).some((r) => !r.startsWith('env.') && !(r in vars));
}
