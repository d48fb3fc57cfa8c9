import type { Cause } from './cause.js';
import { finals, provisionals } from './facts.js';
import { at, count } from './format.js';

/**
 * `provisional-only`: the peer said it was working on it (1xx) and then went silent. For an
 * INVITE, RFC 3261 Figure 5 stops Timer B after a 1xx, so only sipcall's ring timeout ends the
 * wait, with CANCEL (§9.1); for a non-INVITE, Timer F still runs (§17.1.2.2).
 */
export const provisionalOnly: Cause = ({ facts }) => {
  const main = facts.main;
  if (!main) return undefined;
  const ones = provisionals(main);
  if (ones.length === 0) return undefined;
  const final = finals(main)[0];
  const cancel = facts.txs.find((t) => t.method === 'CANCEL' && t.branch === main.branch);
  // A final that only came because we CANCELed (487) still counts as "only provisional".
  if (final && !(cancel && final.t >= (cancel.sends[0]?.t ?? Infinity))) return undefined;
  if (!final && main.terminated?.outcome !== 'timeout' && !cancel && facts.result?.outcome !== 'timeout') return undefined;
  const last = ones[ones.length - 1]!;
  const list = ones
    .filter((r, i) => i === 0 || r.status !== ones[i - 1]!.status)
    .map((r) => `${r.status} ${r.reason} at ${at(r.t)}`)
    .join(', ');
  const evidence = [`${main.method} to ${facts.target}: ${list} (from ${ones[0]!.from})`];
  const ring = facts.notes.find((n) => n.text.startsWith('ring timeout'));
  const stopAt = cancel?.sends[0]?.t ?? main.terminated?.t ?? facts.end;
  evidence.push(`then silence: no final response for ${at(stopAt - last.t)} after the last ${last.status}`);
  if (ring) evidence.push(`ring timeout at ${at(ring.t)}: ${ring.text.replace(/^ring timeout: /, '')}`);
  if (cancel) {
    const cfinal = finals(cancel)[0];
    evidence.push(`CANCEL sent at ${at(cancel.sends[0]!.t)}${cancel.sends.length > 1 ? ` (${count(cancel.sends.length, 'send')})` : ''}: ${cfinal ? `${cfinal.status} ${cfinal.reason} at ${at(cfinal.t)}` : `no answer (${cancel.terminated?.outcome ?? 'still waiting'})`}`);
    evidence.push(final ? `the ${main.method} then ended with ${final.status} ${final.reason} at ${at(final.t)}` : `the ${main.method} got no final response even after the CANCEL (RFC 3261 §9.1: given up 64·T1 later)`);
  } else if (main.terminated?.outcome === 'timeout') {
    evidence.push(`Timer F fired at ${at(main.terminated.t)}: a local ${main.terminated.status ?? 408} (made up by sipcall, not from the peer)`);
  }
  return {
    id: 'provisional-only',
    text: `${ones[0]!.from} answered ${last.status} ${last.reason} and then nothing: no final response`,
    evidence,
    next: main.method === 'INVITE'
      ? [
          'the callee may simply not pick up: try again, or raise --ring-timeout',
          'a proxy that sent 100 Trying may be failing to reach the next hop (look at its log for this Call-ID)',
          '180/183 without a final often means the phone rang but the answer (200) was lost on the way back: check NAT and firewalls for the 200',
        ]
      : ['the server accepted the request (1xx) but never finished it: check its log, or a next hop it waits for'],
  };
};
