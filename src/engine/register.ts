import { headerParam, uriOfNameAddr } from '../dialog/name-addr-uri.js';
import { buildRequest } from '../sip/build-request.js';
import type { SipResponse } from '../sip/message.js';
import type { CallControls } from './call/controls.js';
import type { RunOutcome } from './outcome.js';
import type { RegisterPlan } from './plan.js';
import { authOutcome, transactAuthenticated, type AuthenticatedResult } from './transact-auth.js';
import type { UacContext } from './uac-context.js';
import { AutoAnswer } from './uas.js';
import { parseVia } from '../sip/via.js';

/** What one REGISTER asks for (RFC 3261 §10.2.1–§10.2.3). */
export type RegisterKind = 'register' | 'unregister' | 'unregister-all' | 'query';

/** One REGISTER exchange, through challenges and at most one 423. */
export interface RegisterExchange extends AuthenticatedResult {
  kind: RegisterKind;
  /** The expiry asked for in the last request sent (after a 423 retry: the Min-Expires). */
  expires?: number;
}

/**
 * When to refresh a binding the registrar granted for `grantedS` seconds (RFC 3261 §10.2.4:
 * "the UA SHOULD refresh … before it expires"; the RFC leaves the moment open). sipcall waits
 * half the granted time, or until one Timer F (64·T1, the longest a REGISTER transaction can
 * take) before expiry if that is later: so a refresh that needs every retransmission still
 * ends before the binding does. 2 s → 1 s; 60 s → 30 s; 3600 s → 3568 s (T1 = 500 ms).
 */
export function refreshDelayMs(grantedS: number, t1Ms: number): number {
  const grantedMs = grantedS * 1000;
  return Math.max(grantedMs / 2, grantedMs - 64 * t1Ms);
}

/**
 * The binding lifetime granted to `ours` in a 2xx to REGISTER (RFC 3261 §10.2.4: "The
 * response … contains a list of Contact header fields enumerating all current bindings", each
 * with its `expires` parameter, else the Expires header field applies).
 */
export function grantedExpires(res: SipResponse, ours: string | undefined): number | undefined {
  const mine = ours === undefined ? undefined : res.headers.list('contact').find((b) => uriOfNameAddr(b) === ours);
  const text = (mine ? headerParam(mine, 'expires') : undefined) ?? res.headers.get('expires');
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text);
}

/**
 * The REGISTER side of one run (RFC 3261 §10.2): one address-of-record, one Call-ID for every
 * REGISTER ("A UA SHOULD use the same Call-ID for all registrations during a single boot
 * cycle", §10.2), CSeq counting up ("incremented by one for each REGISTER request with the
 * same Call-ID", §10.2), credentials answered once and reused (docs/auth.md).
 */
export class Registration {
  /** The address-of-record: To and From (§10.2: "the address-of-record … in the To … From"). */
  readonly aor: string;
  /** §10.2: "The Request-URI names the domain of the location service"; no user part. */
  readonly registrarUri: string;
  /** Our Contact, as a name-addr (corrected by `learnPublicAddress` behind a NAT). */
  contact: string;
  private cseq = 0;

  constructor(
    private readonly ctx: UacContext,
    private readonly plan: RegisterPlan,
  ) {
    const t = plan.target;
    const hostPort = `${t.host}${t.port ? `:${t.port}` : ''}`;
    this.aor = `sip:${t.user}@${hostPort}`;
    this.registrarUri = `sip:${hostPort}`;
    const c = plan.contact;
    this.contact = c ? `<${c.startsWith('sip') ? c : `sip:${c}`}>` : `<${ctx.contactUri(t.user)}>`;
  }

