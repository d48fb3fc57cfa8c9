import { buildRequest } from '../sip/build-request.js';
import type { SipResponse } from '../sip/message.js';
import type { ByePlan, GenericRequestPlan, OptionsPlan } from './plan.js';
import type { RunOutcome } from './outcome.js';
import { authOutcome, transactAuthenticated } from './transact-auth.js';
import type { UacContext } from './uac-context.js';

/** RFC 3261 §8.1.1.5: the initial CSeq "MUST be less than 2**31"; we start at 1. */
const FIRST_CSEQ = 1;

/**
 * OPTIONS (RFC 3261 §11): "allows a UA to query another UA or a proxy server as to its
 * capabilities". Reports the round-trip time and what the peer says about itself.
 */
export async function runOptions(ctx: UacContext, plan: OptionsPlan): Promise<RunOutcome> {
  const via = ctx.via();
  const req = buildRequest({
    method: 'OPTIONS',
    ...ctx.route(plan.target.uri),
    via: via.value,
    from: ctx.from,
    to: ctx.to,
    callId: ctx.callId,
    cseq: FIRST_CSEQ,
    userAgent: plan.request.userAgent,
    headers: [{ name: 'Accept', value: 'application/sdp' }, ...plan.request.headers],
  });
  const r = await transactAuthenticated(ctx, req);
  const { result } = r;
  const out = authOutcome(r, 'OPTIONS');
  if (result.final && result.finalAt !== undefined && !r.authStop) {
    const rtt = result.finalAt - result.sentAt;
    out.summary += ` in ${rtt.toFixed(1)} ms`;
    describePeer(ctx, result.final);
  }
  return out;
}

function describePeer(ctx: UacContext, res: SipResponse): void {
  const lines: string[] = [];
  for (const name of ['Allow', 'Supported', 'Accept', 'Server', 'User-Agent']) {
    const v = res.headers.list(name);
    if (v.length) lines.push(`${name}: ${name === 'Server' || name === 'User-Agent' ? res.headers.getAll(name).join(' ') : v.join(', ')}`);
  }
  ctx.session.emit({ type: 'note', level: 'info', text: lines.length ? `the peer says: ${lines.join('; ')}` : 'the peer says nothing about itself (no Allow, Supported, Accept, Server or User-Agent)' });
}

/** Any other out-of-dialog request (MESSAGE, INFO, SUBSCRIBE, NOTIFY, PUBLISH, REFER, …). */
export async function runGeneric(ctx: UacContext, plan: GenericRequestPlan): Promise<RunOutcome> {
  const via = ctx.via();
  const needsContact = plan.method === 'SUBSCRIBE' || plan.method === 'REFER' || plan.method === 'NOTIFY';
  const req = buildRequest({
    method: plan.method,
    ...ctx.route(plan.target.uri),
    via: via.value,
    from: ctx.from,
    to: ctx.to,
    callId: ctx.callId,
    cseq: FIRST_CSEQ,
    contact: needsContact ? `<${ctx.contactUri()}>` : undefined,
    userAgent: plan.request.userAgent,
    headers: plan.request.headers,
    body: plan.body,
    contentType: plan.contentType,
  });
  return authOutcome(await transactAuthenticated(ctx, req), plan.method);
}

/**
 * BYE for a known dialog (RFC 3261 §15.1.1), e.g. one left stuck by a crashed UA: Call-ID and
 * both tags identify it (§12). Without --cseq the number is drawn high in [2^30, 2^31), so that
 * it is almost surely above what the dialog used (§12.2.2: a lower one "MUST be rejected with a
 * 500").
 */
export async function runBye(ctx: UacContext, plan: ByePlan): Promise<RunOutcome> {
  const via = ctx.via();
  const fromUri = plan.request.from ?? `sip:sipcall@${ctx.localHost}`;
  const cseq = plan.cseq || 2 ** 30 + Math.floor(Math.random() * (2 ** 30 - 1));
  const req = buildRequest({
    method: 'BYE',
    ...ctx.route(plan.target.uri),
    via: via.value,
    from: `<${fromUri}>;tag=${plan.fromTag}`,
    to: `<${plan.target.uri}>;tag=${plan.toTag}`,
    callId: plan.callId,
    cseq,
    userAgent: plan.request.userAgent,
    headers: plan.request.headers,
  });
  const r = await transactAuthenticated(ctx, req);
  const out = authOutcome(r, 'BYE');
  if (r.result.final?.status === 481) out.summary += ' — the peer does not know this dialog (already ended, or wrong Call-ID/tags)';
  return out;
}
