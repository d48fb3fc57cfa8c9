import { TransportError } from '../transport/errors.js';
import { runCall } from './call.js';
import type { CallControls } from './call/controls.js';
import { runBye, runGeneric, runOptions } from './non-invite.js';
import type { RunOutcome } from './outcome.js';
import type { UacPlan } from './plan.js';
import { runRegister, runRegisterRefresh } from './register.js';
import type { EngineEnv } from './session.js';
import { openUacContext, type UacContext } from './uac-context.js';
import type { RandomSource } from '../sip/ids.js';
import { keptFor } from './run-events.js';
import { analyzeRun, collectFacts } from './verdict/index.js';
import { summaryOnFacts } from './verdict/summary.js';
import type { AttemptPin } from './attempt-pin.js';
import { runWithFailover, type LocateDeps } from './failover.js';
import { locatable } from './locate.js';
import { formatEndpoint } from '../transport/endpoint.js';
import { MAX_REDIRECTS, redirectKey, redirectPlan } from './redirect.js';
import { replacementNotes } from './header-values.js';

/**
 * Runs one UAC plan from start to end: resolve, open the transport, run the command, close
 * everything. Never throws for network trouble: a name that does not resolve or a socket that
 * cannot be opened is a `transport-error` outcome (the transport.error event says why).
 *
 * The outcome carries the verdict (docs/verdicts.md): the run's events are analysed at the end.
 * A request too big for UDP (RFC 3261 §18.1.1) makes the run start again over TCP, unless the
 * user forced the transport.
 *
 * A host name without a port (or any name, with `--dns-server`) is located per RFC 3263, and
 * the request fails over from target to target (src/engine/failover.ts, docs/dns.md).
 */
export async function runUac(plan: UacPlan, env: EngineEnv, controls: CallControls, random?: RandomSource, deps?: LocateDeps): Promise<RunOutcome> {
  // Every event of a request or a call; for `register --listen`, which runs until stopped, only
  // the last of those a verdict reads (src/engine/run-events.ts).
  const kept = keptFor(plan);
  // `--header` of a header sipcall writes replaces it: say so once (docs/engine.md).
  for (const text of replacementNotes(plan.request.headers)) env.sink({ type: 'note', t: env.clock.now(), level: 'info', code: 'header-replaced', text });
  const recording: EngineEnv = {
    ...env,
    sink: (e) => {
      kept.add(e);
      env.sink(e);
    },
  };
  const attempt = (p: UacPlan): Promise<RunOutcome> => {
    const hop = locatable(p);
    return hop ? runWithFailover(p, hop, recording, (q, pin, e) => runOnce(q, e, controls, random, pin), random, deps) : runOnce(p, recording, controls, random);
  };
  const { outcome, plan: last } = await followRedirects(plan, recording, attempt);
  plan = last;
  if (outcome.verdict && outcome.media !== undefined) {
    // A media verdict: a signalling cause that also stands comes first in the chain
    // (our ACK lost and no RTP: the ACK explains both), the media ones follow.
    const signalling = analyzeRun(kept.list(), { plan, outcome: 'success' });
    if (signalling) {
      outcome.alsoVerdicts = [outcome.verdict, ...(outcome.alsoVerdicts ?? [])];
      outcome.verdict = signalling;
    }
  }
  outcome.verdict ??= analyzeRun(kept.list(), { plan, outcome });
  outcome.summary = summaryOnFacts(outcome.summary, collectFacts(kept.list()));
  return outcome;
}

/**
 * Runs `plan`, and while the answer is a 3xx, the same request to its Contacts (RFC 3261
 * §8.1.3.4, src/engine/redirect.ts): best q first, a failure at one moving on to the next, at
 * most MAX_REDIRECTS hops, never a URI twice. `--no-follow` (and REGISTER) stop at the 3xx.
 * Each hop is a note in the event stream; the result names the path.
 */