  /**
   * RFC 3581 §4 / RFC 5626 §4.2.1 style: the registrar saw our REGISTER from `received:rport`
   * (its Via parameters in the 2xx). When that differs from the host and port of the Contact we
   * made up (no --contact given), a NAT or relay is between us: the Contact is corrected, so
   * that the calls the binding brings come back through the same mapping. Returns the new
   * Contact, or undefined when nothing changes.
   */
  learnPublicAddress(res: SipResponse): string | undefined {
    if (this.plan.contact) return undefined;
    const top = res.headers.list('via')[0];
    const via = top ? parseVia(top) : null;
    if (!via || typeof via.rport !== 'number') return undefined;
    const host = via.received ?? via.host;
    const uri = uriOfNameAddr(this.contact);
    const m = /^(sips?:[^@]+@)(\[[^\]]+\]|[^:;>]+)(?::(\d+))?(.*)$/.exec(uri);
    if (!m) return undefined;
    const [, userPart, curHost, curPort, rest] = m;
    const hostText = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    if (curHost === hostText && Number(curPort) === via.rport) return undefined;
    this.contact = `<${userPart}${hostText}:${via.rport}${rest}>`;
    return this.contact;
  }

  /** Our Contact URI, for finding our binding among those in a 2xx. */
  get ours(): string {
    return uriOfNameAddr(this.contact);
  }

  /**
   * One REGISTER of `kind`, through any challenge. A 423 (Interval Too Brief) is retried once
   * with the Min-Expires it names (§10.2.8: "it MAY retry the registration after making the
   * expiration interval of all contact addresses … equal to or greater than" it).
   */
  async send(kind: RegisterKind, expires?: number): Promise<RegisterExchange> {
    let asked = expires;
    let r = await this.once(kind, asked);
    const res = r.result.final;
    if (kind === 'register' && res?.status === 423) {
      const min = Number.parseInt(res.headers.get('min-expires') ?? '', 10);
      if (Number.isInteger(min) && min > (asked ?? 0)) {
        this.ctx.session.emit({ type: 'note', level: 'info', text: `423 Interval Too Brief: the registrar wants at least ${min} s (Min-Expires) instead of ${asked ?? '?'} s; retrying once with Expires: ${min} (RFC 3261 §10.2.8)` });
        asked = min;
        r = await this.once(kind, asked);
      } else {
        this.ctx.session.emit({ type: 'note', level: 'warn', text: `423 Interval Too Brief without a usable Min-Expires (${res.headers.get('min-expires') ?? 'none'}): not retrying` });
      }
    }
    return { ...r, kind, expires: asked };
  }

  private async once(kind: RegisterKind, expires: number | undefined): Promise<AuthenticatedResult> {
    const plan = this.plan;
    const headers: Array<{ name: string; value: string }> = [];
    let contact: string | undefined;
    switch (kind) {
      case 'register':
        contact = this.contact;
        headers.push({ name: 'Expires', value: String(expires ?? plan.expires) });
        break;
      case 'unregister':
        // §10.2.2: "a UA … removes [a binding] … by specifying an expiration interval of "0""
        contact = this.contact;
        headers.push({ name: 'Expires', value: '0' });
        break;
      case 'unregister-all':
        // §10.2.2: "The UAC MUST NOT use the "*" value unless the Expires header field is
        // present with a value of "0"."
        contact = '*';
        headers.push({ name: 'Expires', value: '0' });
        break;
      case 'query':
        // §10.2.3: "A UA … [queries] … by sending a REGISTER request without a Contact".
        break;
    }
    const req = buildRequest({
      method: 'REGISTER',
      ...this.ctx.route(this.registrarUri),
      via: this.ctx.via().value,
      from: `<${this.aor}>;tag=${this.ctx.localTag}`,
      to: `<${this.aor}>`,
      callId: this.ctx.callId,
      cseq: ++this.cseq,
      contact,
      userAgent: plan.request.userAgent,
      headers: [...headers, ...plan.request.headers],
    });
    const r = await transactAuthenticated(this.ctx, req);
    this.cseq = Number.parseInt(r.request.headers.get('cseq') ?? String(this.cseq), 10);
    return r;
  }

  /** The run outcome of an exchange, with the bindings of a 2xx shown (one note). */
  outcome(x: RegisterExchange): RunOutcome {
    const what = { register: 'REGISTER', unregister: 'unREGISTER', 'unregister-all': 'unREGISTER *', query: 'REGISTER (query)' }[x.kind];
    const out = authOutcome(x, what);
    const res = x.result.final;
    if (!res || res.status < 200 || res.status >= 300) return out;
    // A Contact listed with expires=0 is one the registrar is removing, not one it keeps.
    const bindings = liveBindings(res);
    this.showBindings(res);
    const mine = bindings.some((b) => uriOfNameAddr(b) === this.ours);
    switch (x.kind) {
      case 'register': {
        const granted = grantedExpires(res, this.ours);
        if (granted === undefined) out.summary += ', registered (the registrar named no expiry)';
        else out.summary += `, registered for ${granted} s${x.expires !== undefined && granted !== x.expires ? ` (asked ${x.expires} s)` : ''}`;
        break;
      }
      case 'unregister':
        out.summary += mine ? ', but the registrar still lists our binding' : ', our binding is removed';
        break;
      case 'unregister-all':
        out.summary += bindings.length ? `, but ${bindings.length} binding(s) are still listed` : ', all bindings removed';
        break;
      case 'query':
        out.summary += `, ${bindings.length} binding(s)`;
        break;
    }
    return out;
  }

  /** Every binding in the 2xx, each with its own expiry (§10.2.4). */
  showBindings(res: SipResponse): void {
    const bindings = res.headers.list('contact');
    const headerExpires = res.headers.get('expires');
    const lines = bindings.map((b) => {
      const uri = uriOfNameAddr(b);
      const e = headerParam(b, 'expires') ?? headerExpires ?? '?';
      return `${uri} expires in ${e} s${uri === this.ours ? ' (ours)' : ''}`;
    });
    const text = bindings.length ? `bindings of ${this.aor} (${bindings.length}): ${lines.join('; ')}` : `no bindings for ${this.aor}`;
    this.ctx.session.emit({ type: 'note', level: 'info', text });
  }
}

