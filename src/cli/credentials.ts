import type { DigestCredentials } from '../auth/index.js';
import type { UacPlan } from '../engine/plan.js';
import { applyCredentialFlags } from '../engine/flags/credentials.js';
import { visible } from '../present/visible.js';
import type { CliIo } from './io.js';
import type { ParsedCommand } from './program.js';

export { PASSWORD_ENV } from '../engine/flags/credentials.js';

/**
 * Applies `--user`, `--auth-user` and the secret to a plan (docs/auth.md, "Where passwords come
 * from"; the rules are in src/engine/flags/credentials.ts, shared with the library API): the
 * flags, then `SIPCALL_PASSWORD`, then a masked prompt when the first challenge arrives, only
 * when stdin is a TTY and neither `--no-input` nor `--json` is given.
 */
export function applyCredentials(plan: UacPlan, flags: ParsedCommand['flags'], io: CliIo): void {
  const tty = io.stdin.isTTY === true && flags.input !== false && flags.json !== true;
  applyCredentialFlags(plan, flags, { env: io.env, ...(tty ? { prompt: (username: string, realm: string) => promptPassword(io, username, realm) } : {}) });
}

/**
 * A masked prompt (inquirer, loaded only here) on stderr, so stdout stays clean. The realm is
 * the peer's: its control characters are shown, not obeyed (src/present/visible.ts).
 */
async function promptPassword(io: CliIo, username: string, realm: string): Promise<DigestCredentials | undefined> {
  const { default: inquirer } = await import('inquirer');
  const prompt = inquirer.createPromptModule({ input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream } as Parameters<typeof inquirer.createPromptModule>[0]);
  try {
    const { password } = await prompt<{ password: string }>([
      { type: 'password', name: 'password', mask: '*', message: `Password for ${visible(username)}${realm ? ` (realm "${visible(realm)}")` : ''}:` },
    ]);
    return password ? { username, password } : undefined;
  } catch {
    // Ctrl-C or Escape in the prompt: no credentials; the challenge ends the run.
    return undefined;
  }
}
