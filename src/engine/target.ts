import { isIPv4, isIPv6 } from 'node:net';
import { unescapeText } from '../sip/escape.js';
import { headerKey } from '../sip/header-names.js';
import { UsageError } from './errors.js';
import { checkHeader } from './header-values.js';

/** Transports a target may name with `;transport=` (RFC 3261 §19.1.1). */
export type TargetTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss' | 'sctp';

/** What the user asked to reach, parsed and checked. */
export interface Target {
  scheme: 'sip' | 'sips';
  user?: string;
  /** Host as written in a URI: IPv6 references keep their brackets. */
  host: string;
  /** Host without brackets, for sockets. */
  address: string;
  hostKind: 'ipv4' | 'ipv6' | 'name';
  /** Explicit port, when given. */
  port?: number;
  /** `;transport=` when given, lower case. */
  transport?: TargetTransport;
  /** URI parameters in order, as written (names lower case). */
  params: Array<[string, string | null]>;
  /** URI headers (`?a=b&c=d`), as written. */
  headers?: string;
  /**
   * The Request-URI to put on the wire (and in To): without the `?headers`, which RFC 3261
   * §19.1.1 Table 1 does not allow in a Request-URI or a To; they become header fields of the
   * request (`uriHeaders`).
   */
  uri: string;
  /** The URI as written, with its `?headers` (for a Refer-To, which may carry them). */
  uriWithHeaders?: string;
}

