import {
  AuthError,
  challengeResponseFrom,
  DigestSession,
  parseChallenges,
  type AuthorizationHeader,
  type DigestRequest,
  type RandomSource,
} from '../auth/index.js';
import { headerKey } from '../sip/header-names.js';
import { Headers } from '../sip/headers.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { AuthPlan } from './auth-plan.js';
import type { Session } from './session.js';

/** What to do after a 401/407: send this request, or stop (and why, in words). */
export type AuthStep = { kind: 'retry'; request: SipRequest } | { kind: 'stop'; why: string };

/** A response that asks for credentials: 401 (WWW-Authenticate) or 407 (Proxy-Authenticate). */
export function isChallenge(res: SipResponse): boolean {
  return res.status === 401 || res.status === 407;
}

/**
 * A safety net under DigestSession's own rules (which already stop at the second non-stale
 * challenge per realm and bound stale retries): never more than this many answers in a row to
 * one request, whatever a peer sends.
 */
const MAX_ANSWERS_PER_REQUEST = 4;

/** How to give credentials, for the note when a challenge arrives and there are none. */
export const CREDENTIALS_HINT =
  'give the user with --user NAME (or --auth-user) and the password in SIPCALL_PASSWORD, --password-file FILE or --ha1 HEX (on a terminal, sipcall asks)';

/**
 * Answers 401/407 challenges for one run (RFC 3261 §22.2, §22.3) with one DigestSession, so the
 * same credentials serve every later request of the run (a refresh REGISTER, a BYE through the
 * proxy) with `nc` counting up. Says in `note` events which challenge it answered and why, and
 * why it stops. Never sees or says a password: the session holds it privately.
 */
export class Authenticator {
  #digest: DigestSession | undefined;
  #loaded = false;
  #answers = new WeakMap<SipRequest, number>();
  /** The user's own credentials rows (`--header Authorization: …`), as `key value`. */
  readonly #userRows: ReadonlySet<string>;
  /** The header names whose replacement a note already told (once per run). */
  readonly #told = new Set<string>();

  /** `userHeaders`: the `--header` rows of the plan, to tell the user when theirs are replaced. */
  constructor(
    private readonly session: Session,
    private readonly plan: AuthPlan | undefined,
    private readonly random?: RandomSource,
    userHeaders: ReadonlyArray<{ name: string; value: string }> = [],
  ) {
    this.#userRows = new Set(userHeaders.filter((h) => CREDENTIAL_KEYS.includes(headerKey(h.name))).map((h) => rowKey(h.name, h.value)));
  }

  /** The warnings the credentials came with (e.g. `--password` on the command line). */
  announce(): void {
    for (const text of this.plan?.warnings ?? []) this.session.emit({ type: 'note', level: 'warn', text });
  }

