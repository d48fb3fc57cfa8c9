// Typed options → the flags the CLI would have parsed → a plan, through the one plan builder the
// CLI uses (src/engine/flags/build-plan.ts): the same checks, the same defaults, the same
// messages. Nothing is sent here; every problem is a UsageError.
import { UsageError } from '../engine/errors.js';
import { buildUacPlan } from '../engine/flags/build-plan.js';
import { applyCredentialFlags } from '../engine/flags/credentials.js';
import type { PlanFlags } from '../engine/flags/types.js';
import type { UacPlan } from '../engine/plan.js';
import type { CallOptions, CommonOptions, HeaderInput, RegisterOptions, RequestOptions } from './types.js';

/** The request a library call makes, and its positional arguments as on the command line. */
export type ApiCommand =
  | { name: 'options'; target: string; opts: CommonOptions }
  | { name: 'register'; target: string; opts: RegisterOptions }
  | { name: 'invite'; target: string; opts: CallOptions }
  | { name: 'request'; method: string; target: string; opts: RequestOptions };

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new UsageError(`the ${what} must be a string, got ${value === null ? 'null' : typeof value}`, 'example: sip:bob@127.0.0.1:5060');
  return value;
}

/** A number of seconds or milliseconds as the flag parser takes it (it checks the value). */
function num(value: unknown, flag: string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new UsageError(`${flag} must be a finite number, got ${String(value)}`);
  if (typeof value !== 'number' && typeof value !== 'string') throw new UsageError(`${flag} must be a number, got ${typeof value}`);
  return String(value);
}

function headerLines(headers: CommonOptions['headers']): string[] {
  if (headers === undefined) return [];
  const list: readonly HeaderInput[] = Array.isArray(headers) ? (headers as readonly HeaderInput[]) : Object.entries(headers as Record<string, string>);
  return list.map((h) => {
    if (typeof h === 'string') return h;
    if (Array.isArray(h)) return `${String(h[0])}: ${String(h[1])}`;
    const f = h as { name: string; value: string };
    return `${String(f.name)}: ${String(f.value)}`;
  });
}

function localText(local: CommonOptions['local']): string | undefined {
  if (local === undefined || typeof local === 'string') return local;
  const address = local.address === undefined ? '' : local.address.includes(':') ? `[${local.address}]` : local.address;
  return local.port === undefined ? address : `${address}:${local.port}`;
}

function expectText(expect: CommonOptions['expect']): string | undefined {
  if (expect === undefined) return undefined;
  return (Array.isArray(expect) ? expect : [expect]).map(String).join(',');
}

/** What every request takes, as flags. */
function commonFlags(o: CommonOptions): PlanFlags {
  const f: PlanFlags = { header: headerLines(o.headers), input: false };
  const set = (flag: string, v: unknown) => {
    if (v !== undefined) f[flag] = v;
  };
  set('transport', o.transport);
  set('proxy', o.proxy);
  if (o.route !== undefined) f.route = [...o.route];
  set('from', o.from);
  set('userAgent', o.userAgent);
  if (o.timers?.t1 !== undefined) f.t1 = num(o.timers.t1, '--t1');
  if (o.timers?.t2 !== undefined) f.t2 = num(o.timers.t2, '--t2');
  if (o.timers?.t4 !== undefined) f.t4 = num(o.timers.t4, '--t4');
  set('ca', o.tls?.ca);
  set('cert', o.tls?.cert);
  set('key', o.tls?.key);
  if (o.tls?.insecure === true) f.insecure = true;
  set('wsUrl', o.wsUrl);
  set('local', localText(o.local));
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new UsageError(`family must be 4 or 6, got ${String(o.family)}`);
  if (o.family === 4) f.ipv4 = true;
  if (o.family === 6) f.ipv6 = true;
  set('dnsServer', o.dnsServer);
  if (o.keepTrying === true) f.keepTrying = true;
  if (o.followRedirects === false) f.follow = false;
  set('expect', expectText(o.expect));
  if (o.auth !== undefined) {
    f.user = text(o.auth.user, 'auth.user');
    if (o.auth.authUser !== undefined) f.authUser = o.auth.authUser;
    if (o.auth.ha1 !== undefined) f.ha1 = o.auth.ha1;
  }
  return f;
}

