import { CommanderError } from 'commander';
import { SystemClock } from '../clock/system-clock.js';
import type { Outcome, SipEvent } from '../events/types.js';
import { UsageError } from '../engine/errors.js';
import { runDemoCall, runDemoTimeout } from '../engine/demo.js';
import type { RunOutcome } from '../engine/outcome.js';
import { nextHop } from '../engine/next-hop.js';
import { runUac } from '../engine/run-uac.js';
import { analyzeRun } from '../engine/verdict/index.js';
import type { EngineEnv } from '../engine/session.js';
import { AutoAnswer } from '../engine/uas.js';
import { AnswerTally } from './answer-summary.js';
import { answerLoadLine, answerLoadResult, answerLoadSummary, type AnswerLoadFigures } from '../present/answer-load.js';
import { TimerConfigError } from '../transaction/timer-config.js';
import { buildAnswerPlan, buildUacPlan, DEFAULT_USER_AGENT } from './build-plan.js';
import { applyCredentials } from './credentials.js';
import { decideExit } from './exit-for.js';
import { EXIT } from './exit-codes.js';
import { runExplain } from './explain-command.js';
import { runDiagnoseCommand } from './diagnose-command.js';
import { runResolveCommand } from './resolve-command.js';
import { processIo, type CliIo } from './io.js';
import { hangupKeys } from './keys.js';
import { callKeys } from './call-keys.js';
import { incomingPrompt } from './incoming-prompt.js';
import type { CallControls } from '../engine/call/controls.js';
import { presenterFor } from './output.js';
import { resolveColorLevel } from '../present/index.js';
import { buildProgram, COMMAND_NAMES, type ParsedCommand } from './program.js';
import { allEvents, noEvents, verdictEvents, type RunEvents } from './run-events.js';
import { openPcapOption } from './pcap-option.js';
import { visible } from '../present/visible.js';
import { ListenFailure, listenFailure } from './listen-failure.js';

/** The version printed by `sipcall --version`. */
export const VERSION = '0.1.0';

/**
 * Runs the CLI with these arguments (without `node` and the script) and returns the exit code.
 * The only place that turns argv into plans and outcomes into exit codes.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    if (argv.length === 0) return await noArguments(io);
    let parsed: ParsedCommand | undefined;
    let commanderMessage = '';
    const program = buildProgram(VERSION, { out: (s) => io.stdout.write(s), err: (s) => (commanderMessage += s) }, (p) => (parsed = p), COMMAND_NAMES.includes(argv[0]) ? argv[0] : undefined);
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError) {
        if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
        const text = (commanderMessage || err.message).replace(/^error: /, '').trim().replace(/\n+/g, ' ');
        const cmd = argv.find((a) => !a.startsWith('-'));
        io.stderr.write(`sipcall: ${text}; see 'sipcall ${cmd && program.commands.some((c) => c.name() === cmd) ? `${cmd} ` : ''}--help'\n`);
        return EXIT.USAGE;
      }
      throw err;
    }
    if (!parsed) {
      // `sipcall --json` and the like: options but no command.
      io.stderr.write("sipcall: no command given; see 'sipcall --help'\n");
      return EXIT.USAGE;
    }
    debug = parsed.flags.debug === true;
    return await execute(parsed, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`sipcall: ${visible(err.message)}${err.hint ? `; ${visible(err.hint)}` : ''}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof TimerConfigError) {
      io.stderr.write(`sipcall: ${err.message}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof ListenFailure) {
      io.stderr.write(`sipcall: ${visible(err.message)}\n`);
      return err.exitCode;
    }
    io.stderr.write(`sipcall: internal error: ${visible((err as Error)?.message ?? String(err))}. This is a bug; please report it with the command you ran${debug ? '' : ' (add --debug for details)'}.\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT.INTERNAL;
  }
}

async function noArguments(io: CliIo): Promise<number> {
  if (io.stdin.isTTY && io.stdout.isTTY) {
    const { askForCommand } = await import('./interactive.js');
    const argv = await askForCommand();
    if (!argv) return EXIT.USAGE;
    return run(argv, io);
  }
  io.stderr.write("sipcall: no command given (and no terminal to ask on); see 'sipcall --help'\n");
  const program = buildProgram(VERSION, { out: (s) => io.stderr.write(s), err: (s) => io.stderr.write(s) }, () => {});
  io.stderr.write(program.helpInformation());
  return EXIT.USAGE;
}

async function execute(cmd: ParsedCommand, io: CliIo): Promise<number> {
  switch (cmd.name) {
    case 'explain':
      return runExplain(cmd, io);
    case 'answer':
      return runAnswer(cmd, io);
    case 'demo':
      return runDemo(cmd, io);
    case 'diagnose':
      return runDiagnoseCommand(cmd, io);
    case 'resolve':
      return runResolveCommand(cmd, io);
    case 'test':
      return runTest(cmd, io);
    case 'load':
      // Loaded on use, as `test` is: the load engine costs start-up time for no other command.
      return (await import('./load-command.js')).runLoadCommand(cmd.args[0] ?? '', cmd.flags, io);
    case 'load merge':
      return (await import('./load-command.js')).runLoadMergeCommand(cmd.args, cmd.flags, io);
    default:
      return runUacCommand(cmd, io);
  }
}

/**
 * Runs an engine job with a presenter, then emits the `result` event and picks the exit code.
 * `kept`: what is kept of the run's events for the verdict of runs that do not bring their own
 * (docs/verdicts.md); all of them by default, only what a verdict reads for `answer`.
 */