  /**
   * RFC 3261 §22.3: "a UAC MAY … pre-emptively include … credentials" for a realm it already
   * knows, e.g. a BYE through a proxy that challenged the INVITE, or a refresh REGISTER. Adds
   * them to a new request (nothing until a challenge was answered).
   */
  prepare(req: SipRequest): void {
    if (!this.#digest) return;
    const auth = this.#digest.authorize(digestRequestOf(req));
    if (auth.length === 0) return;
    // The user's --header Authorization goes: one set of credentials, the ones for the realm.
    this.#tellReplaced(req, `for realm ${auth.map((a) => `"${a.realm}"`).join(', ')}, answered earlier in this run (RFC 3261 §22.3)`);
    deleteCredentials(req.headers);
    insertAuth(req.headers, auth);
  }

  /**
   * The answer to a 401/407 for `req`: the same request with CSeq + 1, the new top Via `via`
   * and the credentials (RFC 3261 §22.2: "the Call-ID … and the From tag … remain the same";
   * §8.1.3.5: a retry with credentials is a new request, so a new CSeq and branch), or a stop.
   */
  async answer(res: SipResponse, req: SipRequest, via: string): Promise<AuthStep> {
    const realms = describeRealms(res);
    if (!this.#loaded) {
      this.#loaded = true;
      const creds = this.plan ? await this.plan.credentials(realms.first) : undefined;
      if (creds) {
        try {
          this.#digest = new DigestSession(creds, this.random ? { random: this.random } : {});
        } catch (err) {
          if (err instanceof AuthError) return this.stop(`cannot answer the ${res.status}: ${err.message}`);
          throw err;
        }
      }
    }
    if (!this.#digest) {
      return this.stop(`${realms.text} asked for credentials (${res.status} ${res.reason}) and none were given: ${CREDENTIALS_HINT}`);
    }
    const count = (this.#answers.get(req) ?? 0) + 1;
    if (count > MAX_ANSWERS_PER_REQUEST) return this.stop(`${count - 1} challenges in a row for one request: giving up`);

    const outcome = this.#digest.respond(challengeResponseFrom(res), digestRequestOf(req));
    if (outcome.kind === 'rejected') return this.stop(outcome.rejected.why);
    if (outcome.kind === 'unsupported') return this.stop(`cannot answer the ${res.status} ${res.reason}: ${outcome.unsupported.message}`);

    for (const h of outcome.headers) {
      this.session.emit({ type: 'note', level: 'info', text: `${res.status} ${res.reason}: answering realm "${h.realm}" in ${h.headerName} as user ${this.plan?.username ?? '?'} (nc ${h.nc}); ${h.why}` });
    }
    // RFC 3261 §22.2: the request sent again carries the credentials computed for the challenge.
    this.#tellReplaced(req, `for the ${res.status} ${res.reason} (RFC 3261 §22.2: the request sent again carries the credentials for the challenge)`);
    const retry = retryRequest(req, via, outcome.headers);
    this.#answers.set(retry, count);
    return { kind: 'retry', request: retry };
  }

  /**
   * Says (once per header name and run) that the user's `--header Authorization` or
   * `Proxy-Authorization` in `req` gives way to the credentials sipcall computes: a request
   * carries one set, and two Authorization rows for one realm leave the server to pick one.
   */
  #tellReplaced(req: SipRequest, why: string): void {
    for (const f of req.headers.fields) {
      if (!CREDENTIAL_KEYS.includes(f.key) || !this.#userRows.has(rowKey(f.name, f.value)) || this.#told.has(f.key)) continue;
      this.#told.add(f.key);
      this.session.emit({ type: 'note', level: 'info', code: 'header-replaced', text: `--header ${f.name}: replaced by the credentials sipcall computed ${why}` });
    }
  }

  private stop(why: string): AuthStep {
    this.session.emit({ type: 'note', level: 'warn', text: why });
    return { kind: 'stop', why };
  }
}

/** What the digest needs of a request: method, Request-URI as sent, body (for auth-int). */
export function digestRequestOf(req: SipRequest): DigestRequest {
  return { method: req.method, uri: req.uri, ...(req.body.length > 0 ? { body: req.body } : {}) };
}

/**
 * The retry: same request, CSeq number + 1, a new top Via, the old credentials replaced.
 * RFC 3261 §22.2: "Once authentication credentials have been supplied … the UAC … MUST
 * increment the CSeq header field value as it would normally when sending an updated request."
 */
export function retryRequest(req: SipRequest, via: string, auth: readonly AuthorizationHeader[]): SipRequest {
  const h = req.headers.clone();
  const seq = Number.parseInt(h.get('cseq') ?? '0', 10);
  h.set('Via', via);
  h.set('CSeq', `${seq + 1} ${req.method}`);
  deleteCredentials(h);
  insertAuth(h, auth);
  return { ...req, headers: h };
}

/** The credentials header fields (RFC 3261 §20.7, §20.28), lower case. */
const CREDENTIAL_KEYS: readonly string[] = ['authorization', 'proxy-authorization'];

/** A row as `key value`, to recognise the user's own rows. */
function rowKey(name: string, value: string): string {
  return `${headerKey(name)} ${value.trim()}`;
}

/** Removes every credentials row: sipcall writes them all (old ones, the user's) afresh. */
function deleteCredentials(h: Headers): void {
  h.delete('Authorization');
  h.delete('Proxy-Authorization');
}

/** Adds credentials before Content-Length (order is free, RFC 3261 §7.3.1; this reads better). */
function insertAuth(h: Headers, auth: readonly AuthorizationHeader[]): void {
  const at = h.fields.findIndex((f) => f.key === 'content-length');
  const rows = auth.map((a) => Headers.field(a.headerName, a.value));
  if (at < 0) h.fields.push(...rows);
  else h.fields.splice(at, 0, ...rows);
}

/** The realms a 401/407 names, in words: `realm "example.com" (Proxy-Authenticate)`. */
function describeRealms(res: SipResponse): { first: string; text: string } {
  const parts: string[] = [];
  let first = '';
  for (const header of ['WWW-Authenticate', 'Proxy-Authenticate']) {
    for (const c of parseChallenges(res.headers.getAll(header))) {
      first ||= c.realm;
      const what = `realm "${c.realm}" (${header}, ${c.scheme}${c.supported ? ` ${c.algorithm}` : ''})`;
      if (!parts.includes(what)) parts.push(what);
    }
  }
  return { first, text: parts.length ? parts.join(' and ') : `the ${res.status} (without a challenge header)` };
}
