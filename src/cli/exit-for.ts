import type { Outcome } from '../events/types.js';
import type { RunOutcome } from '../engine/outcome.js';
import { EXIT } from './exit-codes.js';

const BY_OUTCOME: Record<Outcome, number> = {
  success: EXIT.OK,
  'failure-response': EXIT.FAILURE_RESPONSE,
  timeout: EXIT.TIMEOUT,
  'transport-error': EXIT.TRANSPORT,
  'usage-error': EXIT.USAGE,
  'expectation-failed': EXIT.EXPECTATION,
  'media-failure': EXIT.MEDIA,
  interrupted: EXIT.INTERRUPTED,
  'internal-error': EXIT.INTERNAL,
};

/** Does a status match `--expect` entries such as `200`, `4xx`? */
export function statusMatches(status: number, expect: string[]): boolean {
  return expect.some((e) => (e.endsWith('xx') ? Math.floor(status / 100) === Number(e[0]) : Number(e) === status));
}

/**
 * The exit code (docs/DESIGN.md table). With `--expect`, a final status from the wire that
 * matches is success (0) and one that does not is 5; a run with no status from the wire keeps
 * its own code (timeout 3, transport error 4, interrupted 130): that says more than 5 would.
 */
export function decideExit(o: RunOutcome, expect?: string[]): { outcome: Outcome; exitCode: number; expectNote?: string } {
  if (expect && o.status !== undefined && !o.statusLocal && (o.outcome === 'success' || o.outcome === 'failure-response')) {
    if (statusMatches(o.status, expect)) return { outcome: 'success', exitCode: EXIT.OK, expectNote: `expected ${expect.join(' or ')}: got ${o.status}` };
    return { outcome: 'expectation-failed', exitCode: EXIT.EXPECTATION, expectNote: `expected ${expect.join(' or ')}, got ${o.status}` };
  }
  return { outcome: o.outcome, exitCode: BY_OUTCOME[o.outcome] };
}
