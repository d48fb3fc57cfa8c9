import type { AnswerLoadResult, AnswerResult, MediaSummary, Outcome, Verdict } from '../events/types.js';

/** How a run ended, before the CLI turns it into an exit code and a `result` event. */
export interface RunOutcome {
  outcome: Outcome;
  /** The final status that decided the run: from the wire, or made up locally. */
  status?: number;
  reason?: string;
  /** True when `status` was made up by sipcall (408 timeout, 503 transport error). */
  statusLocal?: boolean;
  /** One line for the result: what happened. */
  summary: string;
  verdict?: Verdict;
  /** Other causes that also stood (signalling first, then media: docs/verdicts.md). */
  alsoVerdicts?: Verdict[];
  /** The media figures, for a call with media. */
  media?: MediaSummary;
  /** `answer --load`: what it counted. */
  answerLoad?: AnswerLoadResult;
  /** `answer`: what it served. */
  answer?: AnswerResult;
  /** A 3xx final: its Contacts, best q first (RFC 3261 §8.1.3.4), for src/engine/redirect.ts. */
  redirect?: { status: number; reason: string; contacts: string[] };
}

/** The outcome for a final response from the wire. */
export function fromFinal(status: number, reason: string, what: string): RunOutcome {
  return {
    outcome: status >= 200 && status < 300 ? 'success' : 'failure-response',
    status,
    reason,
    statusLocal: false,
    summary: `${what}: ${status} ${reason}`,
  };
}
