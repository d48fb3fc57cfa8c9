import type { ResponseStrayEvent } from '../../events/types.js';
import type { Cause } from './cause.js';
import { finals } from './facts.js';
import { at, count } from './format.js';

/**
 * `stray-responses`: responses arrived but matched no client transaction. RFC 3261 §17.1.3
 * matches a response by the branch of its top Via and the CSeq method; §18.1.2: a response that
 * matches none "MUST be passed to the core", and sipcall reports it. The `response.stray`
 * events say why each one matched nothing.
 */
export const strayResponses: Cause = ({ facts }) => {
  const main = facts.main;
  if (!main || facts.strays.length === 0 || finals(main).length > 0) return undefined;
  const ourCallId = main.sends[0]?.callId;
  const evidence: string[] = [];
  const shown = new Set<string>();
  for (const s of facts.strays) {
    const key = `${s.status} ${s.why} ${s.branch ?? ''} ${s.callId ?? ''}`;
    if (shown.has(key)) continue;
    shown.add(key);
    if (shown.size > 3) break;
    evidence.push(line(s, main.branch, main.method, ourCallId));
  }
  const whys = [...new Set(facts.strays.map((s) => s.why))];
  return {
    id: 'stray-responses',
    text: `${count(facts.strays.length, 'response')} came back but matched none of our requests (${whys.join(', ')})`,
    evidence: [`we sent ${main.method} with branch ${main.branch}, Call-ID ${ourCallId ?? '?'}`, ...evidence],
    next: [
      'the peer (or a proxy or SBC in between) must copy our Via, with its branch, into the response unchanged (RFC 3261 §8.2.6.2)',
      'responses for another Call-ID are for another (older) call: another client may be using the same address and port',
      'look at the full messages with -v',
    ],
  };
};

function line(s: ResponseStrayEvent, branch: string, method: string, callId: string | undefined): string {
  const parts = [`${s.status} ${s.reason} from ${s.from} at ${at(s.t)}: ${s.why} (${s.detail})`];
  if (s.branch && s.branch !== branch) parts.push(`its branch ${s.branch} is not ours (${branch})`);
  if (s.cseq && !s.cseq.endsWith(` ${method}`)) parts.push(`its CSeq is ${s.cseq}, we sent ${method}`);
  if (s.callId && callId && s.callId !== callId) parts.push(`its Call-ID ${s.callId} is not ours`);
  return parts.join('; ');
}
