import type { Cause } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { notesWith } from './facts.js';
import { UDP_SIZE_LIMIT } from './udp-size.js';

/**
 * `oversize-udp`: a request over 1300 bytes went out on UDP because the user forced UDP, and
 * the run failed. RFC 3261 §18.1.1 wants such requests on a congestion-controlled transport
 * (TCP): large datagrams are fragmented, and fragments are what firewalls and NATs drop first.
 */
export const oversizeUdp: Cause = ({ facts, plan }) => {
  const notes = notesWith(facts, NOTE_CODE.oversizeUdp);
  if (notes.length === 0) return undefined;
  return {
    id: 'oversize-udp',
    text: `a request over ${UDP_SIZE_LIMIT} bytes was sent on UDP and went unanswered: it was probably fragmented, and fragments are often dropped`,
    evidence: [...notes.map((n) => n.text), ...(plan?.net.transportForced ? ['UDP was forced (--transport or ;transport=udp), so sipcall did not switch to TCP'] : [])],
    next: [
      'let sipcall switch to TCP as RFC 3261 §18.1.1 says: drop --transport udp (or ;transport=udp)',
      'or make the request smaller: fewer or shorter headers (-H), a smaller body',
    ],
  };
};
