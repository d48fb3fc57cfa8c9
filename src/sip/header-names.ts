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

/** Header names as usually written, so the hot path needs no `toLowerCase` (a static table). */
const COMMON_NAMES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  const canonical = [
    'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Content-Length',
    'Content-Type', 'Record-Route', 'Route', 'Allow', 'Supported', 'Require', 'Server',
    'User-Agent', 'WWW-Authenticate', 'Proxy-Authenticate', 'Authorization',
    'Proxy-Authorization', 'Expires', 'Min-Expires', 'Retry-After', 'Warning', 'Date',
    'Accept', 'Accept-Encoding', 'Accept-Language', 'RSeq', 'RAck', 'Reason',
    'Session-Expires', 'Min-SE', 'Event', 'Allow-Events', 'Subscription-State', 'Subject',
    'Content-Encoding', 'Content-Disposition', 'Unsupported', 'Proxy-Require',
    'P-Asserted-Identity', 'P-Preferred-Identity', 'P-Early-Media', 'Privacy', 'Path',
    'Service-Route', 'Timestamp', 'Organization', 'Priority', 'Reply-To', 'Refer-To',
    'Referred-By', 'Replaces', 'Authentication-Info', 'Error-Info', 'Alert-Info', 'Call-Info',
    'In-Reply-To', 'MIME-Version', 'Security-Server', 'Security-Client', 'Security-Verify',
  ];
  for (const name of canonical) {
    const key = name.toLowerCase();
    m.set(name, key);
    m.set(key, key);
    m.set(name.toUpperCase(), key);
  }
  m.set('Call-Id', 'call-id');
  m.set('Cseq', 'cseq');
  m.set('Www-Authenticate', 'www-authenticate');
  for (const [c, long] of Object.entries(COMPACT_FORMS)) {
    m.set(c, long);
    m.set(c.toUpperCase(), long);
  }
  return m;
})();

/** `headerKey`, with a table lookup first for the usual spellings (parser hot path). */
export function fastHeaderKey(name: string): string {
  return COMMON_NAMES.get(name) ?? headerKey(name);
}
