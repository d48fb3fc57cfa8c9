// Flags → plans: the one place a UAC or UAS plan is built from what the user asked for, shared
// by the CLI (src/cli/main.ts, from commander's flags) and the library API (src/api/, from its
// typed options). Every problem is a UsageError naming the flag; files a flag names (--body,
// --play, --ca, …) are read here, before anything is sent.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseHeaderOption, checkHeader } from '../header-values.js';
import type { RegisterPlan, RequestOptions, TransportPlan, UacPlan } from '../plan.js';
import { defaultPort, parseTarget, uriHeaders, type Target } from '../target.js';
import type { PlanCommand, PlanFlags } from './types.js';
import { chooseTransport, withWsUrl } from './transport.js';
import { checkFamily, familyFrom, routeFlags } from './route.js';
import { dnsServerFrom } from './dns.js';
import { mediaPlanFrom } from './media.js';
import { parseExpect, parseInteger, parseLocal, parseMethod, parsePositiveMs, parseSeconds } from './values.js';

export const DEFAULT_USER_AGENT = 'sipcall/0.1';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** T1, T2, T4 from flags, validated: positive, and T2 ≥ T1 (RFC 3261 §17.1.2.2). */
export function timersFrom(flags: PlanFlags): { t1: number; t2: number; t4: number } {
  const t1 = flags.t1 !== undefined ? parsePositiveMs(flags.t1, '--t1') : 500;
  const t2 = flags.t2 !== undefined ? parsePositiveMs(flags.t2, '--t2') : Math.max(4000, t1);
  const t4 = flags.t4 !== undefined ? parsePositiveMs(flags.t4, '--t4') : 5000;
  if (t2 < t1) throw new UsageError(`--t2 ${t2} is smaller than --t1 ${t1}`, 'T2 caps the retransmit interval and must be at least T1 (RFC 3261 §17.1.2.2)');
  return { t1, t2, t4 };
}

function transportPlan(flags: PlanFlags, target: Target): TransportPlan {
  const { transport, forced, tls, wsUrl } = chooseTransport(flags, target);
  return { transport, transportForced: forced, local: flags.local !== undefined ? parseLocal(flags.local) : undefined, ...timersFrom(flags), keepTrying: flags.keepTrying === true, ...(tls ? { tls } : {}), ...(wsUrl ? { wsUrl } : {}) };
}

function requestOptions(flags: PlanFlags): RequestOptions {
  const headers = (flags.header ?? []).map(parseHeaderOption);
  let from = flags.from;
  if (from !== undefined) {
    const t = parseTarget(from, '--from address');
    // RFC 3261 §19.1.1 Table 1: "headers" are not allowed in the URI of a From header field
    // (only a Contact of a 3xx/REGISTER and URIs outside a message carry them). Refused, not
    // dropped: the user asked for those header fields and would not get them.
    if (t.headers !== undefined) {
      throw new UsageError(
        `--from ${JSON.stringify(flags.from)} carries URI headers (?${t.headers}), which RFC 3261 §19.1.1 (Table 1) does not allow in the URI of a From header field`,
        'drop the ?… part; give extra header fields with -H "Name: value", e.g. -H "Subject: hello"',
      );
    }
    from = t.uri;
  }
  const userAgent = flags.userAgent ?? DEFAULT_USER_AGENT;
  checkHeader('User-Agent', userAgent, '--user-agent');
  return { from, headers, userAgent };
}

/**
 * The target's `?headers` as header fields of the request (RFC 3261 §19.1.1, §19.1.5; Table 1
 * keeps them out of the Request-URI and To): before the -H ones, and left out where a -H names
 * the same header (what the user typed as a flag wins).
 */
function withUriHeaders(request: RequestOptions, target: Target): RequestOptions {
  const given = new Set(request.headers.map((h) => h.name.toLowerCase()));
  const fromUri = uriHeaders(target).filter((h) => !given.has(h.name.toLowerCase()));
  return fromUri.length ? { ...request, headers: [...fromUri, ...request.headers] } : request;
}

