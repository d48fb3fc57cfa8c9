/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7, as updated by RFC 6026 §7.1 and
 * §8.5–§8.7: a 2xx from the TU leads to Accepted and Timer L instead of Terminated). Pure: one
 * function per state, each returning the next state and the effects for the driver.
 */
import { nextInterval } from './backoff.js';
import { ServerStepBuilder } from './server-step-builder.js';
import type { InviteServerState, ServerInput, ServerStep } from './server-types.js';
import type { TimerConfig } from './timer-config.js';

type B = ServerStepBuilder<InviteServerState>;

/**
 * A new INVITE: enter Proceeding, send 100 Trying, pass the request up.
 *
 * §17.2.1: "When a server transaction is constructed for a request, it enters the
 * "Proceeding" state. The server transaction MUST generate a 100 (Trying) response unless it
 * knows that the TU will generate a provisional or final response within 200 ms […]. The
 * request MUST be passed to the TU." We never know what the TU will do in 200 ms (a prompt
 * may be waiting for a person), so the 100 goes at once.
 */
export function startInviteServer(config: TimerConfig): ServerStep<InviteServerState> {
  const initial: InviteServerState = { kind: 'invite-server', name: 'Proceeding', armed: [], interval: config.timerG, sends: 0 };
  return new ServerStepBuilder(initial).begin('Proceeding').send('trying', 100).passUp().done();
}

/** One step of the INVITE server transaction. Terminated ignores every input. */
export function inviteServerStep(state: InviteServerState, input: ServerInput, config: TimerConfig): ServerStep<InviteServerState> {
  if (input.type === 'timer' && !state.armed.includes(input.timer)) return { state, effects: [] };
  const b = new ServerStepBuilder(state, input.type === 'timer' ? input.timer : undefined);
  switch (state.name) {
    case 'Proceeding':
      proceeding(b, input, config);
      break;
    case 'Completed':
      completed(b, input, config);
      break;
    case 'Confirmed':
      confirmed(b, input);
      break;
    case 'Accepted':
      accepted(b, input);
      break;
    case 'Terminated':
      return { state, effects: [] };
  }
  return b.done();
}

function proceeding(b: B, input: ServerInput, config: TimerConfig): void {
  switch (input.type) {
    case 'request':
      // §17.2.1: "If a request retransmission is received while in the "Proceeding" state,
      // the most recent provisional response that was received from the TU MUST be passed to
      // the transport layer for retransmission."
      b.send('retransmit').drop('re-sent INVITE: the last provisional response re-sent (RFC 3261 §17.2.1)');
      return;
    case 'ack':
      b.drop('an ACK before any final response matches nothing to acknowledge');
      return;
    case 'timer':
      return; // No timer is armed in Proceeding.
    case 'transport-error':
      // Figure 7: Proceeding --Transport Err. / Inform TU--> Terminated.
      b.terminate('transport-error', 'transport error');
      return;
    case 'respond':
      break;
  }
  const { status } = input;
  if (status < 200) {
    // §17.2.1: "So long as the server transaction is in the "Proceeding" state, each of these
    // MUST be passed to the transport layer for transmission. […] and do not cause a change in
    // the state of the server transaction."
    b.send('response', status);
    return;
  }
  if (status < 300) {
    // RFC 6026 §8.5: "If, while in the "Proceeding" state, the TU passes a 2xx response to the
    // server transaction, the server transaction MUST pass this response to the transport layer
    // for transmission. It is not retransmitted by the server transaction; retransmissions of
    // 2xx responses are handled by the TU. The server transaction MUST then transition to the
    // "Accepted" state." §8.7: Timer L is set to 64*T1 on entering Accepted.
    b.send('response', status).goto('Accepted').start('L', config.timerL);
    return;
  }
  // §17.2.1: "While in the "Proceeding" state, if the TU passes a response with status code
  // from 300 to 699 to the server transaction, the response MUST be passed to the transport
  // layer for transmission, and the state machine MUST enter the "Completed" state. For
  // unreliable transports, timer G is set to fire in T1 seconds, and is not set to fire for
  // reliable transports." "When the "Completed" state is entered, timer H MUST be set to fire
  // in 64*T1 seconds for all transports."
  b.send('response', status).goto('Completed');
  if (!config.reliable) b.set({ interval: config.timerG }).start('G', config.timerG);
  b.start('H', config.timerH);
}

