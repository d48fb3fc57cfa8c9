/**
 * `step(state, input, config) → { state, effects }` for either client transaction, and
 * `start(method, config)` for the first step. Pure.
 */
import { inviteClientStep, startInviteClient } from './invite-client.js';
import { nonInviteClientStep, startNonInviteClient } from './non-invite-client.js';
import type { TimerConfig } from './timer-config.js';
import type { ClientInput, ClientState, InviteClientState, NonInviteClientState, Step } from './types.js';

/**
 * The first step of a client transaction for `method`: INVITE gets Figure 5 (Calling), every
 * other method Figure 6 (Trying). ACK never has a client transaction of its own (§17.1).
 */
export function start(method: string, config: TimerConfig): Step {
  return method === 'INVITE' ? startInviteClient(config) : startNonInviteClient(config);
}

export function step(state: InviteClientState, input: ClientInput, config: TimerConfig): Step<InviteClientState>;
export function step(state: NonInviteClientState, input: ClientInput, config: TimerConfig): Step<NonInviteClientState>;
export function step(state: ClientState, input: ClientInput, config: TimerConfig): Step;
export function step(state: ClientState, input: ClientInput, config: TimerConfig): Step {
  return state.kind === 'invite' ? inviteClientStep(state, input, config) : nonInviteClientStep(state, input, config);
}