async function withPresenter(
  cmd: ParsedCommand,
  io: CliIo,
  peerLabel: string | undefined,
  expect: string[] | undefined,
  job: (env: EngineEnv, controls: Pick<CallControls, 'onInterrupt' | 'waitForHangup' | 'keys' | 'askIncoming'>) => Promise<RunOutcome>,
  kept: RunEvents = allEvents(),
): Promise<number> {
  const capture = openPcapOption(cmd.flags); // before anything is sent: a bad path is exit 2
  const presenter = presenterFor(cmd.flags, io, peerLabel);
  const clock = new SystemClock();
  const env: EngineEnv = {
    clock,
    sink: (e: SipEvent) => {
      kept.add(e);
      presenter.onEvent(e);
    },
    ...(capture ? { capture } : {}),
  };
  let interruptHandlers: Array<() => void> = [];
  const removeSigint = io.onInterrupt(() => {
    for (const h of [...interruptHandlers]) h();
  });
  const onInterrupt = (h: () => void) => {
    interruptHandlers.push(h);
    return () => {
      interruptHandlers = interruptHandlers.filter((x) => x !== h);
    };
  };
  const tty = io.stdin.isTTY === true && cmd.flags.input !== false && cmd.flags.json !== true;
  const ctrlC = () => interruptHandlers.forEach((h) => h());
  const inCallKeys = tty && cmd.name === 'invite';
  // The ringing prompt for incoming calls: `answer` and `register --listen` on a terminal.
  const ringing = tty && (cmd.name === 'answer' || (cmd.name === 'register' && cmd.flags.listen === true));
  const controls = {
    onInterrupt,
    askIncoming: ringing
      ? incomingPrompt(io, {
          onCtrlC: ctrlC,
          say: (text, level = 'info') => env.sink({ type: 'note', t: clock.now(), level, code: 'ringing', text }),
          holdOutput: presenter.holdOutput?.bind(presenter),
        })
      : undefined,
    // The engine takes `keys` (src/cli/call-keys.ts) over `waitForHangup`; it still reads
    // `waitForHangup` to know that a person ends the call (no default duration).
    waitForHangup: inCallKeys ? hangupKeys(io, ctrlC) : undefined,
    keys: inCallKeys
      ? callKeys(io, {
          onCtrlC: ctrlC,
          say: (text, level = 'info') => env.sink({ type: 'note', t: clock.now(), level, code: 'keys', text }),
          holdOutput: presenter.holdOutput?.bind(presenter),
        })
      : undefined,
  };
  try {
    const outcome = await job(env, controls);
    outcome.verdict ??= analyzeRun(kept.list(), { outcome });
    const decided = decideExit(outcome, expect);
    const result: SipEvent = {
      type: 'result',
      t: clock.now(),
      outcome: decided.outcome as Outcome,
      status: outcome.status,
      reason: outcome.reason,
      statusLocal: outcome.statusLocal,
      exitCode: decided.exitCode,
      durationMs: Math.round(clock.now()),
      summary: decided.expectNote ? `${outcome.summary} (${decided.expectNote})` : outcome.summary,
      verdict: outcome.verdict,
      ...(outcome.alsoVerdicts?.length ? { alsoVerdicts: outcome.alsoVerdicts } : {}),
      ...(outcome.media ? { media: outcome.media } : {}),
      ...(outcome.answerLoad ? { answerLoad: outcome.answerLoad } : {}),
      ...(outcome.answer ? { answer: outcome.answer } : {}),
    };
    presenter.onEvent(result);
    return decided.exitCode;
  } finally {
    presenter.finish();
    removeSigint();
    capture?.close();
  }
}

