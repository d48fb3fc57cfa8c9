import type { Clock, TimerHandle } from '../clock/clock.js';
import { inDialogRequest, type Dialog } from '../dialog/dialog.js';
import { headerParam } from '../dialog/name-addr-uri.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { outcomeOf } from './describe-outcome.js';
import type { RunOutcome } from './outcome.js';
import type { InvitePlan } from './plan.js';
import { isChallenge } from './authenticate.js';
import { transactAuthenticated } from './transact-auth.js';
import type { UacContext } from './uac-context.js';
import { CallMedia } from './call-media.js';
import { WavOpenError } from './wav-writer.js';
import { UsageError } from './errors.js';
import { TransportError } from '../transport/errors.js';
import { callActions } from './call/actions.js';
import type { CallHost, Phase } from './call/call-host.js';
import { InviteCancel } from './call/cancel.js';
import type { CallControls } from './call/controls.js';
import { Hold } from './call/hold.js';
import { buildInvite, retryAfter422 } from './call/invite-request.js';
import { MediaActions } from './call/media-actions.js';
import { judgeMedia } from './call/media-judgement.js';
import { byeOutcome, finalOutcome, peerByeOutcome } from './call/outcomes.js';
import { PeerRequests } from './call/peer-requests.js';
import { PlaceholderSdp } from './call/placeholder-sdp.js';
import { ReInvite } from './call/reinvite.js';
import { ReliableProvisionals } from './call/reliable-provisionals.js';
import { Responses2xx } from './call/responses-2xx.js';
import { SessionTimer } from './call/session-timer.js';
import { Transfer } from './call/transfer.js';


/**
 * Places a call (RFC 3261 §13): INVITE, the responses, the ACK for a 2xx (§13.2.2.4), the
 * dialog (§12.1.2), holding, BYE (§15.1.1); CANCEL (§9.1) on Ctrl-C or when the ring timeout
 * runs out after a 1xx (Timer B only acts in Calling, RFC 3261 Figure 5).
 */
export function runCall(ctx: UacContext, plan: InvitePlan, controls: CallControls): Promise<RunOutcome> {
  return new Call(ctx, plan, controls).run();
}

/**
 * One call's life (RFC 3261 §12: "A dialog represents a peer-to-peer SIP relationship between
 * two user agents that persists for some time"): the INVITE and its responses, the dialog the
 * 2xx confirms, the time it is held up, and its end. The machinery around it lives in
 * src/engine/call/: PRACK, CANCEL, the 2xx and their ACKs, re-INVITE, hold, session timer,
 * transfer, the peer's requests, the media's actions and judgement.
 */
class Call implements CallHost {
  phase: Phase = 'calling';
  readonly clock: Clock;
  invite!: SipRequest;
  first1xx?: SipResponse;
  dialog?: Dialog;
  answer?: SipResponse;
  /** The RTP side (docs/media.md); undefined with --no-media or --no-sdp. */
  media?: CallMedia;
  /** --hold-after / --hold-for and session refresh timers (RFC 4028), cleared when the call ends. */
  private callTimers: TimerHandle[] = [];
  /** The end of --duration: BYE. */
  private durationTimer?: TimerHandle;
  private lingerTimer?: TimerHandle;
  private hangupWait?: { promise: Promise<void>; cancel(): void };
  private resolve!: (o: RunOutcome) => void;
  private removeInterrupt?: () => void;
  private heldFrom = 0;
  /** Why the media could not be used (a refused answer): the call ends with BYE and exit 6. */
  private mediaRefused = false;
  /** A 422 is followed once per call (RFC 4028 §7.4). */
  private first422Done = false;

  private readonly placeholder = new PlaceholderSdp();
  private readonly prack: ReliableProvisionals;
  private readonly cancel: InviteCancel;
  private readonly reinvite: ReInvite;
  private readonly responses: Responses2xx;
  private readonly hold: Hold;
  private readonly sessionTimer: SessionTimer;
  private readonly transfer: Transfer;
  private readonly peer: PeerRequests;
  private readonly mediaActions: MediaActions;

  constructor(
    readonly ctx: UacContext,
    readonly plan: InvitePlan,
    readonly controls: CallControls,
  ) {
    this.clock = ctx.session.env.clock;
    this.prack = new ReliableProvisionals(ctx, plan);
    this.cancel = new InviteCancel(this);
    this.reinvite = new ReInvite(this, this.placeholder);
    this.responses = new Responses2xx(this, () => this.reinvite.lastAck, (res) => this.success(res));
    this.hold = new Hold(this, this.reinvite);
    this.sessionTimer = new SessionTimer(this, this.reinvite, this.hold);
    this.transfer = new Transfer(this, () => this.stopDuration());
    this.peer = new PeerRequests(this, this.transfer, this.sessionTimer, () => this.byeFromPeer());
    this.mediaActions = new MediaActions(this);
  }

