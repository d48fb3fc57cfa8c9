import type { SipEvent } from '../../events/types.js';
import type { PlannedTest, TestResult } from '../runner.js';
import { counts, type Reporter, type RunSummary } from './types.js';

/**
 * `--json`: the event stream, one JSON line per event with the test's id (`test`), then a
 * `test.result` line per test, and a `test.summary` line last. `wire` texts only with -v.
 */
export class JsonReporter implements Reporter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly verbose = false,
  ) {}

  event(t: PlannedTest, e: SipEvent): void {
    if (e.type === 'wire' && !this.verbose) return;
    this.out.write(`${JSON.stringify({ ...e, test: t.id })}\n`);
  }

  result(r: TestResult): void {
    this.out.write(
      `${JSON.stringify({
        type: 'test.result',
        test: r.id,
        file: r.file.path,
        name: r.test.name,
        status: r.status,
        exitCode: r.exitCode,
        durationMs: Math.round(r.durationMs),
        failures: r.failures.map((f) => ({ message: f.message, expected: f.expected, actual: f.actual, line: f.pos.line, col: f.pos.col, step: f.step, ...(f.inFinally ? { finally: true } : {}), ...(f.iteration ? { iteration: f.iteration } : {}) })),
        ...(r.verdict ? { verdict: r.verdict } : {}),
      })}\n`,
    );
  }

  end(s: RunSummary): void {
    this.out.write(`${JSON.stringify({ type: 'test.summary', tests: s.results.length, ...counts(s.results), ...(s.planned > s.results.length ? { notRun: s.planned - s.results.length } : {}), ...(s.interrupted ? { interrupted: true } : {}), durationMs: Math.round(s.durationMs), exitCode: s.exitCode })}\n`);
  }
}