function callFlags(o: CallOptions, f: PlanFlags): void {
  if (o.duration !== undefined && o.duration !== Infinity) f.duration = num(o.duration, '--duration');
  if (o.ringTimeout !== undefined) f.ringTimeout = num(o.ringTimeout, '--ring-timeout');
  if (o.sdp === false) f.sdp = false;
  if (o.rel100 !== undefined) f['100rel'] = o.rel100;
  if (o.holdAfter !== undefined) f.holdAfter = num(o.holdAfter, '--hold-after');
  if (o.holdFor !== undefined) f.holdFor = num(o.holdFor, '--hold-for');
  if (o.sessionExpires !== undefined) f.sessionExpires = num(o.sessionExpires, '--session-expires');
  if (o.transferTo !== undefined) f.transferTo = o.transferTo;
  if (o.acceptTransfer === true) f.acceptTransfer = true;
  if (o.media === false) {
    f.media = false;
    return;
  }
  const m = o.media ?? {};
  if (m.play !== undefined) f.play = m.play;
  if (m.record !== undefined) f.record = m.record;
  if (m.recordBoth !== undefined) f.recordBoth = m.recordBoth;
  if (m.dtmf !== undefined) f.dtmf = m.dtmf;
  if (m.dtmfMode !== undefined) f.dtmfMode = m.dtmfMode;
  if (m.timeout !== undefined) f.mediaTimeout = num(m.timeout, '--media-timeout');
  if (m.expectTone !== undefined) f.expectTone = num(m.expectTone, '--expect-tone');
  if (m.checkEcho === true) f.check = 'echo';
  if (m.rtpPort !== undefined) f.rtpPort = String(m.rtpPort);
  if (m.lateOffer === true) f.lateOffer = true;
}

function registerFlags(o: RegisterOptions, f: PlanFlags): void {
  if (o.expires !== undefined) {
    const e = num(o.expires, '--expires');
    // RFC 3261 §10.2.2: Expires 0 removes the binding: what `--unregister` sends.
    if (Number(e) === 0 && o.unregisterAll !== true && o.query !== true) f.unregister = true;
    else f.expires = e;
  }
  if (o.contact !== undefined) f.contact = o.contact;
  if (o.registrar !== undefined) f.registrar = o.registrar;
  if (o.unregisterAll === true) f.unregisterAll = true;
  if (o.query === true) f.query = true;
}

/**
 * The plan for a library call, built as the CLI builds it from the equivalent flags, with the
 * credentials applied (no prompt, and no `SIPCALL_PASSWORD`: a library reads no environment).
 */
export function planFor(cmd: ApiCommand): UacPlan {
  const opts = cmd.opts ?? {};
  if (typeof opts !== 'object') throw new UsageError('the options must be an object');
  const target = text(cmd.target, cmd.name === 'register' ? 'address-of-record' : 'target');
  const flags = commonFlags(opts);
  let args = [target];
  let body: Buffer | undefined;
  if (cmd.name === 'invite') callFlags(cmd.opts, flags);
  if (cmd.name === 'register') registerFlags(cmd.opts, flags);
  if (cmd.name === 'request') {
    args = [text(cmd.method, 'method'), target];
    const b = cmd.opts.body;
    if (b !== undefined) {
      if (typeof b !== 'string' && !(b instanceof Uint8Array)) throw new UsageError('body must be a string or a Uint8Array');
      body = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
      flags.body = '-'; // the plan builder reads it as it reads standard input for `--body -`
    }
    if (cmd.opts.contentType !== undefined) flags.contentType = cmd.opts.contentType;
  }
  const plan = buildUacPlan({ name: cmd.name, args, flags }, () => body ?? Buffer.alloc(0));
  const auth = opts.auth;
  if (auth !== undefined && auth.password !== undefined && auth.ha1 !== undefined) {
    throw new UsageError('auth: give password or ha1, not both', 'the secret comes from one place');
  }
  applyCredentialFlags(plan, flags, auth?.password !== undefined ? { password: auth.password } : {});
  return plan;
}
