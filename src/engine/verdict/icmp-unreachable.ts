import type { RequestSentEvent, TransportErrorEvent } from '../../events/types.js';
import type { Cause } from './cause.js';
import { isIcmpError } from './facts.js';
import { at, count } from './format.js';

/**
 * `icmp-unreachable`: the peer's host answered our datagram with ICMP port (or host)
 * unreachable. RFC 3261 §18.4: "the transport user SHOULD be notified of … ICMP errors";
 * §17.1.4 and §8.1.3.1: the transaction then ends as if a 503 had come. sipcall's UDP socket is
 * connected, so the error arrives within milliseconds; with `--keep-trying` sipcall goes on
 * retransmitting (Timer A/E) and counts the errors.
 */
export const icmpUnreachable: Cause = ({ facts }) => {
  const seen: Array<{ e: TransportErrorEvent; after?: RequestSentEvent }> = [];
  let last: RequestSentEvent | undefined;
  for (const e of facts.events) {
    if (e.type === 'request.sent') last = e;
    else if (e.type === 'transport.error' && isIcmpError(e)) seen.push({ e, after: last });
  }
  const first = seen[0];
  if (!first) return undefined;
  const main = facts.main;
  const sends = main?.sends ?? [];
  const kind = first.e.code === 'ECONNREFUSED' ? 'port unreachable' : first.e.code === 'EHOSTUNREACH' ? 'host unreachable' : 'network unreachable';
  const answered = facts.responses.length > 0;
  if (answered && main?.terminated?.outcome === 'final') return undefined; // the peer came up after all
  const attempt = (x: (typeof seen)[number]) => (x.after ? `${x.after.method} attempt ${x.after.attempt} (sent at ${at(x.after.t)})` : 'the first send');
  const evidence = [`ICMP ${kind} from ${first.e.to} at ${at(first.e.t)}, for ${attempt(first)}`];
  const keptTrying = main?.terminated?.outcome === 'timeout' || seen.length > 1;
  if (keptTrying) {
    evidence.push(`--keep-trying: ${count(sends.length, 'send')} over ${at(facts.end)}, ${count(seen.length, 'ICMP error')} came back${seen.length > 1 ? ` (the last at ${at(seen[seen.length - 1]!.e.t)})` : ''}`);
    if (main?.terminated?.status) evidence.push(`the transaction ended at Timer ${main.method === 'INVITE' ? 'B' : 'F'} with a local ${main.terminated.status} (made up by sipcall, not from the peer)`);
  } else {
    evidence.push(`reported at ${at(first.e.t)}, without waiting for Timer ${main?.method === 'INVITE' ? 'B' : 'F'}; the request ended with a local 503 (made up by sipcall, not from the peer)`);
  }
  const port = first.e.to.replace(/^.*:/, '');
  return {
    id: 'icmp-unreachable',
    text: first.e.code === 'ECONNREFUSED' ? `nothing listens on ${first.e.to} over UDP: its host answered with ICMP port unreachable` : `${first.e.to} is unreachable: ICMP ${kind}`,
    evidence,
    next: first.e.code === 'ECONNREFUSED'
      ? [
          `is the SIP server running and bound to UDP port ${port} on that address? (ss -ulpn on the server)`,
          'check the port (5060 is usual; some servers use 5080 or another) and whether it listens on TCP only: try --transport tcp',
          'if the server is just restarting, --keep-trying goes on retransmitting until Timer B/F',
        ]
      : ['check the address and the routes (ip route get ' + first.e.to.replace(/:\d+$/, '') + ')', 'a firewall may be rejecting the traffic with ICMP'],
  };
};
