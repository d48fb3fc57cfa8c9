import { SystemClock } from '../clock/system-clock.js';
import type { CallControls } from '../engine/call/controls.js';
import { UsageError } from '../engine/errors.js';
import { openPcapFile, PcapFileError, type PcapCapture } from '../pcap/index.js';
import { decideExit } from '../engine/exit-codes.js';
import type { UacPlan } from '../engine/plan.js';
import { runUac } from '../engine/run-uac.js';
import type { EngineEnv } from '../engine/session.js';
import type { ResultEvent, SipEvent } from '../events/types.js';
import { TimerConfigError } from '../transaction/timer-config.js';
import { EventStream } from './event-stream.js';
import { planFor, type ApiCommand } from './plan.js';
import { ResultCollector, type SipResult } from './result.js';

/**
 * A run in progress: a promise of its result, and its events as an async iterator.
 *
 * ```ts
 * const run = call('sip:bob@127.0.0.1:5060', { duration: 2, media: false });
 * for await (const e of run.events) if (e.type === 'response.received') statuses.push(e.status);
 * const result = await run;
 * ```
 *
 * `events` yields every event from the first time it is read (read it right away to see them
 * all), in order, and ends after the run's last event, `result` (docs/events.md).
 */
export interface SipRun<R extends SipResult = SipResult> extends Promise<R> {
  readonly events: AsyncIterableIterator<SipEvent>;
}

function methodOf(plan: UacPlan): string {
  switch (plan.kind) {
    case 'invite':
      return 'INVITE';
    case 'request':
      return plan.method;
    default:
      return plan.kind.toUpperCase();
  }
}

/** A TimerConfigError (T2 < T1 and the like) is a usage error for the library's caller too. */
function asUsageError(err: unknown): unknown {
  if (err instanceof TimerConfigError) return new UsageError(err.message);
  return err;
}

/**
 * Builds the plan (as the CLI would from the same flags), runs it with the engine
 * (src/engine/run-uac.ts), and turns its events and outcome into a typed result. `extend`
 * adds what one kind of request reports besides (OPTIONS capabilities, REGISTER bindings).
 */
export function startRun<R extends SipResult>(cmd: ApiCommand, extend: (base: SipResult) => R): SipRun<R> {
  let stream: EventStream | undefined;
  let over = false;
  const opts = cmd.opts ?? {};
  const promise = (async (): Promise<R> => {
    await Promise.resolve(); // the caller reads `run.events` before the first event
    try {
      return await execute(cmd, opts, extend, (e) => stream?.push(e));
    } catch (err) {
      throw asUsageError(err);
    } finally {
      over = true;
      stream?.end();
    }
  })();
  Object.defineProperty(promise, 'events', {
    enumerable: false,
    get(): EventStream {
      if (!stream) {
        stream = new EventStream();
        if (over) stream.end();
      }
      return stream;
    },
  });
  return promise as SipRun<R>;
}

async function execute<R extends SipResult>(cmd: ApiCommand, opts: ApiCommand['opts'], extend: (base: SipResult) => R, toStream: (e: SipEvent) => void): Promise<R> {
  const signal = opts.signal;
  signal?.throwIfAborted();
  const plan = planFor(cmd);
  const clock = new SystemClock();
  const collector = new ResultCollector(methodOf(plan), plan.target.uri);
  let callbackError: { error: unknown } | undefined;
  const emit = (e: SipEvent): void => {
    collector.add(e);
    toStream(e);
    if (opts.onEvent) {
      try {
        opts.onEvent(e);
      } catch (error) {
        callbackError ??= { error };
      }
    }
  };
  const capture = openCapture(opts.pcap); // before anything is sent: an unwritable path is a UsageError
  const env: EngineEnv = { clock, sink: emit, ...(capture ? { capture } : {}) };

  // The AbortSignal is the library's Ctrl-C: every handler the engine registers hears it, and
  // one registered after the abort hears it at once (a redirect or failover attempt).
  const handlers = new Set<() => void>();
  const onAbort = (): void => {
    for (const h of [...handlers]) h();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const controls: CallControls = {
    onInterrupt(h) {
      handlers.add(h);
      if (signal?.aborted) queueMicrotask(() => handlers.has(h) && h());
      return () => handlers.delete(h);
    },
    // `duration: Infinity`: the call is held until the signal aborts or the peer hangs up.
    ...(cmd.name === 'invite' && cmd.opts.duration === Infinity ? { waitForHangup: () => ({ promise: new Promise<void>(() => {}), cancel: () => {} }) } : {}),
  };
  try {
    const outcome = await runUac(plan, env, controls);
    const decided = decideExit(outcome, plan.expect);
    const summary = decided.expectNote ? `${outcome.summary} (${decided.expectNote})` : outcome.summary;
    const durationMs = Math.round(clock.now());
    const result: ResultEvent = {
      type: 'result',
      t: clock.now(),
      outcome: decided.outcome,
      status: outcome.status,
      reason: outcome.reason,
      statusLocal: outcome.statusLocal,
      exitCode: decided.exitCode,
      durationMs,
      summary,
      verdict: outcome.verdict,
      ...(outcome.alsoVerdicts?.length ? { alsoVerdicts: outcome.alsoVerdicts } : {}),
      ...(outcome.media ? { media: outcome.media } : {}),
    };
    emit(result);
    if (callbackError) throw callbackError.error;
    return extend(
      collector.result({
        outcome: decided.outcome,
        exitCode: decided.exitCode,
        status: outcome.status,
        reason: outcome.reason,
        statusLocal: outcome.statusLocal,
        summary,
        verdict: outcome.verdict,
        alsoVerdicts: outcome.alsoVerdicts,
        media: outcome.media,
        totalMs: clock.now(),
      }),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    handlers.clear();
    capture?.close();
  }
}

/** The `pcap` option (docs/pcap.md): the file opened now, or a UsageError naming `--pcap`. */
function openCapture(path: unknown): PcapCapture | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') throw new UsageError('--pcap: pcap must be a file name', "example: { pcap: 'call.pcap' }");
  try {
    return openPcapFile(path);
  } catch (err) {
    if (err instanceof PcapFileError) throw new UsageError(`--pcap ${err.message}`, 'nothing was sent; give a file in a directory you can write to');
    throw err;
  }
}
