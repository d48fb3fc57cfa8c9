import { createHash } from 'node:crypto';

/**
 * The digest algorithms sipcall answers: the MD5 of RFC 2617 / RFC 3261 §22.4 and the
 * SHA-2 family that RFC 8760 §2.1 brings to SIP from RFC 7616 §6.1 (the "HTTP Digest Hash
 * Algorithms" registry), each with its `-sess` variant.
 */
export const SUPPORTED_ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
] as const;

export type DigestAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** The qop values sipcall answers (RFC 7616 §3.3, RFC 3261 §22.4). */
export const SUPPORTED_QOPS = ['auth', 'auth-int'] as const;
export type Qop = (typeof SUPPORTED_QOPS)[number];

/** The hash family of an algorithm (what `H` is) and its node:crypto name. */
export type HashName = 'MD5' | 'SHA-256' | 'SHA-512-256';

const NODE_HASH: Record<HashName, string> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  // RFC 7616 §6.1: SHA-512-256 is SHA-512/256 of FIPS 180-4 (its own initial values), which
  // OpenSSL names `sha512-256`. Not SHA-512 cut to 256 bits.
  'SHA-512-256': 'sha512-256',
};

/** Strength rank used only by the opt-in `strongest` policy. */
const STRENGTH: Record<HashName, number> = { MD5: 1, 'SHA-256': 2, 'SHA-512-256': 3 };

/**
 * The canonical spelling of a supported algorithm name, matched case-insensitively
 * ("algorithm names are case-insensitive", RFC 7616 §3.3 treats them as tokens), or undefined.
 */
export function canonicalAlgorithm(name: string): DigestAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  return SUPPORTED_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

/** `-sess` variants compute HA1 once more over nonce and cnonce (RFC 7616 §3.4.2). */
export function isSess(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** The hash family under an algorithm (`SHA-256-sess` → `SHA-256`). */
export function hashOf(algorithm: DigestAlgorithm): HashName {
  return (isSess(algorithm) ? algorithm.slice(0, -'-sess'.length) : algorithm) as HashName;
}

export function strengthOf(algorithm: DigestAlgorithm): number {
  return STRENGTH[hashOf(algorithm)];
}

/** Length in hex digits of a digest of this family (32 for MD5, 64 for the SHA-2 ones). */
export function hexLength(hash: HashName): number {
  return hash === 'MD5' ? 32 : 64;
}

/**
 * `H(data)`: the lower-case hex digest ("the output of the hash … represented as a sequence of
 * lowercase hexadecimal digits", RFC 7616 §3.2). Strings are hashed as UTF-8.
 */
export function digestHex(hash: HashName, data: string | Uint8Array): string {
  const h = createHash(NODE_HASH[hash]);
  if (typeof data === 'string') h.update(data, 'utf8');
  else h.update(data);
  return h.digest('hex');
}
