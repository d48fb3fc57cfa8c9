import type { Outcome, Verdict } from '../../events/types.js';
import type { UacPlan } from '../plan.js';
import type { RunFacts } from './facts.js';

/** What a cause sees: the facts of the run, how it ended and (when known) the plan. */
export interface CauseInput {
  facts: RunFacts;
  outcome?: Outcome;
  plan?: UacPlan;
}

/** One named cause: a verdict when the run shows it, else undefined. Pure. */
export type Cause = (input: CauseInput) => Verdict | undefined;
