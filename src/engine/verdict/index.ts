/**
 * The verdict: why a run did not end with a clean final response, as one named cause with its
 * evidence and what to check next (docs/verdicts.md). A pure analysis of the run's event list
 * (and, when known, the plan and the outcome): no I/O, no clock. Library users call
 * `analyzeRun(events, { plan, outcome })` on the events they collected.
 */
import type { Outcome, SipEvent, Verdict } from '../../events/types.js';
import type { RunOutcome } from '../outcome.js';
import type { UacPlan } from '../plan.js';
import { ackLost2xx } from './ack-lost-2xx.js';
import { ackLostNon2xx } from './ack-lost-non2xx.js';
import type { Cause, CauseInput } from './cause.js';
import { NOTE_CODE } from './codes.js';
import { cleanOutcome, collectFacts, notesWith, type RunFacts } from './facts.js';
import { fallback } from './fallback.js';
import { withDnsEvidence } from './dns.js';
import { icmpUnreachable } from './icmp-unreachable.js';
import { noResponse } from './no-response.js';
import { oversizeUdp } from './oversize-udp.js';
import { provisionalOnly } from './provisional-only.js';
import { replyFromOtherAddress } from './reply-from-other-address.js';
import { rportIgnored } from './rport-ignored.js';
import { strayResponses } from './stray-responses.js';
import { timeoutAfterFinal } from './timeout-after-final.js';
import { transportFailed } from './transport-failed.js';
import { unparseable } from './unparseable.js';
import { unusableDialog } from './unusable-dialog.js';
import { wrongPort } from './wrong-port.js';

export interface AnalyzeOptions {
  plan?: UacPlan;
  /** How the run ended; by default read from the `result` event, else from the transactions. */
  outcome?: RunOutcome | Outcome;
}

/**
 * Causes that matter even when a final response arrived: the run "worked" here, but the same
 * exchange fails in a real network (a lost ACK, answers from the wrong place).
 */
const EVEN_WHEN_ANSWERED: readonly Cause[] = [unusableDialog, ackLost2xx, ackLostNon2xx, replyFromOtherAddress, wrongPort, rportIgnored];

/** The rest, most specific first: the first that fits is the verdict. */
const WHEN_UNANSWERED: readonly Cause[] = [
  transportFailed,
  icmpUnreachable,
  oversizeUdp,
  strayResponses,
  unparseable,
  provisionalOnly,
  timeoutAfterFinal,
  noResponse,
];

/** Every cause identifier sipcall can name (docs/verdicts.md). */
export const VERDICT_IDS = [
  'no-response',
  'icmp-unreachable',
  'tcp-refused',
  'tcp-reset',
  'tcp-timeout',
  'tcp-closed',
  'tls-failed',
  'dns-failed',
  'local-address',
  'message-too-large',
  'transport-error',
  'provisional-only',
  'ack-lost-non2xx',
  'ack-lost-2xx',
  'bad-contact',
  'bad-record-route',
  'wrong-port',
  'reply-from-other-address',
  'rport-ignored',
  'stray-responses',
  'unparseable-responses',
  'oversize-udp',
  'timeout-after-final',
  'no-final-response',
  'interrupted',
] as const;

export type VerdictId = (typeof VERDICT_IDS)[number];

/** The verdict for a run, or undefined for a clean one. */
export function analyzeRun(events: readonly SipEvent[], options: AnalyzeOptions = {}): Verdict | undefined {
  const facts = collectFacts(events);
  const given = options.outcome;
  const outcome = typeof given === 'string' ? given : (given?.outcome ?? facts.result?.outcome ?? inferOutcome(facts));
  const input: CauseInput = { facts, outcome, plan: options.plan };
  if (outcome === 'usage-error' || outcome === 'internal-error') return undefined;
  for (const cause of EVEN_WHEN_ANSWERED) {
    const v = cause(input);
    if (v) return withSwitch(v, facts);
  }
  if (cleanOutcome(outcome)) return undefined;
  if (outcome !== 'interrupted') {
    for (const cause of WHEN_UNANSWERED) {
      const v = cause(input);
      if (v) return withSwitch(v, facts);
    }
  }
  return withSwitch(fallback(input), facts);
}

/** When the result event is not in the list: what the first transaction came to. */
function inferOutcome(facts: RunFacts): Outcome | undefined {
  const t = facts.main?.terminated;
  const final = facts.main?.responses.find((r) => r.status >= 200);
  if (final) return final.status < 300 ? 'success' : 'failure-response';
  if (t?.outcome === 'timeout') return 'timeout';
  if (t?.outcome === 'transport-error' || facts.transportErrors.length) return 'transport-error';
  return undefined;
}

/** A run that switched from UDP to TCP says so in every verdict. */
function withSwitch(v: Verdict, facts: RunFacts): Verdict {
  const sw = notesWith(facts, NOTE_CODE.oversizeSwitch)[0];
  return withDnsEvidence(sw ? { ...v, evidence: [...v.evidence, sw.text] } : v, facts);
}

export { collectFacts, VERDICT_EVENT_TYPES } from './facts.js';
export type { RunFacts, TxFacts } from './facts.js';
export { NOTE_CODE } from './codes.js';
export { UDP_SIZE_LIMIT } from './udp-size.js';
export type { OversizeRequest } from './udp-size.js';
