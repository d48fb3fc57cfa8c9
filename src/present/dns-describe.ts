/** Plain words for the RFC 3263 events (docs/dns.md), shared by the line and ladder presenters. */
import type { DnsAnswerEvent, DnsQueryEvent, DnsRecordData, TargetFailoverEvent, TargetSelectedEvent } from '../events/types.js';

/** `NAPTR sipcall.test? (asked 127.0.0.1:5353)` */
export function describeDnsQuery(e: DnsQueryEvent): string {
  return `DNS ${e.rrtype} ${e.name}?${e.server === 'system' ? '' : ` (asked ${e.server})`}`;
}

/** `SRV _sip._udp.sipcall.test: 2 records in 0.4 ms: 10 60 5999 dead.sipcall.test, …` or the error. */
export function describeDnsAnswer(e: DnsAnswerEvent): string {
  const ms = `${e.ms < 10 ? e.ms.toFixed(1) : Math.round(e.ms)} ms`;
  if (e.error) return `DNS ${e.rrtype} ${e.name}: ${e.error} in ${ms}${e.message && !e.message.includes(e.error) ? ` (${e.message})` : ''}`;
  const n = e.records.length;
  return `DNS ${e.rrtype} ${e.name}: ${n} record${n === 1 ? '' : 's'} in ${ms}: ${e.records.map(recordText).join(', ')}`;
}

/** One record as zone files write its data. */
export function recordText(r: DnsRecordData): string {
  switch (r.rrtype) {
    case 'NAPTR':
      return `${r.order} ${r.preference} "${r.flags}" "${r.service}" "${r.regexp}" ${r.replacement}`;
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'A':
    case 'AAAA':
      return r.ttl !== undefined ? `${r.address} (TTL ${r.ttl})` : r.address;
  }
}

/** `target 1 of 2: 127.0.0.1:5999 UDP (dead.sipcall.test) via NAPTR … → SRV … → A …` */
export function describeTargetSelected(e: TargetSelectedEvent): string {
  const hostPort = e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
  return `target ${e.index} of ${e.of}: ${hostPort} ${e.transport} (${e.host})  via ${e.how}`;
}

const WHY: Record<TargetFailoverEvent['reason'], string> = {
  timeout: 'no response (transaction timeout)',
  'transport-error': 'transport error',
  '503': '503 from the peer',
  'retry-after': 'skipped: held back by Retry-After',
};

/** `failover from 127.0.0.1:5999 UDP: transport error (ECONNREFUSED …); next 127.0.0.1:5998 (RFC 3263 §4.3)` */
export function describeFailover(e: TargetFailoverEvent): string {
  const next = e.next ? `; next: ${e.next}` : '; no target left';
  return `failover from ${e.from} ${e.transport}: ${WHY[e.reason]} — ${e.detail}${next} (RFC 3263 §4.3)`;
}

/** Short form for the ladder margin. */
export function failoverShort(e: TargetFailoverEvent): string {
  return `failover: ${WHY[e.reason]}${e.next ? ` → ${e.next}` : ''}`;
}