/**
 * The bindings a 2xx to REGISTER still lists (RFC 3261 §10.2.4: each Contact with its
 * `expires`, else the Expires header field). One whose expiry is 0 is being removed: §10.3 step
 * 7 has the registrar "return … all the current bindings", and some echo the removed Contact
 * with `expires=0` (as the request asked, §10.2.2), which is not a binding that stays.
 */
export function liveBindings(res: SipResponse): string[] {
  const headerExpires = res.headers.get('expires')?.trim();
  return res.headers.list('contact').filter((b) => {
    if (b.trim() === '*') return false;
    const e = (headerParam(b, 'expires') ?? headerExpires)?.trim();
    return e === undefined || !/^0+$/.test(e);
  });
}

function kindOf(plan: RegisterPlan): RegisterKind {
  if (plan.query) return 'query';
  if (plan.unregisterAll) return 'unregister-all';
  if (plan.unregister) return 'unregister';
  return 'register';
}

/** One REGISTER: bind, unbind ours, unbind all (`*`), or query (RFC 3261 §10.2). */
export async function runRegister(ctx: UacContext, plan: RegisterPlan): Promise<RunOutcome> {
  const reg = new Registration(ctx, plan);
  const kind = kindOf(plan);
  return reg.outcome(await reg.send(kind, kind === 'register' ? plan.expires : undefined));
}

/**
 * `register --refresh`: stay registered until Ctrl-C (RFC 3261 §10.2.4), re-REGISTERing at
 * {@link refreshDelayMs}; then remove our binding (Expires 0) and end as interrupted (exit 130).
 * Ctrl-C while a REGISTER is on its way waits for its answer (bounded by Timer F) so that the
 * binding it may create is removed too; a second Ctrl-C quits at once. A refresh that fails
 * ends the run with its outcome.
 */
