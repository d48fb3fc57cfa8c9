import { isIP } from 'node:net';

/** An IP address and port: where a transport sends from or to. */
export interface Endpoint {
  /** An IP literal, without brackets (`127.0.0.1`, `::1`). */
  address: string;
  port: number;
  family: 4 | 6;
}

/** Address and port before the family is known (e.g. from options). */
export interface AddressPort {
  address: string;
  port: number;
}

/**
 * The address family of an IP literal, or `undefined` for anything else (a host name).
 * Brackets around an IPv6 literal are accepted.
 */
export function familyOf(address: string): 4 | 6 | undefined {
  const kind = isIP(stripBrackets(address));
  return kind === 4 ? 4 : kind === 6 ? 6 : undefined;
}

/** `[::1]` → `::1`; anything else unchanged. */
export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * `127.0.0.1:5060` or `[::1]:5060`: the `hostport` form of RFC 3261 §25.1, where an IPv6
 * reference is written in brackets ("IPv6reference = "[" IPv6address "]"").
 */
export function formatEndpoint(e: Pick<Endpoint, 'address' | 'port'>): string {
  const host = stripBrackets(e.address);
  return host.includes(':') ? `[${host}]:${e.port}` : `${host}:${e.port}`;
}

/** Builds an Endpoint from an IP literal and port; throws a TypeError for a non-IP address. */
export function toEndpoint(address: string, port: number): Endpoint {
  const plain = stripBrackets(address);
  const family = familyOf(plain);
  if (family === undefined) {
    throw new TypeError(`not an IP address: "${address}" (resolve host names with resolveHost first)`);
  }
  return { address: plain, port, family };
}

/** Node reports IPv4-mapped IPv6 sources as `::ffff:1.2.3.4` on dual-stack sockets; unmap them. */
export function endpointFromNode(address: string, port: number): Endpoint {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return { address: plain, port, family: isIP(plain) === 6 ? 6 : 4 };
}