/** `--hold-after S [--hold-for T]` (RFC 3264 §8.4 hold by re-INVITE). */
function holdFrom(f: PlanFlags): { holdAfterS?: number; holdForS?: number } {
  const after = f.holdAfter !== undefined ? parseSeconds(String(f.holdAfter), '--hold-after', true) : undefined;
  const holdFor = f.holdFor !== undefined ? parseSeconds(String(f.holdFor), '--hold-for', true) : undefined;
  if (holdFor !== undefined && after === undefined) throw new UsageError('--hold-for needs --hold-after', 'example: --hold-after 2 --hold-for 3 (hold 2 s after the answer, resume 3 s later)');
  return { ...(after !== undefined ? { holdAfterS: after } : {}), ...(holdFor !== undefined ? { holdForS: holdFor } : {}) };
}

/** `register --listen [--auto-answer[=S]] [--respond CODE] [--no-media]`. */
function listenFrom(f: PlanFlags): NonNullable<RegisterPlan['listen']> {
  const auto = f.autoAnswer;
  const ringMs = auto === undefined || auto === true ? 0 : parseSeconds(String(auto), '--auto-answer') * 1000;
  const respond = parseInteger(String(f.respond ?? '200'), '--respond', 200, 699);
  const media = mediaPlanFrom(f);
  // `--keepalive S`: the CRLF keep-alive interval on a connection flow (default 120 s; docs/register.md).
  const keepAliveS = f.keepalive !== undefined ? parseSeconds(String(f.keepalive), '--keepalive', true) : undefined;
  return { ringMs, respond, ...(media ? { media } : {}), ...(keepAliveS !== undefined ? { keepAliveS } : {}) };
}

/** `--100rel require|supported|off` (RFC 3262). */
function rel100From(value: unknown): 'require' | 'supported' | 'off' {
  if (value === undefined) return 'supported';
  const v = String(value).toLowerCase();
  if (v === 'require' || v === 'supported' || v === 'off') return v;
  throw new UsageError(`--100rel ${JSON.stringify(String(value))} is not a mode`, 'use --100rel require, --100rel supported (the default) or --100rel off');
}

