import type { Cause } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { notesWith } from './facts.js';
import { at, count, hostOf } from './format.js';

/**
 * `wrong-port`: responses came from another address or port than the one the request was sent
 * to. RFC 3261 §18.2.2 has a server send responses from where it received the request only
 * when it can; a multi-homed server or a load balancer often answers from elsewhere. A NAT or a
 * firewall on the way, and any connected socket, drops such answers (docs/verdicts.md).
 */
export const wrongPort: Cause = ({ facts }) => {
  const target = facts.target;
  if (!target || facts.transport !== 'UDP') return undefined;
  const odd = [...facts.responses, ...facts.strays].filter((r) => r.from !== target).sort((a, b) => a.t - b.t);
  const first = odd[0];
  if (!first) return undefined;
  const sameHost = hostOf(first.from) === hostOf(target);
  const arrivals = notesWith(facts, NOTE_CODE.rportIgnored);
  const evidence = [
    `requests went to ${target}; ${count(odd.length, 'response')} came from ${[...new Set(odd.map((r) => r.from))].join(', ')} (first: ${first.status} ${first.reason} at ${at(first.t)})`,
  ];
  if (arrivals.length) evidence.push(`they arrived at the port in our Via, not at the port we sent from: ${arrivals[0]!.text}`);
  evidence.push('sipcall saw them because it also listens on the Via sent-by port; a NAT, a firewall or a connected socket would have dropped them');
  return {
    id: 'wrong-port',
    text: sameHost ? `${hostOf(target)} answers from port ${first.from.replace(/^.*:/, '')}, not from ${target.replace(/^.*:/, '')} where the request went` : `the answers come from another address (${first.from}) than the target ${target}`,
    evidence,
    next: [
      sameHost
        ? 'configure the server to send from the port it listens on (symmetric signalling, RFC 3581), or point sipcall at the port it answers from'
        : "the server is multi-homed or behind a load balancer: make it answer from the address it was reached at (e.g. Kamailio's mhomed=1, Asterisk bindaddr), or target the address it answers from",
      'behind NAT, answers from another address or port never get through: the NAT only lets back what comes from where the request went',
    ],
  };
};
