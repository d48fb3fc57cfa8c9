/**
 * CANCEL of our INVITE (RFC 3261 §9.1) and the ring timeout that asks for it. §9.1: "If no
 * provisional response has been received, the CANCEL request MUST NOT be sent; rather, the
 * client MUST wait for the arrival of a provisional response before sending the request": on
 * Ctrl-C before any 1xx the CANCEL waits for one. After a 1xx nothing in the transaction bounds
 * the wait (Timer B only acts in Calling, RFC 3261 Figure 5), so sipcall runs its own ring
 * timeout and then cancels.
 */
import type { TimerHandle } from '../../clock/clock.js';
import { buildRequest } from '../../sip/build-request.js';
import type { SipResponse } from '../../sip/message.js';
import type { RunOutcome } from '../outcome.js';
import { transact } from '../transact.js';
import type { CallHost } from './call-host.js';

export class InviteCancel {
  private cancel?: { why: 'ring-timeout' | 'interrupt'; sent: boolean };
  private ringTimer?: TimerHandle;
  private guardTimer?: TimerHandle;

  constructor(private readonly call: CallHost) {}

  /** Why a CANCEL was asked for (the ring timeout or Ctrl-C); undefined while none was. */
  get why(): 'ring-timeout' | 'interrupt' | undefined {
    return this.cancel?.why;
  }

  /** The first 1xx: a CANCEL that waited for it goes now, else the ring timeout starts. */
  firstProvisional(res: SipResponse): void {
    if (this.cancel && !this.cancel.sent) {
      this.sendCancel();
      return;
    }
    const { clock, plan, ctx } = this.call;
    const ms = plan.ringTimeoutS * 1000;
    this.ringTimer = clock.setTimer(ms, () => this.ringTimeout());
    ctx.session.emit({ type: 'waiting', what: `a final response (got ${res.status} ${res.reason}); CANCEL after the ring timeout`, timeoutMs: ms });
  }

  private ringTimeout(): void {
    this.ringTimer = undefined;
    if (this.call.phase !== 'calling' || this.cancel) return;
    const p = this.call.first1xx!;
    this.call.ctx.session.emit({
      type: 'note',
      level: 'warn',
      text: `ring timeout: no final response ${this.call.plan.ringTimeoutS} s after ${p.status} ${p.reason}; Timer B does not run after a 1xx (RFC 3261 Figure 5), so sipcall sends CANCEL (RFC 3261 §9.1)`,
    });
    this.cancel = { why: 'ring-timeout', sent: false };
    this.sendCancel();
  }

  /** Ctrl-C before the answer: CANCEL now, or once a 1xx came; Ctrl-C again gives up at once. */
  interrupt(): void {
    const s = this.call.ctx.session;
    if (this.cancel) {
      s.emit({ type: 'note', level: 'warn', text: 'Ctrl-C again: giving up without waiting for the final response' });
      this.call.finish(this.outcome());
      return;
    }
    this.cancel = { why: 'interrupt', sent: false };
    if (this.call.first1xx) {
      s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: sending CANCEL (RFC 3261 §9.1)' });
      this.clearRing();
      this.sendCancel();
    } else {
      s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: CANCEL waits for a provisional response (RFC 3261 §9.1: a CANCEL SHOULD NOT be sent before one); Ctrl-C again to quit at once' });
    }
  }

  /**
   * RFC 3261 §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header
   * fields in the CANCEL request MUST be identical to those in the request being cancelled,
   * including tags. A CANCEL constructed by a client MUST have only a single Via header field
   * value matching the top Via value in the request being cancelled." Same Route headers too.
   */
  private sendCancel(): void {
    if (!this.cancel || this.cancel.sent) return;
    this.cancel.sent = true;
    const { ctx, plan, clock, invite } = this.call;
    const h = invite.headers;
    const seq = Number.parseInt(h.get('cseq') ?? '1', 10);
    const cancel = buildRequest({
      method: 'CANCEL',
      uri: invite.uri,
      via: h.list('via')[0],
      routes: h.list('route'),
      from: h.get('from') ?? '',
      to: h.get('to') ?? '',
      callId: h.get('call-id') ?? '',
      cseq: seq,
      userAgent: plan.request.userAgent,
    });
    void transact(ctx.session, cancel).then((r) => {
      if (this.call.phase !== 'calling') return;
      if (!r.final) ctx.session.emit({ type: 'note', level: 'warn', text: `the CANCEL got no final response (${r.outcome}); waiting for the INVITE's own final response` });
    });
    // §9.1: "If there is no final response for the original request in 64*T1 seconds …, the
    // client SHOULD then consider the original transaction cancelled and SHOULD destroy the
    // client transaction handling the original request."
    const ms = 64 * plan.net.t1;
    this.guardTimer = clock.setTimer(ms, () => {
      this.guardTimer = undefined;
      if (this.call.phase !== 'calling') return;
      ctx.session.emit({ type: 'note', level: 'warn', text: `no final response to the INVITE ${ms / 1000} s after CANCEL: giving the call up (RFC 3261 §9.1)` });
      this.call.finish(this.outcome());
    });
    ctx.session.emit({ type: 'waiting', what: '487 Request Terminated after CANCEL', timeoutMs: ms });
  }

  /** How the run ends when a CANCEL was asked for, with the final response that came (a 487, or the 2xx that crossed it). */
  outcome(final?: SipResponse): RunOutcome {
    const got = final ? `${final.status} ${final.reason}` : 'no final response';
    if (this.cancel?.why === 'interrupt') {
      return { outcome: 'interrupted', status: final?.status, reason: final?.reason, statusLocal: false, summary: `interrupted: CANCEL sent, ${got}` };
    }
    const p = this.call.first1xx;
    return {
      outcome: 'timeout',
      status: final?.status,
      reason: final?.reason,
      statusLocal: false,
      summary: `ring timeout: only ${p ? `${p.status} ${p.reason}` : 'provisional responses'} for ${this.call.plan.ringTimeoutS} s; CANCEL sent, ${got}`,
    };
  }

  /** A final response came: the ring timeout has nothing left to cut short. */
  clearRing(): void {
    if (this.ringTimer) this.call.clock.clearTimer(this.ringTimer);
    this.ringTimer = undefined;
  }

  /** The end of the run: neither the ring timeout nor the 64·T1 guard after CANCEL outlives it. */
  stop(): void {
    this.clearRing();
    if (this.guardTimer) this.call.clock.clearTimer(this.guardTimer);
  }
}
