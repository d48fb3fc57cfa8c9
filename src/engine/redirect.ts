/**
 * Following redirects (RFC 3261 §8.1.3.4): "Upon receipt of a redirection (3xx) response, the
 * UAC MAY use the Contact header field values in the response […] to generate a new request
 * to the new target. […] the UAC SHOULD [try] each contact in turn, ordered by q-value (highest
 * first) […]. If contacting an address in the list results in a failure […] the UAC moves on to
 * the next address in the list, until the list is exhausted." Each new request is a new
 * transaction (a new branch; sipcall also opens a new flow, since the target may be elsewhere).
 * At most MAX_REDIRECTS hops, and a URI already tried is never tried again (no loops).
 */
import { headerParam, uriOfNameAddr } from '../dialog/name-addr-uri.js';
import type { SipResponse } from '../sip/message.js';
import type { UacPlan } from './plan.js';
import { defaultPort, parseTarget, uriHeaders } from './target.js';

export const MAX_REDIRECTS = 5;

/** The Contacts of a 3xx, best q first (ties keep their order; no q means 1.0). */
export function redirectContacts(res: SipResponse): string[] {
  const list = res.headers.list('contact').map((value, i) => {
    const q = Number(headerParam(value, 'q') ?? '1');
    return { uri: uriOfNameAddr(value), q: Number.isFinite(q) ? q : 0, i };
  });
  return list
    .filter((c) => /^sips?:/i.test(c.uri))
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((c) => c.uri);
}

/** The plan for the same request to `uri`: target, destination and, if the URI names one, transport. */
export function redirectPlan(plan: UacPlan, uri: string): UacPlan {
  const target = parseTarget(uri, 'Contact of the 3xx');
  const named = target.transport;
  if (named === 'sctp' || named === 'ws' || named === 'wss') throw new Error(`it names transport=${named}, which sipcall does not open from a redirect`);
  const transport = named && !plan.net.transportForced ? named : plan.net.transport;
  // The Contact's ?headers are header fields of the new request (RFC 3261 §19.1.1), not part of its Request-URI.
  const headers = uriHeaders(target, 'Contact of the 3xx');
  return {
    ...plan,
    ...(headers.length ? { request: { ...plan.request, headers: [...headers, ...plan.request.headers] } } : {}),
    target,
    destination: { host: target.address, port: target.port ?? defaultPort(transport), portExplicit: target.port !== undefined, scheme: target.scheme },
    net: { ...plan.net, transport },
  } as UacPlan;
}

/** A URI as compared for loops: scheme, user, host and port, lower case. */
export function redirectKey(uri: string): string {
  try {
    const t = parseTarget(uri, 'Contact');
    return `${t.scheme}:${t.user ?? ''}@${t.host.toLowerCase()}:${t.port ?? ''}`;
  } catch {
    return uri.toLowerCase();
  }
}
