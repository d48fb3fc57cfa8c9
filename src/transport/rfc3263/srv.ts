import type { SrvRecord } from './records.js';

/** A uniform random number in [0, 1), injectable so that tests can pin the weighted choice. */
export type UniformRandom = () => number;

/**
 * Orders SRV records as RFC 2782 ("Usage rules") says a client should try them: by priority,
 * lowest first; within one priority, by a weighted random draw repeated until none is left.
 * DNS servers return SRV records in any order (dnsmasq does), so the order is made here.
 *
 * > "To select a target to be contacted next, arrange all SRV RRs (that have not been ordered
 * > yet) in any order, except that all those with weight 0 are placed at the beginning of the
 * > list. Compute the sum of the weights of those RRs, and with each RR associate the running
 * > sum in the selected order. Then choose a uniform random number between 0 and the sum
 * > computed (inclusive), and select the RR whose running sum value is the first in the
 * > selected order which is greater than or equal to the random number selected. … Continue
 * > the ordering process until there are no unordered SRV RRs." (RFC 2782)
 *
 * A single record whose target is `.` means "decidedly not available" (RFC 2782): no targets.
 */
export function orderSrv(records: readonly SrvRecord[], random: UniformRandom = Math.random): SrvRecord[] {
  if (records.length === 1 && isDot(records[0]!.target)) return [];
  const usable = records.filter((r) => !isDot(r.target));
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const out: SrvRecord[] = [];
  for (const priority of priorities) {
    // Zero weights first, otherwise the order the server gave (any order is allowed).
    const left = usable.filter((r) => r.priority === priority).sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (left.length > 0) {
      const sum = left.reduce((s, r) => s + r.weight, 0);
      // "between 0 and the sum (inclusive)": an integer in [0, sum].
      const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]!.weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(left.splice(index, 1)[0]!);
    }
  }
  return out;
}

function isDot(target: string): boolean {
  return target === '.' || target === '';
}

/** The SRV owner name for a transport (RFC 3263 §4.1, RFC 2782 `_Service._Proto.Name`). */
export function srvName(transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss', domain: string): string {
  switch (transport) {
    case 'udp':
      return `_sip._udp.${domain}`;
    case 'tcp':
      return `_sip._tcp.${domain}`;
    case 'tls':
      return `_sips._tcp.${domain}`;
    // RFC 7118 defines no SRV names; these are the ones in use (e.g. by Kamailio's docs).
    case 'ws':
      return `_sip._ws.${domain}`;
    case 'wss':
      return `_sips._ws.${domain}`;
  }
}
