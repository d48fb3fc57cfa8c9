import { parseUri } from '../sip/uri.js';
import { familyOf } from '../transport/endpoint.js';
import type { NextHopUri, SipTransport } from '../transport/rfc3263/index.js';
import { nextHop } from './next-hop.js';
import type { UacPlan } from './plan.js';
import type { UacTransport } from './tls-plan.js';

/**
 * The transports the engine can send over, which are the ones RFC 3263 may choose (§4.1: the
 * client "discards any records whose services are not supported"). A Record so that a new
 * transport in `UacTransport` does not compile until it is listed here.
 */
const ENGINE_TRANSPORTS: Readonly<Record<UacTransport, true>> = { udp: true, tcp: true, tls: true, ws: true, wss: true };

export const SUPPORTED_TRANSPORTS = Object.keys(ENGINE_TRANSPORTS) as SipTransport[];

/** True when RFC 3263 picked a transport the engine can open. */
export function isEngineTransport(t: string): t is UacTransport {
  return Object.hasOwn(ENGINE_TRANSPORTS, t);
}

/**
 * The URI RFC 3263 locates for this plan (§4: the first route, else the target or registrar),
 * or undefined when the plan keeps plain resolution:
 * - an IP literal: no DNS at all (§4.1, §4.2);
 * - a name with an explicit port and no `--dns-server`: one A/AAAA lookup through the system
 *   resolver, as before (§4.2 allows no NAPTR or SRV there anyway).
 * Everything else (a name without a port, or any name with `--dns-server`) goes through
 * `src/engine/failover.ts`: NAPTR, SRV, A/AAAA, and failover.
 */
export function locatable(plan: UacPlan): NextHopUri | undefined {
  const hop = nextHop(plan);
  if (familyOf(hop.host) !== undefined) return undefined;
  let scheme: 'sip' | 'sips' = plan.destination.scheme ?? 'sip';
  let explicit = plan.destination.portExplicit ?? true;
  let transport: string | undefined;
  if (hop.uri !== undefined) {
    const uri = parseUri(hop.uri);
    scheme = uri?.scheme === 'sips' ? 'sips' : 'sip';
    explicit = hop.portExplicit;
    const p = uri?.params.get('transport');
    transport = typeof p === 'string' ? p.toLowerCase() : undefined;
  }
  if (explicit && plan.net.dnsServer === undefined) return undefined;
  // A transport the user chose (flag or `;transport=`) is honoured (§4.1).
  if (transport === undefined && plan.net.transportForced) transport = plan.net.transport;
  return {
    scheme,
    host: hop.host,
    port: explicit ? hop.port : undefined,
    transport: transport !== undefined && isEngineTransport(transport) ? transport : undefined,
  };
}
