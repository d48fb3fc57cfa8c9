import type { Cause } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { notesWith } from './facts.js';
import { at } from './format.js';

/**
 * `bad-contact`, `bad-record-route`: the call was answered, but the 2xx named no usable remote
 * target (a Contact that is missing, `*`, or not a well-formed SIP or SIPS URI) or no usable
 * route set (a Record-Route that is not `<SIP URI>`). RFC 3261 §12.1.2: "The remote target MUST
 * be set to the URI from the Contact header field of the response"; "The route set MUST be set
 * to the list of URIs in the Record-Route header field"; §12.1.1: the Contact URI "MUST be a SIP
 * or SIPS URI". sipcall still ACKs the 2xx (§13.2.2.4) where the INVITE went, then ends the
 * call with BYE: it never puts such a value in a Request-URI (docs/engine.md).
 */
export const unusableDialog: Cause = ({ facts }) => {
  const contact = notesWith(facts, NOTE_CODE.badContact);
  const route = notesWith(facts, NOTE_CODE.badRecordRoute);
  const first = contact[0] ?? route[0];
  if (!first) return undefined;
  const acks = facts.acks.map((a) => `ACK ${a.uri} at ${at(a.t)}`);
  const byes = facts.txs.filter((t) => t.method === 'BYE').map((t) => `BYE ${t.sends[0]?.uri ?? '?'} at ${at(t.sends[0]?.t ?? 0)}`);
  return {
    id: contact.length ? 'bad-contact' : 'bad-record-route',
    text: contact.length
      ? 'the peer answered, but its 2xx has no usable Contact, so requests in the call have nowhere to go'
      : 'the peer answered, but its 2xx has an unusable Record-Route, so requests in the call cannot follow the proxies',
    evidence: [...contact, ...route].map((n) => `at ${at(n.t)}: ${n.text}`).concat(acks.length || byes.length ? [`sent instead: ${[...acks, ...byes].join('; ')}`] : []),
    next: contact.length
      ? [
          'the UAS (or an SBC or B2BUA that rewrites Contact) must put one SIP or SIPS URI in the Contact of its 2xx, e.g. Contact: <sip:bob@192.0.2.1:5060> (RFC 3261 §12.1.1)',
          'look at the 2xx with -v; a Contact of * is for REGISTER only',
        ]
      : ['each proxy that record-routes must add Record-Route: <sip:proxy;lr> with a well-formed SIP URI in angle brackets (RFC 3261 §16.6 step 4, §20.30)', 'look at the 2xx with -v to see which proxy wrote the bad value'],
  };
};
