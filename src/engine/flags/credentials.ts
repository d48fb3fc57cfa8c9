import { readFileSync } from 'node:fs';
import type { DigestCredentials } from '../../auth/index.js';
import type { CredentialSource } from '../auth-plan.js';
import { UsageError } from '../errors.js';
import type { UacPlan } from '../plan.js';
import type { PlanFlags } from './types.js';

/** The environment variable the password is read from. */
export const PASSWORD_ENV = 'SIPCALL_PASSWORD';

/** RFC 3261 §25.1 `user` characters (unreserved, escaped, user-unreserved). */
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
/** What a Digest username may hold here: printable, no quote, backslash or line break. */
const AUTH_USER = /^[^\s"\\\u0000-\u001f\u007f]+$/;
const HA1 = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/;

const HOW = `set ${PASSWORD_ENV}, or give --password-file FILE or --ha1 HEX (on a terminal, sipcall asks)`;

/** The user part of a sip: URI, if any. */
function userOf(uri: string | undefined): string | undefined {
  const m = /^sips?:([^@;?>]+)@/i.exec(uri ?? '');
  return m ? m[1] : undefined;
}

/** Where a secret may come from besides the flags: the environment, a prompt. */
export interface CredentialSources {
  /** The environment (`SIPCALL_PASSWORD`); absent: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A password given in code (the library API's `auth.password`): after the flags, before the environment. */
  password?: string;
  /** Asks for the password when the first challenge arrives; absent: no prompt. */
  prompt?: (username: string, realm: string) => Promise<DigestCredentials | undefined>;
}

/**
 * Applies `--user`, `--auth-user` and the secret to a plan (docs/auth.md, "Where passwords come
 * from"). Explicit flags win over the environment, the environment over a prompt:
 *
 * 1. `--ha1 HEX`, `--password-file FILE` or `--password P` (at most one; `--password` warns);
 * 2. `SIPCALL_PASSWORD`;
 * 3. `from.prompt`, asked when the first challenge arrives (the CLI gives one only when stdin is
 *    a TTY and neither `--no-input` nor `--json` is given).
 *
 * Without any, there are no credentials: a challenge ends the run with its 401/407 and a note
 * saying how to give them; but `--user`/`--auth-user` without a secret is a usage error.
 * Error messages name flags and files, never a password or an HA1.
 */
export function applyCredentialFlags(plan: UacPlan, flags: PlanFlags, from: CredentialSources = {}): void {
  const env = from.env ?? {};
  const user = flags.user;
  if (user !== undefined) {
    if (!USER.test(user)) throw new UsageError(`--user ${JSON.stringify(user)} is not a valid SIP user name`, 'use letters, digits and - _ . ! ~ * \' ( ) & = + $ , ; ? / or %XX escapes');
    if (plan.kind === 'register') {
      if (user !== plan.target.user) {
        throw new UsageError(`--user ${user} differs from the address-of-record's user ${plan.target.user ?? ''}`, 'register takes the user from the address-of-record; use --auth-user for a different authentication name');
      }
    } else if (plan.request.from === undefined) {
      // Our identity in the domain we are calling (RFC 3261 §8.1.1.3: From is "the logical identity of the initiator").
      plan.request.from = `sip:${user}@${plan.target.host}`;
    }
  }
  const authUser = flags.authUser;
  if (authUser !== undefined && !AUTH_USER.test(authUser)) {
    throw new UsageError('--auth-user has a space, quote, backslash or control character', 'give the authentication name exactly as the server knows it');
  }
  const username = authUser ?? user ?? (plan.kind === 'register' ? plan.target.user : userOf(plan.request.from)) ?? 'sipcall';

  const given = (['ha1', 'passwordFile', 'password'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) {
    throw new UsageError('give only one of --password, --password-file and --ha1', `the password comes from one place; ${HOW}`);
  }
  const warnings: string[] = [];
  let source: CredentialSource | undefined;
  let fixed: DigestCredentials | undefined;
  if (flags.ha1 !== undefined) {
    // The value is a secret: it is checked, never echoed.
    if (!HA1.test(flags.ha1)) throw new UsageError('--ha1 must be 32 hex digits (MD5) or 64 (SHA-256); the value given is not (it is not shown)', 'compute it as H(user:realm:password), e.g. printf %s "alice:example.com:secret" | md5sum');
    source = '--ha1';
    fixed = { username, ha1: flags.ha1.toLowerCase() };
  } else if (flags.passwordFile !== undefined) {
    source = '--password-file';
    fixed = { username, password: readPasswordFile(flags.passwordFile) };
  } else if (flags.password !== undefined) {
    if (flags.password === '') throw new UsageError('--password is empty', HOW);
    source = '--password';
    fixed = { username, password: flags.password };
    warnings.push(`--password puts the password on the command line, where other users can see it in the process list and it stays in the shell history; prefer ${PASSWORD_ENV} or --password-file`);
  } else if (from.password !== undefined) {
    if (from.password === '') throw new UsageError('the password is empty', 'give the password, or an HA1 instead');
    source = 'options';
    fixed = { username, password: from.password };
  } else if ((env[PASSWORD_ENV] ?? '') !== '') {
    source = 'SIPCALL_PASSWORD';
    fixed = { username, password: env[PASSWORD_ENV] as string };
  }

  if (fixed) {
    const credentials = fixed;
    plan.auth = { username, source: source!, warnings, credentials: () => Promise.resolve(credentials) };
    return;
  }
  const prompt = from.prompt;
  if (prompt) {
    plan.auth = { username, source: 'prompt', warnings, credentials: (realm) => prompt(username, realm) };
    return;
  }
  if (user !== undefined || authUser !== undefined) {
    throw new UsageError(`${authUser !== undefined ? '--auth-user' : '--user'} ${username} is given but no password`, HOW);
  }
}

/** The first line of the file (without its line end). */
function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new UsageError(`--password-file ${file}: ${why}`, 'give a readable file whose first line is the password');
  }
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '') throw new UsageError(`--password-file ${file}: the first line is empty`, 'put the password on the first line');
  return first;
}