async function runUacCommand(cmd: ParsedCommand, io: CliIo): Promise<number> {
  // `--body -`: read io.stdin (not file descriptor 0) so that in-process runs can feed it.
  const stdinBody = cmd.name === 'request' && cmd.flags.body === '-' ? await readAll(io.stdin) : undefined;
  const plan = buildUacPlan(cmd, () => stdinBody ?? Buffer.alloc(0));
  applyCredentials(plan, cmd.flags, io);
  const hop = nextHop(plan); // the first route (--proxy, --route) or the target
  const label = `${hop.host.includes(':') ? `[${hop.host}]` : hop.host}:${hop.port}`;
  // runUac keeps what its verdict needs (and draws it with the plan): nothing kept twice here.
  return withPresenter(cmd, io, label, plan.expect, (env, controls) => runUac(plan, env, controls), noEvents());
}

async function runDemo(cmd: ParsedCommand, io: CliIo): Promise<number> {
  const scenario = (cmd.args[0] ?? 'call').toLowerCase();
  if (scenario !== 'call' && scenario !== 'timeout') {
    throw new UsageError(`unknown demo ${JSON.stringify(cmd.args[0])}`, "use 'sipcall demo' (a call) or 'sipcall demo timeout'");
  }
  // The demo exists to show the RFC machinery: every timer start and stop is on.
  const flags = { ...cmd.flags, input: false, timers: cmd.flags.timers ?? true };
  return withPresenter({ ...cmd, flags }, io, 'demo UAS', undefined, (env, controls) =>
    scenario === 'call' ? runDemoCall(env, controls, DEFAULT_USER_AGENT) : runDemoTimeout(env, controls, DEFAULT_USER_AGENT),
  );
}

/**
 * `sipcall answer` runs until Ctrl-C (its normal stop) or `--duration`: either way a success,
 * summed up by what it served. It may run for days: it keeps counts, not events (run-events.ts).
 */
