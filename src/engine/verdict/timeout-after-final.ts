import type { Cause } from './cause.js';
import { finals } from './facts.js';
import { at, count, times } from './format.js';

/**
 * `timeout-after-final`: the request the user asked for got its final response, but a request
 * that followed it in the same run (the BYE that ends a call, RFC 3261 §15.1.1) got none before
 * Timer F.
 */
export const timeoutAfterFinal: Cause = ({ facts }) => {
  const main = facts.main;
  const final = finals(main)[0];
  if (!main || !final) return undefined;
  const later = facts.txs.find((t) => t !== main && t.method !== 'CANCEL' && t.terminated?.outcome === 'timeout');
  if (!later) return undefined;
  const sends = later.sends;
  return {
    id: 'timeout-after-final',
    text: `${main.method} got ${final.status} ${final.reason}, but the ${later.method} that followed was never answered`,
    evidence: [
      `${main.method}: ${final.status} ${final.reason} from ${final.from} at ${at(final.t)}`,
      `${later.method}: ${count(sends.length, 'send')} to ${sends[0]?.to ?? facts.target} at ${times(sends.map((s) => s.t))}; Timer F at ${at(later.terminated!.t)}, a local ${later.terminated!.status ?? 408} (made up by sipcall, not from the peer)`,
    ],
    next: [
      `in-dialog requests go to the Contact of the ${final.status} through its Record-Route set (RFC 3261 §12.2.1.1): check that they are reachable`,
      `the peer may have forgotten the dialog already (it ended it, or it restarted)`,
    ],
  };
};
