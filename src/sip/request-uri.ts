import { isValidUri } from './uri.js';

/**
 * Checks the Request-URI of a Request-Line (RFC 3261 §7.1, §25.1):
 *
 * ```
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * Request-URI  = SIP-URI / SIPS-URI / absoluteURI
 * ```
 *
 * sip:, sips: and tel: URIs must parse fully (so `sip:2001:db8::10`, an IPv6 address without
 * brackets, is refused: RFC 5118 §4.2). Other schemes are accepted when they look like an
 * absoluteURI (`scheme ":" 1*uric`): an unknown scheme is the application's business, answered
 * with 416 (RFC 4475 §3.3.2). Returns why the URI is refused, or null when it is acceptable.
 */
export function requestUriDefect(uri: string): string | null {
  if (uri.length === 0) return 'the Request-URI is empty (RFC 3261 §25.1)';
  if (uri.charCodeAt(0) === 0x3c) {
    return 'the Request-URI must not be enclosed in "<" ">" (RFC 3261 §25.1 Request-Line; RFC 4475 §3.1.2.7)';
  }
  const colon = uri.indexOf(':');
  if (colon <= 0) return `"${uri}" has no URI scheme (RFC 3261 §25.1 absoluteURI)`;
  for (let i = 0; i < colon; i++) {
    const c = uri.charCodeAt(i) | 0x20;
    const alpha = c >= 0x61 && c <= 0x7a;
    if (i === 0 ? !alpha : !(alpha || (uri.charCodeAt(i) >= 0x30 && uri.charCodeAt(i) <= 0x39) || uri[i] === '+' || uri[i] === '-' || uri[i] === '.')) {
      return `"${uri.slice(0, colon)}" is not a URI scheme (RFC 3261 §25.1)`;
    }
  }
  const scheme = uri.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips' || scheme === 'tel') {
    return isValidUri(uri) ? null : `"${uri}" is not a well-formed ${scheme}: URI (RFC 3261 §19.1, §25.1)`;
  }
  if (colon === uri.length - 1) return `"${uri}" has nothing after the scheme (RFC 3261 §25.1 absoluteURI)`;
  for (let i = colon + 1; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22) {
      return `"${uri}" contains a character not allowed in a URI (RFC 3261 §25.1 uric)`;
    }
  }
  return null;
}
