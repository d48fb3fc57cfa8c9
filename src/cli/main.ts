import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';

/** The version printed by `sipcall --version`. */
export const VERSION = '0.1.0';

/**
 * Runs the CLI with these arguments (without `node` and the script) and returns the exit code.
 * The only place that turns argv into plans and outcomes into exit codes.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('sipcall')
    .description('SIP softphone and UAC probe: every request, response and RFC 3261 timer, explained.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      return EXIT.USAGE;
    }
    io.stderr.write(`sipcall: internal error: ${(err as Error).message}\n`);
    return EXIT.INTERNAL;
  }
}
