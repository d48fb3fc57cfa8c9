/**
 * Header names: case-insensitive, with compact forms (RFC 3261 §7.3.3 and the IANA registry).
 *
 * > "Field names are always case-insensitive." (RFC 3261 §7.3.1)
 * > "SIP provides a mechanism to represent common header field names in an abbreviated form."
 * > (RFC 3261 §7.3.3)
 */

/** Compact form → long form, lower case (IANA "Header Fields" registry, compact column). */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** The canonical lookup key of a header name: lower case, compact forms expanded. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT_FORMS[lower] ?? lower;
  return lower;
}