const USER_CHARS = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/; // RFC 3261 §25.1 user
const PARAM_CHARS = /^(?:[A-Za-z0-9\-_.!~*'()\[\]/:&+$]|%[0-9A-Fa-f]{2})*$/; // paramchar
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const TRANSPORTS: readonly string[] = ['udp', 'tcp', 'tls', 'ws', 'wss', 'sctp'];

/**
 * Parses a target as users type it: `bob@host`, `host`, `host:port`, `[::1]:5070`,
 * `sip:bob@host:5060;transport=tcp`, `sips:alice@example.com`. Default scheme `sip`; the
 * default port is left to the caller (5060, or 5061 for sips/TLS: RFC 3261 §19.1.2).
 * Throws a UsageError that names what is wrong and how to write it instead.
 */
export function parseTarget(input: string, what = 'target'): Target {
  let text = input.trim();
  // A URI as it appears in a header, `<sip:bob@host>`: the brackets are not part of it.
  if (text.startsWith('<') || text.endsWith('>')) {
    if (!(text.startsWith('<') && text.endsWith('>'))) throw new UsageError(`the ${what} ${JSON.stringify(input)} has an unbalanced angle bracket`, 'write the URI alone (sip:bob@example.com) or whole in brackets (<sip:bob@example.com>)');
    text = text.slice(1, -1).trim();
  }
  if (!text) throw new UsageError(`the ${what} is empty`, 'give one like bob@example.com or sip:bob@127.0.0.1:5060');
  if (/[\s\0]/.test(text)) {
    throw new UsageError(`the ${what} ${JSON.stringify(input)} contains white space or control characters`, 'escape them as %20 etc., or quote the argument correctly');
  }
  let rest = text;
  let scheme: 'sip' | 'sips' = 'sip';
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  // `host:5060` is a host and a port, not a scheme.
  if (schemeMatch && !/^\d*(?:[;?]|$)/.test(rest.slice(schemeMatch[0].length))) {
    const s = schemeMatch[1].toLowerCase();
    if (s === 'sip' || s === 'sips') {
      scheme = s;
      rest = rest.slice(schemeMatch[0].length);
    } else if (s === 'tel') {
      throw new UsageError(`the ${what} ${JSON.stringify(input)} is a tel: URI, which needs a gateway`, 'write the number at a SIP host instead: sip:+15551234@gateway.example.com');
    } else {
      throw new UsageError(`the ${what} ${JSON.stringify(input)} uses the scheme ${s}:, which is not a SIP URI`, 'use sip: or sips:, e.g. sip:bob@example.com (a port is a number: host:5060)');
    }
  }
  // URI headers `?…`
  let headers: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  // user part
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) throw new UsageError(`the ${what} ${JSON.stringify(input)} has an empty user part before @`, 'write user@host, or just host');
    const colon = user.indexOf(':');
    if (colon >= 0) {
      throw new UsageError(`the ${what} carries a password in the URI (user:password@host)`, 'RFC 3261 §19.1.1 advises against it; give the user only, and the password with SIPCALL_PASSWORD');
    }
    if (!USER_CHARS.test(user)) {
      throw new UsageError(`the user part ${JSON.stringify(user)} of the ${what} has characters that must be %-escaped`, 'escape them as %XX (RFC 3261 §19.1.2), e.g. a space as %20');
    }
  }
  // host[:port] then ;params
  let hostport = rest;
  let paramText = '';
  const semi = hostport.startsWith('[') ? hostport.indexOf(';', hostport.indexOf(']')) : hostport.indexOf(';');
  if (semi >= 0) {
    paramText = hostport.slice(semi + 1);
    hostport = hostport.slice(0, semi);
  }
  let host: string;
  let address: string;
  let hostKind: Target['hostKind'];
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new UsageError(`the ${what} ${JSON.stringify(input)} opens an IPv6 bracket [ that is never closed`, 'write it as [::1]:5060');
    address = hostport.slice(1, close);
    if (!isIPv6(address)) throw new UsageError(`${JSON.stringify(address)} in the ${what} is not a valid IPv6 address`, 'write it as [2001:db8::1]:5060');
    host = `[${address}]`;
    hostKind = 'ipv6';
    const after = hostport.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) throw new UsageError(`unexpected ${JSON.stringify(after)} after the IPv6 address in the ${what}`, 'write it as [::1]:5060');
      portText = after.slice(1);
    }
  } else {
    const colons = hostport.split(':').length - 1;
    if (colons > 1) throw new UsageError(`the ${what} ${JSON.stringify(input)} looks like an IPv6 address without brackets`, ipv6Advice(hostport));
    const c = hostport.indexOf(':');
    host = c >= 0 ? hostport.slice(0, c) : hostport;
    if (c >= 0) portText = hostport.slice(c + 1);
    if (!host) throw new UsageError(`the ${what} ${JSON.stringify(input)} has no host`, 'give a host name or address, e.g. bob@127.0.0.1');
    address = host;
    if (/^[0-9.]+$/.test(host)) {
      if (!isIPv4(host)) throw new UsageError(`${JSON.stringify(host)} in the ${what} is not a valid IPv4 address`, 'each of the four numbers must be 0–255, e.g. 127.0.0.1');
      hostKind = 'ipv4';
    } else {
      const labels = host.replace(/\.$/, '').split('.');
      if (host.length > 253 || labels.some((l) => !LABEL.test(l)) || !/^[A-Za-z]/.test(labels[labels.length - 1])) {
        throw new UsageError(`${JSON.stringify(host)} in the ${what} is not a valid host name`, 'use letters, digits, dots and hyphens (RFC 3261 §25.1 hostname), or an IP address');
      }
      hostKind = 'name';
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) throw new UsageError(`the port ${JSON.stringify(portText)} in the ${what} is not a number`, 'ports are 1–65535, e.g. host:5060');
    port = Number(portText);
    if (port < 1 || port > 65535) throw new UsageError(`the port ${port} in the ${what} is out of range`, 'ports are 1–65535; 5060 is the SIP default');
  }
  const params: Array<[string, string | null]> = [];
  let transport: TargetTransport | undefined;
  for (const p of paramText.split(';')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq >= 0 ? p.slice(0, eq) : p).toLowerCase();
    const value = eq >= 0 ? p.slice(eq + 1) : null;
    if (!name || !PARAM_CHARS.test(name) || (value !== null && !PARAM_CHARS.test(value))) {
      throw new UsageError(`the URI parameter ${JSON.stringify(p)} in the ${what} is malformed`, 'write parameters as ;name=value, e.g. ;transport=tcp');
    }
    if (name === 'transport') {
      const t = (value ?? '').toLowerCase();
      if (!TRANSPORTS.includes(t)) throw new UsageError(`unknown transport ${JSON.stringify(value)} in the ${what}`, `use one of ${TRANSPORTS.join(', ')}`);
      transport = t as TargetTransport;
    }
    params.push([name, value]);
  }
  const portPart = port !== undefined ? `:${port}` : '';
  const paramPart = params.map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join('');
  const uri = `${scheme}:${user ? `${user}@` : ''}${host}${portPart}${paramPart}`;
  return { scheme, user, host, address, hostKind, port, transport, params, headers, uri, uriWithHeaders: `${uri}${headers ? `?${headers}` : ''}` };
}

