import { lazyBuiltin } from './lazy-builtin.js';
import { familyOf, stripBrackets } from './endpoint.js';
import { TransportError } from './errors.js';
import type { TransportName } from '../events/types.js';

/** An address found for a host. */
export interface ResolvedHost {
  address: string;
  family: 4 | 6;
}

/** The shape of `node:dns/promises` `lookup` used here (injectable for tests). */
export type LookupFn = (hostname: string, options: { family: 0 | 4 | 6 }) => Promise<{ address: string; family: number }>;

export interface ResolveOptions {
  /** Named in errors; resolution itself does not depend on it. Default UDP. */
  transport?: TransportName;
  lookup?: LookupFn;
}

const DNS_MEANING: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such name: check the spelling, or the search domains and DNS server',
  EAI_AGAIN: 'the DNS server did not answer in time (a temporary failure; try again, or check the network)',
  ENODATA: 'the name exists but has no address of the family asked for',
  ESERVFAIL: 'the DNS server failed to answer',
  ECONNREFUSED: 'the DNS server refused the query',
  ETIMEOUT: 'the DNS query timed out',
};

/**
 * Resolves a host to one IP address with the system resolver (`getaddrinfo`, so /etc/hosts
 * counts). An IP literal, IPv6 in brackets or not, is returned as it is without a lookup.
 * Rejects with a TransportError of code `DNS` naming the host and the resolver's error.
 *
 * This is plain A/AAAA resolution; RFC 3263 (NAPTR, SRV) target selection is separate.
 */
export async function resolveHost(host: string, family?: 4 | 6, options: ResolveOptions = {}): Promise<ResolvedHost> {
  const transport = options.transport ?? 'UDP';
  const name = stripBrackets(host);
  const literal = familyOf(name);
  if (literal !== undefined) {
    if (family !== undefined && literal !== family) {
      throw dnsError(host, transport, `${name} is an IPv${literal} address but IPv${family} was asked for`);
    }
    return { address: name, family: literal };
  }
  const lookup = options.lookup ?? lazyBuiltin<typeof import('node:dns/promises')>('node:dns/promises').lookup;
  try {
    const found = await lookup(name, { family: family ?? 0 });
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    const meaning = DNS_MEANING[code] ?? (err instanceof Error ? err.message : String(err));
    throw dnsError(host, transport, `cannot resolve "${name}"${family ? ` to an IPv${family} address` : ''}: ${code}, ${meaning}`, code, err);
  }
}

function dnsError(host: string, transport: TransportName, message: string, errno?: string, cause?: unknown): TransportError {
  return new TransportError('DNS', message, { transport, remote: { address: host, port: 0 }, errno, cause });
}
