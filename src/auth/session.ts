import type { SipResponse } from '../sip/message.js';
import type { Challenge } from './challenge.js';
import { parseChallenges } from './challenge.js';
import type { DigestAlgorithm, HashName, Qop } from './algorithms.js';
import { SUPPORTED_ALGORITHMS, hashOf } from './algorithms.js';
import type { ChoicePolicy, Choice } from './choose.js';
import { chooseChallenges, unsupportedError } from './choose.js';
import type { RandomSource } from './credentials.js';
import { computeCredentials } from './credentials.js';
import type { RefusedChallenge } from './errors.js';
import { CredentialsError, UnsupportedChallengeError } from './errors.js';

/** Who we are. Held privately by the session: never serialised, never echoed. */
export interface DigestCredentials {
  /** The authentication user name. */
  username: string;
  password?: string;
  /** Precomputed hex `H(username ":" realm ":" password)`; fixes the hash family. */
  ha1?: string;
  /** Which hash `ha1` is; by default MD5 for 32 hex digits, SHA-256 for 64. */
  ha1Algorithm?: HashName;
}

/** The request being (re)sent. `uri` is its Request-URI exactly as on the Request-Line. */
export interface DigestRequest {
  method: string;
  uri: string;
  body?: Uint8Array;
}

/** The challenge-bearing part of a 401/407 (use {@link challengeResponseFrom} for a SipResponse). */
export interface ChallengeResponse {
  status: number;
  /** WWW-Authenticate values, in order (answered in Authorization). */
  wwwAuthenticate?: readonly string[];
  /** Proxy-Authenticate values, in order (answered in Proxy-Authorization). */
  proxyAuthenticate?: readonly string[];
}

export type AuthorizationHeaderName = 'Authorization' | 'Proxy-Authorization';

/** One header to add to the request. `value` holds hashes only, never a secret. */
export interface AuthorizationHeader {
  headerName: AuthorizationHeaderName;
  value: string;
  realm: string;
  algorithm: DigestAlgorithm;
  qop: Qop | undefined;
  /** `nc` as sent, 8 hex digits. */
  nc: string;
  /** Which challenge and why, in words. */
  why: string;
}

/** Credentials already sent for a realm were refused: stop, do not retry (no loop). */
export interface Rejection {
  realm: string;
  user: string;
  algorithm: string;
  why: string;
}

export type DigestOutcome =
  | { kind: 'authorize'; headers: AuthorizationHeader[] }
  | { kind: 'rejected'; rejected: Rejection }
  | { kind: 'unsupported'; unsupported: UnsupportedChallengeError };

export interface DigestSessionOptions {
  /** The qop wanted when a challenge offers both; `auth` by default. */
  qop?: Qop;
  /** See {@link ChoicePolicy}; `server-order` (RFC 8760 §2.4) by default. */
  policy?: ChoicePolicy;
  random?: RandomSource;
  /** How many `stale=true` retries in a row per realm before giving up; 2 by default. */
  maxStaleRetries?: number;
}

/** What the session remembers per (header, realm): public values only. */
interface RealmState {
  headerName: AuthorizationHeaderName;
  challenge: Challenge;
  algorithm: DigestAlgorithm;
  qop: Qop | undefined;
  /** The last nc sent with `challenge.nonce`. */
  nc: number;
  cnonce: string | undefined;
  /** Credentials were sent in answer to a challenge since the last {@link DigestSession.authorize}. */
  answered: boolean;
  staleRetries: number;
}

/** Extracts the challenges of a parsed SIP response. */
export function challengeResponseFrom(response: SipResponse): ChallengeResponse {
  return {
    status: response.status,
    wwwAuthenticate: response.headers.getAll('WWW-Authenticate'),
    proxyAuthenticate: response.headers.getAll('Proxy-Authenticate'),
  };
}

/**
 * Answers 401/407 challenges for one run or dialog and remembers, per realm, the challenge, the
 * nonce and the nonce count. Pure: no I/O, no clock; the random source is injectable.
 *
 * Use: call {@link authorize} at the start of every new request (it returns the headers to add
 * pro-actively, `[]` while nothing is known), then {@link respond} for each 401/407 to it.
 *
 * - RFC 3261 §22.2: "a UAC MUST NOT re-attempt requests with the credentials that have just been
 *   rejected (though the request may be retried if the nonce was stale)". A second non-stale
 *   challenge for a realm already answered in this request → `rejected`. Never a loop.
 * - `stale=true` with a new nonce → answered again, not counted as a failure (bounded by
 *   `maxStaleRetries`).
 * - 401 and 407 challenges in one response, or several realms → one header each (RFC 8760 §2.4),
 *   and credentials for realms answered earlier are carried along, with nc counting up.
 */
export class DigestSession {
  readonly #credentials: DigestCredentials;
  readonly #usable: readonly DigestAlgorithm[];
  readonly #options: DigestSessionOptions;
  readonly #states = new Map<string, RealmState>();

  constructor(credentials: DigestCredentials, options: DigestSessionOptions = {}) {
    if (credentials.password === undefined && credentials.ha1 === undefined) {
      throw new CredentialsError(`no password or HA1 for user "${credentials.username}"`);
    }
    this.#credentials = { ...credentials };
    this.#options = { ...options };
    this.#usable = usableAlgorithms(credentials);
  }

