import { randomBytes } from 'node:crypto';
import { isWordChar } from './chars.js';
import { BRANCH_COOKIE } from './via.js';

/**
 * Identifiers a UAC makes up: Via branch, From tag, Call-ID (RFC 3261 §8.1.1.4, §8.1.1.7,
 * §19.3). Randomness comes from an injected source so tests can pin values; the default is
 * `crypto.randomBytes` (cryptographically random, as §19.3 asks: "Call-ID values … MUST be
 * selected … to be globally unique"; tags "MUST be globally unique and cryptographically
 * random with at least 32 bits of randomness").
 */
export type RandomSource = (bytes: number) => Uint8Array;

/** The default random source: `crypto.randomBytes`. */
export const cryptoRandom: RandomSource = (n) => randomBytes(n);

const HEX = '0123456789abcdef';

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return out;
}

/**
 * A new branch: the magic cookie then 80 random bits in hex.
 * > "The branch ID inserted by an element compliant with this specification MUST always begin
 * > with the characters "z9hG4bK"." (RFC 3261 §8.1.1.7)
 */
export function newBranch(rand: RandomSource = cryptoRandom): string {
  return BRANCH_COOKIE + hex(rand(10));
}

/** A new tag: 64 random bits in hex (RFC 3261 §19.3 asks for at least 32). */
export function newTag(rand: RandomSource = cryptoRandom): string {
  return hex(rand(8));
}

/**
 * A new Call-ID: 128 random bits in hex, then `@host` when a host is given
 * (`callid = word [ "@" word ]`, RFC 3261 §25.1). Throws a RangeError when `host` is not a
 * `word` (a bug in the caller, not a runtime condition).
 */
export function newCallId(rand: RandomSource = cryptoRandom, host?: string): string {
  const id = hex(rand(16));
  if (host === undefined || host === '') return id;
  for (let i = 0; i < host.length; i++) {
    if (!isWordChar(host.charCodeAt(i))) throw new RangeError(`Call-ID host "${host}" is not a word (RFC 3261 §25.1)`);
  }
  return `${id}@${host}`;
}
