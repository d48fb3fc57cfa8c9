/**
 * Events of RFC 3263 server location: the DNS queries and answers, the target chosen, and each
 * failover to the next target (docs/dns.md). Part of the event stream (`types.ts` puts them in
 * the `SipEvent` union); kept in their own file because they belong together.
 */
import type { TransportName } from './types.js';

/** One DNS record as sipcall read it. TTLs only where the resolver reports them (A, AAAA). */
export type DnsRecordData =
  | { rrtype: 'NAPTR'; order: number; preference: number; flags: string; service: string; regexp: string; replacement: string }
  | { rrtype: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { rrtype: 'A' | 'AAAA'; address: string; ttl?: number };

/** A DNS query sipcall sent (RFC 3263 §4: NAPTR, SRV, A, AAAA). */
export interface DnsQueryEvent {
  type: 'dns.query';
  t: number;
  name: string;
  rrtype: 'NAPTR' | 'SRV' | 'A' | 'AAAA';
  /** Who was asked: `127.0.0.1:5353` (`--dns-server`), or `system` (the system resolver). */
  server: string;
}

/** The answer to a `dns.query`: the records, or why there are none. */
export interface DnsAnswerEvent {
  type: 'dns.answer';
  t: number;
  name: string;
  rrtype: 'NAPTR' | 'SRV' | 'A' | 'AAAA';
  server: string;
  /** How long the query took, in ms. */
  ms: number;
  /** The records as they came (NAPTR and SRV unsorted: sipcall orders them, RFC 3263 §4). */
  records: DnsRecordData[];
  /** Why there are no records: NXDOMAIN, NODATA, SERVFAIL, REFUSED, TIMEOUT or ERROR. */
  error?: string;
  /** The resolver's error in words. */
  message?: string;
}

/** The next target to try (RFC 3263 §4.3), and how DNS led to it. */
export interface TargetSelectedEvent {
  type: 'target.selected';
  t: number;
  /** 1 for the first target tried. */
  index: number;
  /** How many targets the resolution gave. */
  of: number;
  /** The host name whose address this is. */
  host: string;
  address: string;
  port: number;
  transport: TransportName;
  /** The chain that led here, e.g. `NAPTR SIP+D2U → SRV _sip._udp.example.com 10 60 → A pbx.example.com`. */
  how: string;
}

/** Why sipcall moves on to the next target (RFC 3263 §4.3). */
export type FailoverReason = 'timeout' | 'transport-error' | '503' | 'retry-after';

/** The target failed (or is skipped) and the next one will be tried. */
export interface TargetFailoverEvent {
  type: 'target.failover';
  t: number;
  /** The target given up, `host:port` (IPv6 in brackets). */
  from: string;
  transport: TransportName;
  /**
   * `timeout`: no response at all (Timer B/F); `transport-error`: ICMP, refused, reset, …;
   * `503`: a 503 from the wire; `retry-after`: skipped, a 503 asked not to retry it yet.
   */
  reason: FailoverReason;
  /** In words, e.g. `ECONNREFUSED at 3 ms` or `503 Service Unavailable, Retry-After: 30`. */
  detail: string;
  /** The 503's Retry-After, seconds: the target is not tried again for so long. */
  retryAfterS?: number;
  /** The target tried next, `host:port`; absent when none is left. */
  next?: string;
}

/** A query in the resolution tree (`sipcall resolve`), with the records it gave and where each led. */
export interface DnsNode {
  name: string;
  rrtype: 'NAPTR' | 'SRV' | 'A' | 'AAAA';
  ms: number;
  /** In the order sipcall uses them (NAPTR and SRV ordered per RFC 3263 / RFC 2782). */
  records: DnsNodeRecord[];
  /** Why there are no records: NXDOMAIN, NODATA, SERVFAIL, REFUSED, TIMEOUT or ERROR. */
  error?: { code: string; message: string };
}

export type DnsNodeRecord = DnsRecordData & {
  /** The queries this record led to (NAPTR → SRV, SRV → A/AAAA). */
  next?: DnsNode[];
  /** Why the record was not followed. */
  skipped?: string;
};

/** One target in the order sipcall would try them. */
export interface ResolvedTargetView {
  index: number;
  host: string;
  address: string;
  port: number;
  transport: TransportName;
  ttl?: number;
  how: string;
}

/** The last JSON line of `sipcall resolve --json` (not a run event: `resolve` sends no SIP). */
export interface ResolveResult {
  type: 'resolve.result';
  t: number;
  /** The URI as sipcall read it. */
  target: string;
  /** `127.0.0.1:5353` or `system`. */
  server: string;
  /** Which part of RFC 3263 decided the lookups: ip-literal, explicit-port, transport-srv, naptr, srv, address. */
  path: string;
  tree: DnsNode[];
  targets: ResolvedTargetView[];
  /** When there is no target: the query that failed. */
  failure?: { name: string; rrtype: string; code: string; message: string };
  exitCode: number;
}
