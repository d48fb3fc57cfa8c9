/**
 * Typed errors of the digest layer. Every message names what went wrong (a scheme, an
 * algorithm, a qop, a missing credential) and NEVER contains a password or an HA1: callers may
 * print these messages as they are.
 */

/** The common base: `code` is stable and meant for programs, `message` for people. */
export class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** What one refused challenge offered, for the error's reader. No secrets here: all public. */
export interface RefusedChallenge {
  scheme: string;
  realm: string;
  algorithm: string;
  qop: string[];
  /** One line, e.g. `algorithm "SHA-1" is not supported (supported: MD5, …)`. */
  reason: string;
}

/**
 * No challenge in the response can be answered: an unknown scheme (e.g. `Bearer`), an
 * unsupported algorithm or qop, a malformed Digest challenge, or none at all.
 */
export class UnsupportedChallengeError extends AuthError {
  readonly refused: RefusedChallenge[];
  constructor(message: string, refused: RefusedChallenge[] = []) {
    super('ERR_AUTH_UNSUPPORTED', message);
    this.refused = refused;
  }
}

/** The credentials cannot answer this challenge (no password nor HA1, an HA1 of the wrong size). */
export class CredentialsError extends AuthError {
  constructor(message: string) {
    super('ERR_AUTH_CREDENTIALS', message);
  }
}

/** A caller passed a value the digest computation cannot use (e.g. `nc` out of range). */
export class DigestInputError extends AuthError {
  constructor(message: string) {
    super('ERR_AUTH_INPUT', message);
  }
}
