import { createPresenter, resolveColorLevel, type Presenter } from '../present/index.js';
import type { CliIo } from './io.js';
import type { ParsedCommand } from './program.js';

/**
 * Chooses the output mode from flags and streams (docs/DESIGN.md "Output and exit codes"):
 * `--json` → JSON lines, no colour or spinner; else pretty, coloured per the precedence rules,
 * with a spinner on stderr only when stderr is a TTY.
 */
export function presenterFor(flags: ParsedCommand['flags'], io: CliIo, peerLabel?: string): Presenter {
  const json = flags.json === true;
  const colorLevel = json ? 0 : resolveColorLevel({ color: flags.color === true, noColor: flags.color === false }, io.env, io.stdout.isTTY === true);
  return createPresenter({
    mode: json ? 'json' : 'pretty',
    colorLevel,
    verbose: flags.verbose === true,
    timers: flags.timers === true,
    quiet: flags.quiet === true,
    ladder: flags.ladder === true,
    // A terminal that reports no width (e.g. under `script` with 0 columns) makes ora redraw
    // without end: no spinner there.
    spinner: !json && flags.quiet !== true && io.stderr.isTTY === true && ((io.stderr as { columns?: number }).columns ?? 80) > 0,
    stdout: io.stdout,
    stderr: io.stderr,
    peerLabel,
  });
}