/**
 * How to bracket an IPv6 address typed without brackets (RFC 5118 §4.2, RFC 3261 §25.1
 * IPv6reference). `::1:7301` is ambiguous: a port after `::1`, or the address `::1:7301`; both
 * readings are offered when both are addresses.
 */
function ipv6Advice(hostport: string): string {
  const m = /^(.*):(\d{1,5})$/.exec(hostport);
  const withPort = m && isIPv6(m[1]!) ? `[${m[1]}]:${m[2]}` : undefined;
  const whole = isIPv6(hostport) ? `[${hostport}]` : undefined;
  const readings = [
    ...(withPort ? [`${withPort} if ${m![2]} is the port`] : []),
    ...(whole ? [`${whole} (or ${whole}:5060) if all of it is the address`] : []),
  ];
  return `IPv6 addresses need brackets (RFC 5118 §4.2): ${readings.length ? readings.join('; ') : `e.g. [2001:db8::1]:5060`}`;
}

/**
 * Header fields the URI of a target asks for, RFC 3261 §19.1.5: "An implementation SHOULD NOT
 * honor these obviously dangerous header fields: From, Call-ID, CSeq, Via, and Record-Route";
 * "SHOULD NOT honor any requested Route header field values"; "SHOULD NOT honor requests to
 * include header fields that may cause it to falsely advertise its location or capabilities.
 * These include: Accept, Accept-Encoding, Accept-Language, Allow, Contact (in its dialog usage),
 * Organization, Supported, and User-Agent." sipcall also refuses `body` (give it with --body)
 * and the other header fields it writes itself (To, Max-Forwards, Content-Length,
 * Content-Type, Expires, Require, Session-Expires, credentials): a copy from the URI would put a
 * second one on the wire. Compact forms count as their long names (RFC 3261 §7.3.3).
 */
const NOT_FROM_URI: ReadonlySet<string> = new Set([
  'from', 'call-id', 'cseq', 'via', 'record-route', 'route',
  'accept', 'accept-encoding', 'accept-language', 'allow', 'contact', 'organization', 'supported', 'user-agent',
  'to', 'max-forwards', 'content-length', 'content-type', 'expires', 'require', 'session-expires', 'authorization', 'proxy-authorization', 'body',
]);

/**
 * The header fields of a target's `?headers` (RFC 3261 §19.1.1: "Headers … are header fields
 * to be included in a request constructed from the URI"), unescaped and checked. Throws a
 * UsageError for one sipcall must not add (see NOT_FROM_URI) or cannot read.
 */
export function uriHeaders(target: Target, what = 'target'): Array<{ name: string; value: string }> {
  if (!target.headers) return [];
  return target.headers.split('&').map((part) => {
    const eq = part.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = unescapeText(eq < 0 ? part : part.slice(0, eq));
      value = unescapeText(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      throw new UsageError(`the URI header ${JSON.stringify(part)} of the ${what} has a bad %-escape`, 'write each as ?Name=value, with %XX escapes (RFC 3261 §19.1.1)');
    }
    if (!name) throw new UsageError(`the ${what} has an empty URI header (?…&…)`, 'write them as ?Subject=hello&Priority=urgent');
    if (NOT_FROM_URI.has(headerKey(name))) {
      throw new UsageError(`the ${what} asks for the header ${name} in its URI (?${part}), which sipcall does not take from a URI`, name.toLowerCase() === 'body' ? 'give the body with --body FILE' : `RFC 3261 §19.1.5: a UA should not honour ${name} from a URI; sipcall writes it itself${name.toLowerCase() === 'route' ? ' (use --route or --proxy)' : ''}`);
    }
    checkHeader(name, value, `the ${what}'s URI header`);
    return { name, value };
  });
}

/** The port to use when the target names none (RFC 3261 §19.1.2: 5060, 5061 for TLS). */
export function defaultPort(transport: string): number {
  return transport.toLowerCase() === 'tls' || transport.toLowerCase() === 'wss' ? 5061 : 5060;
}
