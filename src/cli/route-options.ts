import type { Command } from 'commander';
import { UsageError } from '../engine/errors.js';
import type { RoutePlan } from '../engine/next-hop.js';
import { parseTarget, type Target } from '../engine/target.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `-4` / `-6`, `--proxy`, `--route` (docs/routing.md). Declared here so that program.ts only
 * names them.
 */
export function addRouteOptions(cmd: Command): Command {
  return cmd
    .option('-4, --ipv4', 'resolve host names to IPv4 addresses only (A records)')
    .option('-6, --ipv6', 'resolve host names to IPv6 addresses only (AAAA records)')
    .option('--proxy <uri>', 'outbound proxy: send every request there, with Route: <URI;lr> (RFC 3261 §8.1.2)')
    .option('--route <uri>', 'a pre-existing route set entry, in order after --proxy (repeatable; RFC 3261 §8.1.1.1)', collect, []);
}

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
