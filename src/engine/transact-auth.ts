import type { SipRequest, SipResponse } from '../sip/message.js';
import { isChallenge } from './authenticate.js';
import { outcomeOf } from './describe-outcome.js';
import type { RunOutcome } from './outcome.js';
import { transact, type TransactionResult } from './transact.js';
import type { UacContext } from './uac-context.js';

/** A request run to its end, through any 401/407 challenges. */
export interface AuthenticatedResult {
  /** The last transaction's result. */
  result: TransactionResult;
  /** The last request sent: its CSeq is the highest this run used. */
  request: SipRequest;
  /** Set when a challenge could not or must not be answered: why, in words. */
  authStop?: string;
}

/**
 * Runs a non-INVITE request (RFC 3261 §8.1.3.5, §22.2): pro-active credentials for realms
 * already known, then for each 401/407 the same request with CSeq + 1, a new branch and the
 * credentials, until a final response that is not a challenge, or a stop (rejected
 * credentials, an unsupported challenge, none given). Never a loop: see Authenticator.
 */
export async function transactAuthenticated(ctx: UacContext, request: SipRequest, onProvisional?: (res: SipResponse) => void, onFinalAgain?: (res: SipResponse) => void): Promise<AuthenticatedResult> {
  ctx.auth.prepare(request);
  let req = request;
  for (;;) {
    const result = await transact(ctx.session, req, onProvisional, onFinalAgain);
    const res = result.final;
    if (!res || !isChallenge(res)) return { result, request: req };
    const step = await ctx.auth.answer(res, req, ctx.via().value);
    if (step.kind === 'stop') return { result, request: req, authStop: step.why };
    req = step.request;
  }
}

/** The run outcome, with the reason authentication stopped appended to the summary. */
export function authOutcome(r: AuthenticatedResult, what: string): RunOutcome {
  const out = outcomeOf(r.result, what, 'F');
  if (r.authStop) out.summary += ` — ${r.authStop}`;
  return out;
}
