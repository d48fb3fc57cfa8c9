import type { Challenge } from './challenge.js';
import type { DigestAlgorithm, Qop } from './algorithms.js';
import { SUPPORTED_ALGORITHMS, SUPPORTED_QOPS, canonicalAlgorithm, isSess, strengthOf } from './algorithms.js';
import type { RefusedChallenge } from './errors.js';
import { UnsupportedChallengeError } from './errors.js';

/**
 * Which challenge to answer when one realm offers several.
 *
 * - `server-order` (the default): RFC 8760 §2.4, "the UAC SHOULD use the topmost header field
 *   that it supports, unless a local policy dictates otherwise", the server having listed them
 *   "in the order in which it would prefer to see them used" (§2.3).
 * - `strongest`: that "local policy": the strongest hash offered, ties to the topmost. It
 *   guards against an on-path attacker reordering the fields to put MD5 first (RFC 8760 §3).
 */
export type ChoicePolicy = 'server-order' | 'strongest';

export interface ChooseOptions {
  /** The qop the caller wants; `auth` unless said otherwise. Falls back to what is offered. */
  qop?: Qop;
  policy?: ChoicePolicy;
  /** Algorithms the credentials can answer (an HA1 fixes the hash); all supported by default. */
  algorithms?: readonly DigestAlgorithm[];
}

/** An answerable challenge, with the algorithm and qop to answer it and the reason in words. */
export interface Choice {
  challenge: Challenge;
  algorithm: DigestAlgorithm;
  /** Undefined when the challenge has no qop (RFC 2069 compatibility, RFC 3261 §22.4 item 8). */
  qop: Qop | undefined;
  /** Which one and why, for the user: e.g. `SHA-256 chosen for realm "example.com": …`. */
  why: string;
}

/**
 * The qop to answer with. RFC 3261 §22.4 item 8: "If a client receives a "qop" parameter in a
 * challenge header field, it MUST send the "qop" parameter in any resulting authorization
 * header field." `auth` is preferred when both are offered unless `auth-int` is asked for.
 */
export function chooseQop(challenge: Challenge, preferred: Qop = 'auth'): { qop: Qop | undefined } | { reason: string } {
  const offered = challenge.qop;
  if (offered.length === 0) return { qop: undefined };
  if (offered.includes(preferred)) return { qop: preferred };
  const other = SUPPORTED_QOPS.find((q) => offered.includes(q));
  if (other) return { qop: other };
  const list = offered.map((q) => `"${q}"`).join(', ');
  return { reason: `qop ${list} is not supported (supported: ${SUPPORTED_QOPS.join(', ')})` };
}

/** Why this challenge cannot be answered, or its algorithm and qop. */
function assess(
  c: Challenge,
  options: ChooseOptions,
): { algorithm: DigestAlgorithm; qop: Qop | undefined } | { reason: string } {
  if (!c.supported) return { reason: c.unsupportedReason ?? `scheme "${c.scheme}" is not supported` };
  const algorithm = canonicalAlgorithm(c.algorithm);
  if (!algorithm) {
    return { reason: `algorithm "${c.algorithm}" is not supported (supported: ${SUPPORTED_ALGORITHMS.join(', ')})` };
  }
  const usable = options.algorithms ?? SUPPORTED_ALGORITHMS;
  if (!usable.includes(algorithm)) {
    return { reason: `algorithm "${algorithm}" cannot be answered with the credentials given (usable: ${usable.join(', ')})` };
  }
  const q = chooseQop(c, options.qop);
  if ('reason' in q) return q;
  // RFC 3261 §22.4 item 8: "any algorithms that have a dependency on the cnonce (including
  // "MD5-Sess") require that the qop directive be sent."
  if (q.qop === undefined && isSess(algorithm)) {
    return { reason: `algorithm "${algorithm}" needs a qop and the challenge offers none (RFC 3261 §22.4)` };
  }
  return { algorithm, qop: q.qop };
}

/**
 * One answerable challenge per realm, realms in the order they first appear; plus what was
 * refused and why. RFC 8760 §2.4: with several realms the UAC answers each realm "for which
 * it has credentials"; within one realm, see {@link ChoicePolicy}.
 */
