import type { TestResult } from '../runner.js';
import { counts, seconds, type RunSummary } from './types.js';

/** `%`, CR and LF escaped as GitHub workflow commands want (property values also `:` and `,`). */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…,col=…,title=…::message` for each failure (GITHUB_ACTIONS=true). */
export function githubAnnotations(results: TestResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.failures) {
      out.push(`::error file=${prop(r.file.path)},line=${f.pos.line},col=${f.pos.col},title=${prop(`sipcall test: ${r.test.name}`)}::${data(`${f.message}\nexpected: ${f.expected}\nactual: ${f.actual}${r.verdict ? `\nverdict: ${r.verdict.id}: ${r.verdict.text}` : ''}`)}`);
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table appended to $GITHUB_STEP_SUMMARY. */
export function githubSummary(s: RunSummary): string {
  const c = counts(s.results);
  const rows = s.results.map((r) => {
    const mark = r.status === 'passed' ? '✅' : r.status === 'failed' ? '❌' : '⚠️';
    const f = r.failures[0];
    const detail = f ? `${r.file.path}:${f.pos.line}:${f.pos.col} ${f.message}` : '';
    return `| ${mark} | ${cell(r.file.path)} | ${cell(r.test.name)} | ${seconds(r.durationMs)} | ${cell(detail)} |`;
  });
  return [
    `### sipcall test: ${c.passed} passed, ${c.failed} failed, ${c.errors} could not run`,
    '',
    '| | file | test | time | failure |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n') + '\n';
}
