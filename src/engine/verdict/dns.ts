import type { Verdict } from '../../events/types.js';
import type { RunFacts } from './facts.js';

/**
 * RFC 3263 evidence added to whatever verdict a run got (docs/dns.md):
 * - `dns-failed`: every DNS query that came back without records, and how to ask that server
 *   by hand; the record that failed is named (the `transport.error` says which one decided);
 * - after a failover: the targets tried before the last one and why each was given up, since
 *   the verdict itself is about the last target's attempt.
 */
export function withDnsEvidence(v: Verdict, facts: RunFacts): Verdict {
  const evidence = [...v.evidence];
  const next = [...v.next];
  if (v.id === 'dns-failed') {
    for (const a of facts.dnsAnswers.filter((x) => x.error)) {
      evidence.push(`${a.rrtype} ${a.name}: ${a.error} after ${a.ms} ms${a.server === 'system' ? ' (system resolver)' : ` (asked ${a.server})`}`);
    }
    const errors = facts.dnsAnswers.filter((x) => x.error);
    const failed = errors.find((x) => x.error !== 'NXDOMAIN' && x.error !== 'NODATA') ?? errors.find((x) => (x.rrtype === 'A' || x.rrtype === 'AAAA') && x.error === 'NXDOMAIN') ?? errors.at(-1);
    if (failed) {
      const server = failed.server === 'system' ? '' : ` @${failed.server.replace(/^\[?([^\]]*?)\]?(?::(\d+))?$/, (_m, h: string, p?: string) => (p ? `${h} -p ${p}` : h))}`;
      next.unshift(`ask the DNS server directly: dig${server} ${failed.rrtype} ${failed.name}`);
      if (failed.error === 'TIMEOUT' || failed.error === 'SERVFAIL' || failed.error === 'REFUSED') {
        next.unshift(`the DNS server${failed.server === 'system' ? '' : ` ${failed.server}`} did not give an answer (${failed.error}): check that it runs and serves this domain (--dns-server picks another)`);
      }
    }
  }
  if (facts.failovers.length > 0) {
    const tried = facts.targetsTried.length;
    evidence.push(
      `RFC 3263 failover: ${tried} target${tried === 1 ? '' : 's'} tried; ${facts.failovers.map((f) => `${f.from} ${f.transport} given up (${f.reason}: ${f.detail})`).join('; ')}`,
    );
  }
  return evidence.length === v.evidence.length && next.length === v.next.length ? v : { ...v, evidence, next };
}