async function followRedirects(plan: UacPlan, env: EngineEnv, attempt: (p: UacPlan) => Promise<RunOutcome>): Promise<{ outcome: RunOutcome; plan: UacPlan }> {
  const note = (text: string, level: 'info' | 'warn' = 'info') => env.sink({ type: 'note', t: env.clock.now(), level, code: 'redirect', text });
  let current = plan;
  let outcome = await attempt(current);
  if (plan.kind === 'register' || plan.followRedirects === false) {
    if (outcome.redirect && plan.followRedirects === false) note(`${outcome.redirect.status} ${outcome.redirect.reason}: not followed (--no-follow)`);
    return { outcome, plan: current };
  }
  const tried = new Set([redirectKey(plan.target.uri)]);
  const queue: Array<{ uri: string; from: string }> = [];
  const path: string[] = [];
  let hops = 0;
  for (;;) {
    const r = outcome.redirect;
    if (r) {
      const fresh = r.contacts.filter((c) => !tried.has(redirectKey(c)));
      if (r.contacts.length === 0) note(`${r.status} ${r.reason} without a Contact to follow`, 'warn');
      else if (fresh.length === 0) note(`${r.status} ${r.reason}: every Contact (${r.contacts.join(', ')}) was tried already: not followed (a redirect loop)`, 'warn');
      queue.unshift(...fresh.map((uri) => ({ uri, from: `${r.status}` })));
    } else if (outcome.outcome === 'success' || queue.length === 0 || outcome.outcome === 'interrupted') break;
    const next = queue.shift();
    if (!next) break;
    if (hops >= MAX_REDIRECTS) {
      note(`stopped after ${MAX_REDIRECTS} redirects (RFC 3261 §8.1.3.4 leaves the limit to the UAC; sipcall's is ${MAX_REDIRECTS})`, 'warn');
      break;
    }
    tried.add(redirectKey(next.uri));
    let nextPlan: UacPlan;
    try {
      nextPlan = redirectPlan(current, next.uri);
    } catch (err) {
      note(`the Contact ${next.uri} cannot be followed: ${(err as Error).message}`, 'warn');
      continue;
    }
    hops++;
    const why = r ? `${r.status} ${r.reason}` : `${outcome.status ?? ''} ${outcome.reason ?? outcome.outcome}`.trim();
    note(`${why}: ${r ? 'following' : 'trying the next Contact of the redirect,'} ${next.uri} (redirect ${hops} of at most ${MAX_REDIRECTS}, RFC 3261 §8.1.3.4)`);
    path.push(`${next.from} → ${next.uri}`);
    current = nextPlan;
    outcome = await attempt(current);
  }
  if (path.length > 0) outcome.summary += ` (redirected: ${path.join(', ')})`;
  return { outcome, plan: current };
}

async function runOnce(plan: UacPlan, env: EngineEnv, controls: CallControls, random?: RandomSource, pin?: AttemptPin): Promise<RunOutcome> {
  let ctx;
  try {
    ctx = await openUacContext(plan, env, random, pin);
  } catch (err) {
    if (err instanceof TransportError) {
      env.sink({ type: 'transport.error', t: env.clock.now(), transport: err.transport, code: err.code, message: err.message, to: pin ? formatEndpoint(pin) : `${plan.destination.host}:${plan.destination.port}` });
      return { outcome: 'transport-error', status: 503, reason: 'Service Unavailable', statusLocal: true, summary: `${plan.kind.toUpperCase()}: ${err.message} (local 503, not from the peer)` };
    }
    throw err;
  }
  // A call and a refreshing registration handle Ctrl-C themselves (CANCEL/BYE, un-REGISTER).
  const selfInterrupting = plan.kind === 'invite' || (plan.kind === 'register' && plan.refresh === true);
  const removeInterrupt = selfInterrupting ? () => {} : controls.onInterrupt(() => interrupt?.());
  let interrupt: (() => void) | undefined;
  let overTcp: UacPlan;
  try {
    const interrupted = new Promise<RunOutcome>((resolve) => {
      interrupt = () => resolve({ outcome: 'interrupted', summary: `${plan.kind.toUpperCase()}: interrupted before a final response` });
    });
    const done = await Promise.race([runCommand(ctx, plan, controls, interrupted), ctx.session.oversize.then(() => undefined)]);
    if (done) return done;
    overTcp = { ...plan, net: { ...plan.net, transport: 'tcp', transportForced: true } };
  } finally {
    removeInterrupt();
    await ctx.session.close();
  }
  return runOnce(overTcp, env, controls, random, pin);
}

async function runCommand(ctx: UacContext, plan: UacPlan, controls: CallControls, interrupted: Promise<RunOutcome>): Promise<RunOutcome> {
  switch (plan.kind) {
    case 'invite':
      return await runCall(ctx, plan, {
        ...controls,
        // A transfer the peer asks for (RFC 3515): the same call, to the Refer-To target, as a
        // new run on its own flow; no keys, no ringing prompt, held as long as the first.
        placeCall: (uri) => runUac({ ...redirectPlan(plan, uri), acceptTransfer: false, transferTo: undefined, holdAfterS: undefined } as UacPlan, ctx.session.env, { onInterrupt: controls.onInterrupt }),
      });
    case 'options':
      return await Promise.race([runOptions(ctx, plan), interrupted]);
    case 'register':
      if (plan.refresh) return await runRegisterRefresh(ctx, plan, controls);
      return await Promise.race([runRegister(ctx, plan), interrupted]);
    case 'bye':
      return await Promise.race([runBye(ctx, plan), interrupted]);
    case 'request':
      return await Promise.race([runGeneric(ctx, plan), interrupted]);
  }
}
