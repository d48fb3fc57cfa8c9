import { UsageError } from '../errors.js';
import type { RoutePlan } from '../next-hop.js';
import { parseTarget, type Target } from '../target.js';

/** `-4` / `-6`: both at once is a usage error. */
export function familyFrom(flags: { ipv4?: unknown; ipv6?: unknown }): 4 | 6 | undefined {
  if (flags.ipv4 === true && flags.ipv6 === true) {
    throw new UsageError('-4 (--ipv4) and -6 (--ipv6) cannot be combined', 'give one of them to force the address family, or neither to take what the name resolves to');
  }
  return flags.ipv4 === true ? 4 : flags.ipv6 === true ? 6 : undefined;
}

/** A checked pre-existing route set and the target of its first hop (for the transport). */
export interface RouteFlags {
  plan?: RoutePlan;
  /** The first route, parsed: where the request goes first. */
  first?: Target;
}

/**
 * `--proxy URI` and `--route URI…` as a RoutePlan. Each is a SIP URI, with or without angle
 * brackets or the `sip:` scheme (`127.0.0.1:5080`, `<sip:p.example.com;lr>`). Bad URIs are
 * usage errors naming the flag.
 */
export function routeFlags(flags: { proxy?: unknown; route?: unknown }): RouteFlags {
  const proxyText = typeof flags.proxy === 'string' ? flags.proxy : undefined;
  const routeTexts = Array.isArray(flags.route) ? flags.route.filter((r): r is string => typeof r === 'string') : [];
  if (proxyText === undefined && routeTexts.length === 0) return {};
  const parse = (text: string, flag: string): Target => {
    const inner = text.trim().replace(/^<(.*)>$/, '$1');
    const t = parseTarget(inner, `${flag} URI`);
    if (t.headers !== undefined) throw new UsageError(`${flag} ${JSON.stringify(text)} has URI headers (?…), which a Route cannot carry`, `give the proxy's URI only, e.g. ${flag} sip:proxy.example.com;lr`);
    return t;
  };
  const proxy = proxyText !== undefined ? parse(proxyText, '--proxy') : undefined;
  const routes = routeTexts.map((r) => parse(r, '--route'));
  return {
    plan: { proxy: proxy?.uri, routes: routes.map((r) => r.uri) },
    first: proxy ?? routes[0],
  };
}

/**
 * `-4`/`-6` against the host requests go to first: an IP literal of the other family can never
 * match (only names have A and AAAA records to choose from).
 */
export function checkFamily(family: 4 | 6, first: Pick<Target, 'hostKind' | 'host'>): 4 | 6 {
  const literal = first.hostKind === 'ipv4' ? 4 : first.hostKind === 'ipv6' ? 6 : undefined;
  if (literal !== undefined && literal !== family) {
    throw new UsageError(`-${family} asks for IPv${family}, but ${first.host} is an IPv${literal} address`, `drop -${family}, or give a host name or an IPv${family} address`);
  }
  return family;
}
