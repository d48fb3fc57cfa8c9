import { parseParams, formatParams, type Params } from './params.js';

/** The magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
export const BRANCH_COOKIE = 'z9hG4bK';

/**
 * One Via value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
 *
 * `via-parm = sent-protocol LWS sent-by *( SEMI via-params )`
 */
export interface Via {
  /** `SIP/2.0` */
  protocol: string;
  /** Upper case: UDP, TCP, TLS, SCTP, WS, WSS, … */
  transport: string;
  /** sent-by host; IPv6 references keep their brackets (`[2001:db8::1]`). */
  host: string;
  /** sent-by port, when present. */
  port?: number;
  params: Params;
  branch?: string;
  received?: string;
  /** RFC 3581: `null` when the parameter is present without a value (our request), a number
   *  when the server filled it in, undefined when absent. */
  rport?: number | null;
  maddr?: string;
  ttl?: number;
}

/**
 * Parses one Via value (already split from a list). Returns `null` when malformed: no
 * sent-protocol of three `/`-separated parts, or no host. Never throws; linear.
 */
export function parseVia(value: string): Via | null {
  const v = value.trim();
  // sent-protocol: name SLASH version SLASH transport, with LWS allowed around the slashes.
  let i = 0;
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
    const s = i;
    while (i < v.length && v[i] !== '/' && v[i] !== ' ' && v[i] !== '\t') i++;
    parts.push(v.slice(s, i));
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
    if (k < 2) {
      if (v[i] !== '/') return null;
      i++;
    }
  }
  if (parts.some((p) => p.length === 0)) return null;
  while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
  // sent-by: host [ COLON port ]
  const hostStart = i;
  let host: string;
  if (v[i] === '[') {
    const close = v.indexOf(']', i);
    if (close < 0) return null;
    host = v.slice(i, close + 1);
    i = close + 1;
  } else {
    while (i < v.length && v[i] !== ':' && v[i] !== ';' && v[i] !== ' ' && v[i] !== '\t') i++;
    host = v.slice(hostStart, i);
  }
  if (!host) return null;
  while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
  let port: number | undefined;
  if (v[i] === ':') {
    i++;
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
    const ps = i;
    while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
    if (i === ps || i - ps > 5) return null;
    port = Number(v.slice(ps, i));
    if (port > 65535) return null;
  }
  while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
  if (i < v.length && v[i] !== ';') return null;
  const params = parseParams(v, i);
  const via: Via = {
    protocol: `${parts[0]}/${parts[1]}`.toUpperCase(),
    transport: parts[2].toUpperCase(),
    host,
    port,
    params,
  };
  const branch = params.get('branch');
  if (branch) via.branch = branch;
  const received = params.get('received');
  if (received) via.received = received;
  if (params.has('rport')) {
    const r = params.get('rport');
    via.rport = r === null || r === '' ? null : Number(r);
  }
  const maddr = params.get('maddr');
  if (maddr) via.maddr = maddr;
  const ttl = params.get('ttl');
  if (ttl) via.ttl = Number(ttl);
  return via;
}

/** Writes a Via value: `SIP/2.0/UDP host:port;branch=…;rport`. */
export function formatVia(via: Via): string {
  const sentBy = via.port !== undefined ? `${via.host}:${via.port}` : via.host;
  return `${via.protocol}/${via.transport} ${sentBy}${formatParams(via.params)}`;
}
