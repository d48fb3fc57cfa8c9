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

/**
 * Header names met often, as usually spelled (the IANA registry's usual suspects). The parser finds
 * a name of this list straight in the bytes (any case), without slicing or hashing it
 * (`headerKeyOfBytes` in scan.ts), and uses the constant key string, so that later
 * `f.key === 'via'` comparisons are pointer comparisons.
 */
export const COMMON_HEADER_NAMES: readonly string[] = [
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
  'Accept-Contact', 'Reject-Contact', 'Request-Disposition', 'Identity', 'Session-ID',
];

const MAX_COMMON = 32;
/** Common names bucketed by (length, low 5 bits of the first letter). */
const BUCKETS: Array<string[] | undefined> = (() => {
  const b: Array<string[] | undefined> = new Array(MAX_COMMON * 32);
  for (const spelled of COMMON_HEADER_NAMES) {
    const name = spelled.toLowerCase();
    const slot = (name.length << 5) | (name.charCodeAt(0) & 31);
    (b[slot] ??= []).push(name);
  }
  return b;
})();
/** Compact form by char code (either case). */
const COMPACT_BY_CODE: Array<string | undefined> = (() => {
  const t: Array<string | undefined> = new Array(128);
  for (const [c, long] of Object.entries(COMPACT_FORMS)) {
    t[c.charCodeAt(0)] = long;
    t[c.toUpperCase().charCodeAt(0)] = long;
  }
  return t;
})();

/**
 * `headerKey(text.slice(start, end))` without the slice for the usual names. The caller
 * guarantees `text[start, end)` is a non-empty `token` (so `c | 0x20` is an exact
 * case-insensitive comparison against lower-case letters, digits and `-`).
 */
export function headerKeyAt(text: string, start: number, end: number): string {
  const len = end - start;
  const c0 = text.charCodeAt(start);
  if (len === 1) return (c0 < 128 ? COMPACT_BY_CODE[c0] : undefined) ?? text.slice(start, end).toLowerCase();
  if (len < MAX_COMMON) {
    const bucket = BUCKETS[(len << 5) | (c0 & 31)];
    if (bucket !== undefined) {
      for (let b = 0; b < bucket.length; b++) {
        const cand = bucket[b];
        let k = 0;
        while (k < len && (text.charCodeAt(start + k) | 0x20) === cand.charCodeAt(k)) k++;
        if (k === len) return cand;
      }
    }
  }
  return text.slice(start, end).toLowerCase();
}

/** `headerKey`, with the common-name table first (same result, fewer allocations). */
export function fastHeaderKey(name: string): string {
  let token = name.length > 0;
  for (let i = 0; i < name.length && token; i++) {
    const c = name.charCodeAt(i);
    token = c < 128 && c > 0x20 && c !== 0x3a;
  }
  return token ? headerKeyAt(name, 0, name.length) : headerKey(name);
}
