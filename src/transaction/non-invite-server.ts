/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8). Pure: one function per
 * state. This is what makes a re-sent BYE get the same 200 again instead of a 481: the final
 * response is kept and re-sent in Completed until Timer J (64·T1 on UDP).
 */
import { ServerStepBuilder } from './server-step-builder.js';
import type { NonInviteServerState, ServerInput, ServerStep } from './server-types.js';
import type { TimerConfig } from './timer-config.js';

type B = ServerStepBuilder<NonInviteServerState>;

/**
 * A new request: enter Trying and pass it up. §17.2.2: "The state machine is initialized in
 * the "Trying" state and is passed a request other than INVITE or ACK when initialized. This
 * request is passed up to the TU."
 */
export function startNonInviteServer(config: TimerConfig): ServerStep<NonInviteServerState> {
  const initial: NonInviteServerState = { kind: 'non-invite-server', name: 'Trying', armed: [], interval: config.t1, sends: 0 };
  return new ServerStepBuilder(initial).begin('Trying').passUp().done();
}

/** One step of the non-INVITE server transaction. Terminated ignores every input. */
export function nonInviteServerStep(state: NonInviteServerState, input: ServerInput, config: TimerConfig): ServerStep<NonInviteServerState> {
  if (input.type === 'timer' && !state.armed.includes(input.timer)) return { state, effects: [] };
  const b = new ServerStepBuilder(state, input.type === 'timer' ? input.timer : undefined);
  switch (state.name) {
    case 'Trying':
    case 'Proceeding':
      beforeFinal(b, input, config);
      break;
    case 'Completed':
      completed(b, input);
      break;
    case 'Terminated':
      return { state, effects: [] };
  }
  return b.done();
}

function beforeFinal(b: B, input: ServerInput, config: TimerConfig): void {
  const trying = b.current.name === 'Trying';
  switch (input.type) {
    case 'request':
      if (trying) {
        // §17.2.2: "Once in the "Trying" state, any further request retransmissions are
        // discarded."
        b.drop('re-sent request discarded in Trying: no response yet (RFC 3261 §17.2.2)');
      } else {
        // §17.2.2: "If a retransmission of the request is received while in the "Proceeding"
        // state, the most recently sent provisional response MUST be passed to the transport
        // layer for retransmission."
        b.send('retransmit').drop('re-sent request: the last provisional response re-sent (RFC 3261 §17.2.2)');
      }
      return;
    case 'transport-error':
      // Figure 8: Proceeding --Transport Err. / Inform TU--> Terminated.
      b.terminate('transport-error', 'transport error');
      return;
    case 'timer':
    case 'ack':
      return; // No timer is armed before the final; an ACK has no non-INVITE transaction.
    case 'respond':
      break;
  }
  const { status } = input;
  if (status < 200) {
    // §17.2.2: "While in the "Trying" state, if the TU passes a provisional response to the
    // server transaction, the server transaction MUST enter the "Proceeding" state. The
    // response MUST be passed to the transport layer for transmission."
    b.send('response', status);
    if (trying) b.goto('Proceeding');
    return;
  }
  // §17.2.2: "If the TU passes a final response (status codes 200-699) to the server while in
  // the "Trying" state [or the "Proceeding" state], the response MUST be passed to the
  // transport layer for transmission, and the server transaction MUST enter the "Completed"
  // state." "When the server transaction enters the "Completed" state, it MUST set Timer J to
  // fire in 64*T1 seconds for unreliable transports, and zero seconds for reliable transports."
  b.send('response', status).goto('Completed');
  if (config.timerJ > 0) b.start('J', config.timerJ);
  else b.terminate('done', 'Timer J is zero on a reliable transport');
}

function completed(b: B, input: ServerInput): void {
  switch (input.type) {
    case 'request':
      // §17.2.2: "While in the "Completed" state, the server transaction MUST pass the final
      // response to the transport layer for retransmission whenever a retransmission of the
      // request is received."
      b.send('retransmit').drop('re-sent request: the final response re-sent (RFC 3261 §17.2.2)');
      return;
    case 'timer':
      // §17.2.2: "The server transaction remains in this state until Timer J fires, at which
      // point it MUST transition to the "Terminated" state."
      if (input.timer === 'J') b.terminate('done', 'Timer J fired');
      return;
    case 'respond':
      // §17.2.2: "Any other final responses passed by the TU to the server transaction MUST be
      // discarded while in the "Completed" state."
      b.drop(`the TU passed a ${input.status} after the final response: discarded (RFC 3261 §17.2.2)`);
      return;
    case 'transport-error':
      // §17.2.4 / Figure 8: Completed --Transport Err. / Inform TU--> Terminated.
      b.terminate('transport-error', 'transport error');
      return;
    case 'ack':
      return;
  }
}
