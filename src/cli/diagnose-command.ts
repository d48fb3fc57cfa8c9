import { SystemClock } from '../clock/system-clock.js';
import { runDiagnose, type DiagnoseReport, type DiagnoseStep } from '../engine/diagnose.js';
import { resolveColorLevel } from '../present/index.js';
import { verdictLines } from '../present/result.js';
import { createStyle, type Style } from '../present/style.js';
import { buildUacPlan } from './build-plan.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { ParsedCommand } from './program.js';
import { openPcapOption } from './pcap-option.js';
import { visibleDeep } from '../present/visible.js';

/**
 * `sipcall diagnose TARGET [--invite]`: runs the battery (src/engine/diagnose.ts) and prints a
 * table of what works and what does not, then the verdicts. Exit 0 when the peer answered over
 * at least one transport; else 4 when a step failed at the transport (DNS, ICMP, refused), else
 * 3 (nothing came back).
 */
export async function runDiagnoseCommand(cmd: ParsedCommand, io: CliIo): Promise<number> {
  const options = buildUacPlan({ ...cmd, name: 'options' }, () => Buffer.alloc(0));
  if (options.kind !== 'options') throw new Error('diagnose: expected an OPTIONS plan');
  const json = cmd.flags.json === true;
  const level = json ? 0 : resolveColorLevel({ color: cmd.flags.color === true, noColor: cmd.flags.color === false }, io.env, io.stdout.isTTY === true);
  const style = createStyle(level);
  const clock = new SystemClock();
  const capture = openPcapOption(cmd.flags); // before anything is sent: a bad path is exit 2
  const env = { clock, sink: () => {}, ...(capture ? { capture } : {}) };
  if (!json) io.stdout.write(`${style.bold('sipcall diagnose')} ${options.target.uri}\n`);
  let report: DiagnoseReport;
  try {
    report = await runDiagnose({ options, invite: cmd.flags.invite === true }, env, { onInterrupt: io.onInterrupt }, (s) => {
      io.stdout.write(json ? `${JSON.stringify({ type: 'diagnose.step', t: Math.round(clock.now()), ...s })}\n` : `${row(visibleDeep(s), style)}\n`);
    });
  } finally {
    capture?.close();
  }
  const exitCode = exitFor(report);
  if (json) {
    io.stdout.write(`${JSON.stringify({ type: 'diagnose.result', t: Math.round(clock.now()), ...report, exitCode })}\n`);
  } else {
    // The peer's words (reason phrases, header values) with their controls shown (visible.ts).
    for (const line of closing(visibleDeep(report), exitCode, style, cmd.flags.quiet === true)) io.stdout.write(`${line}\n`);
  }
  return exitCode;
}

/** 0 when the peer answered over any transport; else the code of the most telling failure. */
export function exitFor(report: DiagnoseReport): number {
  if (report.answeredOver.length > 0) return EXIT.OK;
  if (report.steps.some((s) => s.outcome === 'transport-error')) return EXIT.TRANSPORT;
  if (report.steps.some((s) => s.outcome === 'interrupted')) return EXIT.INTERRUPTED;
  return EXIT.TIMEOUT;
}

function row(s: DiagnoseStep, style: Style): string {
  const mark = s.state === 'ok' ? style.ok('✓') : s.state === 'failed' ? style.error('✗') : style.dim('–');
  const ms = s.ms === undefined ? '' : style.dim(`  ${s.ms < 10 ? s.ms.toFixed(1) : Math.round(s.ms)} ms`);
  const id = s.verdict && s.state !== 'ok' ? `${s.verdict.id}: ` : '';
  return `  ${mark} ${s.title.padEnd(20)} ${id}${s.result}${ms}`;
}

function closing(report: DiagnoseReport, exitCode: number, style: Style, quiet: boolean): string[] {
  const lines: string[] = [];
  for (const v of report.verdicts) lines.push(...verdictLines(v, style, quiet));
  const works = report.answeredOver.length ? `the peer answers over ${report.answeredOver.join(' and ')}` : 'the peer answered over no transport';
  lines.push(`${exitCode === EXIT.OK ? style.ok('✓') : style.error('✗')} ${style.bold(works)}  (exit ${exitCode})`);
  return lines;
}
