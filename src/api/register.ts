import { splitHeaderList } from '../sip/split-list.js';
import { parseContacts } from '../sip/contact.js';
import { headerValues, type SipResult } from './result.js';
import { startRun, type SipRun } from './run.js';
import type { RegisterOptions } from './types.js';

/** One binding the registrar lists in its 2xx (RFC 3261 §10.2.4, §10.3 step 8). */
export interface Binding {
  /** The Contact URI as written. */
  uri: string;
  /** Seconds the binding has left (the `expires` parameter), when given. */
  expires?: number;
  q?: number;
}

export interface RegisterResult extends SipResult {
  /**
   * The bindings the 2xx lists: "The registrar returns a 200 (OK) response. The response MUST
   * contain Contact header field values enumerating all current bindings" (RFC 3261 §10.3).
   * Empty without a 2xx.
   */
  bindings: Binding[];
}

/**
 * Sends REGISTER for the address-of-record `aor` (RFC 3261 §10.2) and resolves with how it
 * went: binds our Contact for `expires` seconds (default 3600), or removes it with
 * `expires: 0` (§10.2.2 "a UA requests the immediate removal of a binding by specifying an
 * expiration interval of "0""), every binding with `unregisterAll`, or lists them with `query`
 * (§10.2.3). A 401/407 is answered with `auth` (§22). `sipcall register AOR` runs the same.
 *
 * ```ts
 * const r = await register('sip:alice@127.0.0.1:5060', { expires: 60, auth: { user: 'alice', password } });
 * const granted = r.bindings.map((b) => b.expires); // the 200 lists every binding
 * ```
 */
export function register(aor: string, opts: RegisterOptions = {}): SipRun<RegisterResult> {
  return startRun({ name: 'register', target: aor, opts }, (base) => {
    const f = base.final && base.final.status >= 200 && base.final.status < 300 ? base.final : undefined;
    const set = parseContacts(headerValues(f, 'Contact').flatMap((row) => splitHeaderList(row)));
    const bindings = set.contacts.map((c) => ({ uri: c.uriText, ...(c.expires !== undefined ? { expires: c.expires } : {}), ...(c.q !== undefined ? { q: c.q } : {}) }));
    return { ...base, bindings };
  });
}
