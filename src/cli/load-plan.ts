import { parseDurationText } from '../clock/duration-text.js';
import { UsageError } from '../engine/errors.js';
import { buildUacPlan } from '../engine/flags/build-plan.js';
import { applyCredentialFlags, PASSWORD_ENV } from '../engine/flags/credentials.js';
import type { UacPlan } from '../engine/plan.js';
import type { LoadScenario } from '../load/engine-options.js';
import { LoadInputError } from '../load/errors.js';
import { defaultMaxConcurrent } from '../load/limits.js';
import { ArrivalSchedule } from '../load/schedule.js';
import { buildLoadPlan, parseSegment } from '../load/schedule-spec.js';
import { parseThreshold, type Threshold } from '../load/threshold.js';
import { parseInteger } from './parse-values.js';

/** What `sipcall load TARGET …` was asked to do, checked; nothing resolved or opened yet. */
export interface LoadCliPlan {
  scenario: LoadScenario;
  /** The target as a UAC plan of the matching command (invite/options/register): URI, From, transport, timers, credentials. */
  uac: UacPlan;
  schedule: ArrivalSchedule;
  thresholds: Threshold[];
  /** Request-URI of the first request: the target, or for `register` the AOR's domain (RFC 3261 §10.2). */
  requestUri: string;
  /** To: the target, or the address-of-record. */
  toUri: string;
  /** From: `--from`, `sip:USER@host` with `--user`, the AOR for register; undefined: `sip:sipcall@<local address>`. */
  fromUri?: string;
  /** UDP, or TCP/TLS with calls sharing connections. */
  transport: 'udp' | 'tcp' | 'tls';
  holdMs: number;
  ringTimeoutMs: number;
  expires: number;
  /** `-l`, or the default from the plan (src/load/limits.ts). */
  maxConcurrent: number;
  /** TCP/TLS: calls per connection (default: all on one). */
  callsPerConnection?: number;
  json: boolean;
  csv?: string;
  hdr?: string;
}

const SCENARIOS: readonly LoadScenario[] = ['call', 'options', 'register'];
/** `invite`'s default ring timeout (src/cli/program.ts, `--ring-timeout`). */
const DEFAULT_RING_TIMEOUT_MS = 60_000;
const TIME_HINT = (flag: string, example: string) => `give ${flag} a time: ${example} (units ms, s, m, h; a bare number is seconds)`;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Turns `sipcall load`'s flags into a plan. Every problem is a UsageError (exit 2) with a
 * one-line hint; the errors of the load modules (LoadInputError) are turned into one.
 */
export function buildLoadCliPlan(target: string, flags: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): LoadCliPlan {
  try {
    return build(target, flags, env);
  } catch (err) {
    if (err instanceof LoadInputError) throw new UsageError(err.message, err.hint);
    throw err;
  }
}

