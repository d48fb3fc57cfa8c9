import { headerKey } from '../sip/header-names.js';
import { tagOf } from '../sip/name-addr.js';
import { UsageError } from './errors.js';

/**
 * Checks a user-supplied header for what would break the message framing or smuggle a second
 * header or message: CR, LF and NUL anywhere in the name or the value (RFC 3261 §7.3.1: a
 * header field ends at CRLF; a bare CR or LF would be read as one by many parsers), and a
 * name that is not an RFC 3261 `token` (§25.1).
 */
export function checkHeader(name: string, value: string, flag = '--header'): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) {
    throw new UsageError(
      `${flag}: header name ${JSON.stringify(name)} is not a valid SIP token`,
      'use letters, digits and - . ! % * _ + ` \' ~ only, as in --header "X-Test: 1"',
    );
  }
  const bad = /[\r\n\0]/.exec(value);
  if (bad) {
    const what = bad[0] === '\r' ? 'a carriage return (CR)' : bad[0] === '\n' ? 'a line feed (LF)' : 'a NUL byte';
    throw new UsageError(
      `${flag}: the value of ${name} contains ${what}, which would split the message`,
      'give one header per --header option, without line breaks',
    );
  }
}

/**
 * Header fields sipcall writes itself that `--header` must not replace, with the reason
 * (RFC 3261 §8.1.1: "A valid SIP request formulated by a UAC MUST, at a minimum, contain …
 * To, From, CSeq, Call-ID, Max-Forwards, and Via"; those below are the ones whose value the
 * transaction, the dialog or the framing depend on). Keys are lower-case long forms; a compact
 * form (`l`, `v`, `i`) counts as its long name (§7.3.3).
 */
export const REFUSED_HEADERS: Readonly<Record<string, string>> = {
  'content-length': 'sipcall writes Content-Length from the body it sends; a second or different one makes the peer misread or drop the message (RFC 3261 §20.14, §18.3)',
  via: 'sipcall writes the Via that names this transaction (its branch) and where responses come back (RFC 3261 §8.1.1.7, §17.1.3)',
  cseq: 'sipcall numbers requests itself; responses are matched to the transaction by the CSeq method (RFC 3261 §8.1.1.5, §17.1.3)',
  'call-id': 'sipcall writes the Call-ID that ties every message of the call or registration together (RFC 3261 §8.1.1.4)',
  route: 'the route set decides where the request is sent (RFC 3261 §8.1.2); a Route header sipcall did not choose would name one hop while the request goes to another',
};

/** The hint for a refused header: the flag that sets what the user wants instead, if any. */
const REFUSED_HINT: Readonly<Record<string, string>> = {
  'content-length': 'give the body with --body; sipcall counts it',
  via: 'use --local ADDR[:PORT] to choose the address in Via',
  cseq: 'for a BYE outside a call use sipcall bye --cseq',
  'call-id': 'for a BYE outside a call use sipcall bye --call-id',
  route: 'use --route URI (repeatable) or --proxy URI',
};

/**
 * Header fields sipcall writes that `--header` replaces (the user's value wins, in place):
 * the value is the user's to choose and nothing in sipcall reads it back in a way the change
 * breaks. A From without a `tag` keeps sipcall's tag (RFC 3261 §8.1.1.3: the From "MUST
 * contain a new tag parameter").
 */
export const REPLACED_HEADERS: ReadonlySet<string> = new Set([
  'max-forwards', 'from', 'to', 'contact', 'user-agent', 'content-type', 'allow', 'supported',
  'require', 'session-expires', 'expires',
]);

/** One `--header`: `replace` is true when it replaces a header sipcall writes itself. */
export interface ExtraHeader {
  name: string;
  value: string;
  replace?: boolean;
}

/** Parses `Name: value` as given to --header; a header sipcall writes is replaced, or refused. */
export function parseHeaderOption(text: string): ExtraHeader {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new UsageError(`--header ${JSON.stringify(text)} is not of the form "Name: value"`, 'example: --header "X-Test: 1"');
  }
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  checkHeader(name, value);
  const key = headerKey(name);
  const refused = REFUSED_HEADERS[key];
  if (refused !== undefined) {
    const spelled = key === name.toLowerCase() ? name : `${name} (${longName(key)})`;
    throw new UsageError(`--header ${spelled} cannot be set: ${refused}`, REFUSED_HINT[key]);
  }
  return REPLACED_HEADERS.has(key) ? { name, value, replace: true } : { name, value };
}

/** The notes that say which headers sipcall writes were replaced by `--header` (one per name). */
export function replacementNotes(headers: readonly ExtraHeader[]): string[] {
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const h of headers) {
    const key = headerKey(h.name);
    if (!h.replace || seen.has(key)) continue;
    seen.add(key);
    const tag = key === 'from' && tagOf(h.value) === undefined ? " (sipcall's tag added: RFC 3261 §8.1.1.3)" : '';
    notes.push(`--header ${h.name}: replaces the ${longName(key)} sipcall writes${tag}`);
  }
  return notes;
}

/** `content-length` → `Content-Length`, `call-id` → `Call-ID`, `cseq` → `CSeq`. */
function longName(key: string): string {
  const special: Record<string, string> = { 'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate' };
  return special[key] ?? key.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}
