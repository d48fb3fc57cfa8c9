import type { ColorLevel } from '../../present/options.js';
import { createStyle, type Style } from '../../present/style.js';
import { visible } from '../../present/visible.js';
import { formatAt } from '../errors.js';
import type { TestResult } from '../runner.js';
import { ladderText } from './ladder.js';
import { counts, seconds, type Reporter, type RunSummary } from './types.js';

/**
 * The default report: per file a heading, per test ✓ or ✗ with its time; a failure shows where
 * (FILE:LINE:COL, the line and a caret), expected and actual, the verdict and the test's ladder.
 */
export class PrettyReporter implements Reporter {
  private readonly style: Style;
  private lastFile: string | undefined;

  constructor(
    private readonly out: NodeJS.WritableStream,
    colorLevel: ColorLevel,
  ) {
    this.style = createStyle(colorLevel);
  }

  result(r: TestResult): void {
    const s = this.style;
    if (r.file.path !== this.lastFile) {
      this.lastFile = r.file.path;
      this.out.write(`${s.bold(r.file.path)}\n`);
    }
    const mark = r.status === 'passed' ? s.ok('✓') : s.error('✗');
    const tag = r.status === 'error' ? ` ${s.error(r.exitCode === 130 ? '(interrupted)' : '(could not run)')}` : '';
    this.out.write(`  ${mark} ${r.test.name} ${s.dim(`(${seconds(r.durationMs)})`)}${tag}\n`);
    if (r.status === 'passed') return;
    this.out.write(failureText(r, s));
  }

  end(sum: RunSummary): void {
    const c = counts(sum.results);
    const parts = [`${c.passed} passed`];
    if (c.failed) parts.push(this.style.error(`${c.failed} failed`));
    const stopped = sum.results.filter((r) => r.exitCode === 130).length;
    if (c.errors - stopped) parts.push(this.style.error(`${c.errors - stopped} could not run`));
    if (stopped) parts.push(this.style.error(`${stopped} interrupted`));
    const notRun = sum.planned - sum.results.length;
    if (notRun > 0) parts.push(this.style.error(`${notRun} not run`));
    this.out.write(`\n${sum.planned} test${sum.planned === 1 ? '' : 's'}: ${parts.join(', ')} (${seconds(sum.durationMs)})\n`);
    if (sum.interrupted) this.out.write(`${this.style.error('interrupted (Ctrl-C)')}: the running steps were ended (CANCEL or BYE) and their finally steps run\n`);
  }
}

/** The detail of a failed test, indented (also the JUnit failure body, uncoloured). */
export function failureText(r: TestResult, s: Style = createStyle(0), withLadder = true): string {
  const lines: string[] = [];
  for (const f of r.failures) {
    const where = `${f.inFinally ? 'finally ' : ''}step ${f.step}${f.iteration ? `, run ${f.iteration} of ${r.test.repeat}` : ''}`;
    lines.push(...formatAt(r.file.path, r.file.source, f.pos, `${f.message} (${where})`).split('\n').map((l) => `      ${l}`));
    // `actual` is often the peer's bytes (a reason phrase, a header value): controls shown, not obeyed.
    lines.push(`      expected: ${visible(String(f.expected))}`);
    lines.push(`      actual:   ${visible(String(f.actual))}`);
  }
  if (r.verdict) lines.push(`      verdict:  ${r.verdict.id}: ${visible(r.verdict.text)}`);
  if (withLadder && r.events.some((e) => e.type === 'request.sent')) {
    lines.push(`      ${s.dim('ladder:')}`);
    for (const l of ladderText(r.events, r.peer).trimEnd().split('\n')) lines.push(`      ${l}`);
  }
  return `${lines.join('\n')}\n`;
}