function build(target: string, f: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): LoadCliPlan {
  const scenario = (str(f.scenario) ?? 'call').toLowerCase() as LoadScenario;
  if (!SCENARIOS.includes(scenario)) {
    throw new UsageError(`--scenario ${JSON.stringify(String(f.scenario))} is not a load scenario`, 'use --scenario call (INVITE, ACK, BYE), options or register');
  }
  const uac = targetPlan(scenario, target, f);
  // Credentials as `invite` and `register` take them (docs/auth.md), but never a prompt: a run
  // at hundreds of calls/s cannot wait for one. `--user` without a secret is a usage error.
  applyCredentialFlags(uac, f, { env, prompt: () => Promise.resolve(undefined) });
  if (uac.auth?.source === 'prompt') {
    const flag = f.authUser !== undefined ? '--auth-user' : f.user !== undefined ? '--user' : undefined;
    if (flag !== undefined) {
      throw new UsageError(`${flag} ${uac.auth.username} is given but no password`, `set ${PASSWORD_ENV}, or give --password-file FILE or --ha1 HEX (load never prompts)`);
    }
    delete uac.auth;
  }
  const transport = uac.net.transport;
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') {
    throw new UsageError(`load runs over UDP, TCP and TLS, and this run asks for ${transport.toUpperCase()}`, 'use --transport udp, tcp or tls (WebSocket load is not supported)');
  }
  if (transport !== 'udp' && uac.net.local !== undefined) {
    throw new UsageError(`--local applies to load runs over UDP, not ${transport.toUpperCase()}`, 'drop --local (each TCP or TLS connection takes a port of its own)');
  }
  if (transport === 'udp' && f.callsPerConnection !== undefined) {
    throw new UsageError('--calls-per-connection applies to TCP and TLS, and this run is over UDP', 'add --transport tcp (or tls), or drop --calls-per-connection');
  }
  const plan = buildLoadPlan({
    rate: number(f.rate, '--rate', 'give --rate (-r) calls per second, e.g. -r 500'),
    durationMs: time(f.duration, '--duration', '--duration 10s'),
    calls: f.calls !== undefined ? wholeNumber(f.calls, '--calls', 'give --calls (-m) a whole number, e.g. -m 10000') : undefined,
    ramp: str(f.ramp),
  });
  const segment = f.segment !== undefined ? parseSegment(String(f.segment)) : undefined;
  const schedule = new ArrivalSchedule(plan, segment);
  const holdMs = time(f.hold, '--hold', '--hold 2s') ?? 0;
  const thresholds = ((f.threshold as string[] | undefined) ?? []).map(parseThreshold);
  const { requestUri, toUri, fromUri } = addresses(scenario, uac);
  const ring = time(f.ringTimeout, '--ring-timeout', '--ring-timeout 60s');
  if (ring !== undefined && ring <= 0) throw new UsageError('--ring-timeout must be more than 0', TIME_HINT('--ring-timeout', '--ring-timeout 30s'));
  return {
    scenario,
    uac,
    schedule,
    thresholds,
    requestUri,
    toUri,
    ...(fromUri !== undefined ? { fromUri } : {}),
    transport,
    holdMs,
    ringTimeoutMs: ring ?? DEFAULT_RING_TIMEOUT_MS,
    expires: parseInteger(String(f.expires ?? '3600'), '--expires', 0, 2 ** 31 - 1),
    // Without -l, a bound from the plan (src/load/limits.ts): a silent target cannot hold every call of the run.
    maxConcurrent: f.maxConcurrent !== undefined ? wholeNumber(f.maxConcurrent, '--max-concurrent', 'give --max-concurrent (-l) a whole number of calls, e.g. -l 5000') : defaultMaxConcurrent(plan, holdMs, schedule.segment.count),
    ...(f.callsPerConnection !== undefined ? { callsPerConnection: wholeNumber(f.callsPerConnection, '--calls-per-connection', 'give --calls-per-connection a whole number, e.g. 100 (1: a connection per call)') } : {}),
    json: f.json === true,
    ...(str(f.csv) !== undefined ? { csv: str(f.csv) } : {}),
    ...(str(f.hdr) !== undefined ? { hdr: str(f.hdr) } : {}),
  };
}

/**
 * The target through the plan builder of the command that sends the same first request
 * (`invite`, `options`, `register`), so that it is parsed, checked and given a transport and a
 * From exactly as those commands do. Only the flags `load` shares with them are passed.
 */
function targetPlan(scenario: LoadScenario, target: string, f: Record<string, unknown>): UacPlan {
  const shared = ['from', 'userAgent', 'transport', 'local', 't1', 't2', 'ipv4', 'ipv6', 'dnsServer', 'ca', 'cert', 'key', 'insecure'] as const;
  const flags: Record<string, unknown> = { header: [], sdp: false, media: false };
  for (const k of shared) if (f[k] !== undefined) flags[k] = f[k];
  return buildUacPlan({ name: scenario === 'register' ? 'register' : 'options', args: [target], flags }, () => Buffer.alloc(0));
}

/**
 * Request-URI, To and From. For `register` as the `register` command builds them
 * (src/engine/register.ts, RFC 3261 §10.2): "The Request-URI names the domain of the location
 * service" (no user part); To and From are the address-of-record.
 */
function addresses(scenario: LoadScenario, uac: UacPlan): { requestUri: string; toUri: string; fromUri?: string } {
  if (scenario === 'register') {
    const t = uac.target;
    const hostPort = `${t.host}${t.port ? `:${t.port}` : ''}`;
    const aor = `sip:${t.user}@${hostPort}`;
    return { requestUri: `sip:${hostPort}`, toUri: aor, fromUri: aor };
  }
  return { requestUri: uac.target.uri, toUri: uac.target.uri, ...(uac.request.from !== undefined ? { fromUri: uac.request.from } : {}) };
}

function number(v: unknown, flag: string, hint: string): number | undefined {
  if (v === undefined) return undefined;
  const text = String(v).trim();
  if (!/^(\d+(\.\d+)?|\.\d+)$/.test(text) || !(Number(text) > 0)) throw new UsageError(`${flag} ${JSON.stringify(String(v))} is not a positive number`, hint);
  return Number(text);
}

function wholeNumber(v: unknown, flag: string, hint: string): number {
  const text = String(v).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} ${JSON.stringify(String(v))} is not a positive whole number`, hint);
  return Number(text);
}

/** A time flag in ms (`10s`, `500ms`, `2m`, bare seconds), undefined when not given. */
function time(v: unknown, flag: string, example: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationText(String(v));
  if (ms === undefined) throw new UsageError(`${flag} ${JSON.stringify(String(v))} is not a time`, TIME_HINT(flag, example));
  return ms;
}
