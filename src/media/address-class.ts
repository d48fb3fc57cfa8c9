/**
 * What kind of address an SDP `c=` line (or a Via `received`) names: the evidence behind the
 * `private-address-in-sdp` and `sdp-address-not-reachable` media verdicts.
 *
 * Pure string work: IPv4 dotted quads as `node:net` `isIPv4` accepts them (no leading zeros,
 * no shortened forms) and IPv6 text per RFC 4291 §2.2 (with `::`, an embedded dotted quad, and a
 * `%zone` suffix as RFC 4007 §11 writes it). No brackets: SDP never brackets an address.
 *
 * | class | IPv4 | IPv6 |
 * |---|---|---|
 * | `unspecified` | 0.0.0.0/8 (RFC 1122 §3.2.1.3 "this network") | `::` (RFC 4291 §2.5.2) |
 * | `loopback` | 127.0.0.0/8 (RFC 1122) | `::1` (RFC 4291 §2.5.3) |
 * | `private` | 10/8, 172.16/12, 192.168/16 (RFC 1918 §3) | — |
 * | `shared` | 100.64.0.0/10, carrier-grade NAT (RFC 6598 §7) | — |
 * | `link-local` | 169.254.0.0/16 (RFC 3927) | fe80::/10 (RFC 4291 §2.5.6) |
 * | `unique-local` | — | fc00::/7 (RFC 4193) |
 * | `documentation` | 192.0.2/24, 198.51.100/24, 203.0.113/24 (RFC 5737) | 2001:db8::/32 (RFC 3849), 3fff::/20 (RFC 9637) |
 * | `multicast` | 224.0.0.0/4 (RFC 5771) | ff00::/8 (RFC 4291 §2.7) |
 * | `reserved` | 240.0.0.0/4 incl. 255.255.255.255, 198.18.0.0/15 benchmarking (RFC 2544), 192.0.0.0/24 (RFC 6890) | anything outside 2000::/3 not named above, e.g. fec0::/10 (RFC 3879) |
 * | `public` | every other address | 2000::/3 less the blocks above |
 * | `invalid` | not an IP literal (a host name, brackets, garbage) | |
 *
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2) is classified as its IPv4.
 */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unspecified'
  | 'unique-local'
  | 'documentation'
  | 'multicast'
  | 'reserved'
  | 'public'
  | 'invalid';

export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return classifyIPv6(v6);
  return 'invalid';
}

/** True for 127.0.0.0/8, `::1` and `::ffff:127.x.y.z`. */
export function isLoopback(address: string): boolean {
  return classifyAddress(address) === 'loopback';
}

/** 4 or 6 for an IP literal (as `classifyAddress` reads it), 0 otherwise (like `net.isIP`). */
export function ipFamily(address: string): 0 | 4 | 6 {
  if (parseIPv4(address) !== null) return 4;
  if (parseIPv6(address) !== null) return 6;
  return 0;
}

/** `a.b.c.d` → four octets, or null. Decimal only, 0–255, no leading zeros (as `net.isIPv4`). */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p)) return null;
    if (p.length > 1 && p[0] === '0') return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/**
 * RFC 4291 §2.2 text → eight 16-bit groups, or null. Accepts `::` once, a trailing dotted
 * quad (§2.2 form 3) and a `%zone` suffix (RFC 4007 §11), which is dropped.
 */
export function parseIPv6(text: string): number[] | null {
  const pct = text.indexOf('%');
  let s = pct >= 0 ? text.slice(0, pct) : text;
  if (pct >= 0 && pct === text.length - 1) return null;
  if (!s.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    // Keep a '::' that ends the groups; drop the single ':' that only separates the quad.
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  if (head === null) return null;
  if (halves.length === 1) {
    const all = [...head, ...tail];
    return all.length === 8 ? all : null;
  }
  const rest = groups(halves[1]);
  if (rest === null) return null;
  const known = head.length + rest.length + tail.length;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

function classifyIPv4([a, b, c]: number[]): AddressClass {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a === 169 && b === 254) return 'link-local';
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
    return 'documentation';
  }
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240 || (a === 198 && (b === 18 || b === 19)) || (a === 192 && b === 0 && c === 0)) return 'reserved';
  return 'public';
}

function classifyIPv6(g: number[]): AddressClass {
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyIPv4([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if ((g[0] === 0x2001 && g[1] === 0x0db8) || (g[0] & 0xfff0) === 0x3ff0) return 'documentation';
  if ((g[0] & 0xe000) === 0x2000) return 'public';
  return 'reserved';
}
