// RFC 3263 resolution against a real DNS server: dnsmasq on a loopback port serving NAPTR, SRV,
// A and AAAA records for sipcall.test (test/support/peers/dnsmasq.ts), which returns NAPTR and
// SRV records unsorted. `sipcall resolve --json` shows the tree and the order; a name that does
// not exist ends as dns-failed (exit 4); an AAAA-only name reaches SIPp on [::1].
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolveResult } from '../../src/events/types.js';
import { startDnsmasq, type DnsmasqPeer } from '../support/peers/dnsmasq.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { ofType, resultOf, runCli } from './uac-helpers.js';

usePeerCleanup();

const peers: Array<SippPeer | DnsmasqPeer> = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

async function dns(records: Parameters<typeof startDnsmasq>[0]['records']): Promise<DnsmasqPeer> {
  const d = await startDnsmasq({ records });
  peers.push(d);
  return d;
}

/** The NAPTR → SRV → A zone: UDP first (order 10), TCP second; two UDP servers, priority 10 and 20. */
const zone = {
  naptr: [
    { name: 'sipcall.test', order: 20, preference: 10, flags: 'S', service: 'SIP+D2T', replacement: '_sip._tcp.sipcall.test' },
    { name: 'sipcall.test', order: 10, preference: 10, flags: 'S', service: 'SIP+D2U', replacement: '_sip._udp.sipcall.test' },
  ],
  srv: [
    { name: '_sip._udp.sipcall.test', target: 'two.sipcall.test', port: 5072, priority: 20, weight: 0 },
    { name: '_sip._udp.sipcall.test', target: 'one.sipcall.test', port: 5071, priority: 10, weight: 0 },
    { name: '_sip._tcp.sipcall.test', target: 'one.sipcall.test', port: 5073, priority: 10, weight: 0 },
  ],
  hosts: [
    { name: 'one.sipcall.test', ipv4: '127.0.0.1', ttl: 120 },
    { name: 'two.sipcall.test', ipv4: '127.0.0.2', ipv6: '::1' },
    { name: 'v6only.sipcall.test', ipv6: '::1' },
  ],
};

