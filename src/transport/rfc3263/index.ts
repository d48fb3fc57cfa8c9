// RFC 3263 server location: NAPTR → SRV → A/AAAA, ordered per RFC 3403 and RFC 2782 (docs/dns.md).
export { NAPTR_SERVICES, naptrRejection, orderNaptr } from './naptr.js';
export type { NaptrChoice, NaptrOrderOptions } from './naptr.js';
export { orderSrv, srvName } from './srv.js';
export type { UniformRandom } from './srv.js';
export { DnsQueryError, isNegativeAnswer } from './records.js';
export type { AddressRecord, DnsErrorCode, DnsLookups, NaptrRecord, RrType, SipTransport, SrvRecord } from './records.js';
export { defaultPortFor, defaultTransportFor, resolveTargets } from './resolve-targets.js';
export type { DnsNode, DnsNodeRecord, NextHopUri, Resolution, ResolutionPath, ResolvedTarget, ResolveTargetsOptions } from './resolve-targets.js';
export { DNS_TIMEOUT_MS, DNS_TRIES, nodeDnsLookups } from './node-dns.js';
export type { NodeDnsOptions } from './node-dns.js';
