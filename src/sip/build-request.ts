import { Headers } from './headers.js';
import { SIP_VERSION, type SipRequest } from './message.js';
import { tagOf } from './name-addr.js';
import { replaceHeaders } from './replace-headers.js';

/** Everything that goes into a request sipcall originates (RFC 3261 §8.1.1). */
export interface RequestSpec {
  method: string;
  /** Request-URI (§8.1.1.1). */
  uri: string;
  /** Top Via value, with our branch (§8.1.1.7). */
  via: string;
  /** Route header values in order (§8.1.1.1, §12.2.1.1). */
  routes?: string[];
  /** From value including `;tag=` (§8.1.1.3). */
  from: string;
  /** To value (with the remote tag inside a dialog) (§8.1.1.2). */
  to: string;
  callId: string;
  cseq: number;
  /** Contact value, for requests that establish a dialog or a binding (§8.1.1.8). */
  contact?: string;
  userAgent?: string;
  /**
   * Extra headers, already checked for CR/LF/NUL. One with `replace` takes the place of the
   * header of that name written here (`--header`, src/sip/replace-headers.ts).
   */
  headers?: Array<{ name: string; value: string; replace?: boolean }>;
  body?: Uint8Array;
  contentType?: string;
  /** Max-Forwards (§8.1.1.6: "SHOULD be 70"). */
  maxForwards?: number;
}

/**
 * Builds a request with the header fields §8.1.1 requires ("A valid SIP request formulated by a
 * UAC MUST, at a minimum, contain the following header fields: To, From, CSeq, Call-ID,
 * Max-Forwards, and Via"), those needed for proxy processing first (§7.3.1 recommends Via,
 * Route and Max-Forwards towards the top), and Content-Length always (§20.14, required on
 * streams and harmless on UDP).
 */
export function buildRequest(spec: RequestSpec): SipRequest {
  const h = new Headers();
  h.append('Via', spec.via);
  h.append('Max-Forwards', String(spec.maxForwards ?? 70));
  for (const r of spec.routes ?? []) h.append('Route', r);
  h.append('From', spec.from);
  h.append('To', spec.to);
  h.append('Call-ID', spec.callId);
  h.append('CSeq', `${spec.cseq} ${spec.method}`);
  if (spec.contact !== undefined) h.append('Contact', spec.contact);
  if (spec.userAgent) h.append('User-Agent', spec.userAgent);
  const replacing = [];
  for (const x of spec.headers ?? []) {
    if (x.replace) replacing.push(x);
    else h.append(x.name, x.value);
  }
  const body = spec.body ?? new Uint8Array(0);
  if (body.length > 0 && spec.contentType) h.append('Content-Type', spec.contentType);
  h.append('Content-Length', String(body.length));
  if (replacing.length) replaceHeaders(h, replacing, tagOf(spec.from));
  return { kind: 'request', method: spec.method, uri: spec.uri, version: SIP_VERSION, headers: h, body };
}

/** `SIP/2.0/UDP host:port;branch=…;rport` (RFC 3261 §18.1.1, RFC 3581 §3). */
export function viaValue(transport: string, host: string, port: number, branch: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `SIP/2.0/${transport} ${h}:${port};branch=${branch};rport`;
}
