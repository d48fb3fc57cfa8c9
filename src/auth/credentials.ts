import { randomBytes } from 'node:crypto';
import type { Challenge } from './challenge.js';
import type { DigestAlgorithm, HashName, Qop } from './algorithms.js';
import { digestHex, hashOf, hexLength, isSess } from './algorithms.js';
import { chooseChallenge } from './choose.js';
import { CredentialsError, DigestInputError } from './errors.js';

/** The injectable random source (for cnonce); node:crypto's CSPRNG by default. */
export type RandomSource = (n: number) => Uint8Array;

export const defaultRandom: RandomSource = (n) => randomBytes(n);

export interface ComputeCredentialsInput {
  challenge: Challenge;
  /** The request's method, as on its Request-Line (A2, RFC 7616 §3.4.3). */
  method: string;
  /** The Request-URI exactly as sent: RFC 3261 §22.4 `digest-uri-value = Request-URI`. */
  uri: string;
  /** The message body, hashed for `auth-int`; absent means empty (RFC 3261 §22.4 item 7). */
  body?: Uint8Array;
  /** The authentication user name (not necessarily the From user). */
  username: string;
  password?: string;
  /** Precomputed lower-case hex `H(username ":" realm ":" password)`, of the algorithm's hash. */
  ha1?: string;
  /** How many requests (this one included) used this nonce (RFC 7616 §3.4); 1 for the first. */
  nc: number;
  /** Client nonce; drawn from `random` when absent. */
  cnonce?: string;
  /** The qop wanted; `auth` when both are offered unless this says `auth-int`. */
  qop?: Qop;
  random?: RandomSource;
}

/** The result. Holds no secret: neither the password nor HA1 are in it. */
export interface ComputedCredentials {
  /** The whole Authorization / Proxy-Authorization value, starting with `Digest `. */
  header: string;
  /** `nc` as sent: 8 lower-case hex digits, e.g. `00000001` (RFC 7616 §3.4 `nc-value = 8LHEX`). */
  nc: string;
  /** Undefined when no qop was sent (a cnonce MUST NOT be sent then, RFC 3261 §22.4 item 8). */
  cnonce: string | undefined;
  qop: Qop | undefined;
  algorithm: DigestAlgorithm;
  /** The `response` parameter (request-digest). */
  response: string;
}

/** `nc` as 8 lower-case hex digits. */
export function formatNonceCount(nc: number): string {
  if (!Number.isInteger(nc) || nc < 1 || nc > 0xffffffff) {
    throw new DigestInputError(`nc must be an integer from 1 to 4294967295 (got ${String(nc)})`);
  }
  return nc.toString(16).padStart(8, '0');
}

/**
 * HA1 = H(A1) (RFC 7616 §3.4.2):
 * - `A1 = unq(username) ":" unq(realm) ":" passwd`
 * - for `-sess`: `A1 = H( unq(username) ":" unq(realm) ":" passwd ) ":" unq(nonce-prime) ":" unq(cnonce-prime)`
 */
function computeHa1(input: ComputeCredentialsInput, hash: HashName, algorithm: DigestAlgorithm, cnonce: string | undefined): string {
  let base: string;
  if (input.password !== undefined) {
    base = digestHex(hash, `${input.username}:${input.challenge.realm}:${input.password}`);
  } else if (input.ha1 !== undefined) {
    const want = hexLength(hash);
    if (input.ha1.length !== want || !/^[0-9a-fA-F]+$/.test(input.ha1)) {
      throw new CredentialsError(`the HA1 given cannot answer ${algorithm}: it must be ${want} hex digits of ${hash}`);
    }
    base = input.ha1.toLowerCase();
  } else {
    throw new CredentialsError(`no password or HA1 for user "${input.username}" (realm "${input.challenge.realm}")`);
  }
  return isSess(algorithm) ? digestHex(hash, `${base}:${input.challenge.nonce}:${cnonce ?? ''}`) : base;
}

/**
 * HA2 = H(A2) (RFC 7616 §3.4.3):
 * - qop `auth` or none: `A2 = Method ":" request-uri`
 * - qop `auth-int`: `A2 = Method ":" request-uri ":" H(entity-body)`; with no body, the hash of
 *   the empty string (RFC 3261 §22.4 item 7).
 */
function computeHa2(hash: HashName, method: string, uri: string, qop: Qop | undefined, body: Uint8Array | undefined): string {
  if (qop === 'auth-int') return digestHex(hash, `${method}:${uri}:${digestHex(hash, body ?? new Uint8Array(0))}`);
  return digestHex(hash, `${method}:${uri}`);
}

/** A quoted-string (RFC 3261 §25.1): `"` and `\` escaped; line breaks refused (header injection). */
function quote(field: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new DigestInputError(`the ${field} contains a line break or NUL`);
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Computes the credentials answering one Digest challenge (RFC 3261 §22.2–22.4, RFC 7616
 * §3.4, RFC 8760 §2.2):
 *
 * `response = KD(HA1, unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" HA2)` with
 * `KD(secret, data) = H(secret ":" data)`; without qop (RFC 2069) `response = H(HA1 ":" nonce ":" HA2)`.
 *
 * With `userhash=true` in the challenge the username sent is `H(unq(username) ":" unq(realm))`
 * and `userhash=true` is added (RFC 7616 §3.4.4); A1 still uses the plain username.
 *
 * @throws UnsupportedChallengeError when the challenge cannot be answered (scheme, algorithm, qop)
 * @throws CredentialsError when neither password nor a usable HA1 is given
 * @throws DigestInputError for an out-of-range `nc` or a value with a line break
 */
export function computeCredentials(input: ComputeCredentialsInput): ComputedCredentials {
  const choice = chooseChallenge([input.challenge], input.qop ? { qop: input.qop } : {});
  if ('error' in choice) throw choice.error;
  const { challenge, algorithm, qop } = choice;
  const hash = hashOf(algorithm);
  const nc = formatNonceCount(input.nc);
  const cnonce = qop === undefined ? undefined : (input.cnonce ?? Buffer.from((input.random ?? defaultRandom)(16)).toString('hex'));

  const ha1 = computeHa1(input, hash, algorithm, cnonce);
  const ha2 = computeHa2(hash, input.method, input.uri, qop, input.body);
  const response =
    qop === undefined
      ? digestHex(hash, `${ha1}:${challenge.nonce}:${ha2}`)
      : digestHex(hash, `${ha1}:${challenge.nonce}:${nc}:${cnonce ?? ''}:${qop}:${ha2}`);

  const username = challenge.userhash ? digestHex(hash, `${input.username}:${challenge.realm}`) : input.username;
  // Quoting per RFC 3261 §25.1 / RFC 7616 §3.4.5: algorithm, qop, nc and userhash are tokens.
  const parts = [
    `username=${quote('username', username)}`,
    `realm=${quote('realm', challenge.realm)}`,
    `nonce=${quote('nonce', challenge.nonce)}`,
    `uri=${quote('uri', input.uri)}`,
    `response=${quote('response', response)}`,
    `algorithm=${algorithm}`,
  ];
  if (qop !== undefined) parts.push(`cnonce=${quote('cnonce', cnonce ?? '')}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote('opaque', challenge.opaque)}`);
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${nc}`);
  if (challenge.userhash) parts.push('userhash=true');

  return { header: `Digest ${parts.join(', ')}`, nc, cnonce, qop, algorithm, response };
}