export async function runRegisterRefresh(ctx: UacContext, plan: RegisterPlan, controls: CallControls): Promise<RunOutcome> {
  const reg = new Registration(ctx, plan);
  const s = ctx.session;
  const uas = plan.listen ? listenOnFlow(ctx, plan, reg) : undefined;
  if (uas && controls.askIncoming) uas.ask = controls.askIncoming;
  const stopKeepAlive = plan.listen && s.transport.reliable ? keepAlive(ctx, (plan.listen.keepAliveS ?? 120) * 1000) : undefined;
  try {
    const out = await refreshLoop(ctx, plan, controls, reg);
    if (uas && uas.served.calls > 0) out.summary += `; took ${uas.served.calls} call${uas.served.calls === 1 ? '' : 's'}${uas.served.withMedia ? ` (${uas.served.withMedia} with media)` : ''}`;
    return out;
  } finally {
    stopKeepAlive?.();
    s.onRequest = undefined;
    s.onAck = undefined;
    await uas?.close();
  }
}

/**
 * CRLF keep-alives on a connection-oriented flow (RFC 5626 §4.4.1: a "double-CRLF ping";
 * §4.4.1 has the UA send them at a random time between 80 % and 100 % of the interval, and
 * §5.4 suggests 120 s for TCP), so that NATs and the registrar keep the connection the
 * incoming calls arrive on. `--keepalive S` sets the interval (tests use 1 s). Returns the
 * function that stops them.
 */
function keepAlive(ctx: UacContext, intervalMs = 120_000): () => void {
  const s = ctx.session;
  const clock = s.env.clock;
  let timer: ReturnType<typeof clock.setTimer> | undefined;
  const next = (): void => {
    timer = clock.setTimer(intervalMs * (0.8 + 0.2 * Math.random()), () => {
      try {
        s.transport.send(Buffer.from('\r\n\r\n'));
      } catch {
        // The flow is gone: the next REGISTER reports it.
      }
      next();
    });
  };
  next();
  s.emit({ type: 'note', level: 'info', code: 'keep-alive', text: `keep-alive: a CRLFCRLF ping on this ${s.transport.name} connection every ${(intervalMs * 0.8) / 1000}–${intervalMs / 1000} s (RFC 5626 §4.4.1)` });
  return () => {
    if (timer !== undefined) clock.clearTimer(timer);
  };
}

/**
 * `register --listen`: the calls our binding brings come on the registration's own flow (the
 * same UDP socket, the same TCP/TLS/WS connection: the registrar sends to the Contact we
 * registered, which is this flow's address; RFC 5626 §3.2 keeps using the flow for incoming
 * requests). They are answered by the same UAS core as `sipcall answer`, through the session's
 * server transactions.
 */
function listenOnFlow(ctx: UacContext, plan: RegisterPlan, reg: Registration): AutoAnswer {
  const s = ctx.session;
  const l = plan.listen!;
  const uas = new AutoAnswer(
    { kind: 'answer', transport: s.transport.reliable ? 'tcp' : 'udp', address: ctx.mediaAddress, port: 0, respond: l.respond, ringMs: l.ringMs, t1: plan.net.t1, t2: plan.net.t2, userAgent: plan.request.userAgent, ...(l.media ? { media: l.media } : {}) },
    s.env,
    ctx.random,
  );
  uas.serve({
    mediaAddress: ctx.mediaAddress,
    // Read at each 2xx: the Contact may have been corrected since (learnPublicAddress).
    get contact() {
      return reg.contact;
    },
    reliable: s.transport.reliable,
    inviteFor: (cancel) => s.servers.inviteFor(cancel),
  });
  s.onRequest = (req, tx) => {
    if (req.method === 'INVITE' && !req.headers.get('to')?.includes('tag=')) {
      const subject = req.headers.get('subject');
      s.emit({ type: 'note', level: 'info', code: 'incoming-call', text: `incoming call from ${req.headers.get('from') ?? '?'}${subject ? ` (Subject: ${subject})` : ''}: ${l.respond >= 200 && l.respond < 300 ? `answering in ${(l.ringMs / 1000).toFixed(1)} s` : `${l.respond} after ${(l.ringMs / 1000).toFixed(1)} s`}` });
    }
    uas.take(req, tx);
  };
  s.onAck = (ack) => uas.takeAck(ack);
  return uas;
}

