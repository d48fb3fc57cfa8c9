/** The closing summary: the result line and the verdict block (docs/output.md). */
import type { ResultEvent, Verdict } from '../events/types.js';
import { reasonFor } from './describe.js';
import type { Style } from './style.js';

/** `✓ success  200 OK  (1.250 s, exit 0)`; a made-up status is marked `(local, made up by sipcall)`. */
export function resultLine(e: ResultEvent, style: Style): string {
  const good = e.outcome === 'success';
  const mark = good ? style.ok('✓') : style.error('✗');
  const outcome = good ? style.ok(e.outcome) : style.error(e.outcome);
  let status = '';
  if (e.status !== undefined) {
    const reason = reasonFor(e.status, e.reason);
    const local = e.statusLocal ? ' (local, made up by sipcall, not from the peer)' : '';
    status = `  ${e.status}${reason ? ` ${reason}` : ''}${local}`;
  }
  return `${mark} ${style.bold(outcome)}${status}  (${(e.durationMs / 1000).toFixed(3)} s, exit ${e.exitCode})`;
}

/** The verdict: id and text, then (unless `short`) evidence and next-step bullets. */
export function verdictLines(v: Verdict, style: Style, short: boolean): string[] {
  const head = `${style.bold('verdict')}  ${v.id}: ${v.text}`;
  if (short) return [head];
  const lines = [head];
  if (v.evidence.length) {
    lines.push('  evidence:');
    for (const x of v.evidence) lines.push(`    • ${x}`);
  }
  if (v.next.length) {
    lines.push('  next:');
    for (const x of v.next) lines.push(`    • ${x}`);
  }
  return lines;
}

/** The whole closing block. Quiet: the result line and the verdict's id and text only. */
export function resultBlock(e: ResultEvent, style: Style, quiet: boolean): string[] {
  const lines = [resultLine(e, style)];
  if (!quiet && e.summary) lines.push(`  ${e.summary}`);
  if (e.verdict) lines.push(...verdictLines(e.verdict, style, quiet));
  for (const v of e.alsoVerdicts ?? []) lines.push(quiet ? `  also: ${v.id}` : `  also: ${v.id}: ${v.text}`);
  return lines;
}
