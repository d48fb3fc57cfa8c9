import { describe, expect, it } from 'vitest';
import { resolveTargets, type ResolvedTarget } from '../../../src/transport/rfc3263/index.js';
import { fakeDns, naptr, srv } from './fake-dns.js';

const where = (ts: ResolvedTarget[]) => ts.map((t) => `${t.transport} ${t.address}:${t.port}`);

const zone = {
  naptr: { 'example.test': [naptr(20, 10, 'SIP+D2T', '_sip._tcp.example.test'), naptr(10, 10, 'SIP+D2U', '_sip._udp.example.test')] },
  srv: {
    '_sip._udp.example.test': [srv(20, 0, 5062, 'backup.example.test'), srv(10, 0, 5060, 'main.example.test')],
    '_sip._tcp.example.test': [srv(10, 0, 5070, 'main.example.test')],
    '_sip._tcp.nonaptr.test': [srv(10, 0, 5080, 'main.example.test')],
  },
  a: { 'main.example.test': ['192.0.2.1'], 'backup.example.test': ['192.0.2.2'], 'both.test': ['192.0.2.9'], 'nonaptr.test': ['192.0.2.3'] },
  aaaa: { 'main.example.test': ['2001:db8::1'], 'both.test': ['2001:db8::9'], 'v6only.test': ['::1'] },
};