  run(): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.removeInterrupt = this.controls.onInterrupt(() => this.interrupted());
      this.ctx.session.onRequest = (req, tx) => this.peer.request(req, tx);
      this.ctx.session.onAck = (ack) => this.peer.ack(ack);
      this.ctx.session.onUnmatched = (res) => this.responses.unmatched(res);
      if (!this.plan.media || !this.plan.sdp) {
        this.sendInvite();
        return;
      }
      // The RTP port is bound before the offer names it (and a --record path is opened
      // before anything is sent).
      CallMedia.open(this.plan.media, this.ctx.session.env, this.ctx.mediaAddress).then(
        (m) => {
          this.media = m;
          if (this.phase === 'done') m.close();
          else this.sendInvite();
        },
        (err: unknown) => {
          if (err instanceof WavOpenError) {
            this.removeInterrupt?.();
            reject(new UsageError(err.message, 'choose a path in a directory that exists and that you can write'));
            return;
          }
          if (err instanceof TransportError) {
            this.ctx.session.emit({ type: 'transport.error', transport: 'UDP', code: err.code, message: `RTP: ${err.message}`, to: '' });
            this.finish({ outcome: 'transport-error', summary: `no RTP port: ${err.message}` });
            return;
          }
          reject(err);
        },
      );
    });
  }

  private sendInvite(retry?: SipRequest): void {
    const { ctx, plan } = this;
    const via = ctx.via();
    // With --no-media (and an SDP body) the offer is a place-holder: nothing listens on it.
    const offer = this.media ? this.media.offerBody() : plan.sdp ? this.placeholder.offer(ctx.mediaAddress) : undefined;
    const body = offer === undefined ? undefined : Buffer.from(offer);
    this.invite = retry ?? buildInvite(ctx, plan, via.value, body);
    ctx.session.request(this.invite, {
      onResponse: (res) => this.response(res),
      onTerminated: (t) => {
        if (this.phase !== 'calling') return;
        if (t.outcome === 'final') return; // a non-2xx final was handled in response()
        this.finish(outcomeOf({ outcome: t.outcome, status: t.status, local: t.local, provisionals: this.first1xx ? [this.first1xx] : [], sentAt: 0 }, 'INVITE', 'B'));
      },
    });
    ctx.session.emit({ type: 'waiting', what: 'a response to INVITE', timeoutMs: 64 * plan.net.t1 });
  }

  private response(res: SipResponse): void {
    if (res.status < 200) return this.provisional(res);
    if (res.status < 300) return this.success(res);
    return this.failure(res);
  }

  private provisional(res: SipResponse): void {
    if (this.phase !== 'calling') return;
    if (!this.prack.accept(this.invite, res)) return;
    if (this.media) void this.media.provisional(res);
    if (this.first1xx) return;
    this.first1xx = res;
    this.cancel.firstProvisional(res);
  }

  private failure(res: SipResponse, authStop?: string): void {
    if (this.phase !== 'calling') return;
    this.cancel.clearRing();
    const cancelled = this.cancel.why !== undefined;
    if (isChallenge(res) && !cancelled && authStop === undefined) {
      void this.authenticate(res);
      return;
    }
    if (res.status === 422 && !cancelled && this.retry422(res)) return;
    const out = finalOutcome(res, cancelled ? this.cancel.outcome(res) : undefined, this.media !== undefined, authStop);
    // The transaction ACKs this final and stays in Completed for Timer D, re-ACKing re-sent
    // finals. A probe should not hold the terminal for 32 s: sipcall lingers 4·T1 (capped by
    // Timer D) to answer the usual re-sends, then ends the run (docs/engine.md).
    this.phase = 'ending';
    const linger = this.ctx.session.transport.reliable ? 0 : 4 * this.plan.net.t1;
    this.lingerTimer = this.clock.setTimer(linger, () => {
      this.lingerTimer = undefined;
      this.finish(out);
    });
  }

  /**
   * A 401/407 to the INVITE (RFC 3261 §22.2, §22.3): the transaction has ACKed it; the INVITE
   * goes again with CSeq + 1, a new branch, the same Call-ID and From tag, and credentials.
   */
  private async authenticate(res: SipResponse): Promise<void> {
    const step = await this.ctx.auth.answer(res, this.invite, this.ctx.via().value);
    if (this.phase !== 'calling') return;
    if (step.kind === 'stop' || this.cancel.why) return this.failure(res, step.kind === 'stop' ? step.why : 'interrupted before the INVITE was sent again with credentials');
    this.first1xx = undefined;
    this.sendInvite(step.request);
  }

  /**
   * A 422 (RFC 4028 §7.4): the INVITE goes again with the Session-Expires and Min-SE it asks
   * for (invite-request.ts). Once per call; false when the 422 cannot be followed.
   */
  private retry422(res: SipResponse): boolean {
    if (this.first422Done) return false;
    const retry = retryAfter422(this.invite, res, () => this.ctx.via().value);
    if (!retry) return false;
    this.first422Done = true;
    this.ctx.session.emit({ type: 'note', level: 'info', code: 'session-interval-too-small', text: `422 Session Interval Too Small: the INVITE goes again with Session-Expires ${retry.sessionExpires} and Min-SE ${retry.minSe} (RFC 4028 §7.4)` });
    this.first1xx = undefined;
    // After the transaction's own ACK for the 422 has gone (it passes the 422 up first).
    void Promise.resolve().then(() => {
      if (this.phase === 'calling') this.sendInvite(retry.request);
    });
    return true;
  }

  /** A 2xx to our INVITE (RFC 3261 §13.2.2.4): the first one confirms the dialog; others are ACKed again or are forks. */
  private success(res: SipResponse): void {
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    if (this.responses.resend(tag)) return;
    if (this.dialog || this.phase !== 'calling') {
      this.responses.fork(res, tag);
      return;
    }
    this.cancel.clearRing();
    this.answer = res;
    const dialog = this.responses.dialogOf(res, tag);
    // The early dialog of a reliable 1xx becomes this one: its PRACKs used CSeq numbers
    // (RFC 3261 §12.2.1.1: the local sequence only grows).
    const earlySeq = this.prack.localSeq(tag);
    if (earlySeq !== undefined) dialog.localSeq = Math.max(dialog.localSeq, earlySeq);
    this.dialog = dialog;
    const answered = this.media?.answered(res);
    this.responses.ack(dialog, tag, answered?.ok ? answered.ackBody : undefined);
    if (answered && !answered.ok) this.mediaRefused = true;
    if (answered?.ok) void answered.start();
    this.ctx.session.emit({
      type: 'dialog.established',
      callId: dialog.callId,
      localTag: dialog.localTag,
      remoteTag: dialog.remoteTag,
      localCseq: dialog.localSeq,
      remoteTarget: dialog.remoteTarget,
      routeSet: dialog.routeSet,
    });
    this.phase = 'confirmed';
    if (this.responses.unusable) {
      // Nothing more can go to a target that is not there: end the call now (docs/engine.md).
      this.hangup();
      return;
    }
    if (this.cancel.why) {
      // The 2xx crossed our CANCEL (§9.1: "the UAC … MUST then … send a BYE"): end it now.
      this.ctx.session.emit({ type: 'note', level: 'info', text: 'the call was answered while CANCEL was on its way; ending it with BYE' });
      this.hangup();
      return;
    }
    if (this.mediaRefused) {
      // RFC 3261 §13.2.2.4: "If the 2xx contains an offer … that is not acceptable, the UAC core
      // MUST generate a valid answer in the ACK and then send a BYE immediately."
      this.ctx.session.emit({ type: 'note', level: 'warn', code: 'media-refused', text: `the answer has no usable audio stream: ACK, then BYE (RFC 3261 §13.2.2.4)` });
      this.hangup();
      return;
    }
    this.stayUp();
  }

  /**
   * The call is up: the media's actions, --hold-after, --transfer-to and the session timer
   * start, and the call is held for --duration, or until `h` / Enter on a TTY; then BYE.
   */
  private stayUp(): void {
    const s = this.ctx.session;
    this.heldFrom = this.clock.now();
    const durationS = this.plan.durationS ?? (this.controls.waitForHangup || this.controls.keys ? undefined : this.media ? Math.max(3, this.plan.media!.timeoutS + 1) : 0);
    if (this.media) this.mediaActions.start();
    this.hold.schedule();
    this.transfer.schedule();
    this.sessionTimer.start(this.answer!);
    // On a TTY the keys work with --duration too: the call ends at the duration or at `h`.
    const stopKeys = this.controls.keys?.(callActions(this, this.hold, this.transfer));
    if (stopKeys) this.hangupWait = { promise: new Promise<void>(() => {}), cancel: stopKeys };
    if (durationS !== undefined) {
      if (durationS > 0) s.emit({ type: 'waiting', what: stopKeys ? 'call in progress; BYE when the duration ends (h hangs up now, ? shows the keys)' : 'call in progress; BYE when the duration ends', timeoutMs: durationS * 1000 });
      this.durationTimer = this.clock.setTimer(durationS * 1000, () => {
        this.durationTimer = undefined;
        this.hangup();
      });
      return;
    }
    if (stopKeys) {
      s.emit({ type: 'waiting', what: 'call in progress; h hangs up, ? shows the keys' });
      return;
    }
    s.emit({ type: 'note', level: 'info', text: 'call up: press h or Enter to hang up (Ctrl-C works too)' });
    s.emit({ type: 'waiting', what: 'call in progress; press h or Enter to hang up' });
    this.hangupWait = this.controls.waitForHangup!();
    void this.hangupWait.promise.then(() => {
      if (this.phase === 'confirmed') this.hangup();
    });
  }

  keep(timer: TimerHandle): void {
    this.callTimers.push(timer);
  }

  /** The call no longer ends at the end of --duration (the peer transferred us). */
  private stopDuration(): void {
    if (this.durationTimer) this.clock.clearTimer(this.durationTimer);
    this.durationTimer = undefined;
  }

  /** The call is ending: no timer of the confirmed call and no wait for a key outlives it. */
  private stopTimers(): void {
    this.stopDuration();
    for (const t of this.callTimers) this.clock.clearTimer(t);
    this.callTimers = [];
    this.hangupWait?.cancel();
    this.hangupWait = undefined;
  }

  /** BYE (RFC 3261 §15.1.1) and its response end the run. */
  hangup(why: 'normal' | 'interrupt' = 'normal'): void {
    if (this.phase !== 'confirmed' || !this.dialog) return;
    if (why === 'normal' && this.mediaActions.deferHangup()) return;
    this.phase = 'ending';
    this.stopTimers();
    // Media stops with our BYE: the peer closes its RTP port when it gets it, and our packets
    // after that would only earn ICMP errors (and a false rtp-port-unreachable).
    this.media?.stream.stop(why === 'interrupt' ? 'interrupted: BYE sent' : 'BYE sent');
    const via = this.ctx.via();
    const bye = inDialogRequest(this.dialog, 'BYE', via.value, this.plan.request.userAgent);
    const held = ((this.clock.now() - this.heldFrom) / 1000).toFixed(1);
    this.ctx.session.emit({ type: 'waiting', what: 'a response to BYE', timeoutMs: 64 * this.plan.net.t1 });
    void transactAuthenticated(this.ctx, bye).then((done) => {
      const r = done.result;
      const answer = this.answer!;
      this.ctx.session.emit({ type: 'dialog.terminated', callId: this.dialog!.callId, localTag: this.dialog!.localTag, remoteTag: this.dialog!.remoteTag, reason: why === 'interrupt' ? 'BYE after Ctrl-C' : 'BYE' });
      if (why === 'interrupt' || this.cancel.why === 'interrupt') {
        this.finish({ outcome: 'interrupted', status: answer.status, reason: answer.reason, statusLocal: false, summary: `interrupted: call ended with BYE (${r.final ? `${r.final.status} ${r.final.reason}` : r.outcome})` });
        return;
      }
      if (this.cancel.why === 'ring-timeout') {
        this.finish(this.cancel.outcome(answer));
        return;
      }
      this.finish(byeOutcome(answer, held, done, this.transfer.result));
    });
  }

  /** A BYE from the peer in the dialog, answered 200 by peer-requests.ts (RFC 3261 §15.1.2): the call ends, a success. */
  private byeFromPeer(): void {
    if (this.phase !== 'confirmed' && this.phase !== 'ending') return;
    const d = this.dialog!;
    this.ctx.session.emit({ type: 'dialog.terminated', callId: d.callId, localTag: d.localTag, remoteTag: d.remoteTag, reason: 'the peer sent BYE' });
    this.finish(peerByeOutcome(this.answer!, ((this.clock.now() - this.heldFrom) / 1000).toFixed(1)));
  }

  private interrupted(): void {
    const s = this.ctx.session;
    switch (this.phase) {
      case 'calling':
        this.cancel.interrupt();
        return;
      case 'confirmed':
        s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: hanging up with BYE' });
        this.hangup('interrupt');
        return;
      case 'ending':
        s.emit({ type: 'note', level: 'warn', text: 'Ctrl-C again: not waiting any longer' });
        this.finish({ outcome: 'interrupted', summary: 'interrupted while ending the call' });
        return;
      default:
    }
  }

  finish(outcome: RunOutcome): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.responses.failIfUnusable(outcome);
    this.mediaActions.stop();
    if (this.media) judgeMedia(this.media, outcome, this.ctx, this.answer, () => this.hold.verdict());
    this.cancel.stop();
    this.stopTimers();
    if (this.lingerTimer) this.clock.clearTimer(this.lingerTimer);
    this.removeInterrupt?.();
    this.ctx.session.onRequest = undefined;
    this.ctx.session.onAck = undefined;
    this.peer.stop();
    this.resolve(outcome);
  }
}