  /** The realms the session holds state for (no secrets). */
  get realms(): string[] {
    return [...this.#states.values()].map((s) => s.challenge.realm);
  }

  /** Answers a 401/407 to `request`. */
  respond(response: ChallengeResponse, request: DigestRequest): DigestOutcome {
    const plans: Array<{ headerName: AuthorizationHeaderName; choice: Choice }> = [];
    const refused: RefusedChallenge[] = [];
    const groups: Array<[AuthorizationHeaderName, readonly string[]]> = [
      ['Authorization', response.wwwAuthenticate ?? []],
      ['Proxy-Authorization', response.proxyAuthenticate ?? []],
    ];
    for (const [headerName, values] of groups) {
      if (values.length === 0) continue;
      const result = chooseChallenges(parseChallenges(values), {
        ...(this.#options.qop ? { qop: this.#options.qop } : {}),
        ...(this.#options.policy ? { policy: this.#options.policy } : {}),
        algorithms: this.#usable,
      });
      refused.push(...result.refused);
      for (const choice of result.choices) plans.push({ headerName, choice });
    }
    if (plans.length === 0) {
      const expected = response.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
      return { kind: 'unsupported', unsupported: unsupportedError(refused, `the ${response.status} response carries no ${expected} challenge`) };
    }

    // Decide every realm before changing any state: a rejection leaves the session as it was.
    const maxStale = this.#options.maxStaleRetries ?? 2;
    for (const { headerName, choice } of plans) {
      const st = this.#states.get(keyOf(headerName, choice.challenge.realm));
      if (!st || !st.answered) continue;
      const c = choice.challenge;
      if (c.stale && c.nonce !== st.challenge.nonce && st.staleRetries < maxStale) continue;
      let why = `credentials rejected for realm "${c.realm}" (user ${this.#credentials.username}, algorithm ${st.algorithm})`;
      if (c.stale && c.nonce === st.challenge.nonce) why += '; stale=true but with the nonce just used';
      else if (c.stale) why += `; stale=true ${st.staleRetries + 1} times in a row`;
      return { kind: 'rejected', rejected: { realm: c.realm, user: this.#credentials.username, algorithm: st.algorithm, why } };
    }

    const headers: AuthorizationHeader[] = [];
    const touched = new Set<string>();
    for (const { headerName, choice } of plans) {
      const key = keyOf(headerName, choice.challenge.realm);
      touched.add(key);
      const st = this.#states.get(key);
      const staleRetry = st !== undefined && st.answered && choice.challenge.stale;
      const next: RealmState = {
        headerName,
        challenge: choice.challenge,
        algorithm: choice.algorithm,
        qop: choice.qop,
        nc: 0,
        cnonce: undefined,
        answered: true,
        staleRetries: staleRetry ? st.staleRetries + 1 : (st?.staleRetries ?? 0),
      };
      if (st && st.challenge.nonce === choice.challenge.nonce && st.algorithm === choice.algorithm) {
        next.nc = st.nc; // same nonce: nc keeps counting (RFC 7616 §3.4)
        next.cnonce = st.cnonce;
      }
      let why = choice.why;
      if (staleRetry) why += '; stale=true: retrying with the new nonce, not counted as a failure';
      headers.push(this.#emit(key, next, request, why));
    }
    for (const [key, st] of this.#states) {
      if (touched.has(key)) continue;
      headers.push(this.#emit(key, st, request, `carried: realm "${st.challenge.realm}" was answered earlier`));
    }
    return { kind: 'authorize', headers };
  }

  /**
   * Starts a new request: the headers to add pro-actively for every realm already known (e.g. a
   * BYE through an authenticating proxy), the same nonce with nc counting up. `[]` when none.
   */
  authorize(request: DigestRequest): AuthorizationHeader[] {
    const headers: AuthorizationHeader[] = [];
    for (const [key, st] of this.#states) {
      st.answered = false;
      st.staleRetries = 0;
      headers.push(this.#emit(key, st, request, `pro-active: realm "${st.challenge.realm}" is known from an earlier challenge`));
    }
    return headers;
  }

  /** Computes one header with the next nc for `state` and stores the state. */
  #emit(key: string, state: RealmState, request: DigestRequest, why: string): AuthorizationHeader {
    const creds = this.#credentials;
    const computed = computeCredentials({
      challenge: state.challenge,
      method: request.method,
      uri: request.uri,
      ...(request.body ? { body: request.body } : {}),
      username: creds.username,
      ...(creds.password !== undefined ? { password: creds.password } : { ha1: creds.ha1 }),
      nc: state.nc + 1,
      ...(state.cnonce !== undefined ? { cnonce: state.cnonce } : {}),
      ...(state.qop ? { qop: state.qop } : {}),
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    this.#states.set(key, { ...state, nc: state.nc + 1, cnonce: computed.cnonce });
    return {
      headerName: state.headerName,
      value: computed.header,
      realm: state.challenge.realm,
      algorithm: computed.algorithm,
      qop: computed.qop,
      nc: computed.nc,
      why,
    };
  }
}

function keyOf(headerName: AuthorizationHeaderName, realm: string): string {
  return `${headerName}\n${realm}`;
}

/** With a password every algorithm; with only an HA1, those of its hash family. */
function usableAlgorithms(credentials: DigestCredentials): readonly DigestAlgorithm[] {
  if (credentials.password !== undefined) return SUPPORTED_ALGORITHMS;
  const ha1 = credentials.ha1 ?? '';
  let hash = credentials.ha1Algorithm;
  if (!hash) {
    if (ha1.length === 32) hash = 'MD5';
    else if (ha1.length === 64) hash = 'SHA-256';
  }
  if (!hash || !/^[0-9a-fA-F]+$/.test(ha1)) {
    throw new CredentialsError('the HA1 given is not 32 (MD5) or 64 (SHA-256, SHA-512-256) hex digits');
  }
  const family = hash;
  return SUPPORTED_ALGORITHMS.filter((a) => hashOf(a) === family);
}