describe('resolveTargets (RFC 3263 §4)', () => {
  it('NAPTR → SRV → A/AAAA: NAPTR order, SRV priority, A before AAAA', async () => {
    const dns = fakeDns(zone);
    const r = await resolveTargets({ scheme: 'sip', host: 'example.test' }, { lookups: dns, random: () => 0 });
    expect(r.path).toBe('naptr');
    expect(where(r.targets)).toEqual(['udp 192.0.2.1:5060', 'udp 2001:db8::1:5060', 'udp 192.0.2.2:5062', 'tcp 192.0.2.1:5070', 'tcp 2001:db8::1:5070']);
    expect(dns.asked.slice(0, 2)).toEqual(['NAPTR example.test', 'SRV _sip._udp.example.test']);
    expect(r.targets[0]!.via).toEqual(['NAPTR 10 10 SIP+D2U', 'SRV _sip._udp.example.test 10 0 5060 main.example.test', 'A main.example.test (TTL 60)']);
    expect(r.targets[0]!.ttl).toBe(60);
    // The tree keeps the records in the order used, with where each led.
    expect(r.tree[0]!.records.map((x) => x.rrtype === 'NAPTR' && x.service)).toEqual(['SIP+D2U', 'SIP+D2T']);
  });

  it('keeps only supported transports from NAPTR', async () => {
    const r = await resolveTargets({ scheme: 'sip', host: 'example.test' }, { lookups: fakeDns(zone), supported: ['tcp'] });
    expect(where(r.targets)).toEqual(['tcp 192.0.2.1:5070', 'tcp 2001:db8::1:5070']);
    expect(r.tree[0]!.records[1]!.skipped).toMatch(/UDP is not supported/);
  });

  it('no NAPTR: SRV for each transport (_sip._udp, _sip._tcp, _sips._tcp), then A/AAAA', async () => {
    const dns = fakeDns(zone);
    const r = await resolveTargets({ scheme: 'sip', host: 'nonaptr.test' }, { lookups: dns });
    expect(r.path).toBe('srv');
    expect(dns.asked).toEqual(['NAPTR nonaptr.test', 'SRV _sip._udp.nonaptr.test', 'SRV _sip._tcp.nonaptr.test', 'A main.example.test', 'AAAA main.example.test', 'SRV _sips._tcp.nonaptr.test']);
    expect(where(r.targets)).toEqual(['tcp 192.0.2.1:5080', 'tcp 2001:db8::1:5080']);
  });

  it('no NAPTR and no SRV: A/AAAA of the name, UDP on 5060 (TLS on 5061 for sips:)', async () => {
    expect(where((await resolveTargets({ scheme: 'sip', host: 'both.test' }, { lookups: fakeDns(zone) })).targets)).toEqual(['udp 192.0.2.9:5060', 'udp 2001:db8::9:5060']);
    const s = await resolveTargets({ scheme: 'sips', host: 'both.test' }, { lookups: fakeDns(zone) });
    expect(where(s.targets)).toEqual(['tls 192.0.2.9:5061', 'tls 2001:db8::9:5061']);
    expect(s.path).toBe('address');
  });

  it('an explicit port: A/AAAA only (§4.2), no NAPTR or SRV', async () => {
    const dns = fakeDns(zone);
    const r = await resolveTargets({ scheme: 'sip', host: 'example.test', port: 5099 }, { lookups: dns });
    expect(r.path).toBe('explicit-port');
    expect(dns.asked).toEqual(['A example.test', 'AAAA example.test']);
    expect(r.targets).toEqual([]);
    expect(r.failure).toMatchObject({ rrtype: 'AAAA', name: 'example.test', code: 'NODATA' });
  });

  it(';transport= and no port: SRV for that transport only (§4.2)', async () => {
    const dns = fakeDns(zone);
    const r = await resolveTargets({ scheme: 'sip', host: 'example.test', transport: 'tcp' }, { lookups: dns });
    expect(dns.asked[0]).toBe('SRV _sip._tcp.example.test');
    expect(dns.asked).not.toContain('NAPTR example.test');
    expect(where(r.targets)).toEqual(['tcp 192.0.2.1:5070', 'tcp 2001:db8::1:5070']);
  });

  it('-4 / -6 ask only for A or only for AAAA', async () => {
    expect(where((await resolveTargets({ scheme: 'sip', host: 'both.test' }, { lookups: fakeDns(zone), family: 6 })).targets)).toEqual(['udp 2001:db8::9:5060']);
    const dns = fakeDns(zone);
    expect(where((await resolveTargets({ scheme: 'sip', host: 'both.test' }, { lookups: dns, family: 4 })).targets)).toEqual(['udp 192.0.2.9:5060']);
    expect(dns.asked).not.toContain('AAAA both.test');
  });

  it('an AAAA-only name gives its IPv6 address', async () => {
    const r = await resolveTargets({ scheme: 'sip', host: 'v6only.test' }, { lookups: fakeDns(zone) });
    expect(where(r.targets)).toEqual(['udp ::1:5060']);
  });

  it('IP literals need no DNS', async () => {
    const dns = fakeDns(zone);
    const r = await resolveTargets({ scheme: 'sip', host: '[::1]', port: 5070 }, { lookups: dns });
    expect(where(r.targets)).toEqual(['udp ::1:5070']);
    expect(r.path).toBe('ip-literal');
    expect(dns.asked).toEqual([]);
    expect(where((await resolveTargets({ scheme: 'sip', host: '127.0.0.1', transport: 'tcp' }, { lookups: dns })).targets)).toEqual(['tcp 127.0.0.1:5060']);
  });

  it('NXDOMAIN everywhere: no target, the A query named as the failure', async () => {
    const r = await resolveTargets({ scheme: 'sip', host: 'nope.test' }, { lookups: fakeDns(zone) });
    expect(r.targets).toEqual([]);
    expect(r.failure).toMatchObject({ name: 'nope.test', rrtype: 'A', code: 'NXDOMAIN' });
  });

  it('SERVFAIL or a timeout stops the queries and is the failure', async () => {
    const dns = fakeDns({ ...zone, errors: { 'NAPTR example.test': 'SERVFAIL' } });
    const r = await resolveTargets({ scheme: 'sip', host: 'example.test' }, { lookups: dns });
    expect(dns.asked).toEqual(['NAPTR example.test']);
    expect(r.failure).toMatchObject({ rrtype: 'NAPTR', code: 'SERVFAIL' });
    const t = fakeDns({ ...zone, errors: { 'SRV _sip._tcp.example.test': 'TIMEOUT' } });
    const r2 = await resolveTargets({ scheme: 'sip', host: 'example.test' }, { lookups: t, random: () => 0 });
    // What was found before the timeout is used.
    expect(where(r2.targets)).toEqual(['udp 192.0.2.1:5060', 'udp 2001:db8::1:5060', 'udp 192.0.2.2:5062']);
    expect(r2.failure).toBeUndefined();
  });

  it('reports each query and answer', async () => {
    const seen: string[] = [];
    await resolveTargets({ scheme: 'sip', host: 'v6only.test' }, {
      lookups: fakeDns(zone),
      onQuery: (q) => seen.push(`? ${q.rrtype} ${q.name}`),
      onAnswer: (a) => seen.push(`! ${a.rrtype} ${a.name} ${a.error ?? a.records.length}`),
    });
    expect(seen).toEqual([
      '? NAPTR v6only.test', '! NAPTR v6only.test NODATA',
      '? SRV _sip._udp.v6only.test', '! SRV _sip._udp.v6only.test NXDOMAIN',
      '? SRV _sip._tcp.v6only.test', '! SRV _sip._tcp.v6only.test NXDOMAIN',
      '? SRV _sips._tcp.v6only.test', '! SRV _sips._tcp.v6only.test NXDOMAIN',
      '? A v6only.test', '! A v6only.test NODATA',
      '? AAAA v6only.test', '! AAAA v6only.test 1',
    ]);
  });
});