export function chooseChallenges(
  challenges: readonly Challenge[],
  options: ChooseOptions = {},
): { choices: Choice[]; refused: RefusedChallenge[] } {
  const refused: RefusedChallenge[] = [];
  const byRealm = new Map<string, Array<{ c: Challenge; algorithm: DigestAlgorithm; qop: Qop | undefined }>>();
  const offeredByRealm = new Map<string, Challenge[]>();
  for (const c of challenges) {
    const offered = offeredByRealm.get(c.realm) ?? [];
    offered.push(c);
    offeredByRealm.set(c.realm, offered);
    const a = assess(c, options);
    if ('reason' in a) {
      refused.push({ scheme: c.scheme, realm: c.realm, algorithm: c.algorithm, qop: c.qop, reason: a.reason });
      continue;
    }
    const list = byRealm.get(c.realm) ?? [];
    list.push({ c, ...a });
    byRealm.set(c.realm, list);
  }

  const policy = options.policy ?? 'server-order';
  const choices: Choice[] = [];
  for (const [realm, candidates] of byRealm) {
    let pick = candidates[0];
    if (policy === 'strongest') {
      for (const cand of candidates) if (strengthOf(cand.algorithm) > strengthOf(pick.algorithm)) pick = cand;
    }
    const offered = offeredByRealm.get(realm) ?? [];
    choices.push({ challenge: pick.c, algorithm: pick.algorithm, qop: pick.qop, why: explain(pick, offered, refused, policy, options.qop) });
  }
  return { choices, refused };
}

function explain(
  pick: { c: Challenge; algorithm: DigestAlgorithm; qop: Qop | undefined },
  offered: Challenge[],
  refused: RefusedChallenge[],
  policy: ChoicePolicy,
  wantedQop: Qop | undefined,
): string {
  const names = offered.map((c) => (c.supported ? c.algorithm : c.scheme)).join(', ');
  const realm = pick.c.realm;
  let why = `${pick.algorithm} chosen for realm "${realm}": `;
  if (offered.length === 1) why += 'the only challenge offered';
  else if (policy === 'strongest') {
    why += `the strongest of ${names} offered (local policy "strongest", which RFC 8760 §2.4 allows over the server's order)`;
  } else {
    why += `the first the server listed that sipcall supports, in the server's order ${names} (RFC 8760 §2.4)`;
  }
  const skipped = refused.filter((r) => r.realm === realm).map((r) => r.reason);
  if (skipped.length > 0) why += `; skipped: ${skipped.join('; ')}`;
  if (pick.qop === undefined) why += '; no qop offered (RFC 2069 compatibility)';
  else if (pick.c.qop.length > 1) {
    why += `; qop ${pick.qop} of ${pick.c.qop.join(', ')}`;
    why += wantedQop === 'auth-int' ? ' (auth-int asked for)' : ' (auth preferred unless auth-int is asked for)';
  } else why += `; qop ${pick.qop}`;
  return why;
}

/** The error for a response none of whose challenges can be answered. */
export function unsupportedError(refused: RefusedChallenge[], context = 'no challenge offered'): UnsupportedChallengeError {
  if (refused.length === 0) return new UnsupportedChallengeError(context, refused);
  if (refused.length === 1) return new UnsupportedChallengeError(refused[0].reason, refused);
  return new UnsupportedChallengeError(`no challenge can be answered: ${refused.map((r) => r.reason).join('; ')}`, refused);
}

/**
 * The challenge to answer: the choice for the first realm that has an answerable challenge
 * (use {@link chooseChallenges} to answer every realm), or a typed error naming what was
 * refused, e.g. `algorithm "SHA-1" is not supported (supported: MD5, …)`.
 */
export function chooseChallenge(
  challenges: readonly Challenge[],
  options: ChooseOptions = {},
): Choice | { error: UnsupportedChallengeError } {
  const { choices, refused } = chooseChallenges(challenges, options);
  if (choices.length > 0) return choices[0];
  return { error: unsupportedError(refused) };
}
