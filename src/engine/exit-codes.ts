import type { Outcome } from '../events/types.js';
import type { RunOutcome } from './outcome.js';

/**
 * Exit codes: the contract with scripts (README, docs/DESIGN.md). The CLI exits with them; the
 * library API reports the same number in its results, so both tell a run's end the same way.
 */
export const EXIT = {
  /** A 2xx final (a call answered, ACKed and ended cleanly), or every --expect met; `answer` stopped by Ctrl-C or --duration. */
  OK: 0,
  /** A final 3xx–6xx response arrived and no --expect said that was wanted. */
  FAILURE_RESPONSE: 1,
  /** Bad or missing argument, invalid URI, forbidden header value. */
  USAGE: 2,
  /** No final response (Timer B/F, ring timeout). */
  TIMEOUT: 3,
  /** ICMP unreachable, connection refused, TLS or DNS failure. */
  TRANSPORT: 4,
  /** An --expect was not met. */
  EXPECTATION: 5,
  /** The call was answered but its media failed (no RTP, one-way audio, no common codec…; docs/media.md). */
  MEDIA: 6,
  /** A bug in sipcall. */
  INTERNAL: 70,
  /** Ctrl-C, after CANCEL or BYE was sent as due. Not `answer`: Ctrl-C is how it stops (OK). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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
