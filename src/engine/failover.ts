import type { FailoverReason } from '../events/dns.js';
import type { EventInput, SipEvent, TransportName } from '../events/types.js';
import { newCallId, newTag, type RandomSource } from '../sip/ids.js';
import { formatEndpoint } from '../transport/endpoint.js';
import { defaultPortFor, defaultTransportFor, nodeDnsLookups, resolveTargets, type DnsLookups, type NextHopUri, type ResolvedTarget, type UniformRandom } from '../transport/rfc3263/index.js';
import type { AttemptPin } from './attempt-pin.js';
import { failoverCause } from './failover-reason.js';
import { SUPPORTED_TRANSPORTS, isEngineTransport } from './locate.js';
import type { RunOutcome } from './outcome.js';
import type { UacPlan } from './plan.js';
import type { EngineEnv } from './session.js';

/** What the failover loop can be given instead of the real DNS and randomness (tests). */
export interface LocateDeps {
  /** Default: `node:dns` with `plan.net.dnsServer`, or the system resolver. */
  lookups?: DnsLookups;
  /** For the weighted SRV choice (RFC 2782). Default Math.random. */
  pick?: UniformRandom;
}

/** Runs the request once against one pinned target, with its own events. */
export type RunAttempt = (plan: UacPlan, pin: AttemptPin, env: EngineEnv) => Promise<RunOutcome>;

/**
 * RFC 3263 from the UAC's side: locate the next hop's servers (NAPTR → SRV → A/AAAA, §4),
 * then run the request against the first target and, on a transport error, a transaction
 * timeout or a 503, against the next (§4.3), each time "a new client transaction with a new
 * branch" — the same request otherwise (Call-ID, From tag). A 503's Retry-After keeps that
 * target out for so long: a later entry with the same address, port and transport is skipped.
 *
 * Every step is an event: `dns.query` and `dns.answer` for each lookup, `target.selected` for
 * each target tried, `target.failover` with the reason for each one given up. A name that
 * does not resolve ends as a `transport.error` with code `DNS` (verdict `dns-failed`, exit 4)
 * naming the record that failed.
 */
export async function runWithFailover(plan: UacPlan, hop: NextHopUri, env: EngineEnv, attempt: RunAttempt, random?: RandomSource, deps: LocateDeps = {}): Promise<RunOutcome> {
  const emit = (e: EventInput): void => env.sink({ ...e, t: env.clock.now() } as SipEvent);
  const lookups = deps.lookups ?? nodeDnsLookups({ server: plan.net.dnsServer });
  const resolution = await resolveTargets(hop, {
    lookups,
    supported: SUPPORTED_TRANSPORTS,
    family: plan.net.family,
    random: deps.pick,
    // Query durations on the run's clock (a manual clock in tests), like every other time.
    now: () => env.clock.now(),
    onQuery: (q) => emit({ type: 'dns.query', ...q }),
    onAnswer: (a) => emit({ type: 'dns.answer', ...a, ms: round(a.ms) }),
  });
  const targets = resolution.targets.filter((t) => isEngineTransport(t.transport));
  if (targets.length === 0) {
    const f = resolution.failure;
    const transport = hop.transport ?? defaultTransportFor(hop.scheme);
    const message = `cannot resolve "${hop.host}"${plan.net.family ? ` to an IPv${plan.net.family} address` : ''}: ${f ? f.message : 'no target'}`;
    emit({ type: 'transport.error', transport: upper(transport), code: 'DNS', message, to: `${hop.host}:${hop.port ?? defaultPortFor(transport)}` });
    return { outcome: 'transport-error', status: 503, reason: 'Service Unavailable', statusLocal: true, summary: `${plan.kind.toUpperCase()}: ${message} (local 503, not from the peer)` };
  }
  const ids = { callId: newCallId(random), localTag: newTag(random) };
  /** RFC 3263 §4.3 / RFC 3261 §21.5.4: a 503's Retry-After, per address, port and transport. */
  const notBefore = new Map<string, number>();
  let last: RunOutcome | undefined;
  for (const [i, target] of targets.entries()) {
    const where = formatEndpoint(target);
    const key = `${target.transport} ${where}`;
    const until = notBefore.get(key);
    if (until !== undefined && env.clock.now() < until) {
      emit(failover(target, 'retry-after', `a 503 asked not to retry it for ${Math.ceil((until - env.clock.now()) / 1000)} s more`, nextAfter(targets, i)));
      continue;
    }
    emit({ type: 'target.selected', index: i + 1, of: targets.length, host: target.host, address: target.address, port: target.port, transport: upper(target.transport), how: target.via.join(' → ') });
    const events: SipEvent[] = [];
    const sub: EngineEnv = {
      ...env,
      sink: (e) => {
        events.push(e);
        env.sink(e);
      },
    };
    const planHere: UacPlan = { ...plan, net: { ...plan.net, transport: isEngineTransport(target.transport) ? target.transport : plan.net.transport } };
    last = await attempt(planHere, { address: target.address, port: target.port, ...ids }, sub);
    const cause = failoverCause(events, last);
    if (!cause) return last;
    if (cause.retryAfterS !== undefined && cause.retryAfterS > 0) notBefore.set(key, env.clock.now() + cause.retryAfterS * 1000);
    emit({ ...failover(target, cause.reason, cause.detail, nextAfter(targets, i)), ...(cause.retryAfterS !== undefined ? { retryAfterS: cause.retryAfterS } : {}) });
  }
  return last ?? { outcome: 'transport-error', status: 503, reason: 'Service Unavailable', statusLocal: true, summary: `${plan.kind.toUpperCase()}: every target is held back by a Retry-After (local 503)` };
}

function failover(target: ResolvedTarget, reason: FailoverReason, detail: string, next: ResolvedTarget | undefined): EventInput {
  const e: EventInput = { type: 'target.failover', from: formatEndpoint(target), transport: upper(target.transport), reason, detail };
  return next ? { ...e, next: formatEndpoint(next) } : e;
}

function nextAfter(targets: readonly ResolvedTarget[], i: number): ResolvedTarget | undefined {
  return targets[i + 1];
}

function upper(t: string): TransportName {
  return t.toUpperCase() as TransportName;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