function completed(b: B, input: ServerInput, config: TimerConfig): void {
  switch (input.type) {
    case 'timer':
      if (input.timer === 'G') {
        // §17.2.1: "If timer G fires, the response is passed to the transport layer once more
        // for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds. From then
        // on, when timer G fires, the response is passed to the transport again for
        // transmission, and timer G is reset with a value that doubles, unless that value
        // exceeds T2, in which case it is reset with the value of T2."
        const next = nextInterval(b.current.interval, config.t2);
        b.send('retransmit').set({ interval: next }).start('G', next);
        return;
      }
      if (input.timer === 'H') {
        // §17.2.1: "If timer H fires while in the "Completed" state, it implies that the ACK
        // was never received. In this case, the server transaction MUST transition to the
        // "Terminated" state, and MUST indicate to the TU that a transaction failure has
        // occurred."
        b.terminate('no-ack', 'Timer H fired: no ACK');
      }
      return;
    case 'request':
      // §17.2.1: "Furthermore, while in the "Completed" state, if a request retransmission is
      // received, the server SHOULD pass the response to the transport for retransmission."
      b.send('retransmit').drop('re-sent INVITE: the final response re-sent (RFC 3261 §17.2.1)');
      return;
    case 'ack':
      // §17.2.1: "If an ACK is received while the server transaction is in the "Completed"
      // state, the server transaction MUST transition to the "Confirmed" state. As Timer G is
      // ignored in this state, any retransmissions of the response will cease."
      // "When this state is entered, timer I is set to fire in T4 seconds for unreliable
      // transports, and zero seconds for reliable transports."
      b.stop('G', 'ACK received').stop('H', 'ACK received').goto('Confirmed').drop('the ACK for our non-2xx final is absorbed here (RFC 3261 §17.2.1)');
      if (config.timerI > 0) b.start('I', config.timerI);
      else b.terminate('done', 'Timer I is zero on a reliable transport');
      return;
    case 'transport-error':
      // Figure 7: Completed --Timer H fires or Transport Err. / Inform TU--> Terminated.
      b.terminate('transport-error', 'transport error');
      return;
    case 'respond':
      b.drop(`the TU passed a ${input.status} after the final response: not sent (RFC 3261 Figure 7)`);
  }
}

function confirmed(b: B, input: ServerInput): void {
  if (input.type === 'timer') {
    // §17.2.1: "Once timer I fires, the server MUST transition to the "Terminated" state."
    if (input.timer === 'I') b.terminate('done', 'Timer I fired');
    return;
  }
  // §17.2.1: "The purpose of the "Confirmed" state is to absorb any additional ACK messages
  // that arrive, triggered from retransmissions of the final response."
  if (input.type === 'ack' || input.type === 'request') b.drop(`re-sent ${input.type === 'ack' ? 'ACK' : 'INVITE'} absorbed in Confirmed (RFC 3261 §17.2.1)`);
}

function accepted(b: B, input: ServerInput): void {
  switch (input.type) {
    case 'timer':
      // RFC 6026 §8.7: "If Timer L fires while the INVITE server transaction is in the
      // "Accepted" state, the transaction MUST transition to the "Terminated" state."
      if (input.timer === 'L') b.terminate('done', 'Timer L fired');
      return;
    case 'respond':
      // RFC 6026 §8.7: the TU's own retransmissions of the 2xx (RFC 3261 §13.3.1.4) pass through
      // to the transport; anything else after the 2xx is not sent.
      if (input.status >= 200 && input.status < 300) b.send('response', input.status);
      else b.drop(`the TU passed a ${input.status} after a 2xx: not sent (RFC 6026 Figure 7)`);
      return;
    case 'request':
      // RFC 6026 Figure 7, Accepted: a re-sent INVITE is absorbed. The 2xx goes again on the
      // TU's own schedule (RFC 3261 §13.3.1.4), so the transaction sends nothing for it.
      b.drop('re-sent INVITE absorbed in Accepted; the TU re-sends its 2xx until the ACK (RFC 6026 §8.7)');
      return;
    case 'ack':
      // RFC 6026 Figure 7, Accepted: an ACK that matches the transaction goes to the TU (it
      // acknowledges the 2xx, and the TU stops re-sending it).
      b.passUp();
      return;
    case 'transport-error':
      // RFC 6026 Figure 7 draws no transport error out of Accepted: the TU's 2xx retransmission
      // that failed is the TU's concern.
      return;
  }
}
