/**
 * `sipcall diagnose TARGET`: the short battery a person runs when "it doesn't work" — resolve
 * the name; OPTIONS over UDP (ICMP errors on: a connected socket); a TCP connection and OPTIONS
 * over it; optionally an INVITE that is CANCELed after the first 1xx (RFC 3261 §9.1). Each step
 * is an ordinary run (`runUac`) with its own verdict; the report says what works and what does
 * not. The engine decides nothing about exit codes (src/cli/diagnose-command.ts does).
 */
import type { Outcome, SipEvent, TransportName, Verdict } from '../events/types.js';
import { resolveHost } from '../transport/resolve.js';
import { TransportError } from '../transport/errors.js';
import type { CallControls } from './call/controls.js';
import type { InvitePlan, OptionsPlan, UacPlan } from './plan.js';
import { runUac } from './run-uac.js';
import type { EngineEnv } from './session.js';
import { analyzeRun } from './verdict/index.js';
import { collectFacts, finals, provisionals } from './verdict/facts.js';

export interface DiagnosePlan {
  /** An OPTIONS plan for the target: request options, timers, local address. */
  options: OptionsPlan;
  /** Also place an INVITE and CANCEL it after the first 1xx. */
  invite: boolean;
}

export type DiagnoseStepName = 'resolve' | 'udp-options' | 'tcp-connect' | 'tcp-options' | 'invite';

/** One row of the report. */
export interface DiagnoseStep {
  step: DiagnoseStepName;
  /** `OPTIONS over UDP` */
  title: string;
  /** `ok`: it worked; `failed`; `skipped`: not tried (the reason is in `result`). */
  state: 'ok' | 'failed' | 'skipped';
  /** What happened, in words: `200 OK`, `ICMP port unreachable`, … */
  result: string;
  /** Round-trip (or connect, or lookup) time in ms, when it applies. */
  ms?: number;
  outcome?: Outcome;
  /** A final status from the wire, if one came. */
  status?: number;
  verdict?: Verdict;
}

export interface DiagnoseReport {
  /** As the user gave it. */
  target: string;
  /** The address the name resolved to. */
  address?: string;
  port: number;
  steps: DiagnoseStep[];
  /** The transports over which the peer answered (any response from the wire). */
  answeredOver: TransportName[];
  /** The verdicts of the failed steps, one per cause. */
  verdicts: Verdict[];
}

interface StepRun {
  events: SipEvent[];
  outcome: Outcome;
  verdict?: Verdict;
  start: number;
  status?: number;
}

/** Runs the battery; `onStep` sees each row as soon as it is known. */
export async function runDiagnose(
  plan: DiagnosePlan,
  env: EngineEnv,
  controls: CallControls,
  onStep: (s: DiagnoseStep) => void = () => {},
): Promise<DiagnoseReport> {
  const base = plan.options;
  const host = base.destination.host;
  const report: DiagnoseReport = { target: base.target.uri, port: base.destination.port, steps: [], answeredOver: [], verdicts: [] };
  const add = (s: DiagnoseStep): void => {
    report.steps.push(s);
    if (s.verdict && !report.verdicts.some((v) => v.id === s.verdict!.id)) report.verdicts.push(s.verdict);
    onStep(s);
  };

  // 1. The name.
  const t0 = env.clock.now();
  let address: string;
  try {
    address = (await resolveHost(host, base.net.family)).address;
    const literal = address === host.replace(/^\[|\]$/g, '');
    add({ step: 'resolve', title: `resolve ${host}`, state: 'ok', result: literal ? `${address} (an IP address: no lookup)` : address, ms: env.clock.now() - t0 });
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    const ev: SipEvent = { type: 'transport.error', t: env.clock.now(), transport: err.transport, code: err.code, message: err.message, to: `${host}:${base.destination.port}` };
    env.sink(ev);
    add({ step: 'resolve', title: `resolve ${host}`, state: 'failed', result: err.message, outcome: 'transport-error', verdict: analyzeRun([ev], { plan: base, outcome: 'transport-error' }) });
    for (const [step, title] of [['udp-options', 'OPTIONS over UDP'], ['tcp-connect', 'TCP connect'], ['tcp-options', 'OPTIONS over TCP']] as const) {
      add({ step, title, state: 'skipped', result: 'skipped: the name does not resolve' });
    }
    return report;
  }
  report.address = address;
  const dest = { host: address, port: base.destination.port };
  const over = (transport: 'udp' | 'tcp'): OptionsPlan => ({ ...base, destination: dest, net: { ...base.net, transport, transportForced: true } });

  // 2. OPTIONS over UDP, with ICMP errors reported at once.
  const udp = await step(over('udp'), env, controls);
  add(optionsRow('udp-options', 'OPTIONS over UDP', udp));
  if (answered(udp)) report.answeredOver.push('UDP');

  // 3. TCP: the connection, then OPTIONS on it.
  const tcp = await step(over('tcp'), env, controls);
  const facts = collectFacts(tcp.events);
  const firstSend = facts.main?.sends[0];
  if (firstSend) {
    add({ step: 'tcp-connect', title: 'TCP connect', state: 'ok', result: `connected to ${firstSend.to}`, ms: firstSend.t - tcp.start });
    add(optionsRow('tcp-options', 'OPTIONS over TCP', tcp));
  } else {
    add({ step: 'tcp-connect', title: 'TCP connect', state: 'failed', result: tcp.verdict?.text ?? 'failed', outcome: tcp.outcome, verdict: tcp.verdict });
    add({ step: 'tcp-options', title: 'OPTIONS over TCP', state: 'skipped', result: 'skipped: no TCP connection' });
  }
  if (answered(tcp)) report.answeredOver.push('TCP');

  // 4. INVITE, CANCELed after the first 1xx, over a transport that answered.
  if (plan.invite) {
    const transport = report.answeredOver[0];
    if (!transport) {
      add({ step: 'invite', title: 'INVITE', state: 'skipped', result: 'skipped: the peer answered over no transport' });
    } else {
      const invitePlan: InvitePlan = { ...over(transport === 'UDP' ? 'udp' : 'tcp'), kind: 'invite', sdp: true, durationS: 0, ringTimeoutS: 0 };
      add(inviteRow(transport, await step(invitePlan, env, controls)));
    }
  }
  return report;
}

