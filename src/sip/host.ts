import { hexValue, isDigit } from './chars.js';

/**
 * Hosts in SIP URIs and Via sent-by (RFC 3261 §25.1):
 *
 * ```
 * host          = hostname / IPv4address / IPv6reference
 * IPv6reference = "[" IPv6address "]"
 * ```
 *
 * Parsing is tolerant where RFC 5118 asks for it: the RFC 3261 ABNF for IPv6address admits
 * three colons in a row (`[2001:db8:::192.0.2.1]`, RFC 5118 §4.10) and receivers are asked to
 * accept it. `classifyHost` accepts it; `isIPv6Address` is the strict RFC 4291 check that
 * `inspectMessage` uses to point it out.
 */
export type HostType = 'ipv4' | 'ipv6' | 'name';

/** `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each at most 255. */
export function isIPv4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 0x30);
    } else return false;
  }
  return parts === 4;
}

/** Strict IPv6 address (RFC 4291 §2.2), without brackets. */
export function isIPv6Address(text: string): boolean {
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return false;
  const groupsOf = (s: string): number => {
    if (s === '') return 0;
    const parts = s.split(':');
    let n = 0;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (k === parts.length - 1 && p.includes('.')) {
        if (!isIPv4(p)) return -1;
        n += 2;
        continue;
      }
      if (p.length < 1 || p.length > 4) return -1;
      for (let i = 0; i < p.length; i++) if (hexValue(p.charCodeAt(i)) < 0) return -1;
      n++;
    }
    return n;
  };
  if (dbl < 0) return groupsOf(text) === 8;
  const head = text.slice(0, dbl);
  const tail = text.slice(dbl + 2);
  if (head.includes('.')) return false;
  const a = groupsOf(head);
  const b = groupsOf(tail);
  return a >= 0 && b >= 0 && a + b <= 7;
}

/** Tolerant IPv6 reference check: `[`, hex digits / `:` / `.` with at least one `:`, `]`. */
function isIPv6ReferenceLoose(text: string): boolean {
  if (text.length < 4 || text.charCodeAt(0) !== 0x5b || text.charCodeAt(text.length - 1) !== 0x5d) return false;
  let colons = 0;
  for (let i = 1; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) colons++;
    else if (c !== 0x2e && hexValue(c) < 0) return false;
  }
  return colons >= 2;
}

/**
 * `hostname = *( domainlabel "." ) toplabel [ "." ]`, labels of alphanumerics and inner `-`.
 * A name made only of digits and dots must be a valid IPv4 address instead.
 */
function isHostname(text: string): boolean {
  if (text.length === 0) return false;
  let labelLen = 0;
  let allNumeric = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (labelLen === 0) return false;
      if (text.charCodeAt(i - 1) === 0x2d) return false;
      labelLen = 0;
      continue;
    }
    const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (alpha) allNumeric = false;
    else if (c === 0x2d) {
      if (labelLen === 0) return false;
      allNumeric = false;
    } else if (!isDigit(c)) return false;
    labelLen++;
  }
  if (text.charCodeAt(text.length - 1) === 0x2d) return false;
  return !allNumeric;
}

/** What kind of host `text` is (IPv6 with its brackets), or null when it is none. */
export function classifyHost(text: string): HostType | null {
  if (text.charCodeAt(0) === 0x5b) return isIPv6ReferenceLoose(text) ? 'ipv6' : null;
  if (isIPv4(text)) return 'ipv4';
  return isHostname(text) ? 'name' : null;
}
