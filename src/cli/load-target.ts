import { locatable } from '../engine/locate.js';
import { nextHop } from '../engine/next-hop.js';
import type { UacPlan } from '../engine/plan.js';
import { toEndpoint, type Endpoint } from '../transport/endpoint.js';
import { TransportError } from '../transport/errors.js';
import { resolveHost } from '../transport/resolve.js';
import { nodeDnsLookups, resolveTargets, type DnsLookups } from '../transport/rfc3263/index.js';

/**
 * Where every request of a `sipcall load` run goes: the target's address, found as the other
 * commands find it (src/engine/locate.ts). An IP literal as it is; a name with a port by one
 * A/AAAA lookup; a name without one by RFC 3263 (§4.1 NAPTR, SRV, A/AAAA), keeping only targets
 * of the run's transport (UDP unless one was chosen). The run sends to the first target: no
 * failover during a load run (every call would pay for it). Rejects with a TransportError (code
 * DNS) naming the name that did not resolve.
 */
export async function loadDestination(plan: UacPlan, lookups?: DnsLookups): Promise<Endpoint> {
  const transport = plan.net.transport === 'tcp' || plan.net.transport === 'tls' ? plan.net.transport : 'udp';
  const name = transport.toUpperCase() as 'UDP' | 'TCP' | 'TLS';
  const hop = nextHop(plan);
  const uri = locatable(plan);
  if (uri === undefined) {
    const { address } = await resolveHost(hop.host, plan.net.family, { transport: name });
    return toEndpoint(address, hop.port);
  }
  const resolution = await resolveTargets(uri, {
    lookups: lookups ?? nodeDnsLookups({ server: plan.net.dnsServer }),
    supported: [transport],
    family: plan.net.family,
  });
  const first = resolution.targets[0];
  if (!first) {
    const why = resolution.failure?.message ?? `no ${name} target`;
    throw new TransportError('DNS', `cannot resolve "${uri.host}" to a ${name} target${plan.net.family ? ` over IPv${plan.net.family}` : ''}: ${why}`, {
      transport: name,
      remote: { address: uri.host, port: uri.port ?? 5060 },
    });
  }
  return toEndpoint(first.address, first.port);
}
