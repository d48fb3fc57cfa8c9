/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, as updated by RFC 6026 §7.2 and
 * §8.4: a 2xx leads to Accepted and Timer M instead of Terminated). Pure: one function per
 * state, each returning the next state and the effects for the driver.
 */
import { nextInterval } from './backoff.js';
import { StepBuilder } from './step-builder.js';
import type { TimerConfig } from './timer-config.js';
import {
  TIMEOUT_STATUS,
  TRANSPORT_ERROR_STATUS,
  type ClientInput,
  type InviteClientState,
  type Step,
} from './types.js';

type B = StepBuilder<InviteClientState>;

/**
 * Sends the INVITE and enters Calling.
 *
 * RFC 3261 §17.1.1.2: "The initial state, "Calling", MUST be entered when the TU initiates a
 * new client transaction with an INVITE request. The client transaction MUST pass the
 * request to the transport layer for transmission […]. If an unreliable transport is being
 * used, the client transaction MUST start timer A with a value of T1. If a reliable transport
 * is being used, the client transaction SHOULD NOT start timer A […]. For any transport, the
 * client transaction MUST start timer B with a value of 64*T1 seconds".
 */
export function startInviteClient(config: TimerConfig): Step<InviteClientState> {
  const initial: InviteClientState = { kind: 'invite', name: 'Calling', interval: config.timerA, armed: [], sends: 0 };
  const b = new StepBuilder(initial).begin('Calling').send('initial');
  if (!config.reliable) b.start('A', config.timerA);
  return b.start('B', config.timerB).done();
}

/** One step of the INVITE client transaction. Terminated ignores every input. */
export function inviteClientStep(state: InviteClientState, input: ClientInput, config: TimerConfig): Step<InviteClientState> {
  if (input.type === 'timer' && !state.armed.includes(input.timer)) return { state, effects: [] };
  const b = new StepBuilder(state, input.type === 'timer' ? input.timer : undefined);
  switch (state.name) {
    case 'Calling':
      calling(b, input, config);
      break;
    case 'Proceeding':
      proceeding(b, input, config);
      break;
    case 'Completed':
      completed(b, input);
      break;
    case 'Accepted':
      accepted(b, input);
      break;
    case 'Terminated':
      return { state, effects: [] };
  }
  return b.done();
}

function calling(b: B, input: ClientInput, config: TimerConfig): void {
  if (input.type === 'timer') {
    if (input.timer === 'A') {
      // §17.1.1.2: "When timer A fires, the client transaction MUST retransmit the request by
      // passing it to the transport layer, and MUST reset the timer with a value of 2*T1. […]
      // This process MUST continue so that the request is retransmitted with intervals that
      // double after each transmission." (No cap: only Timer E is capped at T2.)
      const next = nextInterval(b.current.interval);
      b.send('retransmit').set({ interval: next }).start('A', next);
      return;
    }
    if (input.timer === 'B') {
      // §17.1.1.2: "If the client transaction is still in the "Calling" state when timer B
      // fires, the client transaction SHOULD inform the TU that a timeout has occurred."
      // §8.1.3.1: the UAC treats it as a 408 (Request Timeout), made up locally.
      b.terminate('timeout', TIMEOUT_STATUS, true, 'Timer B fired');
    }
    return;
  }
  if (input.type === 'transport-error') {
    transportError(b);
    return;
  }
  const { status } = input;
  if (status < 200) {
    // §17.1.1.2: "If the client transaction receives a provisional response while in the
    // "Calling" state, it transitions to the "Proceeding" state. In the "Proceeding" state,
    // the client transaction SHOULD NOT retransmit the request any longer. Furthermore, the
    // provisional response MUST be passed to the TU."
    // Timer B only acts in Calling (Figure 5): after a 1xx nothing here bounds the wait.
    b.stop('A', 'provisional response').stop('B', 'provisional response: Timer B only acts in Calling');
    b.goto('Proceeding').passUp();
    return;
  }
  b.stop('A', 'final response').stop('B', 'final response');
  finalResponse(b, status, config);
}

