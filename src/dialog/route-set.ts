import { formatUri, parseUri } from '../sip/uri.js';
import { uriOfNameAddr } from './name-addr-uri.js';

/**
 * A route set entry is a loose router when its URI carries `lr` (RFC 3261 §19.1.1: "The lr
 * parameter, when present, indicates that the element responsible for this resource implements
 * the routing mechanisms specified in this document"). Accepts a name-addr (`<sip:p;lr>`) or a
 * bare URI.
 */
export function isLooseRouter(route: string): boolean {
  const text = route.includes('<') ? uriOfNameAddr(route) : route.trim();
  const uri = parseUri(text);
  if (uri) return uri.params.has('lr');
  return /;\s*lr(?:[;=\s?]|$)/i.test(text);
}

/**
 * A URI as a Request-URI: RFC 3261 §12.2.1.1 asks the UAC to strip "any parameters that are
 * not allowed in a Request-URI"; by the table of §19.1.1 these are `method` and the header
 * components (`?…`).
 */
export function asRequestUri(uriText: string): string {
  const uri = parseUri(uriText);
  if (!uri) return uriText.replace(/\?.*$/, '');
  if (!uri.params.has('method') && uri.headers.length === 0) return uriText;
  uri.params.delete('method');
  return formatUri({ ...uri, headers: [] });
}

/** The Request-URI and Route header values of a request that follows a route set. */
export interface RoutedRequest {
  uri: string;
  /** Route header values, in order (each a name-addr). */
  routes: string[];
}

/**
 * Request-URI and Route headers for a request towards `remoteTarget` along `routeSet`
 * (RFC 3261 §12.2.1.1), for requests in a dialog and, by §8.1.1.1, for a pre-existing route set
 * outside one ("the procedures for populating the Request-URI and Route header field detailed
 * in Section 12.2.1.1 MUST be followed (even though there is no dialog), using the desired
 * Request-URI as the remote target URI").
 *
 * - Empty route set: "the UAC MUST place the remote target URI into the Request-URI. The UAC
 *   MUST NOT add a Route header field to the request."
 * - First route loose (`lr`): "the UAC MUST place the remote target URI into the Request-URI
 *   and MUST include a Route header field containing the route set values in order, including
 *   all parameters."
 * - First route strict (no `lr`): "the UAC MUST place the first URI from the route set into the
 *   Request-URI, stripping any parameters that are not allowed in a Request-URI. The UAC MUST
 *   add a Route header field containing the remainder of the route set values in order,
 *   including all parameters. The UAC MUST then place the remote target URI into the Route
 *   header field as the last value."
 *
 * `routeSet` entries are name-addr values (`<sip:p;lr>`) or bare URIs; the result's routes
 * are always name-addrs.
 */
export function routeRequest(remoteTarget: string, routeSet: readonly string[]): RoutedRequest {
  const routes = routeSet.map(asNameAddr);
  if (routes.length === 0) return { uri: remoteTarget, routes: [] };
  if (isLooseRouter(routes[0]!)) return { uri: remoteTarget, routes };
  return { uri: asRequestUri(uriOfNameAddr(routes[0]!)), routes: [...routes.slice(1), `<${remoteTarget}>`] };
}

/** `sip:p;lr` → `<sip:p;lr>`; a value already in angle brackets is kept as it is. */
export function asNameAddr(route: string): string {
  return route.includes('<') ? route : `<${route.trim()}>`;
}
