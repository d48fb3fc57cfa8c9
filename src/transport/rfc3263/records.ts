/**
 * The DNS records RFC 3263 reads, as plain data, and the port through which the resolution
 * logic asks for them. The logic (`resolve-targets.ts`) never touches the network itself: it
 * is handed a `DnsLookups`, the real one from `node-dns.ts` or a fake in tests.
 */

/** SIP transports as RFC 3263 names them (lower case, as in `;transport=`). */
export type SipTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** The record types sipcall asks for. */
export type RrType = 'NAPTR' | 'SRV' | 'A' | 'AAAA';

/** RFC 3403 §4.1 NAPTR RDATA. */
export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}

/** RFC 2782 SRV RDATA. */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** The target host name (`.` means "the service is decidedly not available"). */
  target: string;
}

/** An A or AAAA record; `ttl` when the resolver reports it (not getaddrinfo). */
export interface AddressRecord {
  address: string;
  family: 4 | 6;
  ttl?: number;
}

/**
 * Why a query brought no records, as the DNS says it (RFC 1035 §4.1.1 RCODEs, RFC 2308
 * NODATA) or the resolver saw it:
 * - `NXDOMAIN`: the name does not exist; `NODATA`: it exists but has no record of this type;
 * - `SERVFAIL`, `REFUSED`: the server failed or refused; `TIMEOUT`: no answer in time;
 * - `ERROR`: anything else (the message says what).
 */
export type DnsErrorCode = 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'ERROR';

/** A query that brought no records. */
export class DnsQueryError extends Error {
  override readonly name = 'DnsQueryError';
  constructor(
    readonly code: DnsErrorCode,
    message: string,
    /** The resolver's own code (`ENOTFOUND`, `ESERVFAIL`, …), when there is one. */
    readonly errno?: string,
  ) {
    super(message);
  }
}

/** An empty answer (NXDOMAIN, NODATA) says something; a failed one says nothing about the name. */
export function isNegativeAnswer(code: DnsErrorCode): boolean {
  return code === 'NXDOMAIN' || code === 'NODATA';
}

/**
 * The four queries. Each resolves with the records (possibly none) or rejects with a
 * `DnsQueryError`. `server` names who answers, for the events (`127.0.0.1:5353`, `system`).
 */
export interface DnsLookups {
  readonly server: string;
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  a(name: string): Promise<AddressRecord[]>;
  aaaa(name: string): Promise<AddressRecord[]>;
}
