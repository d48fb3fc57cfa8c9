import type { Clock, TimerHandle } from '../clock/clock.js';
import type { EventInput, TransportName } from '../events/types.js';
import { inDialogRequest, type Dialog } from '../dialog/dialog.js';
import { newBranch, type RandomSource } from '../sip/ids.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { TimerConfig } from '../transaction/timer-config.js';
import type { Listener } from '../transport/transport.js';
import type { Flow } from './pending-invite.js';
import { uasDialog } from './uas-dialog.js';
import type { UasMedia } from './uas-media.js';
import type { EngineEnv } from './session.js';

/** A call we answered and may hang up (`--bye-after`): its dialog as the UAS (§12.1.1). */
interface AnsweredCall {
  dialog: Dialog;
  flow: Flow;
  /** The ACK came: the call is confirmed. */
  confirmedAt?: number;
  byeTimer?: TimerHandle;
}

export interface ByeAfterOptions {
  /** `--bye-after S`; undefined: the caller hangs up. */
  byeAfterS: number | undefined;
  /** Our User-Agent header value. */
  userAgent: string;
  env: EngineEnv;
  emit: (e: EventInput) => void;
  random: RandomSource | undefined;
  /** The dialogs of ours that are up, by dialog id (the UAS core's). */
  dialogs: Set<string>;
  media: UasMedia;
}

/**
 * `sipcall answer --bye-after S`: the UAS ends each call it answered with a BYE (RFC 3261
 * §15: "The caller's UA MAY send a BYE for either confirmed or early dialogs, and the
 * callee's UA MAY send a BYE on confirmed dialogs, but MUST NOT send a BYE on early dialogs")
 * S seconds after its ACK, over a non-INVITE client transaction (§17.1.2) on the flow the
 * INVITE came on; the caller's own BYE first ends the wait.
 */
export class ByeAfter {
  /** Answered calls we will hang up, by dialog id. */
  private readonly calls = new Map<string, AnsweredCall>();
  /** Client transactions for our BYEs. */
  private clients?: TransactionLayer;
  private clientTimers?: { reliable: TimerConfig; unreliable: TimerConfig };
  private listener?: Listener;
  private closed = false;

  constructor(private readonly o: ByeAfterOptions) {}

  private get clock(): Clock {
    return this.o.env.clock;
  }

  /** `answer`'s own listener is up: our BYEs leave from it, with these transaction timers. */
  start(listener: Listener, timers: { reliable: TimerConfig; unreliable: TimerConfig }): void {
    this.listener = listener;
    this.clientTimers = timers;
    this.clients = new TransactionLayer({ clock: this.clock, emit: (e) => this.o.env.sink(e) });
  }

  /**
   * Our 2xx to `invite` created the dialog `dialogId` (§12.1.1): with `--bye-after` we keep it,
   * to hang up on `flow`, or say why we cannot (no flow back, no usable Contact or
   * Record-Route).
   */
  answered(dialogId: string, invite: SipRequest, toTag: string, flow: Flow | undefined): void {
    if (this.o.byeAfterS === undefined) return;
    const dialog = uasDialog(invite, toTag);
    if (flow && dialog) this.calls.set(dialogId, { dialog, flow });
    else this.o.emit({ type: 'note', level: 'warn', code: 'no-bye', text: `--bye-after: cannot hang up this call (${dialog ? 'no flow back to the caller' : 'the INVITE has no usable Contact or Record-Route'}); it ends when the caller hangs up` });
  }

  /** `--bye-after S`: S seconds after the ACK, we end the call with a BYE. */
  confirmed(dialogId: string): void {
    const call = this.calls.get(dialogId);
    if (!call || this.o.byeAfterS === undefined || call.byeTimer !== undefined) return;
    call.confirmedAt = this.clock.now();
    call.byeTimer = this.clock.setTimer(this.o.byeAfterS * 1000, () => this.hangUp(dialogId));
  }

  /** The call ended by the caller: no BYE of ours any more. */
  forget(dialogId: string): void {
    const call = this.calls.get(dialogId);
    if (call?.byeTimer !== undefined) this.clock.clearTimer(call.byeTimer);
    this.calls.delete(dialogId);
  }

  /** Whether a call we will hang up came on the flow `peer` (`host:port`): it must stay open. */
  needsFlow(peer: string): boolean {
    for (const c of this.calls.values()) if (c.flow.peer === peer) return true;
    return false;
  }

  /** A response that came to `answer`'s listener: the answer to one of our BYEs, or a stray. */
  receive(res: SipResponse, peer: string, transport: TransportName, buf: Buffer): void {
    this.clients!.receive(res, peer, transport, buf);
  }

  /** `answer` stops: no more BYEs, and their transactions end. */
  close(): void {
    this.closed = true;
    for (const id of [...this.calls.keys()]) this.forget(id);
    this.clients?.close();
  }

  /**
   * Our BYE (RFC 3261 §15.1.1): a request in the dialog (§12.2.1.1: CSeq one up, To = the
   * caller, Request-URI the caller's Contact, Route from its Record-Route) through a non-INVITE
   * client transaction. It goes back on the flow the INVITE came on (the datagram's source,
   * the same TCP/TLS/WebSocket connection: RFC 3261 §18.2.2's way back, and over WebSocket the
   * only one, RFC 7118 §5.2), not to a connection of its own. The media stops at once (§15.1.1:
   * "the caller's UA MUST NOT send … media after it sent the BYE").
   */
  private hangUp(dialogId: string): void {
    const call = this.calls.get(dialogId);
    this.calls.delete(dialogId);
    if (!call || this.closed || !this.o.dialogs.has(dialogId)) return;
    this.o.dialogs.delete(dialogId);
    const local = this.listener!.local;
    const host = local.family === 6 ? `[${local.address}]` : local.address;
    const via = `SIP/2.0/${call.flow.transport} ${host}:${local.port};branch=${newBranch(this.o.random)};rport`;
    const bye = inDialogRequest(call.dialog, 'BYE', via, this.o.userAgent);
    const after = ((this.clock.now() - (call.confirmedAt ?? this.clock.now())) / 1000).toFixed(1);
    // We stop sending at once; the RTP socket stays open until the BYE is answered, so that
    // the caller's packets still on their way (it sends until it has our BYE) do not meet a
    // closed port and draw ICMP port unreachable errors, which the caller would rightly read
    // as rtp-port-unreachable.
    const stream = this.o.media.silence(dialogId);
    const timers = call.flow.reliable ? this.clientTimers!.reliable : this.clientTimers!.unreliable;
    // Said at the final response (over UDP the transaction lingers for Timer K after it), or
    // when the transaction ends without one (Timer F, a transport error).
    let said = false;
    const done = (answer: string, ok: boolean): void => {
      if (said) return;
      said = true;
      stream?.stop('we hung up (BYE)');
      this.o.emit({ type: 'note', level: ok ? 'info' : 'warn', code: 'we-hung-up', text: `we hung up after ${after} s (--bye-after): BYE answered ${answer}` });
    };
    this.clients!.send(bye, { transport: call.flow.transport, reliable: call.flow.reliable, to: call.flow.peer, timers, port: (bytes) => call.flow.reply(bytes) }, {
      onResponse: (res) => {
        if (res.status >= 200) done(`${res.status} ${res.reason}`, res.status < 300);
      },
      onTerminated: (end) => done(end.status === undefined ? end.outcome : `${end.status}${end.local ? ' (local)' : ''} (${end.outcome})`, false),
    });
  }
}
