import { parseDeltaSeconds } from './delta-seconds.js';
import { checkNameAddr, type NameAddr, type NameAddrDefect } from './name-addr.js';

/**
 * Contact (RFC 3261 §20.10, §25.1):
 *
 * ```
 * Contact        = ("Contact" / "m") HCOLON ( STAR / (contact-param *(COMMA contact-param)))
 * contact-params = c-p-q / c-p-expires / contact-extension
 * c-p-q          = "q" EQUAL qvalue
 * c-p-expires    = "expires" EQUAL delta-seconds
 * ```
 */
export interface Contact extends NameAddr {
  /** `expires` parameter, seconds (0 … 2**32-1). */
  expires?: number;
  /** `q` parameter, 0 … 1. */
  q?: number;
}

export interface ContactProblem {
  code: NameAddrDefect['code'] | 'bad-expires' | 'bad-q' | 'wildcard-not-alone';
  text: string;
}

export interface ContactSet {
  /** `Contact: *` (REGISTER "remove all bindings", RFC 3261 §10.2.2). */
  wildcard: boolean;
  contacts: Contact[];
  /** What is wrong (empty when all is well): name-addr defect codes, `bad-expires`, `bad-q`,
   *  `wildcard-not-alone`. */
  problems: ContactProblem[];
}

/** `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 3261 §25.1). */
export function parseQValue(text: string): number | null {
  const t = text.trim();
  if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(t)) return null;
  return Number(t);
}

/**
 * Parses Contact list elements (`headers.list('contact')`): each a name-addr or addr-spec
 * with contact-params, or the single `*`.
 */
export function parseContacts(elements: readonly string[]): ContactSet {
  const out: ContactSet = { wildcard: false, contacts: [], problems: [] };
  for (const el of elements) {
    if (el.trim() === '*') {
      out.wildcard = true;
      continue;
    }
    const { value, defects } = checkNameAddr(el);
    for (const d of defects) out.problems.push({ code: d.code, text: `Contact "${el}": ${d.text}` });
    if (!value) continue;
    const c: Contact = value;
    const ex = value.params.get('expires');
    if (ex !== undefined) {
      const n = ex === null ? null : parseDeltaSeconds(ex);
      if (n === null) {
        out.problems.push({ code: 'bad-expires', text: `Contact "${el}": expires="${ex ?? ''}" is not delta-seconds up to 2**32-1 (RFC 3261 §20.10, §20.19; RFC 4475 §3.1.2.4)` });
      }
      else c.expires = n;
    }
    const q = value.params.get('q');
    if (q !== undefined) {
      const n = q === null ? null : parseQValue(q);
      if (n === null) out.problems.push({ code: 'bad-q', text: `Contact "${el}": q="${q ?? ''}" is not a qvalue 0-1 (RFC 3261 §20.10)` });
      else c.q = n;
    }
    out.contacts.push(c);
  }
  if (out.wildcard && (out.contacts.length > 0 || elements.length > 1)) {
    out.problems.push({ code: 'wildcard-not-alone', text: '"Contact: *" must be the only Contact value (RFC 3261 §10.2.2)' });
  }
  return out;
}
