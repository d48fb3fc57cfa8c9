import { lazyBuiltin } from '../lazy-builtin.js';
import { DnsQueryError, type AddressRecord, type DnsErrorCode, type DnsLookups } from './records.js';

/** How long one query waits for the server, and how often it is sent (c-ares options). */
export const DNS_TIMEOUT_MS = 1500;
export const DNS_TRIES = 2;

export interface NodeDnsOptions {
  /**
   * `--dns-server HOST[:PORT]`: every query (NAPTR, SRV, A, AAAA) goes there, A/AAAA with
   * their TTLs. Without it: NAPTR and SRV go to the system's DNS servers (/etc/resolv.conf),
   * A/AAAA to the system resolver (getaddrinfo: /etc/hosts counts; no TTLs).
   */
  server?: string;
  timeoutMs?: number;
  tries?: number;
}

/** The resolver's error names, as DNS speaks of them. */
const CODES: Readonly<Record<string, { code: DnsErrorCode; words: string }>> = {
  ENOTFOUND: { code: 'NXDOMAIN', words: 'no such name' },
  ENODATA: { code: 'NODATA', words: 'the name has no record of this type' },
  ESERVFAIL: { code: 'SERVFAIL', words: 'the DNS server failed to answer' },
  EREFUSED: { code: 'REFUSED', words: 'the DNS server refused the query' },
  ETIMEOUT: { code: 'TIMEOUT', words: 'the DNS server did not answer in time' },
  ECONNREFUSED: { code: 'TIMEOUT', words: 'could not reach the DNS server (connection refused)' },
  EAI_AGAIN: { code: 'TIMEOUT', words: 'temporary failure in name resolution (the DNS server did not answer in time)' },
  EAI_FAIL: { code: 'SERVFAIL', words: 'non-recoverable failure in name resolution' },
  EAI_NODATA: { code: 'NODATA', words: 'the name has no address of this family' },
  EAI_NONAME: { code: 'NXDOMAIN', words: 'no such name' },
};

function translate(err: unknown, rrtype: string, name: string, server: string): DnsQueryError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const known = errno ? CODES[errno] : undefined;
  if (known) return new DnsQueryError(known.code, `${rrtype} ${name}: ${known.code} (${errno}), ${known.words}${server === 'system' ? '' : ` — asked ${server}`}`, errno);
  const text = err instanceof Error ? err.message : String(err);
  return new DnsQueryError('ERROR', `${rrtype} ${name}: ${text}`, errno);
}

/**
 * RFC 6761 special names, answered without asking anyone: `.invalid` never exists (§6.4,
 * "SHOULD always return immediate negative responses"); `localhost` is the loopback address
 * for address queries and nothing else (§6.3).
 */
function special(name: string, rrtype: 'NAPTR' | 'SRV' | 'A' | 'AAAA'): AddressRecord[] | DnsQueryError | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n === 'invalid' || n.endsWith('.invalid')) {
    return new DnsQueryError('NXDOMAIN', `${rrtype} ${name}: NXDOMAIN, names under .invalid never exist (RFC 6761 §6.4)`, 'ENOTFOUND');
  }
  if (n === 'localhost' || n.endsWith('.localhost')) {
    if (rrtype === 'A') return [{ address: '127.0.0.1', family: 4 }];
    if (rrtype === 'AAAA') return [{ address: '::1', family: 6 }];
    return new DnsQueryError('NODATA', `${rrtype} ${name}: NODATA, localhost has only loopback addresses (RFC 6761 §6.3)`, 'ENODATA');
  }
  return undefined;
}

/**
 * The real DNS, through `node:dns` (c-ares for NAPTR, SRV and, with a server given, A/AAAA with
 * TTLs; getaddrinfo for A/AAAA otherwise). Errors become `DnsQueryError`s with the record named.
 */
export function nodeDnsLookups(options: NodeDnsOptions = {}): DnsLookups {
  const { lookup: systemLookup, Resolver } = lazyBuiltin<typeof import('node:dns/promises')>('node:dns/promises');
  const resolver = new Resolver({ timeout: options.timeoutMs ?? DNS_TIMEOUT_MS, tries: options.tries ?? DNS_TRIES });
  if (options.server !== undefined) resolver.setServers([options.server]);
  const server = options.server ?? 'system';
  const ask = async <T>(name: string, rrtype: 'NAPTR' | 'SRV' | 'A' | 'AAAA', run: () => Promise<T[]>): Promise<T[]> => {
    const sp = special(name, rrtype);
    if (sp instanceof DnsQueryError) throw sp;
    if (sp) return sp as T[];
    try {
      return await run();
    } catch (err) {
      throw translate(err, rrtype, name, server);
    }
  };
  const address = (name: string, family: 4 | 6): Promise<AddressRecord[]> =>
    ask(name, family === 4 ? 'A' : 'AAAA', async () => {
      if (options.server !== undefined) {
        const rs = family === 4 ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
        return rs.map((r) => ({ address: r.address, family, ttl: r.ttl }));
      }
      const rs = await systemLookup(name, { family, all: true });
      return rs.map((r) => ({ address: r.address, family }));
    });
  return {
    server,
    naptr: (name) =>
      ask(name, 'NAPTR', async () =>
        (await resolver.resolveNaptr(name)).map((r) => ({ order: r.order, preference: r.preference, flags: r.flags, service: r.service, regexp: r.regexp, replacement: r.replacement })),
      ),
    srv: (name) => ask(name, 'SRV', async () => (await resolver.resolveSrv(name)).map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.name }))),
    a: (name) => address(name, 4),
    aaaa: (name) => address(name, 6),
  };
}