/** Turns a parsed UAC command into a plan; every problem is a UsageError. */
export function buildUacPlan(cmd: PlanCommand, readStdin: () => Buffer): UacPlan {
  const f = cmd.flags;
  const targetText = cmd.name === 'request' ? cmd.args[1] : cmd.args[0];
  const target = parseTarget(targetText ?? '', cmd.name === 'register' ? 'address-of-record' : 'target');
  let destTarget = target;
  if (cmd.name === 'register' && str(f.registrar)) destTarget = parseTarget(str(f.registrar)!, '--registrar');
  const routing = routeFlags(f);
  const net = transportPlan(f, routing.first?.transport ? routing.first : destTarget);
  const family = familyFrom(f);
  if (family !== undefined) net.family = checkFamily(family, routing.first ?? destTarget);
  const dnsServer = dnsServerFrom(f);
  if (dnsServer !== undefined) net.dnsServer = dnsServer;
  const base = {
    target,
    destination: withWsUrl(net, { host: destTarget.address, port: destTarget.port ?? defaultPort(net.transport), portExplicit: destTarget.port !== undefined, scheme: destTarget.scheme }),
    ...(routing.plan ? { route: routing.plan } : {}),
    net,
    request: withUriHeaders(requestOptions(f), target),
    expect: f.expect !== undefined ? parseExpect(f.expect) : undefined,
    followRedirects: f.follow !== false,
  };
  switch (cmd.name) {
    case 'invite':
      return {
        ...base,
        kind: 'invite',
        sdp: f.sdp !== false,
        durationS: f.duration !== undefined ? parseSeconds(String(f.duration), '--duration') : undefined,
        ringTimeoutS: parseSeconds(String(f.ringTimeout ?? '60'), '--ring-timeout', true),
        rel100: rel100From(f['100rel']),
        ...holdFrom(f),
        ...(f.acceptTransfer === true ? { acceptTransfer: true } : {}),
        ...(f.transferTo !== undefined ? { transferTo: parseTarget(String(f.transferTo), '--transfer-to target').uriWithHeaders } : {}),
        ...(f.sessionExpires !== undefined ? { sessionExpiresS: parseInteger(String(f.sessionExpires), '--session-expires', 90, 2 ** 31 - 1) } : {}),
        ...withMedia(f),
      };
    case 'options':
      return { ...base, kind: 'options' };
    case 'register': {
      if (!target.user) throw new UsageError('the address-of-record needs a user part', 'example: sipcall register alice@example.com');
      const contact = str(f.contact);
      if (contact !== undefined) parseTarget(contact, '--contact');
      const modes = (['unregister', 'unregisterAll', 'query', 'refresh', 'listen'] as const).filter((k) => f[k] === true);
      if (modes.length > 1) {
        const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        throw new UsageError(`${modes.map(flag).join(' and ')} cannot be combined`, 'give one of --unregister, --unregister-all, --query, --refresh');
      }
      if (contact !== undefined && (f.unregisterAll === true || f.query === true)) {
        throw new UsageError(`--contact cannot be used with ${f.query === true ? '--query' : '--unregister-all'}`, f.query === true ? 'a query sends no Contact (RFC 3261 §10.2.3)' : 'removing every binding sends Contact: * (RFC 3261 §10.2.2)');
      }
      const removing = f.unregister === true || f.unregisterAll === true;
      return {
        ...base,
        kind: 'register',
        expires: removing ? 0 : parseInteger(String(f.expires ?? '3600'), '--expires', f.refresh === true ? 1 : 0, 2 ** 31 - 1),
        contact,
        unregister: f.unregister === true,
        unregisterAll: f.unregisterAll === true,
        query: f.query === true,
        refresh: f.refresh === true || f.listen === true,
        ...(f.listen === true ? { listen: listenFrom(f) } : {}),
      };
    }
    case 'bye': {
      const callId = str(f.callId) ?? '';
      const fromTag = str(f.fromTag) ?? '';
      const toTag = str(f.toTag) ?? '';
      for (const [flag, v] of [['--call-id', callId], ['--from-tag', fromTag], ['--to-tag', toTag]] as const) {
        if (!/^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/\[\]?{}@]+$/.test(v)) {
          throw new UsageError(`${flag} ${JSON.stringify(v)} is empty or has characters not allowed in it`, `copy the value exactly from the dialog (e.g. from sipcall -v output)`);
        }
      }
      const cseq = f.cseq !== undefined ? parseInteger(String(f.cseq), '--cseq', 1, 2 ** 31 - 1) : 0;
      return { ...base, kind: 'bye', callId, fromTag, toTag, cseq };
    }
    case 'request': {
      const method = parseMethod(cmd.args[0] ?? '');
      let body: Uint8Array | undefined;
      const bodyArg = str(f.body);
      if (bodyArg !== undefined) {
        try {
          body = bodyArg === '-' ? readStdin() : readFileSync(bodyArg);
        } catch (err) {
          throw new UsageError(`--body ${bodyArg}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 'give a readable file, or - for standard input');
        }
      }
      const contentType = str(f.contentType) ?? (body ? 'text/plain' : undefined);
      if (contentType !== undefined) checkHeader('Content-Type', contentType, '--content-type');
      if (contentType !== undefined && !body) throw new UsageError('--content-type without --body', 'add --body FILE (or - for standard input)');
      return { ...base, kind: 'request', method, body, contentType };
    }
    default:
      throw new UsageError(`${cmd.name} is not a request command`);
  }
}

/** The media plan of `invite` and `answer` from their flags: none with `--no-sdp` (unless `--media` is explicit) or `--no-media`. */
export function withMedia(f: PlanFlags): { media?: ReturnType<typeof mediaPlanFrom> } {
  if (f.sdp === false && f.media !== false) return {};
  const media = mediaPlanFrom(f);
  return media ? { media } : {};
}
