import type { Cause } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { notesWith } from './facts.js';
import { at, count } from './format.js';

/**
 * `rport-ignored`: responses went to the port in our Via (sent-by) instead of the port the
 * request came from, though the Via carried `rport`. RFC 3581 §4: "When a server attempts to
 * send a response, it examines the topmost Via header field value of that response. If the
 * "sent-protocol" component indicates an unreliable unicast transport protocol, such as UDP, and
 * there is no "maddr" parameter, but there is both a "received" parameter and an "rport"
 * parameter, the response MUST be sent to the IP address listed in the "received" parameter, and
 * the port in the "rport" parameter." sipcall listens on both (RFC 3261 §18.1.1), and they are
 * different ports on purpose, so this shows.
 */
export const rportIgnored: Cause = ({ facts }) => {
  const arrivals = notesWith(facts, NOTE_CODE.rportIgnored);
  const first = arrivals[0];
  if (!first) return undefined;
  return {
    id: 'rport-ignored',
    text: 'the peer sends its responses to the port in our Via, not back to the port the request came from: it ignores rport (RFC 3581)',
    evidence: [`${count(arrivals.length, 'response')} arrived at the Via sent-by port (first at ${at(first.t)}): ${first.text}`, 'our Via carried ;rport, asking for the answer at the source port (RFC 3581 §4)'],
    next: [
      'enable rport/symmetric response routing on the server (Kamailio: force_rport(); Asterisk: nat=force_rport; others: "NAT" or "symmetric" settings)',
      'behind NAT, responses sent to the Via port are lost: the NAT maps only the source port',
    ],
  };
};