async function runAnswer(cmd: ParsedCommand, io: CliIo): Promise<number> {
  const plan = buildAnswerPlan(cmd);
  const job = async (outer: EngineEnv, controls: Pick<CallControls, 'onInterrupt' | 'askIncoming'>): Promise<RunOutcome> => {
    const tally = new AnswerTally();
    const env: EngineEnv = {
      ...outer,
      sink: (e) => {
        tally.add(e);
        outer.sink(e);
      },
    };
    const uas = new AutoAnswer(plan, env);
    // On a terminal a person decides each call (answer, reject, decline, redirect); not under load.
    if (controls.askIncoming && !plan.load) uas.ask = controls.askIncoming;
    // A port in use (or an address not ours) is the machine's state, not a bug: one line, exit 4.
    const local = await uas.start().catch((err: unknown) => {
      throw listenFailure(err, plan) ?? err;
    });
    const since = env.clock.now();
    env.sink({ type: 'note', t: env.clock.now(), level: 'info', text: `answering on ${local.family === 6 ? `[${local.address}]` : local.address}:${local.port} (${plan.transport.toUpperCase()}): INVITE → ${plan.load ? '180' : '100, 180'}, ${plan.respond} after ${plan.ringMs} ms${plan.load ? ' (--load: no per-message output)' : ''}; Ctrl-C to stop` });
    const load = plan.load ? loadSeconds(uas.loadCounters!, env, io.stdout.isTTY === true && cmd.flags.json !== true && cmd.flags.quiet !== true) : undefined;
    const stopped = await new Promise<'interrupt' | 'duration'>((resolve) => {
      let remove = controls.onInterrupt(() => {
        remove();
        resolve('interrupt');
      });
      let timer: ReturnType<typeof env.clock.setTimer> | undefined;
      const removeInterrupt = remove;
      remove = () => {
        if (timer) env.clock.clearTimer(timer);
        removeInterrupt();
      };
      if (plan.durationS !== undefined) {
        timer = env.clock.setTimer(plan.durationS * 1000, () => {
          timer = undefined;
          remove();
          resolve('duration');
        });
      }
    });
    load?.stop();
    await uas.close();
    const by = stopped === 'interrupt' ? 'by Ctrl-C' : 'by --duration';
    if (load) {
      const elapsed = env.clock.now() - since;
      const figures = uas.loadCounters!;
      return { outcome: 'success', summary: answerLoadSummary(by, elapsed, figures, load.peak()), answerLoad: answerLoadResult(elapsed, figures, load.peak()) };
    }
    const elapsed = env.clock.now() - since;
    return { outcome: 'success', summary: tally.summary(by, elapsed, uas.served), answer: tally.result(elapsed, uas.served) };
  };
  return withPresenter(cmd, io, 'caller', undefined, job, verdictEvents());
}

/**
 * `answer --load`: samples the fast path's counters once a second for the peak rate, and on a
 * terminal says the rate in a note (src/present/answer-load.ts).
 */
function loadSeconds(counters: AnswerLoadFigures, env: EngineEnv, show: boolean): { stop(): void; peak(): number } {
  let before = { ...counters };
  let at = env.clock.now();
  let peak = 0;
  let timer: ReturnType<EngineEnv['clock']['setTimer']> | undefined;
  const second = (): void => {
    const now = env.clock.now();
    const rate = Math.round(((counters.answered - before.answered) * 1000) / Math.max(1, now - at));
    peak = Math.max(peak, rate);
    if (show) env.sink({ type: 'note', t: now, level: 'info', code: 'answer-load', text: answerLoadLine(counters, before, now - at) });
    before = { ...counters };
    at = now;
    timer = env.clock.setTimer(1000, second);
  };
  timer = env.clock.setTimer(1000, second);
  return {
    stop: () => {
      if (timer !== undefined) env.clock.clearTimer(timer);
      timer = undefined;
    },
    peak: () => peak,
  };
}

/** `sipcall test FILE…` (src/testfile/, docs/testfile.md): each step's plan is built as its command's. */
async function runTest(cmd: ParsedCommand, io: CliIo): Promise<number> {
  const { runTestCommand } = await import('../testfile/command.js');
  const colorLevel = cmd.flags.json === true ? 0 : resolveColorLevel({ color: cmd.flags.color === true, noColor: cmd.flags.color === false }, io.env, io.stdout.isTTY === true);
  return runTestCommand(cmd.args, cmd.flags, io, {
    colorLevel,
    buildPlan: (c) => buildUacPlan(c as ParsedCommand, () => Buffer.alloc(0)),
  });
}

/** Standard input for `--body -`, to its end (pipes and files). */
async function readAll(stream: CliIo['stdin']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
