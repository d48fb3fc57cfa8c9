import { readFileSync } from 'node:fs';
import type { DigestCredentials } from '../auth/index.js';
import { UsageError } from '../engine/errors.js';
import { LoadInputError } from '../load/errors.js';
import { LoopClock } from '../load/loop-clock.js';
import { mergeSummaries, readSummary } from '../load/merge.js';
import { LoadMetrics } from '../load/metrics.js';
import { evaluateThresholds, parseThreshold, thresholdsPassed } from '../load/threshold.js';
import type { LoadEngine } from '../load/engine.js';
import { StreamLoadRun } from '../load/stream-run.js';
import type { LoadInterval, LoadSummary, ThresholdResult } from '../load/summary.js';
import { UdpLoadRun, type UdpLoadResult } from '../load/udp-run.js';
import { formatLoadSummary } from '../present/load-summary.js';
import { visible } from '../present/visible.js';
import { formatEndpoint, type Endpoint } from '../transport/endpoint.js';
import { fromSystemError, TransportError } from '../transport/errors.js';
import { isWildcard, sourceAddressFor } from '../transport/udp-socket.js';
import { DEFAULT_USER_AGENT } from './build-plan.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { LoadOutput } from './load-output.js';
import { buildLoadCliPlan, type LoadCliPlan } from './load-plan.js';
import { loadDestination } from './load-target.js';
import { openPcapOption } from './pcap-option.js';

/** A UDP or a TCP/TLS run (src/load/udp-run.ts, src/load/stream-run.ts). */
interface LoadRun {
  readonly engine: LoadEngine;
  run(thresholds?: (s: LoadSummary) => ThresholdResult[]): Promise<UdpLoadResult>;
  stop(): void;
  abort(): void;
}

/** A LoadInputError of the load modules as the CLI's usage error (exit 2, one line and a hint). */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof LoadInputError) throw new UsageError(err.message, err.hint);
    throw err;
  }
}

/**
 * `sipcall load TARGET` (docs/load.md): checks every flag, opens `--pcap`, `--csv` and `--hdr`
 * (exit 2 before anything is sent), resolves the target (exit 4 when it cannot be), runs the
 * plan over one UDP socket or over TCP/TLS connections, and prints the summary. Ctrl-C once: no new calls, those in
 * progress end as the RFC says; twice: end now. Exit 0, 7 when a `--threshold` failed, 130 when
 * interrupted (the summary of what ran is printed either way).
 */
