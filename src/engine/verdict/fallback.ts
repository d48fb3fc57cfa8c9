import type { Verdict } from '../../events/types.js';
import type { CauseInput } from './cause.js';
import { at, count } from './format.js';

/**
 * For a run that did not end with a clean final response and fits no named cause: still a
 * verdict, with what was seen, so that no such run ends without one.
 */
export function fallback({ facts, outcome }: CauseInput): Verdict {
  const main = facts.main;
  const evidence = [
    main ? `${count(main.sends.length, `${main.method} send`)} to ${facts.target}, ${count(main.responses.length, 'response')}` : 'no request was sent',
    `the run ended as ${outcome ?? 'unknown'} at ${at(facts.end)}${facts.result?.statusLocal ? ` with a local ${facts.result.status} (made up by sipcall, not from the peer)` : ''}`,
  ];
  if (outcome === 'interrupted') {
    return { id: 'interrupted', text: 'stopped by the user before a final response', evidence, next: ['run it again and wait longer, or use sipcall diagnose'] };
  }
  return { id: 'no-final-response', text: 'the run ended without a final response', evidence, next: ['look at the whole exchange with -v or --ladder', 'run sipcall diagnose on the target'] };
}