async function refreshLoop(ctx: UacContext, plan: RegisterPlan, controls: CallControls, reg: Registration): Promise<RunOutcome> {
  const s = ctx.session;
  const clock = s.env.clock;
  let interrupts = 0;
  let wake: (() => void) | undefined;
  let quit!: () => void;
  const quitting = new Promise<'quit'>((resolve) => (quit = () => resolve('quit')));
  const remove = controls.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: removing our binding (REGISTER with Expires: 0) before exiting; Ctrl-C again to quit at once' });
      wake?.();
    } else {
      s.emit({ type: 'note', level: 'warn', text: 'Ctrl-C again: not waiting any longer' });
      quit();
    }
  });
  const guarded = <T>(p: Promise<T>): Promise<T | 'quit'> => Promise.race([p, quitting]);
  try {
    let cycles = 0;
    let granted: number | undefined;
    let expires = plan.expires;
    for (;;) {
      const x = await guarded(reg.send('register', expires));
      if (x === 'quit') return { outcome: 'interrupted', summary: 'interrupted while registering; a binding, if created, expires by itself' };
      const out = reg.outcome(x);
      if (out.outcome !== 'success') {
        if (interrupts > 0) return { ...out, outcome: 'interrupted', summary: `interrupted: ${out.summary}` };
        if (cycles > 0) out.summary = `refresh ${cycles} failed: ${out.summary}`;
        return out;
      }
      cycles++;
      expires = x.expires ?? expires;
      const before = reg.contact;
      const learned = plan.listen ? reg.learnPublicAddress(x.result.final!) : undefined;
      if (learned) {
        // The old binding goes (Expires 0 on the Contact we had), the corrected one comes.
        s.emit({ type: 'note', level: 'warn', code: 'contact-corrected', text: `the registrar saw us at ${uriOfNameAddr(learned).replace(/^sips?:[^@]+@/, '')} (Via received/rport, RFC 3581), not at the address in our Contact: registering again with Contact ${learned}, so that calls reach us through that mapping` });
        const corrected = reg.contact;
        reg.contact = before;
        await guarded(reg.send('unregister'));
        reg.contact = corrected;
        continue;
      }
      granted = grantedExpires(x.result.final!, reg.ours) ?? expires;
      if (interrupts > 0) break;
      if (granted <= 0) return { ...out, summary: `${out.summary}; the registrar granted no time, nothing to refresh` };
      const delay = refreshDelayMs(granted, plan.net.t1);
      s.emit({ type: 'note', level: 'info', text: `registration ${cycles}: granted ${granted} s; refreshing in ${(delay / 1000).toFixed(1)} s (half the time, or one Timer F before expiry if later: docs/register.md); Ctrl-C to unregister and quit` });
      s.emit({ type: 'waiting', what: 'the next registration refresh', timeoutMs: delay });
      await new Promise<void>((resolve) => {
        const timer = clock.setTimer(delay, () => resolve());
        wake = () => {
          clock.clearTimer(timer);
          resolve();
        };
      });
      wake = undefined;
      if (interrupts > 0) break;
    }
    const u = await guarded(reg.send('unregister'));
    if (u === 'quit') return { outcome: 'interrupted', summary: `interrupted again before the un-REGISTER completed; our binding expires by itself within ${granted ?? '?'} s` };
    const uo = reg.outcome(u);
    return { outcome: 'interrupted', status: uo.status, reason: uo.reason, statusLocal: uo.statusLocal, summary: `interrupted after ${cycles} registration(s); ${uo.summary}` };
  } finally {
    remove();
  }
}
