import type { PlannedTest, TestResult } from '../runner.js';
import type { Reporter, RunSummary } from './types.js';

/** TAP version 13: the plan first, `ok`/`not ok` per test, a YAML block for each failure. */
export class TapReporter implements Reporter {
  private n = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}

  begin(planned: PlannedTest[]): void {
    this.out.write(`TAP version 13\n1..${planned.length}\n`);
  }

  result(r: TestResult): void {
    this.n++;
    const name = `${r.file.path}: ${r.test.name}`.replace(/#/g, '\\#');
    this.out.write(`${r.status === 'passed' ? 'ok' : 'not ok'} ${this.n} - ${name}\n`);
    const y = ['  ---', `  duration_ms: ${Math.round(r.durationMs)}`];
    if (r.status !== 'passed') {
      const f = r.failures[0];
      y.push(`  severity: ${r.status === 'error' ? 'error' : 'fail'}`);
      if (f) {
        y.push(`  message: ${q(f.message)}`, `  at: ${q(`${r.file.path}:${f.pos.line}:${f.pos.col}`)}`, `  expected: ${q(f.expected)}`, `  actual: ${q(f.actual)}`);
      }
      if (r.verdict) y.push(`  verdict: ${q(r.verdict.id)}`);
      if (r.failures.length > 1) y.push(`  failures: ${r.failures.length}`);
    }
    y.push('  ...');
    this.out.write(`${y.join('\n')}\n`);
  }

  end(s: RunSummary): void {
    // TAP 13: the run stops short of its plan on purpose
    if (s.interrupted) this.out.write('Bail out! interrupted (Ctrl-C)\n');
  }
}

/** A YAML double-quoted scalar. */
function q(s: string): string {
  return JSON.stringify(s);
}
