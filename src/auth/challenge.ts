import { lexChallenges } from './auth-params.js';
import { canonicalAlgorithm } from './algorithms.js';

/**
 * One challenge from a WWW-Authenticate (401) or Proxy-Authenticate (407) header field value
 * (RFC 3261 §22.1, §22.3; RFC 7616 §3.3).
 *
 * Non-Digest schemes (e.g. `Bearer`, RFC 8898) are kept with `supported: false` so a reader can
 * say what was offered; so is a Digest challenge without a nonce.
 */
export interface Challenge {
  /** `Digest` (spelled canonically whatever the case on the wire) or the scheme as written. */
  scheme: 'Digest' | (string & {});
  /** True for a well-formed Digest challenge; algorithm and qop are checked when choosing. */
  supported: boolean;
  /** Why `supported` is false, e.g. `scheme "Bearer" is not supported (supported: Digest)`. */
  unsupportedReason?: string;
  realm: string;
  nonce: string;
  opaque?: string;
  /**
   * Canonical name when sipcall knows it (`sha-256` → `SHA-256`), else as written.
   * `MD5` when absent: "If this is not present, it is assumed to be "MD5"" (RFC 7616 §3.3,
   * RFC 2617 §3.2.1, referenced by RFC 3261 §22.4).
   */
  algorithm: string;
  /** The qop options, lower case; empty when the challenge has none (RFC 2069 style). */
  qop: string[];
  /** RFC 7616 §3.3: "the previous request from the client was rejected because the nonce value was stale". */
  stale: boolean;
  /** RFC 7616 §3.3 / §3.4.4: the server supports hashed usernames. */
  userhash: boolean;
  domain?: string;
  charset?: string;
  /** Every parameter as received: lower-case names, unquoted values. */
  params: Record<string, string>;
  /** The token68 of a non-Digest scheme, if any. */
  token68?: string;
}

/**
 * Parses every challenge of every header field row, in order (the order is the server's
 * preference, RFC 8760 §2.3). Never throws: what cannot be answered is flagged, not dropped.
 */
export function parseChallenges(headerValues: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of headerValues) {
    for (const raw of lexChallenges(value)) {
      const params: Record<string, string> = {};
      for (const [name, v] of raw.params) params[name] = v;
      const isDigest = raw.scheme.toLowerCase() === 'digest';
      const algorithmRaw = params['algorithm'];
      const challenge: Challenge = {
        scheme: isDigest ? 'Digest' : raw.scheme,
        supported: isDigest,
        realm: params['realm'] ?? '',
        nonce: params['nonce'] ?? '',
        algorithm: algorithmRaw === undefined || algorithmRaw === '' ? 'MD5' : (canonicalAlgorithm(algorithmRaw) ?? algorithmRaw),
        qop: (params['qop'] ?? '')
          .split(',')
          .map((q) => q.trim().toLowerCase())
          .filter((q) => q !== ''),
        stale: (params['stale'] ?? '').toLowerCase() === 'true',
        userhash: (params['userhash'] ?? '').toLowerCase() === 'true',
        params,
      };
      if (params['opaque'] !== undefined) challenge.opaque = params['opaque'];
      if (params['domain'] !== undefined) challenge.domain = params['domain'];
      if (params['charset'] !== undefined) challenge.charset = params['charset'];
      if (raw.token68 !== undefined) challenge.token68 = raw.token68;
      if (!isDigest) challenge.unsupportedReason = `scheme "${raw.scheme}" is not supported (supported: Digest)`;
      else if (params['nonce'] === undefined) {
        challenge.supported = false;
        challenge.unsupportedReason = 'Digest challenge without a nonce';
      }
      out.push(challenge);
    }
  }
  return out;
}
