/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6). Pure: one function per
 * state, each returning the next state and the effects for the driver.
 */
import { nextInterval } from './backoff.js';
import { StepBuilder } from './step-builder.js';
import type { TimerConfig } from './timer-config.js';
import {
  TIMEOUT_STATUS,
  TRANSPORT_ERROR_STATUS,
  type ClientInput,
  type NonInviteClientState,
  type Step,
} from './types.js';

type B = StepBuilder<NonInviteClientState>;

/**
 * Sends the request and enters Trying.
 *
 * RFC 3261 §17.1.2.2: "The "Trying" state is entered when the TU initiates a new client
 * transaction with a request. When entering this state, the client transaction SHOULD set
 * timer F to fire in 64*T1 seconds. The request MUST be passed to the transport layer for
 * transmission. If an unreliable transport is in use, the client transaction MUST set timer
 * E to fire in T1 seconds."
 */
export function startNonInviteClient(config: TimerConfig): Step<NonInviteClientState> {
  const initial: NonInviteClientState = { kind: 'non-invite', name: 'Trying', interval: config.timerE, armed: [], sends: 0 };
  const b = new StepBuilder(initial).begin('Trying').send('initial');
  if (!config.reliable) b.start('E', config.timerE);
  return b.start('F', config.timerF).done();
}

/** One step of the non-INVITE client transaction. Terminated ignores every input. */
export function nonInviteClientStep(
  state: NonInviteClientState,
  input: ClientInput,
  config: TimerConfig,
): Step<NonInviteClientState> {
  if (input.type === 'timer' && !state.armed.includes(input.timer)) return { state, effects: [] };
  const b = new StepBuilder(state, input.type === 'timer' ? input.timer : undefined);
  switch (state.name) {
    case 'Trying':
      trying(b, input, config);
      break;
    case 'Proceeding':
      proceeding(b, input, config);
      break;
    case 'Completed':
      completed(b, input);
      break;
    case 'Terminated':
      return { state, effects: [] };
  }
  return b.done();
}

function trying(b: B, input: ClientInput, config: TimerConfig): void {
  if (input.type === 'timer') {
    if (input.timer === 'E') {
      // §17.1.2.2: "If timer E fires while still in this state, the timer is reset, but this
      // time with a value of MIN(2*T1, T2). When the timer fires again, it is reset to a
      // MIN(4*T1, T2). This process continues so that retransmissions occur with an
      // exponentially increasing interval that caps at T2."
      const next = nextInterval(b.current.interval, config.t2);
      b.send('retransmit').set({ interval: next }).start('E', next);
      return;
    }
    if (input.timer === 'F') {
      // §17.1.2.2: "If Timer F fires while the client transaction is still in the "Trying"
      // state, the client transaction SHOULD inform the TU about the timeout, and then it
      // SHOULD enter the "Terminated" state." §8.1.3.1: treated as a local 408.
      b.terminate('timeout', TIMEOUT_STATUS, true, 'Timer F fired');
    }
    return;
  }
  if (input.type === 'transport-error') {
    transportError(b);
    return;
  }
  if (input.status < 200) {
    // §17.1.2.2: "If a provisional response is received while in the "Trying" state, the
    // response MUST be passed to the TU, and then the client transaction SHOULD move to the
    // "Proceeding" state." Timer E stays armed and fires as scheduled.
    b.passUp().goto('Proceeding');
    return;
  }
  // §17.1.2.2: "If a final response (status codes 200-699) is received while in the "Trying"
  // state, the response MUST be passed to the TU, and the client transaction MUST transition
  // to the "Completed" state."
  finalResponse(b, input.status, config);
}

function proceeding(b: B, input: ClientInput, config: TimerConfig): void {
  if (input.type === 'timer') {
    if (input.timer === 'E') {
      // §17.1.2.2: "If Timer E fires while in the "Proceeding" state, the request MUST be
      // passed to the transport layer for retransmission, and Timer E MUST be reset with a
      // value of T2 seconds."
      b.send('retransmit').set({ interval: config.t2 }).start('E', config.t2);
      return;
    }
    if (input.timer === 'F') {
      // §17.1.2.2: "If timer F fires while in the "Proceeding" state, the TU MUST be informed
      // of a timeout, and the client transaction MUST transition to the terminated state."
      b.terminate('timeout', TIMEOUT_STATUS, true, 'Timer F fired');
    }
    return;
  }
  if (input.type === 'transport-error') {
    transportError(b);
    return;
  }
  if (input.status < 200) {
    // Figure 6: Proceeding --1xx / 1xx to TU--> Proceeding.
    b.passUp();
    return;
  }
  // §17.1.2.2: "If a final response (status codes 200-699) is received while in the
  // "Proceeding" state, the response MUST be passed to the TU, and the client transaction
  // MUST transition to the "Completed" state."
  finalResponse(b, input.status, config);
}

/**
 * A final response in Trying or Proceeding. §17.1.2.2: "Once the client transaction enters
 * the "Completed" state, it MUST set Timer K to fire in T4 seconds for unreliable transports,
 * and zero seconds for reliable transports."
 */
function finalResponse(b: B, status: number, config: TimerConfig): void {
  b.stop('E', 'final response').stop('F', 'final response');
  b.set({ final: status }).passUp().goto('Completed');
  if (config.timerK > 0) b.start('K', config.timerK);
  else b.terminate('final', status, false, 'Timer K is zero on a reliable transport');
}

function completed(b: B, input: ClientInput): void {
  if (input.type === 'timer') {
    // §17.1.2.2: "If Timer K fires while in this state, the client transaction MUST
    // transition to the "Terminated" state."
    if (input.timer === 'K') b.terminate('final', b.current.final, false, 'Timer K fired');
    return;
  }
  // Nothing is sent in Completed, so no transport failure concerns it (Figure 6).
  if (input.type === 'transport-error') return;
  // §17.1.2.2: "The "Completed" state exists to buffer any additional response
  // retransmissions that may be received".
  b.drop('response in Completed: absorbed (RFC 3261 §17.1.2.2)');
}

/**
 * RFC 3261 §17.1.4: "The client transaction SHOULD inform the TU that a transport failure has
 * occurred, and the client transaction SHOULD transition directly to the "Terminated"
 * state." §8.1.3.1: treated as a 503, made up locally.
 */
function transportError(b: B): void {
  b.terminate('transport-error', TRANSPORT_ERROR_STATUS, true, 'transport error');
}
