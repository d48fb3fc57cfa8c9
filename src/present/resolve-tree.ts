/**
 * `sipcall resolve` without --json: the tree of DNS queries as RFC 3263 walked it, then the
 * targets in the order sipcall would try them.
 *
 *   NAPTR sipcall.test  0.4 ms
 *     10 10 "S" "SIP+D2U" "" _sip._udp.sipcall.test
 *       SRV _sip._udp.sipcall.test  0.3 ms
 *         10 60 5999 dead.sipcall.test
 *           A dead.sipcall.test  0.1 ms: 127.0.0.1 (TTL 300)
 *   order sipcall would try:
 *     1. 127.0.0.1:5999 UDP  dead.sipcall.test  TTL 300
 */
import type { DnsNode, ResolveResult } from '../events/types.js';
import { recordText } from './dns-describe.js';
import type { Style } from './style.js';

function ms(n: number): string {
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}

function node(n: DnsNode, depth: number, style: Style): string[] {
  const pad = '  '.repeat(depth);
  const head = `${pad}${style.bold(`${n.rrtype} ${n.name}`)}  ${style.dim(ms(n.ms))}`;
  if (n.error) return [`${head}: ${style.warn(n.error.code)}`];
  if (n.rrtype === 'A' || n.rrtype === 'AAAA') return [`${head}: ${n.records.map(recordText).join(', ')}`];
  const out = [head];
  for (const r of n.records) {
    out.push(`${pad}  ${r.skipped ? style.dim(`${recordText(r)}  (not used: ${r.skipped})`) : recordText(r)}`);
    for (const child of r.next ?? []) out.push(...node(child, depth + 2, style));
  }
  return out;
}

/** The lines of the report. */
export function resolveLines(r: ResolveResult, style: Style, quiet = false): string[] {
  const out: string[] = [];
  if (!quiet) {
    out.push(`${style.bold('sipcall resolve')} ${r.target}  ${style.dim(`(${r.server === 'system' ? 'system resolver' : `DNS server ${r.server}`}; RFC 3263 path: ${r.path})`)}`);
    for (const n of r.tree) out.push(...node(n, 1, style));
    if (r.targets.length) out.push('  order sipcall would try:');
    for (const t of r.targets) {
      const hostPort = t.address.includes(':') ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
      out.push(`    ${t.index}. ${style.bold(`${hostPort} ${t.transport}`)}  ${t.host}${t.ttl !== undefined ? `  TTL ${t.ttl}` : ''}  ${style.dim(t.how)}`);
    }
  }
  if (r.targets.length) {
    out.push(`${style.ok('✓')} ${style.bold(`${r.targets.length} target${r.targets.length === 1 ? '' : 's'}`)}  (exit ${r.exitCode})`);
  } else {
    const f = r.failure;
    out.push(`${style.error('✗')} ${style.bold(`no target: ${f ? f.message : 'nothing usable'}`)}  (dns-failed, exit ${r.exitCode})`);
  }
  return out;
}
