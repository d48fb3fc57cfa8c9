import { TransportError } from '../transport/errors.js';
import { runCall, type CallControls } from './call.js';
import { runBye, runGeneric, runOptions, runRegister } from './non-invite.js';
import type { RunOutcome } from './outcome.js';
import type { UacPlan } from './plan.js';
import type { EngineEnv } from './session.js';
import { openUacContext } from './uac-context.js';
import type { RandomSource } from '../sip/ids.js';

/**
 * Runs one UAC plan from start to end: resolve, open the transport, run the command, close
 * everything. Never throws for network trouble: a name that does not resolve or a socket that
 * cannot be opened is a `transport-error` outcome (the transport.error event says why).
 */
export async function runUac(plan: UacPlan, env: EngineEnv, controls: CallControls, random?: RandomSource): Promise<RunOutcome> {
  let ctx;
  try {
    ctx = await openUacContext(plan, env, random);
  } catch (err) {
    if (err instanceof TransportError) {
      env.sink({ type: 'transport.error', t: env.clock.now(), transport: err.transport, code: err.code, message: err.message, to: `${plan.destination.host}:${plan.destination.port}` });
      return { outcome: 'transport-error', status: 503, reason: 'Service Unavailable', statusLocal: true, summary: `${plan.kind.toUpperCase()}: ${err.message} (local 503, not from the peer)` };
    }
    throw err;
  }
  const removeInterrupt = plan.kind === 'invite' ? () => {} : controls.onInterrupt(() => interrupt?.());
  let interrupt: (() => void) | undefined;
  try {
    const interrupted = new Promise<RunOutcome>((resolve) => {
      interrupt = () => resolve({ outcome: 'interrupted', summary: `${plan.kind.toUpperCase()}: interrupted before a final response` });
    });
    switch (plan.kind) {
      case 'invite':
        return await runCall(ctx, plan, controls);
      case 'options':
        return await Promise.race([runOptions(ctx, plan), interrupted]);
      case 'register':
        return await Promise.race([runRegister(ctx, plan), interrupted]);
      case 'bye':
        return await Promise.race([runBye(ctx, plan), interrupted]);
      case 'request':
        return await Promise.race([runGeneric(ctx, plan), interrupted]);
    }
  } finally {
    removeInterrupt();
    await ctx.session.close();
  }
}
