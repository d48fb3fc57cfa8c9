import type { RunFacts } from './facts.js';
import { count } from './format.js';

/** What the engine's one-line summary says of a run where no response came (describe-outcome.ts). */
const NOTHING = 'nothing came back';

/**
 * The run's summary, checked against the facts: a summary that says "nothing came back" while
 * bytes that are not SIP (RFC 3261 §7) or responses that matched no transaction (§17.1.3) did
 * come back says what came instead. The verdict names the cause; the summary must not
 * contradict it.
 */
export function summaryOnFacts(summary: string, facts: RunFacts): string {
  if (!summary.includes(NOTHING)) return summary;
  const heard: string[] = [];
  if (facts.invalid.length > 0) heard.push(`${count(facts.invalid.length, 'message')} that ${facts.invalid.length === 1 ? 'is' : 'are'} not valid SIP`);
  if (facts.strays.length > 0) heard.push(`${count(facts.strays.length, 'response')} matching none of our requests`);
  if (heard.length === 0) return summary;
  return summary.replace(NOTHING, `nothing usable came back (only ${heard.join(' and ')})`);
}
