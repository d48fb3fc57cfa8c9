import type { Command } from 'commander';

// -4/-6, --proxy and --route are read in the engine (src/engine/flags/route.ts), shared with the
// library API; only their declaration is here.
export { checkFamily, familyFrom, routeFlags, type RouteFlags } from '../engine/flags/route.js';

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
