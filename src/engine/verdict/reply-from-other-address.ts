import type { Cause } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { cleanOutcome, notesWith } from './facts.js';
import { at, count, hostOf } from './format.js';

/**
 * `reply-from-other-address`: responses reached the port our request left from, but from another
 * address (or port) than the one the request went to. RFC 3261 §18.2.2 has a server send a
 * response from where the request arrived only when it can ("the response MUST be sent to the
 * address … using the same … port … if possible"); a multi-homed server often picks another of
 * its addresses. RFC 3261 §18.1.2 matches the response by its branch, not by its source, so
 * sipcall takes it (its connected socket would not: an unconnected sibling shares the port,
 * docs/verdicts.md). But a NAT or a stateful firewall only lets back what comes from where the
 * request went, and many clients keep connected sockets: there the same answer is lost.
 */
export const replyFromOtherAddress: Cause = ({ facts, outcome }) => {
  const target = facts.target;
  const noted = notesWith(facts, NOTE_CODE.replyFromOtherAddress);
  const first = noted[0];
  if (!first || !target || facts.transport !== 'UDP') return undefined;
  const odd = facts.responses.filter((r) => r.from !== target);
  const sources = [...new Set([...odd.map((r) => r.from), ...facts.strays.filter((r) => r.from !== target).map((r) => r.from)])];
  const source = sources[0] ?? first.text.replace(/^.* came from (\S+),.*$/, '$1');
  const sameHost = hostOf(source) === hostOf(target);
  const evidence = [
    `requests went to ${target}; ${count(odd.length, 'response')} came from ${sources.join(', ') || source} to the port they left from (first noted at ${at(first.t)}): ${first.text}`,
    `the rest (${count(facts.responses.length - odd.length, 'response')}) came from ${target}`,
  ];
  const failed = outcome !== undefined && !cleanOutcome(outcome);
  if (failed) evidence.push(`the run still ended as ${outcome}: what came from ${source} was not enough`);
  evidence.push('sipcall heard them through a second, unconnected socket on its source port; a NAT, a stateful firewall or a connected socket drops them');
  return {
    id: 'reply-from-other-address',
    text: sameHost
      ? `${hostOf(target)} answers from port ${source.replace(/^.*:/, '')}, not from ${target.replace(/^.*:/, '')} where the request went`
      : `the answers come from ${source}, another address than the target ${target}`,
    evidence,
    next: [
      sameHost
        ? 'configure the server to send from the port it listens on (symmetric signalling, RFC 3581)'
        : "the server is multi-homed or behind a load balancer: make it answer from the address it was reached at (e.g. Kamailio's mhomed=1, Asterisk bindaddr), or target the address it answers from",
      'behind NAT, answers from another address or port never get through: the NAT only lets back what comes from where the request went',
    ],
  };
};