function proceeding(b: B, input: ClientInput, config: TimerConfig): void {
  if (input.type === 'timer') return; // No timer is armed in Proceeding.
  if (input.type === 'transport-error') {
    // Figure 5 draws this edge from Calling and Completed, where the transaction sends;
    // §17.1.4 covers any failure the transport reports, e.g. a TCP connection reset while
    // waiting for the final response, which can then never arrive.
    transportError(b);
    return;
  }
  if (input.status < 200) {
    // §17.1.1.2: "Any further provisional responses MUST be passed up to the TU while in the
    // "Proceeding" state."
    b.passUp();
    return;
  }
  finalResponse(b, input.status, config);
}

/** A final response in Calling or Proceeding. */
function finalResponse(b: B, status: number, config: TimerConfig): void {
  b.set({ final: status });
  if (status < 300) {
    // RFC 6026 §8.4: "If a 2xx response is received while the client INVITE state machine is
    // in the "Calling" or "Proceeding" states, it MUST transition to the "Accepted" state,
    // pass the 2xx response to the TU, and set Timer M to 64*T1."
    // The ACK for a 2xx is the TU's job, not the transaction's (§13.2.2.4).
    b.goto('Accepted').passUp().start('M', config.timerM);
    return;
  }
  // §17.1.1.2: "When in either the "Calling" or "Proceeding" states, reception of a response
  // with status code from 300-699 MUST cause the client transaction to transition to
  // "Completed". The client transaction MUST pass the received response up to the TU, and
  // the client transaction MUST generate an ACK request, even if the transport is reliable
  // […]. The client transaction SHOULD start timer D when it enters the "Completed" state,
  // with a value of at least 32 seconds for unreliable transports, and a value of zero
  // seconds for reliable transports."
  b.goto('Completed').passUp().send('ack');
  if (config.timerD > 0) b.start('D', config.timerD);
  else b.terminate('final', status, false, 'Timer D is zero on a reliable transport');
}

function completed(b: B, input: ClientInput): void {
  const final = b.current.final;
  if (input.type === 'timer') {
    // §17.1.1.2: "If timer D fires while the client transaction is in the "Completed" state,
    // the client transaction MUST move to the terminated state."
    if (input.timer === 'D') b.terminate('final', final, false, 'Timer D fired');
    return;
  }
  if (input.type === 'transport-error') {
    // Figure 5: Completed --Transport Err. / Inform TU--> Terminated (sending the ACK failed).
    transportError(b);
    return;
  }
  if (input.status >= 300) {
    // §17.1.1.2: "Any retransmissions of the final response that are received while in the
    // "Completed" state MUST cause the ACK to be re-passed to the transport layer for
    // retransmission, but the newly received response MUST NOT be passed up to the TU."
    b.send('ack').drop('retransmitted final response: ACK re-sent (RFC 3261 §17.1.1.2)');
    return;
  }
  b.drop(`Completed after the ${final} final passes nothing more up (RFC 3261 Figure 5)`);
}

function accepted(b: B, input: ClientInput): void {
  if (input.type === 'timer') {
    // RFC 6026 §8.4: "If Timer M fires while the client transaction is in the "Accepted"
    // state, the client transaction MUST move to the "Terminated" state."
    if (input.timer === 'M') b.terminate('final', b.current.final, false, 'Timer M fired');
    return;
  }
  // The transaction sends nothing in Accepted (the ACK for 2xx belongs to the TU), so no
  // transport failure concerns it: RFC 6026 Figure 5 draws no such edge.
  if (input.type === 'transport-error') return;
  if (input.status >= 200 && input.status < 300) {
    // RFC 6026 §8.4: "Any 2xx responses that match this client transaction and that are
    // received while in the "Accepted" state MUST be passed up to the TU. The client
    // transaction MUST NOT generate an ACK to the 2xx response."
    b.passUp();
    return;
  }
  // RFC 6026 Figure 5 has no edge for anything but a 2xx in Accepted: dropped.
  b.drop('in Accepted only 2xx responses are passed up (RFC 6026 §8.4)');
}

/**
 * RFC 3261 §17.1.4: "The client transaction SHOULD inform the TU that a transport failure has
 * occurred, and the client transaction SHOULD transition directly to the "Terminated"
 * state." §8.1.3.1: the failure "MUST be treated as a 503 (Service Unavailable) status code".
 */
function transportError(b: B): void {
  b.terminate('transport-error', TRANSPORT_ERROR_STATUS, true, 'transport error');
}
