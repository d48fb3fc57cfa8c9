import type { MessageReport } from '../sip/inspect.js';
import { describeStatus, isValidStatusCode } from '../sip/status.js';
import type { ColorLevel } from './options.js';
import { createStyle } from './style.js';
import { jsonVisible, visibleDeep } from './visible.js';

export interface ExplainOptions {
  json: boolean;
  colorLevel: ColorLevel;
  quiet: boolean;
  stdout: NodeJS.WritableStream;
}

/** What each id is for (RFC 3261 §8.1.1, §12, §17). */
const ID_ROLES: Array<[keyof MessageReport, string, string]> = [
  ['callId', 'Call-ID', 'groups every message of this call or registration (RFC 3261 §8.1.1.4)'],
  ['fromTag', 'From tag', "the caller's half of the dialog id (§8.1.1.3, §12)"],
  ['toTag', 'To tag', "the callee's half of the dialog id; absent before a dialog exists (§8.2.6.2)"],
  ['branch', 'Via branch', 'names the transaction: a response matches its request by this and the CSeq method (§17.1.3)'],
  ['cseq', 'CSeq', 'orders requests in the dialog and names the method a response answers (§8.1.1.5)'],
];

/**
 * `sipcall explain` output: per message, the start line, kind, category and meaning of a
 * response, the ids that tie it to its transaction and dialog, and every problem found.
 * `--json`: one object per message on its own line.
 */
export function presentReports(reports: MessageReport[], opts: ExplainOptions): void {
  const out = (s: string) => opts.stdout.write(`${s}\n`);
  if (opts.json) {
    for (const r of reports) {
      const status = r.status !== undefined && isValidStatusCode(r.status) ? describeStatus(r.status) : undefined;
      out(
        jsonVisible(JSON.stringify({
          valid: r.valid,
          problems: r.problems,
          kind: r.kind,
          ...(r.method !== undefined ? { method: r.method } : {}),
          ...(r.status !== undefined ? { status: r.status, reason: r.reason } : {}),
          ...(status ? { category: status.category, meaning: status.meaning } : {}),
          callId: r.callId ?? null,
          cseq: r.cseq ?? null,
          branch: r.branch ?? null,
          fromTag: r.fromTag ?? null,
          toTag: r.toTag ?? null,
          startLine: r.startLine ?? null,
        })),
      );
    }
    return;
  }
  const s = createStyle(opts.colorLevel);
  // Every string of a report comes from the message: its controls are shown, not obeyed (visible.ts).
  reports.map((r) => visibleDeep(r)).forEach((r, i) => {
    if (reports.length > 1) out(s.bold(`Message ${i + 1} of ${reports.length}`));
    const verdict = r.valid ? s.ok(r.problems.length ? 'valid, with warnings' : 'valid') : s.error('INVALID');
    out(`${s.bold(r.startLine ?? '(no start line)')}  ${verdict}`);
    if (opts.quiet) {
      for (const p of r.problems.filter((x) => x.startsWith('error'))) out(`  ${s.error(p)}`);
      if (i < reports.length - 1) out('');
      return;
    }
    if (r.kind === 'response' && r.status !== undefined) {
      if (isValidStatusCode(r.status)) {
        const info = describeStatus(r.status);
        out(`  response  ${s.category(info.category, `${r.status} ${info.category}`)} — ${info.meaning}`);
        if (info.next) out(`  next      ${info.next}`);
      } else out(`  response  status ${r.status} is outside 100–699: invalid (RFC 3261 §7.2)`);
    } else if (r.kind === 'request') out(`  request   ${r.method ?? 'whose Request-Line cannot be read (see the errors below)'}`);
    else out('  not recognisable as a SIP request or response');
    for (const [key, label, role] of ID_ROLES) {
      const v = r[key];
      if (v === undefined) continue;
      out(`  ${label.padEnd(10)} ${String(v)}`);
      out(`  ${' '.repeat(10)} ${s.dim(role)}`);
    }
    if (r.problems.length === 0) out(`  ${s.ok('no problems found')}`);
    for (const p of r.problems) out(`  ${p.startsWith('error') ? s.error(p) : s.warn(p)}`);
    if (i < reports.length - 1) out('');
  });
}
