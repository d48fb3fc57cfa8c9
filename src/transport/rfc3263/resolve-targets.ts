import type { DnsAnswerEvent, DnsNode, DnsRecordData } from '../../events/dns.js';
import { familyOf, stripBrackets } from '../endpoint.js';
import { orderNaptr, naptrRejection, type NaptrOrderOptions } from './naptr.js';
import { DnsQueryError, isNegativeAnswer, type AddressRecord, type DnsErrorCode, type DnsLookups, type NaptrRecord, type RrType, type SipTransport, type SrvRecord } from './records.js';
import { orderSrv, srvName, type UniformRandom } from './srv.js';

export type { DnsNode, DnsNodeRecord } from '../../events/dns.js';

/** The URI whose server is located: the next hop (RFC 3263 §4: a Route, a proxy, the Request-URI). */
export interface NextHopUri {
  scheme: 'sip' | 'sips';
  /** A host name or an IP literal (IPv6 with or without brackets). */
  host: string;
  /** Explicit port, when the URI has one. */
  port?: number;
  /** `;transport=` (or a transport the user forced), when given. */
  transport?: SipTransport;
}

/** One place to send the request to, in the order to try. */
export interface ResolvedTarget {
  /** The name whose A/AAAA record gave the address (the IP literal itself for literals). */
  host: string;
  address: string;
  family: 4 | 6;
  port: number;
  transport: SipTransport;
  /** TTL of the A/AAAA record, when the resolver reports it. */
  ttl?: number;
  /** How DNS led here, one step per record. */
  via: string[];
}

/** Which part of RFC 3263 decided the lookups. */
export type ResolutionPath = 'ip-literal' | 'explicit-port' | 'transport-srv' | 'naptr' | 'srv' | 'address';

export interface Resolution {
  hop: NextHopUri;
  path: ResolutionPath;
  /** Every query, as a tree (the roots in the order asked). */
  tree: DnsNode[];
  /** The targets in the order to try; empty when resolution failed. */
  targets: ResolvedTarget[];
  /** When there is no target: the query that failed, and how. */
  failure?: { name: string; rrtype: RrType; code: DnsErrorCode; message: string };
}

export interface ResolveTargetsOptions {
  lookups: DnsLookups;
  /** Transports the client can use (RFC 3263 §4.1: others are discarded). Default: all. */
  supported?: readonly SipTransport[];
  /** `-4` / `-6`: ask only for A, or only for AAAA, records. */
  family?: 4 | 6;
  /** For the weighted SRV choice (RFC 2782); default Math.random. */
  random?: UniformRandom;
  /** A millisecond clock for query durations; default performance.now. */
  now?: () => number;
  /** Each query as it is sent, and each answer as it arrives (the `dns.*` events, without `t`). */
  onQuery?: (q: { name: string; rrtype: RrType; server: string }) => void;
  onAnswer?: (a: Omit<DnsAnswerEvent, 't' | 'type'>) => void;
}

