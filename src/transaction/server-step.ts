/**
 * `serverStep(state, input, config) → { state, effects }` for either server transaction, and
 * `startServer(method, config)` for the first step. Pure.
 */
import { inviteServerStep, startInviteServer } from './invite-server.js';
import { nonInviteServerStep, startNonInviteServer } from './non-invite-server.js';
import type { InviteServerState, NonInviteServerState, ServerInput, ServerState, ServerStep } from './server-types.js';
import type { TimerConfig } from './timer-config.js';

/**
 * The first step of a server transaction for a new request: INVITE gets Figure 7, every other
 * method but ACK Figure 8. An ACK never creates a server transaction (§17.2.3: an ACK that
 * matches none goes to the core: it acknowledges a 2xx).
 */
export function startServer(method: string, config: TimerConfig): ServerStep {
  return method === 'INVITE' ? startInviteServer(config) : startNonInviteServer(config);
}

export function serverStep(state: InviteServerState, input: ServerInput, config: TimerConfig): ServerStep<InviteServerState>;
export function serverStep(state: NonInviteServerState, input: ServerInput, config: TimerConfig): ServerStep<NonInviteServerState>;
export function serverStep(state: ServerState, input: ServerInput, config: TimerConfig): ServerStep;
export function serverStep(state: ServerState, input: ServerInput, config: TimerConfig): ServerStep {
  return state.kind === 'invite-server' ? inviteServerStep(state, input, config) : nonInviteServerStep(state, input, config);
}
