// A DnsLookups that never touches the network: records from a table, errors by name.
import { DnsQueryError, type AddressRecord, type DnsErrorCode, type DnsLookups, type NaptrRecord, type SrvRecord } from '../../../src/transport/rfc3263/index.js';

export interface FakeZone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  /** `TYPE name` → error code, e.g. `{ 'NAPTR broken.test': 'SERVFAIL' }`. */
  errors?: Record<string, DnsErrorCode>;
}

export function fakeDns(zone: FakeZone): DnsLookups & { asked: string[] } {
  const asked: string[] = [];
  const known = (name: string) =>
    [zone.naptr, zone.srv, zone.a, zone.aaaa].some((t) => t !== undefined && Object.hasOwn(t, name));
  const answer = <T>(type: string, name: string, table: Record<string, T[]> | undefined): Promise<T[]> => {
    asked.push(`${type} ${name}`);
    const err = zone.errors?.[`${type} ${name}`];
    if (err) return Promise.reject(new DnsQueryError(err, `${type} ${name}: ${err}`));
    const rs = table?.[name];
    if (rs && rs.length) return Promise.resolve(rs);
    return Promise.reject(new DnsQueryError(known(name) ? 'NODATA' : 'NXDOMAIN', `${type} ${name}: ${known(name) ? 'NODATA' : 'NXDOMAIN'}`));
  };
  const addr = (family: 4 | 6) => (list: string[]): AddressRecord[] => list.map((address) => ({ address, family, ttl: 60 }));
  return {
    server: 'fake',
    asked,
    naptr: (n) => answer('NAPTR', n, zone.naptr),
    srv: (n) => answer('SRV', n, zone.srv),
    a: (n) => answer('A', n, zone.a).then(addr(4)),
    aaaa: (n) => answer('AAAA', n, zone.aaaa).then(addr(6)),
  };
}

export function naptr(order: number, preference: number, service: string, replacement: string, flags = 'S'): NaptrRecord {
  return { order, preference, flags, service, regexp: '', replacement };
}

export function srv(priority: number, weight: number, port: number, target: string): SrvRecord {
  return { priority, weight, port, target };
}