describe.skipIf(requirePeers('dnsmasq').skip)('sipcall resolve against dnsmasq', () => {
  it('NAPTR → SRV → A/AAAA: the tree, the order (NAPTR order, SRV priority), the TTLs', async () => {
    const d = await dns(zone);
    const { code, events, stderr } = await runCli(['resolve', 'sipcall.test', '--dns-server', d.server]);
    expect(code, stderr).toBe(0);
    const result = events.at(-1) as unknown as ResolveResult;
    expect(result.type).toBe('resolve.result');
    expect(result.path).toBe('naptr');
    expect(result.targets.map((t) => `${t.index}. ${t.transport} ${t.address}:${t.port} ${t.host} ${t.ttl}`)).toEqual([
      '1. UDP 127.0.0.1:5071 one.sipcall.test 120',
      '2. UDP 127.0.0.2:5072 two.sipcall.test 300',
      '3. UDP ::1:5072 two.sipcall.test 300',
      '4. TCP 127.0.0.1:5073 one.sipcall.test 120',
    ]);
    expect(result.targets[0]!.how).toBe('NAPTR 10 10 SIP+D2U → SRV _sip._udp.sipcall.test 10 0 5071 one.sipcall.test → A one.sipcall.test (TTL 120)');
    // Every query is an event, in the order asked; the NAPTR first.
    const queries = ofType(events, 'dns.query').map((q) => `${q.rrtype} ${q.name}`);
    expect(queries.slice(0, 3)).toEqual(['NAPTR sipcall.test', 'SRV _sip._udp.sipcall.test', 'A one.sipcall.test']);
    expect(ofType(events, 'dns.answer').every((a) => a.server === d.server && a.ms < 1000)).toBe(true);
    const naptr = result.tree[0]!;
    expect(naptr.records.map((r) => r.rrtype === 'NAPTR' && r.service)).toEqual(['SIP+D2U', 'SIP+D2T']);
    console.info(`[dns] resolve sipcall.test: ${queries.length} queries in ${result.t} ms; NAPTR answered in ${naptr.ms} ms`);
  });

  it('pretty output names the records and the order', async () => {
    const d = await dns(zone);
    const { run } = await import('../../src/cli/main.js');
    const { fakeIo } = await import('../support/fake-io.js');
    const io = fakeIo();
    expect(await run(['resolve', 'sip:sipcall.test', '--dns-server', d.server, '-4'], io)).toBe(0);
    expect(io.out.text).toContain('NAPTR sipcall.test');
    expect(io.out.text).toMatch(/10 0 5071 one\.sipcall\.test\n\s+A one\.sipcall\.test .*: 127\.0\.0\.1 \(TTL 120\)/);
    expect(io.out.text).toContain('1. 127.0.0.1:5071 UDP  one.sipcall.test  TTL 120');
    expect(io.out.text).not.toContain('AAAA');
    expect(io.out.text).toContain('✓ 3 targets  (exit 0)');
  });

  it('NXDOMAIN: resolve exits 4; options ends as dns-failed naming the A record, exit 4', async () => {
    const d = await dns(zone);
    const r = await runCli(['resolve', 'nope.sipcall.test', '--dns-server', d.server]);
    expect(r.code).toBe(4);
    const result = r.events.at(-1) as unknown as ResolveResult;
    expect(result.targets).toEqual([]);
    expect(result.failure).toMatchObject({ name: 'nope.sipcall.test', rrtype: 'A', code: 'NXDOMAIN' });

    const o = await runCli(['options', 'nope.sipcall.test', '--dns-server', d.server]);
    expect(o.code).toBe(4);
    const res = resultOf(o.events);
    expect(res.verdict?.id).toBe('dns-failed');
    expect(res.verdict?.evidence.join('\n')).toContain('cannot resolve "nope.sipcall.test": A nope.sipcall.test: NXDOMAIN');
    expect(res.verdict?.evidence).toContain(`NAPTR nope.sipcall.test: NXDOMAIN after ${ofType(o.events, 'dns.answer')[0]!.ms} ms (asked ${d.server})`);
    expect(res.verdict?.next[0]).toBe(`ask the DNS server directly: dig @127.0.0.1 -p ${d.port} A nope.sipcall.test`);
    expect(ofType(o.events, 'request.sent')).toEqual([]);
    expect(res.t).toBeLessThan(1000);
  });

  it('a DNS server that does not answer: dns-failed with TIMEOUT on the NAPTR, exit 4', async () => {
    const d = await dns(zone);
    const port = d.port;
    await d.stop();
    peers.splice(peers.indexOf(d), 1);
    const o = await runCli(['options', 'sipcall.test', '--dns-server', `127.0.0.1:${port}`]);
    expect(o.code).toBe(4);
    const res = resultOf(o.events);
    expect(res.verdict?.id).toBe('dns-failed');
    expect(res.verdict?.evidence.join('\n')).toMatch(/NAPTR sipcall\.test: TIMEOUT/);
    // One query, not asked again: a failing server stops the resolution.
    expect(ofType(o.events, 'dns.query')).toHaveLength(1);
  });
});

describe.skipIf(requirePeers('dnsmasq', 'sipp').skip)('an AAAA-only name', () => {
  it('reaches SIPp on [::1] (no NAPTR, no SRV: AAAA, UDP, the port from the URI)', async () => {
    const uas = await startSipp({ scenario: 'uas-options.xml', ipv6: true });
    peers.push(uas);
    const d = await dns(zone);
    const { code, events } = await runCli(['options', `sip:v6only.sipcall.test:${uas.port}`, '--dns-server', d.server]);
    expect(code, resultOf(events).summary).toBe(0);
    expect(ofType(events, 'dns.answer').map((a) => `${a.rrtype} ${a.error ?? a.records.map((r) => ('address' in r ? r.address : '')).join(',')}`)).toEqual(['A NODATA', 'AAAA ::1']);
    expect(ofType(events, 'target.selected').map((t) => `${t.address} ${t.port}`)).toEqual([`::1 ${uas.port}`]);
    expect(ofType(events, 'request.sent')[0]!.to).toBe(`[::1]:${uas.port}`);
  });
});
