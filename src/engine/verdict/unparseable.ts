import type { Cause } from './cause.js';
import { finals } from './facts.js';
import { at, count } from './format.js';

/**
 * `unparseable-responses`: bytes came back, but not a SIP message sipcall could parse
 * (RFC 3261 §7, §25). Told apart from `no-response`: something answers on that port.
 */
export const unparseable: Cause = ({ facts }) => {
  if (facts.invalid.length === 0 || finals(facts.main).length > 0) return undefined;
  const first = facts.invalid[0]!;
  return {
    id: 'unparseable-responses',
    text: `${first.from} sent back ${count(facts.invalid.length, 'message')} that are not valid SIP`,
    evidence: [`${first.bytes} bytes from ${first.from} at ${at(first.t)}: ${first.error} (at byte ${first.offset})`],
    next: ['the port may belong to another protocol, or the peer builds broken messages: look at them with -v', 'run sipcall explain on a copy of the message'],
  };
};