async function step(plan: UacPlan, env: EngineEnv, controls: CallControls): Promise<StepRun> {
  const events: SipEvent[] = [];
  const start = env.clock.now();
  const sub: EngineEnv = {
    ...env,
    sink: (e) => {
      events.push(e);
      env.sink(e);
    },
  };
  const out = await runUac(plan, sub, controls);
  return { events, outcome: out.outcome, verdict: out.verdict, start, status: out.statusLocal ? undefined : out.status };
}

/** Did anything from the wire answer the request (any status, even 4xx/5xx)? */
function answered(run: StepRun): boolean {
  return collectFacts(run.events).responses.length > 0;
}

function optionsRow(name: DiagnoseStepName, title: string, run: StepRun): DiagnoseStep {
  const facts = collectFacts(run.events);
  const final = finals(facts.main)[0];
  const sent = facts.main?.sends[0];
  if (final && sent) {
    return { step: name, title, state: 'ok', result: `${final.status} ${final.reason} from ${final.from}`, ms: final.t - sent.t, outcome: run.outcome, status: final.status, verdict: run.verdict };
  }
  return { step: name, title, state: 'failed', result: run.verdict?.text ?? run.outcome, outcome: run.outcome, verdict: run.verdict };
}

function inviteRow(transport: TransportName, run: StepRun): DiagnoseStep {
  const facts = collectFacts(run.events);
  const main = facts.main;
  const sent = main?.sends[0];
  const ones = provisionals(main);
  const final = finals(main)[0];
  const cancel = facts.txs.find((t) => t.method === 'CANCEL');
  const parts: string[] = [];
  if (ones.length) parts.push([...new Set(ones.map((r) => `${r.status} ${r.reason}`))].join(', '));
  if (cancel) parts.push(`CANCEL → ${finals(cancel)[0] ? `${finals(cancel)[0]!.status} ${finals(cancel)[0]!.reason}` : 'no answer'}`);
  if (final) parts.push(`${final.status} ${final.reason}`);
  const first = main?.responses[0];
  // Cancelled on purpose: "only provisional responses" is what we asked for, not a fault.
  const verdict = run.verdict?.id === 'provisional-only' && cancel ? undefined : run.verdict;
  return {
    step: 'invite',
    title: `INVITE over ${transport}`,
    state: first ? 'ok' : 'failed',
    result: parts.length ? parts.join('; ') : (run.verdict?.text ?? run.outcome),
    ms: first && sent ? first.t - sent.t : undefined,
    outcome: run.outcome,
    status: final?.status,
    verdict,
  };
}
