import type { DigestCredentials } from '../auth/index.js';

/** Where the secret comes from: named in messages, never the secret itself (`options`: the library API's `auth`). */
export type CredentialSource = 'SIPCALL_PASSWORD' | '--password' | '--password-file' | '--ha1' | 'prompt' | 'options' | 'test file';

/**
 * The credentials part of a plan (docs/auth.md, "Where passwords come from"). It stays plain
 * data except for one function: the secret lives only inside that closure, so printing the
 * plan (`JSON.stringify` drops functions, `util.inspect` shows `[Function]`) never shows it.
 */
export interface AuthPlan {
  /** The authentication user name (RFC 3261 §22.4 `username`). Not a secret. */
  username: string;
  /** Where the secret comes from. */
  source: CredentialSource;
  /** Shown as warnings before the first request (e.g. `--password` is visible in `ps`). */
  warnings: string[];
  /**
   * The credentials, fetched when the first challenge arrives (a prompt, when `source` is
   * `prompt`, only then). Undefined when none can be had (the prompt was cancelled).
   */
  credentials(realm: string): Promise<DigestCredentials | undefined>;
}
