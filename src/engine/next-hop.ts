import { isLooseRouter, routeRequest, type RoutedRequest } from '../dialog/route-set.js';
import { formatUri, parseUri } from '../sip/uri.js';
import { defaultPort } from './target.js';

/**
 * `--proxy` / `--route`: a pre-existing route set (RFC 3261 §8.1.1.1: "Commonly, they are
 * configured on the UA by a user or service provider manually"). URIs as checked by the CLI,
 * with their scheme and without angle brackets.
 */
export interface RoutePlan {
  /**
   * `--proxy URI`: the outbound proxy. §8.1.1.1: "When a provider wishes to configure a UA with
   * an outbound proxy, it is RECOMMENDED that this be done by providing it with a pre-existing
   * route set with a single URI, that of the outbound proxy." It goes first, as a loose router.
   */
  proxy?: string;
  /** `--route URI` (repeatable), in order, after the proxy. */
  routes: string[];
}

/** Where the first request of a run goes, and the Route headers out-of-dialog requests carry. */
export interface NextHop {
  /** A host name or an IP literal without brackets: what to resolve and connect to. */
  host: string;
  port: number;
  /** True when the URI named the port (RFC 3263 §4.2: then no SRV lookup). */
  portExplicit: boolean;
  /** The URI `host` and `port` come from: the first route, else the destination. */
  uri?: string;
  /** The pre-existing route set as Route values (name-addrs), `;lr` added to the proxy. */
  routeSet: string[];
  /** The first route has no `lr`: a strict router (§12.2.1.1 puts it in the Request-URI). */
  strict: boolean;
  /** What sipcall decided about the route set, to be said to the user. */
  notes: string[];
}

/** What `nextHop` reads of a plan. */
export interface NextHopInput {
  /** The target's (or registrar's) host and port: used when there is no route set. */
  destination: { host: string; port: number; portExplicit?: boolean };
  net: { transport: string };
  route?: RoutePlan;
}

/**
 * The next hop of an out-of-dialog request (RFC 3261 §8.1.2): "If the first element in the
 * route set indicated a strict router …, the procedures MUST be applied to the Request-URI of
 * the request. Otherwise, the procedures are applied to the first Route header field value of
 * the request (if one exists), or to the request's Request-URI if there is no Route header
 * field present." Either way, with a route set the request goes to the first route's host and
 * port (a strict router's URI *is* the Request-URI); without one, to the destination.
 *
 * Pure: no DNS here. `host` is what RFC 3263 or plain A/AAAA resolution starts from.
 */
export function nextHop(plan: NextHopInput): NextHop {
  const notes: string[] = [];
  const set: string[] = [];
  const proxy = plan.route?.proxy;
  if (proxy !== undefined) {
    const loose = withLr(proxy);
    if (loose !== proxy) {
      notes.push(`--proxy ${proxy} has no ;lr: sent as ${loose}, a loose router (RFC 3261 §8.1.2 and §16.12; an outbound proxy is expected to loose-route)`);
    }
    set.push(loose);
  }
  set.push(...(plan.route?.routes ?? []));
  if (set.length === 0) {
    return { host: plan.destination.host, port: plan.destination.port, portExplicit: plan.destination.portExplicit ?? true, routeSet: [], strict: false, notes };
  }
  const first = set[0]!;
  const parsed = parseUri(first);
  const host = parsed ? stripBrackets(parsed.host) : first;
  const transport = parsed?.params.get('transport') ?? plan.net.transport;
  const port = parsed?.port ?? defaultPort(parsed?.scheme === 'sips' ? 'tls' : transport);
  const strict = !isLooseRouter(first);
  const hop = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (strict) {
    notes.push(`the first route ${first} has no ;lr, so it is a strict router (RFC 3261 §12.2.1.1, which §8.1.1.1 applies to a pre-existing route set): it becomes the Request-URI and the target goes last in Route; sent to ${hop}`);
  } else {
    notes.push(`sending to ${proxy !== undefined ? 'the outbound proxy' : 'the first route'} ${hop} with ${set.length} Route header${set.length > 1 ? 's' : ''} (RFC 3261 §8.1.2), not to the Request-URI's host`);
  }
  return { host, port, portExplicit: parsed?.port !== undefined, uri: first, routeSet: set.map((u) => `<${u}>`), strict, notes };
}

/**
 * Request-URI and Route headers for an out-of-dialog request to `remoteTarget` (the URI the
 * user wants as Request-URI) along the hop's pre-existing route set (§8.1.1.1 → §12.2.1.1).
 */
export function routeOutOfDialog(hop: Pick<NextHop, 'routeSet'>, remoteTarget: string): RoutedRequest {
  return routeRequest(remoteTarget, hop.routeSet);
}

/** `sip:p` → `sip:p;lr`; a URI that has `lr` is returned unchanged. */
export function withLr(uri: string): string {
  const parsed = parseUri(uri);
  if (!parsed) return /;\s*lr(?:[;=?]|$)/i.test(uri) ? uri : `${uri};lr`;
  if (parsed.params.has('lr')) return uri;
  if (parsed.headers.length === 0) return `${uri};lr`;
  parsed.params.set('lr', null);
  return formatUri(parsed);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
