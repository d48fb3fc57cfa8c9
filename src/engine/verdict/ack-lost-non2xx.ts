import type { Cause } from './cause.js';
import { finals } from './facts.js';
import { at, count, times } from './format.js';

/** How many re-sent copies of a final it takes to say "our ACK is not arriving". */
export const RESENT_FINALS_FOR_ACK_LOST = 2;

/**
 * `ack-lost-non2xx`: the peer keeps re-sending its final non-2xx response. A server
 * transaction re-sends it on Timer G until the ACK arrives (RFC 3261 §17.2.1: "If timer G fires,
 * the response is passed to the transport layer once more for retransmission"); each copy we
 * receive is ACKed again (§17.1.1.2). Copies that keep coming mean our ACKs are not reaching it.
 */
export const ackLostNon2xx: Cause = ({ facts }) => {
  const main = facts.main;
  if (!main || main.method !== 'INVITE') return undefined;
  const final = finals(main).find((r) => r.status >= 300);
  if (!final) return undefined;
  const copies = main.responses.filter((r) => r.retransmission && r.status === final.status);
  if (copies.length < RESENT_FINALS_FOR_ACK_LOST) return undefined;
  const acks = main.acks;
  return {
    id: 'ack-lost-non2xx',
    text: `${final.from} keeps re-sending ${final.status} ${final.reason}: our ACK is not reaching it`,
    evidence: [
      `${final.status} ${final.reason} first at ${at(final.t)} from ${final.from}, re-sent ${count(copies.length, 'time')} (at ${times(copies.map((c) => c.t))})`,
      `our ACK (same branch ${main.branch}, RFC 3261 §17.1.1.3) sent ${count(acks.length, 'time')} to ${acks[0]?.to ?? facts.target}${acks.length ? ` at ${times(acks.map((a) => a.t))}` : ''}`,
      'a server re-sends its final on Timer G only while no ACK has arrived (RFC 3261 §17.2.1)',
    ],
    next: [
      'something between here and the peer drops the ACK (a firewall or SBC that lets INVITE through but not ACK)',
      'the peer may not match our ACK to its transaction: it must have the INVITE\'s branch, Call-ID, From tag and CSeq number (RFC 3261 §17.1.1.3)',
      'compare with a capture on the peer side (sngrep, tcpdump port 5060)',
    ],
  };
};