const ALL: readonly SipTransport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** RFC 3261 §19.1.2: 5060, or 5061 for TLS (and WSS, as sipcall's default). */
export function defaultPortFor(transport: SipTransport): number {
  return transport === 'tls' || transport === 'wss' ? 5061 : 5060;
}

/**
 * RFC 3263 §4.1 transport when DNS does not choose it: "if no transport protocol is specified,
 * but the TARGET is a numeric IP address, the client SHOULD use UDP for a SIP URI, and TCP for
 * a SIPS URI" (TCP carrying TLS); the same for a name with an explicit port.
 */
export function defaultTransportFor(scheme: 'sip' | 'sips'): SipTransport {
  return scheme === 'sips' ? 'tls' : 'udp';
}

/**
 * Locates the servers for a next-hop URI per RFC 3263 §4 and returns the targets in the order
 * to try them (§4.3), with the whole tree of queries for `sipcall resolve`.
 *
 * - An IP literal needs no DNS (§4.1, §4.2).
 * - An explicit port: A/AAAA only (§4.2, "If the TARGET was not a numeric IP address, but a
 *   port is present in the URI, the client performs an A or AAAA record lookup").
 * - A `;transport=` and no port: SRV for that transport (§4.2, "because a transport was
 *   specified explicitly, the client performs an SRV query for that specific transport"),
 *   then A/AAAA.
 * - Otherwise NAPTR (§4.1), each usable record in order → its SRV set (§4.2) → A/AAAA; with no
 *   usable NAPTR, SRV for each supported transport (`_sip._udp`, `_sip._tcp`, `_sips._tcp`);
 *   with no SRV either, A/AAAA of the name itself with the default transport and port.
 *
 * NXDOMAIN and NODATA move on to the next step; SERVFAIL, REFUSED and timeouts stop the
 * queries (a failing server is not asked again): the targets found so far are used, and with
 * none, `failure` names the query that failed.
 */
export async function resolveTargets(hop: NextHopUri, options: ResolveTargetsOptions): Promise<Resolution> {
  const supported = options.supported ?? ALL;
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  const host = stripBrackets(hop.host).replace(/\.$/, '');
  const literal = familyOf(host);
  const negatives: NonNullable<Resolution['failure']>[] = [];
  let fatal: Resolution['failure'];

  const query = async <T>(name: string, rrtype: RrType, run: () => Promise<T[]>, data: (r: T) => DnsRecordData): Promise<{ node: DnsNode; records: T[] }> => {
    const server = options.lookups.server;
    options.onQuery?.({ name, rrtype, server });
    const start = now();
    try {
      const records = await run();
      const ms = now() - start;
      options.onAnswer?.({ name, rrtype, server, ms, records: records.map(data) });
      return { node: { name, rrtype, ms: tenth(ms), records: records.map(data) }, records };
    } catch (err) {
      const ms = now() - start;
      const e = err instanceof DnsQueryError ? err : new DnsQueryError('ERROR', err instanceof Error ? err.message : String(err));
      options.onAnswer?.({ name, rrtype, server, ms, records: [], error: e.code, message: e.message });
      const failure = { name, rrtype, code: e.code, message: e.message };
      if (isNegativeAnswer(e.code)) negatives.push(failure);
      else fatal = failure;
      return { node: { name, rrtype, ms: tenth(ms), records: [], error: { code: e.code, message: e.message } }, records: [] };
    }
  };

  /** A/AAAA of one host name (§4.2), in the family order: A first, then AAAA. */
  const addresses = async (name: string, port: number, transport: SipTransport, via: string[]): Promise<{ nodes: DnsNode[]; targets: ResolvedTarget[] }> => {
    const lit = familyOf(name);
    if (lit !== undefined) {
      return { nodes: [], targets: [{ host: name, address: stripBrackets(name), family: lit, port, transport, via: [...via, 'an IP address: no lookup'] }] };
    }
    const nodes: DnsNode[] = [];
    const targets: ResolvedTarget[] = [];
    const kinds: Array<'A' | 'AAAA'> = options.family === 4 ? ['A'] : options.family === 6 ? ['AAAA'] : ['A', 'AAAA'];
    for (const rrtype of kinds) {
      if (fatal) break;
      const { node, records } = await query<AddressRecord>(name, rrtype, () => (rrtype === 'A' ? options.lookups.a(name) : options.lookups.aaaa(name)), (r) => addressData(rrtype, r));
      nodes.push(node);
      for (const r of records) {
        targets.push({ host: name, address: r.address, family: r.family, port, transport, ttl: r.ttl, via: [...via, `${rrtype} ${name}${r.ttl !== undefined ? ` (TTL ${r.ttl})` : ''}`] });
      }
    }
    return { nodes, targets };
  };

  /** SRV for one name (§4.2), ordered per RFC 2782, each target's A/AAAA. */
  const srvSet = async (name: string, transport: SipTransport, via: string[]): Promise<{ node: DnsNode; targets: ResolvedTarget[] } | undefined> => {
    if (fatal) return undefined;
    const { node, records } = await query<SrvRecord>(name, 'SRV', () => options.lookups.srv(name), srvData);
    const ordered = orderSrv(records, random);
    node.records = ordered.map(srvData);
    if (records.length > 0 && ordered.length === 0) node.records = records.map((r) => ({ ...srvData(r), skipped: 'target "." : the service is not available here (RFC 2782)' }));
    const targets: ResolvedTarget[] = [];
    for (const [i, r] of ordered.entries()) {
      const step = `SRV ${name} ${r.priority} ${r.weight} ${r.port} ${r.target}`;
      if (fatal) break;
      const found = await addresses(r.target.replace(/\.$/, ''), r.port, transport, [...via, step]);
      node.records[i]!.next = found.nodes;
      targets.push(...found.targets);
    }
    return { node, targets };
  };

  const result = (path: ResolutionPath, tree: DnsNode[], targets: ResolvedTarget[]): Resolution => {
    const out: Resolution = { hop, path, tree, targets };
    if (targets.length === 0) {
      out.failure = fatal ?? telling(negatives) ?? { name: host, rrtype: 'A', code: 'NODATA', message: `no usable record for ${host}` };
    }
    return out;
  };

  // §4.1/§4.2: an IP literal is its own target.
  if (literal !== undefined) {
    const transport = hop.transport ?? defaultTransportFor(hop.scheme);
    const port = hop.port ?? defaultPortFor(transport);
    return { hop, path: 'ip-literal', tree: [], targets: [{ host, address: host, family: literal, port, transport, via: ['an IP address: no lookup'] }] };
  }
  const tree: DnsNode[] = [];
  // §4.2: an explicit port means A/AAAA only.
  if (hop.port !== undefined) {
    const transport = hop.transport ?? defaultTransportFor(hop.scheme);
    const found = await addresses(host, hop.port, transport, [`port ${hop.port} given: no NAPTR or SRV (RFC 3263 §4.2)`]);
    tree.push(...found.nodes);
    return result('explicit-port', tree, found.targets);
  }
  // §4.2: a transport given and no port: SRV for that transport, else A/AAAA.
  if (hop.transport !== undefined) {
    const set = await srvSet(srvName(hop.transport, host), hop.transport, [`;transport=${hop.transport}`]);
    if (set) tree.push(set.node);
    if (set?.targets.length || fatal) return result('transport-srv', tree, set?.targets ?? []);
    const found = await addresses(host, defaultPortFor(hop.transport), hop.transport, [`no SRV: port ${defaultPortFor(hop.transport)}`]);
    tree.push(...found.nodes);
    return result('address', tree, found.targets);
  }
  // §4.1: NAPTR.
  const naptrOptions: NaptrOrderOptions = { secure: hop.scheme === 'sips', supported };
  const naptr = await query<NaptrRecord>(host, 'NAPTR', () => options.lookups.naptr(host), naptrData);
  tree.push(naptr.node);
  if (fatal) return result('naptr', tree, []);
  const choices = orderNaptr(naptr.records, naptrOptions);
  const targets: ResolvedTarget[] = [];
  if (choices.length > 0) {
    // The tree lists usable records in order, then the skipped ones with the reason.
    naptr.node.records = [
      ...choices.map((c) => naptrData(c.record)),
      ...naptr.records.filter((r) => !choices.some((c) => c.record === r)).map((r) => ({ ...naptrData(r), skipped: naptrRejection(r, naptrOptions) })),
    ];
    for (const [i, c] of choices.entries()) {
      const set = await srvSet(c.record.replacement.replace(/\.$/, ''), c.transport, [`NAPTR ${c.record.order} ${c.record.preference} ${c.record.service}`]);
      if (!set) break;
      naptr.node.records[i]!.next = [set.node];
      targets.push(...set.targets);
    }
    if (targets.length || fatal) return result('naptr', tree, targets);
  } else {
    naptr.node.records = naptr.records.map((r) => ({ ...naptrData(r), skipped: naptrRejection(r, naptrOptions) }));
    // §4.1: "If no NAPTR records are found, the client constructs SRV queries for those
    // transport protocols it supports, and does a query for each."
    const order: SipTransport[] = hop.scheme === 'sips' ? ['tls'] : ['udp', 'tcp', 'tls'];
    for (const transport of order.filter((t) => supported.includes(t))) {
      const set = await srvSet(srvName(transport, host), transport, [`no NAPTR: SRV for ${transport.toUpperCase()}`]);
      if (!set) break;
      tree.push(set.node);
      targets.push(...set.targets);
    }
    if (targets.length || fatal) return result('srv', tree, targets);
  }
  // §4.2: "If no SRV records were found, the client performs an A or AAAA record lookup of
  // the domain name", with the default transport and port.
  const transport = defaultTransportFor(hop.scheme);
  const found = await addresses(host, defaultPortFor(transport), transport, [`no NAPTR or SRV: ${transport.toUpperCase()}, port ${defaultPortFor(transport)}`]);
  tree.push(...found.nodes);
  return result('address', tree, found.targets);
}

/**
 * Of the empty answers, the one that says most about why there is no address: an A/AAAA
 * NXDOMAIN (the name does not exist), else the last A/AAAA answer, else the last of any.
 */
function telling(negatives: ReadonlyArray<NonNullable<Resolution['failure']>>): Resolution['failure'] {
  const addr = negatives.filter((n) => n.rrtype === 'A' || n.rrtype === 'AAAA');
  return addr.find((n) => n.code === 'NXDOMAIN') ?? addr.at(-1) ?? negatives.at(-1);
}

function naptrData(r: NaptrRecord): DnsRecordData {
  return { rrtype: 'NAPTR', order: r.order, preference: r.preference, flags: r.flags, service: r.service, regexp: r.regexp, replacement: r.replacement };
}

function srvData(r: SrvRecord): DnsRecordData & { rrtype: 'SRV' } {
  return { rrtype: 'SRV', priority: r.priority, weight: r.weight, port: r.port, target: r.target };
}

function addressData(rrtype: 'A' | 'AAAA', r: AddressRecord): DnsRecordData {
  return r.ttl === undefined ? { rrtype, address: r.address } : { rrtype, address: r.address, ttl: r.ttl };
}

/** Milliseconds to a tenth. */
function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}