export async function runLoadCommand(target: string, flags: Record<string, unknown>, io: CliIo): Promise<number> {
  const plan = buildLoadCliPlan(target, flags, io.env);
  const credentials = await credentialsOf(plan);
  for (const w of plan.uac.auth?.warnings ?? []) io.stderr.write(`sipcall: warning: ${w}\n`);
  const capture = openPcapOption(flags);
  let output: LoadOutput;
  try {
    output = new LoadOutput(io, { json: plan.json, ...(plan.csv !== undefined ? { csv: plan.csv } : {}), ...(plan.hdr !== undefined ? { hdr: plan.hdr } : {}) });
  } catch (err) {
    capture?.close();
    throw err;
  }
  try {
    let remote: Endpoint;
    let run: LoadRun;
    const clock = new LoopClock();
    const metrics = new LoadMetrics({ encodeIntervals: plan.hdr !== undefined });
    try {
      remote = await loadDestination(plan.uac);
      const local = plan.uac.net.local;
      const fromHost = local?.address !== undefined && !isWildcard(local.address) ? local.address : await sourceAddressFor(remote);
      const common = {
        scenario: plan.scenario,
        schedule: plan.schedule,
        metrics,
        clock,
        remote,
        ...(capture ? { tap: capture } : {}),
        target: plan.uac.target.uri,
        requestUri: plan.requestUri,
        toUri: plan.toUri,
        fromUri: plan.fromUri ?? `sip:sipcall@${fromHost.includes(':') ? `[${fromHost}]` : fromHost}`,
        userAgent: plan.uac.request.userAgent ?? DEFAULT_USER_AGENT,
        t1: plan.uac.net.t1,
        t2: plan.uac.net.t2,
        holdMs: plan.holdMs,
        ringTimeoutMs: plan.ringTimeoutMs,
        expires: plan.expires,
        maxConcurrent: plan.maxConcurrent,
        ...(credentials ? { credentials } : {}),
        onInterval: (ev: LoadInterval) => {
          output.started(Date.now() - (clock.now() - run.engine.t0));
          output.interval(ev);
        },
      };
      if (plan.transport === 'udp') {
        run = await UdpLoadRun.open({
          ...common,
          ...(local?.address !== undefined ? { localAddress: local.address } : {}),
          ...(local?.port !== undefined ? { localPort: local.port } : {}),
        });
      } else {
        const tls = plan.uac.net.tls;
        if (plan.transport === 'tls' && tls?.insecure) output.note('warning: --insecure: the server certificate is not verified (a lab only)');
        const name = plan.transport === 'tls' ? 'TLS' : 'TCP';
        run = await StreamLoadRun.open({
          ...common,
          transport: name,
          ...(plan.callsPerConnection !== undefined ? { callsPerConnection: plan.callsPerConnection } : {}),
          ...(plan.transport === 'tls' && tls ? { tls } : {}),
        }).catch((err: unknown) => {
          throw fromSystemError(err, { transport: name, remote });
        });
      }
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      output.note(visible(err.message));
      return EXIT.TRANSPORT;
    }
    let interrupts = 0;
    const removeSigint = io.onInterrupt(() => {
      interrupts++;
      if (interrupts === 1) {
        output.note('Ctrl-C: no new calls; the calls in progress end as they should (Ctrl-C again to stop at once)');
        run.stop();
      } else run.abort();
    });
    try {
      const result = await run.run((s) => evaluateThresholds(plan.thresholds, s));
      // The summary counts socket errors; this says what the common one means.
      const refused = result.socketErrors.ECONNREFUSED;
      if (refused && plan.transport === 'udp') output.note(`ECONNREFUSED ×${refused}: ICMP port unreachable came back, nothing listens on ${formatEndpoint(remote)}/udp`);
      if (interrupts > 0 && result.notStarted > 0) output.note(`stopped by Ctrl-C: ${result.notStarted} planned call${result.notStarted === 1 ? '' : 's'} not started`);
      if (interrupts > 1 && metrics.active > 0) output.note(`stopped at once: ${metrics.active} call${metrics.active === 1 ? '' : 's'} left in progress`);
      output.summary(result.summary);
      if (interrupts > 0) return EXIT.INTERRUPTED;
      return thresholdsPassed(result.summary.thresholds) ? EXIT.OK : EXIT.THRESHOLD;
    } finally {
      removeSigint();
    }
  } finally {
    output.close();
    capture?.close();
  }
}

/**
 * The fixed credentials of the run, read before it starts (`--password-file`, `--ha1`,
 * `--password`, `SIPCALL_PASSWORD`): the engine answers each call's challenge with them.
 */
async function credentialsOf(plan: LoadCliPlan): Promise<DigestCredentials | undefined> {
  if (!plan.uac.auth) return undefined;
  return plan.uac.auth.credentials('');
}

/**
 * `sipcall load merge FILE…` (docs/load.md, "Beyond one machine"): reads each segment's
 * `--json` result, adds them exactly, and prints the merged summary (a JSON line with
 * `--json`). Exit 7 when a `--threshold` fails on the merged result; 2 for a file that cannot
 * be read or holds no summary.
 */
export function runLoadMergeCommand(files: string[], flags: Record<string, unknown>, io: CliIo): number {
  const thresholds = asUsage(() => ((flags.threshold as string[] | undefined) ?? []).map(parseThreshold));
  const summaries = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
      throw new UsageError(`load merge: ${file}: ${why}`, 'give the files written by sipcall load --json, one per segment');
    }
    return asUsage(() => readSummary(text, file));
  });
  const merged = asUsage(() => mergeSummaries(summaries, thresholds));
  if (flags.json === true) {
    for (const w of merged.merge?.warnings ?? []) io.stderr.write(`sipcall: warning: ${w}\n`);
    io.stdout.write(`${JSON.stringify(merged)}\n`);
  } else {
    io.stdout.write(formatLoadSummary(merged));
  }
  return thresholdsPassed(merged.thresholds) ? EXIT.OK : EXIT.THRESHOLD;
}
