/**
 * Expectations of a step (docs/testfile.md): each one met or a Failure that says what was
 * expected, what came, and where in the file the expectation is written.
 */
import { bodyText, headerValue, type Observed } from './observe.js';
import type { StepRun } from './executor.js';
import type { Expect, Pos, Step } from './types.js';
import { formatMs } from './duration.js';

export interface Failure {
  message: string;
  expected: string;
  actual: string;
  /** Where the expectation (or the step) is written. */
  pos: Pos;
}

/** Does `status` match `200`, `4xx`? */
export function statusMatches(status: number, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('xx') ? Math.floor(status / 100) === Number(p[0]) : Number(p) === status));
}

const statusText = (o: Observed) => (o.final ? `${o.final.status} ${o.final.reason}` : 'no final response');

/** Checks one step's run against its expectations; an empty list when all hold. */
export function checkExpectations(step: Step, run: StepRun, o: Observed): Failure[] {
  const e: Expect = step.expect ?? { pos: {} };
  const at = (key: string) => e.pos[key] ?? step.pos;
  const failures: Failure[] = [];
  if (run.method === undefined) {
    if (run.outcome.outcome !== 'success') failures.push({ message: run.outcome.summary, expected: 'success', actual: run.outcome.outcome, pos: step.pos });
    return failures;
  }
  const want = e.status ?? ['2xx'];
  if (!o.final) {
    failures.push({ message: `${run.method}: ${run.outcome.summary}`, expected: `status ${want.join(' or ')}`, actual: run.outcome.statusLocal ? `${run.outcome.status ?? ''} (local, not from the peer): ${run.outcome.outcome}` : run.outcome.outcome, pos: at('status') });
    return failures;
  }
  if (!statusMatches(o.final.status, want)) {
    failures.push({ message: `${run.method}: status ${o.final.status}, expected ${want.join(' or ')}`, expected: want.join(' or '), actual: statusText(o), pos: at('status') });
  }
  if (e.provisional) {
    const got = o.provisional;
    if (got.join(',') !== e.provisional.join(',')) {
      failures.push({ message: `${run.method}: provisional responses [${got.join(', ')}], expected [${e.provisional.join(', ')}]`, expected: `[${e.provisional.join(', ')}]`, actual: `[${got.join(', ')}]`, pos: at('provisional') });
    }
  }
  if (e.withinMs !== undefined) {
    if (o.elapsedMs === undefined || o.elapsedMs > e.withinMs) {
      failures.push({ message: `${run.method}: final response after ${o.elapsedMs === undefined ? '?' : formatMs(o.elapsedMs)}, expected within ${formatMs(e.withinMs)}`, expected: `≤ ${formatMs(e.withinMs)}`, actual: o.elapsedMs === undefined ? 'unknown' : formatMs(o.elapsedMs), pos: at('within') });
    }
  }
  for (const h of e.header ?? []) {
    const v = headerValue(o.message, h.name);
    const ok = v !== undefined && ('exact' in h.pattern ? v === h.pattern.exact : h.pattern.regex.test(v));
    if (!ok) {
      const wanted = 'exact' in h.pattern ? JSON.stringify(h.pattern.exact) : h.pattern.source;
      failures.push({ message: `${run.method}: header ${h.name} ${v === undefined ? 'is missing' : `is ${JSON.stringify(v)}`}, expected ${wanted}`, expected: `${h.name}: ${wanted}`, actual: v === undefined ? `no ${h.name} header` : `${h.name}: ${v}`, pos: e.pos[`header.${h.name}`] ?? at('header') });
    }
  }
  if (e.body && !e.body.regex.test(bodyText(o.message))) {
    const b = bodyText(o.message);
    failures.push({ message: `${run.method}: body does not match ${e.body.source}`, expected: e.body.source, actual: b === '' ? '(empty body)' : b.length > 200 ? `${b.slice(0, 200)}…` : b, pos: at('body') });
  }
  if (e.retransmissions !== undefined && o.retransmissions > e.retransmissions) {
    failures.push({ message: `${run.method}: ${o.retransmissions} retransmissions, expected at most ${e.retransmissions}`, expected: `≤ ${e.retransmissions}`, actual: String(o.retransmissions), pos: at('retransmissions') });
  }
  if (e.verdict !== undefined) {
    const got = run.outcome.verdict?.id ?? 'none';
    if (got !== e.verdict) failures.push({ message: `verdict ${got}, expected ${e.verdict}`, expected: e.verdict, actual: got, pos: at('verdict') });
  }
  return failures;
}

/** Could the step not run at all (no final from the wire: a timeout, a transport error)? */
export function couldNotRun(run: StepRun, o: Observed): 'timeout' | 'transport-error' | undefined {
  if (run.method !== undefined && o.final) return undefined;
  const out = run.outcome.outcome;
  return out === 'timeout' || out === 'transport-error' ? out : undefined;
}

export { headerValue, bodyText };
