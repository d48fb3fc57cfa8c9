import type { TimerHandle } from '../clock/clock.js';
import { ackFor2xx, dialogFromResponse, inDialogRequest, type Dialog } from '../dialog/dialog.js';
import type { DialogDefect } from '../dialog/dialog-checks.js';
import { topBranch } from '../sip/fields.js';
import { NOTE_CODE } from './verdict/codes.js';
import { headerParam, uriOfNameAddr } from '../dialog/name-addr-uri.js';
import { buildRequest } from '../sip/build-request.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import { outcomeOf } from './describe-outcome.js';
import { fromFinal, type RunOutcome } from './outcome.js';
import type { InvitePlan } from './plan.js';
import { buildOffer } from '../media/sdp-offer.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { responseFor } from './response-for.js';
import { refusalFor } from './request-checks.js';
import { retransmit2xx } from './retransmit-2xx.js';
import { dtmfEventCode } from '../media/dtmf-digits.js';
import { parseTarget } from './target.js';
import type { CallDecision, IncomingCall } from './uas.js';
import type { Verdict } from '../events/types.js';
import { redirectContacts } from './redirect.js';
import { sdpOf } from './call-media.js';
import { isChallenge } from './authenticate.js';
import { transact } from './transact.js';
import { transactAuthenticated } from './transact-auth.js';
import type { UacContext } from './uac-context.js';
import { CallMedia } from './call-media.js';
import { mediaRefusedResponse } from './verdict/media-refused-response.js';
import { parseVia } from '../sip/via.js';
import { WavOpenError } from './wav-writer.js';
import { UsageError } from './errors.js';
import { TransportError } from '../transport/errors.js';

/** What the user can do while a call runs. */
export interface CallControls {
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(cb: () => void): () => void;
  /** On a TTY without --duration: resolves when the user asks to hang up (h or Enter). */
  waitForHangup?: () => { promise: Promise<void>; cancel(): void };
  /**
   * On a TTY: one-key commands during the call (src/cli/call-keys.ts). Called once the call is
   * up with the actions it may take; returns a function that stops listening. When given, it
   * replaces `waitForHangup` (its `h` hangs up).
   */
  keys?: (actions: CallActions) => () => void;
  /**
   * On a TTY: asks a person about an incoming call (`register --listen`; `answer` sets its
   * own): caller, subject, offered codecs → answer, reject (486, 603) or redirect (302).
   */
  askIncoming?: (call: IncomingCall) => Promise<CallDecision>;
  /**
   * `--accept-transfer`: places the call a REFER from the peer asks for (RFC 3515 §2.4.2), as
   * a new run to `uri`; resolves with how that call went. Set by run-uac.ts.
   */
  placeCall?: (uri: string) => Promise<RunOutcome>;
}

/** What a person can do during a call (issue 11 §3): the engine side of the in-call keys. */
export interface CallActions {
  hangup(): void;
  /** Sends one digit (RFC 4733 when agreed, else in-band); false without media. */
  dtmf(digit: string): boolean;
  /** Mutes or unmutes what we send (silence, the stream keeps its clock); the new state, or undefined without media. */
  toggleMute(): boolean | undefined;
  /** Holds (re-INVITE a=sendonly) or resumes (a=sendrecv); resolves to the new state, or undefined when refused. */
  toggleHold(): Promise<'held' | 'resumed' | undefined>;
  /** A blind transfer to `target`: undefined when it went out, else why not (the call goes on). */
  transfer(target: string): string | undefined;
  /** Emits the media figures now (a `note`). */
  stats(): void;
  /** True while the call is on hold (by us). */
  readonly held: boolean;
}

/**
 * The extensions the INVITE names: RFC 3262 `100rel` in Supported by default (reliable
 * provisionals welcome), in Require too with `--100rel require`, not at all with `--100rel off`;
 * RFC 4028 `timer` always, and Session-Expires with `--session-expires`.
 */
function extensionHeaders(mode: 'require' | 'supported' | 'off', sessionExpiresS?: number): Array<{ name: string; value: string }> {
  // RFC 4028 §7.1: "Supported: timer" says we understand session timers; with an interval
  // asked for, Session-Expires (§7.1: "MAY include a Session-Expires header field").
  const supported = [...(mode === 'off' ? [] : ['100rel']), 'timer'];
  return [
    ...(mode === 'require' ? [{ name: 'Require', value: '100rel' }] : []),
    { name: 'Supported', value: supported.join(', ') },
    ...(sessionExpiresS !== undefined ? [{ name: 'Session-Expires', value: String(sessionExpiresS) }] : []),
  ];
}

/** What the caller's side of a call takes from the peer (RFC 3261 §20.5; UPDATE RFC 3311 §5.1, REFER RFC 3515). */
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';

type Phase = 'calling' | 'confirmed' | 'ending' | 'done';

/**
 * Places a call (RFC 3261 §13): INVITE, the responses, the ACK for a 2xx (§13.2.2.4), the
 * dialog (§12.1.2), holding, BYE (§15.1.1); CANCEL (§9.1) on Ctrl-C or when the ring timeout
 * runs out after a 1xx (Timer B only acts in Calling, RFC 3261 Figure 5).
 */
export function runCall(ctx: UacContext, plan: InvitePlan, controls: CallControls): Promise<RunOutcome> {
  return new Call(ctx, plan, controls).run();
}

class Call {
  private phase: Phase = 'calling';
  private readonly clock;
  private invite!: SipRequest;
  private inviteTx!: ClientTransaction;
  private first1xx?: SipResponse;
  private ringTimer?: TimerHandle;
  /** --hold-after / --hold-for and session refresh timers (RFC 4028), cleared when the call ends. */
  private callTimers: TimerHandle[] = [];
  /** One re-INVITE of ours at a time (RFC 3261 §14.1: no new one while one is pending). */
  private reinviting = false;
  /** The hold window and what the peer sent in it (hold-not-honoured). */
  private holdWatch?: HoldWatch;
  /** Early dialogs of reliable provisionals (RFC 3262), by To tag, with the last RSeq acknowledged. */
  private readonly early = new Map<string, { dialog: Dialog; rseq: number }>();
  /** Our 2xx to the peer's re-INVITE, re-sent until its ACK. */
  private reinviteResend?: { cseq: string; stop(): void };
  private holdTimer?: TimerHandle;
  private guardTimer?: TimerHandle;
  private lingerTimer?: TimerHandle;
  private hangupWait?: { promise: Promise<void>; cancel(): void };
  private cancel?: { why: 'ring-timeout' | 'interrupt'; sent: boolean };
  private dialog?: Dialog;
  private answer?: SipResponse;
  /** ACK bytes per remote tag, re-sent unchanged for each re-sent 2xx. */
  private readonly acks = new Map<string, { bytes: Buffer; count: number; request: SipRequest }>();
  private resolve!: (o: RunOutcome) => void;
  private removeInterrupt?: () => void;
  private heldFrom = 0;
  /** The RTP side (docs/media.md); undefined with --no-media or --no-sdp. */
  private media?: CallMedia;
  /** Why the media could not be used (a refused answer): the call ends with BYE and exit 6. */
  private mediaRefused = false;
  private mediaWatch?: TimerHandle;

  constructor(
    private readonly ctx: UacContext,
    private readonly plan: InvitePlan,
    private readonly controls: CallControls,
  ) {
    this.clock = ctx.session.env.clock;
  }

  run(): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.removeInterrupt = this.controls.onInterrupt(() => this.interrupted());
      this.ctx.session.onRequest = (req, tx) => this.peerRequest(req, tx);
      this.ctx.session.onAck = (ack) => this.peerAck(ack);
      this.ctx.session.onUnmatched = (res) => this.unmatched(res);
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
    const offer = this.media ? this.media.offerBody() : undefined;
    const body = this.media
      ? offer === undefined
        ? undefined
        : Buffer.from(offer)
      : plan.sdp
      ? Buffer.from(buildOffer({ address: ctx.mediaAddress, port: 40000, sessionId: this.placeholderSession }))
      : undefined;
    this.invite = retry ?? buildRequest({
      method: 'INVITE',
      ...ctx.route(plan.target.uri),
      via: via.value,
      from: ctx.from,
      to: ctx.to,
      callId: ctx.callId,
      cseq: 1,
      contact: `<${ctx.contactUri()}>`,
      userAgent: plan.request.userAgent,
      headers: [{ name: 'Allow', value: ALLOW }, ...extensionHeaders(plan.rel100 ?? 'supported', plan.sessionExpiresS), ...plan.request.headers],
      body,
      contentType: body ? 'application/sdp' : undefined,
    });
    this.inviteTx = ctx.session.request(this.invite, {
      onResponse: (res) => this.response(res),
      onTerminated: (t) => {
        if (this.phase !== 'calling') return;
        if (t.outcome === 'final') return; // a non-2xx final was handled in response()
        this.finish(outcomeOf({ outcome: t.outcome, status: t.status, local: t.local, provisionals: this.first1xx ? [this.first1xx] : [], sentAt: 0 }, 'INVITE', 'B'));
      },
    });
    ctx.session.emit({ type: 'waiting', what: 'a response to INVITE', timeoutMs: 64 * plan.net.t1 });
  }

  /**
   * RFC 3262: a 1xx with `Require: 100rel` and an RSeq is acknowledged with a PRACK in its
   * early dialog (§4: "the UAC … MUST send a PRACK … The RAck header … contains the RSeq of
   * the provisional response and the CSeq of the request"). A re-sent one (an RSeq already
   * seen) is ignored: its PRACK transaction does the re-sending. §4: "If the UAC receives
   * another reliable provisional response to the same request, and its RSeq value is not one
   * higher than the value of the sequence number, that provisional response MUST NOT be
   * acknowledged with a PRACK, and MUST NOT be processed further by the UAC." False when the
   * response must not be processed further.
   */
  private reliableProvisional(res: SipResponse): boolean {
    if (res.status === 100 || (this.plan.rel100 ?? 'supported') === 'off') return true;
    const required = res.headers.list('require').map((t) => t.trim().toLowerCase());
    if (!required.includes('100rel')) return true;
    const note = (text: string) => this.ctx.session.emit({ type: 'note', level: 'warn', code: 'prack', text });
    const rseq = Number((res.headers.get('rseq') ?? '').trim());
    if (!Number.isInteger(rseq) || rseq < 1 || rseq > 2 ** 31 - 1) {
      note(`the ${res.status} ${res.reason} requires 100rel but its RSeq is missing or not 1–2³¹−1: not acknowledged (RFC 3262 §7.1)`);
      return false;
    }
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    let early = this.early.get(tag);
    if (!early) {
      const { dialog, defects } = dialogFromResponse(this.invite, res);
      if (!tag || defects.length > 0) {
        note(`the reliable ${res.status} ${res.reason} ${tag ? `cannot start an early dialog: ${defects[0]!.why}` : 'has no To tag'}, so there is no early dialog to send the PRACK in (RFC 3262 §4, RFC 3261 §12.1)`);
        return false;
      }
      early = { dialog, rseq: 0 };
      this.early.set(tag, early);
    }
    if (rseq <= early.rseq) return false; // re-sent: already acknowledged
    if (early.rseq > 0 && rseq !== early.rseq + 1) {
      note(`the reliable ${res.status} ${res.reason} has RSeq ${rseq}, not ${early.rseq + 1}: not acknowledged, not processed (RFC 3262 §4)`);
      return false;
    }
    early.rseq = rseq;
    const cseq = Number.parseInt(this.invite.headers.get('cseq') ?? '1', 10);
    const prack = inDialogRequest(early.dialog, 'PRACK', this.ctx.via().value, this.plan.request.userAgent);
    prack.headers.append('RAck', `${rseq} ${cseq} INVITE`);
    void transactAuthenticated(this.ctx, prack).then(({ result }) => {
      const f = result.final;
      if (!f || f.status >= 300) note(`the PRACK for RSeq ${rseq} ended ${f ? `${f.status} ${f.reason}` : 'without a final response'}`);
    });
    return true;
  }

  private response(res: SipResponse): void {
    if (res.status >= 300) this.lastFinal = res;
    if (res.status < 200) return this.provisional(res);
    if (res.status < 300) return this.success(res);
    return this.failure(res);
  }

  private provisional(res: SipResponse): void {
    if (this.phase !== 'calling') return;
    if (!this.reliableProvisional(res)) return;
    if (this.media) void this.media.provisional(res);
    if (this.first1xx) return;
    this.first1xx = res;
    if (this.cancel && !this.cancel.sent) {
      this.sendCancel();
      return;
    }
    const ms = this.plan.ringTimeoutS * 1000;
    this.ringTimer = this.clock.setTimer(ms, () => this.ringTimeout());
    this.ctx.session.emit({ type: 'waiting', what: `a final response (got ${res.status} ${res.reason}); CANCEL after the ring timeout`, timeoutMs: ms });
  }

  private ringTimeout(): void {
    this.ringTimer = undefined;
    if (this.phase !== 'calling' || this.cancel) return;
    const p = this.first1xx!;
    this.ctx.session.emit({
      type: 'note',
      level: 'warn',
      text: `ring timeout: no final response ${this.plan.ringTimeoutS} s after ${p.status} ${p.reason}; Timer B does not run after a 1xx (RFC 3261 Figure 5), so sipcall sends CANCEL (RFC 3261 §9.1)`,
    });
    this.cancel = { why: 'ring-timeout', sent: false };
    this.sendCancel();
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
    const h = this.invite.headers;
    const seq = Number.parseInt(h.get('cseq') ?? '1', 10);
    const cancel = buildRequest({
      method: 'CANCEL',
      uri: this.invite.uri,
      via: h.list('via')[0],
      routes: h.list('route'),
      from: h.get('from') ?? '',
      to: h.get('to') ?? '',
      callId: h.get('call-id') ?? '',
      cseq: seq,
      userAgent: this.plan.request.userAgent,
    });
    void transact(this.ctx.session, cancel).then((r) => {
      if (this.phase !== 'calling') return;
      if (!r.final) this.ctx.session.emit({ type: 'note', level: 'warn', text: `the CANCEL got no final response (${r.outcome}); waiting for the INVITE's own final response` });
    });
    // §9.1: "If there is no final response for the original request in 64*T1 seconds …, the
    // client SHOULD then consider the original transaction cancelled and SHOULD destroy the
    // client transaction handling the original request."
    const ms = 64 * this.plan.net.t1;
    this.guardTimer = this.clock.setTimer(ms, () => {
      this.guardTimer = undefined;
      if (this.phase !== 'calling') return;
      this.ctx.session.emit({ type: 'note', level: 'warn', text: `no final response to the INVITE ${ms / 1000} s after CANCEL: giving the call up (RFC 3261 §9.1)` });
      this.finish(this.cancelOutcome());
    });
    this.ctx.session.emit({ type: 'waiting', what: '487 Request Terminated after CANCEL', timeoutMs: ms });
  }

  private cancelOutcome(final?: SipResponse): RunOutcome {
    const got = final ? `${final.status} ${final.reason}` : 'no final response';
    if (this.cancel?.why === 'interrupt') {
      return { outcome: 'interrupted', status: final?.status, reason: final?.reason, statusLocal: false, summary: `interrupted: CANCEL sent, ${got}` };
    }
    const p = this.first1xx;
    return {
      outcome: 'timeout',
      status: final?.status,
      reason: final?.reason,
      statusLocal: false,
      summary: `ring timeout: only ${p ? `${p.status} ${p.reason}` : 'provisional responses'} for ${this.plan.ringTimeoutS} s; CANCEL sent, ${got}`,
    };
  }

  private failure(res: SipResponse, authStop?: string): void {
    if (this.phase !== 'calling') return;
    this.clearRing();
    if (isChallenge(res) && !this.cancel && authStop === undefined) {
      void this.authenticate(res);
      return;
    }
    if (res.status === 422 && !this.cancel && this.retry422()) return;
    const out = this.cancel?.sent && res.status === 487 ? this.cancelOutcome(res) : this.cancel ? this.cancelOutcome(res) : fromFinal(res.status, res.reason, 'INVITE');
    if (this.media && !this.cancel) {
      const v = mediaRefusedResponse(res, 'PCMU/8000, PCMA/8000, telephone-event/8000 over RTP/AVP');
      if (v) out.verdict = v;
    }
    if (authStop) out.summary += ` — ${authStop}`;
    if (res.status >= 300 && res.status < 400 && !this.cancel) out.redirect = { status: res.status, reason: res.reason, contacts: redirectContacts(res) };
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
    if (step.kind === 'stop' || this.cancel) return this.failure(res, step.kind === 'stop' ? step.why : 'interrupted before the INVITE was sent again with credentials');
    this.first1xx = undefined;
    this.sendInvite(step.request);
  }

  /**
   * RFC 4028 §7.4: "If a 422 response is received, the UAC … SHOULD retry the request with a
   * Session-Expires header field … [at least] the value of the Min-SE header field in the 422",
   * and a Min-SE with that value. Once per call; false when the 422 cannot be followed.
   */
  private retry422(): boolean {
    const last = this.first422Done;
    const res = this.lastFinal;
    if (last || !res) return false;
    const minSe = Number.parseInt(res.headers.get('min-se') ?? '', 10);
    if (!Number.isInteger(minSe) || minSe < 1) return false;
    this.first422Done = true;
    const h = this.invite.headers.clone();
    const seq = Number.parseInt(h.get('cseq') ?? '1', 10);
    const asked = Number.parseInt(h.get('session-expires') ?? '0', 10) || 0;
    h.set('Via', this.ctx.via().value);
    h.set('CSeq', `${seq + 1} INVITE`);
    h.set('Session-Expires', String(Math.max(asked, minSe)));
    h.set('Min-SE', String(minSe));
    this.ctx.session.emit({ type: 'note', level: 'info', code: 'session-interval-too-small', text: `422 Session Interval Too Small: the INVITE goes again with Session-Expires ${Math.max(asked, minSe)} and Min-SE ${minSe} (RFC 4028 §7.4)` });
    this.first1xx = undefined;
    const retry = { ...this.invite, headers: h };
    // After the transaction's own ACK for the 422 has gone (it passes the 422 up first).
    void Promise.resolve().then(() => {
      if (this.phase === 'calling') this.sendInvite(retry);
    });
    return true;
  }

  private first422Done = false;
  private lastFinal?: SipResponse;

  private success(res: SipResponse): void {
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    const known = this.acks.get(tag);
    if (known) {
      // §13.2.2.4: the ACK is re-sent for each re-sent 2xx; the same bytes.
      known.count++;
      this.ctx.session.sendDirect(known.request, known.count, known.bytes);
      return;
    }
    if (this.dialog || this.phase !== 'calling') {
      this.fork(res, tag);
      return;
    }
    this.clearRing();
    this.answer = res;
    const dialog = this.dialogOf(res, tag);
    // The early dialog of a reliable 1xx becomes this one: its PRACKs used CSeq numbers
    // (RFC 3261 §12.2.1.1: the local sequence only grows).
    const early = this.early.get(tag);
    if (early) dialog.localSeq = Math.max(dialog.localSeq, early.dialog.localSeq);
    this.dialog = dialog;
    const answered = this.media?.answered(res);
    this.ack(dialog, tag, answered?.ok ? answered.ackBody : undefined);
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
    if (this.unusable) {
      // Nothing more can go to a target that is not there: end the call now (docs/engine.md).
      this.hangup();
      return;
    }
    if (this.cancel) {
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
    this.hold();
  }

  /**
   * The dialog of a 2xx (RFC 3261 §12.1.2), with what could not be used in it said in a note
   * (code `bad-contact` or `bad-record-route`, read by the verdict). A To without a tag is
   * allowed (§12.1.2: "the tag is considered to have a value of null") and only noted. With an
   * unusable Contact or Record-Route the ACK goes where the INVITE went, and the call is ended
   * with BYE at once (dialog.ts, docs/engine.md): `unusable` makes the run fail.
   */
  private dialogOf(res: SipResponse, tag: string, fork = false): Dialog {
    const { dialog, defects } = dialogFromResponse(this.invite, res);
    const s = this.ctx.session;
    if (!tag) s.emit({ type: 'note', level: 'warn', text: `the ${res.status} ${res.reason} has no To tag (RFC 3261 §8.2.6.2 requires one; §12.1.2 takes it as null)` });
    for (const d of defects) {
      const instead = d.field === 'contact' ? `the ACK and the BYE go to the INVITE's Request-URI ${dialog.remoteTarget}` : `the ACK and the BYE follow the INVITE's own route${dialog.routeSet.length ? ` (${dialog.routeSet.join(', ')})` : ' (none: straight to the remote target)'}`;
      s.emit({
        type: 'note',
        level: 'warn',
        code: d.field === 'contact' ? NOTE_CODE.badContact : NOTE_CODE.badRecordRoute,
        text: `the ${res.status} ${res.reason} has an unusable ${d.field === 'contact' ? 'Contact' : 'Record-Route'} ${JSON.stringify(d.value)}: ${d.why}; ${instead}, and the call ends`,
      });
    }
    if (defects.length > 0 && !fork) this.unusable = { status: res.status, reason: res.reason, defects };
    return dialog;
  }

  /** The 2xx that answered the call could not be used (bad Contact or Record-Route): the run fails. */
  private unusable?: { status: number; reason: string; defects: DialogDefect[] };

  private ack(dialog: Dialog, tag: string, body?: string): void {
    const via = this.ctx.via();
    const ack = ackFor2xx(dialog, this.invite, via.value, this.plan.request.userAgent);
    if (body !== undefined) {
      // RFC 3261 §13.2.2.4 / §13.2.1: the answer to an offer in the 2xx goes in the ACK.
      ack.body = Buffer.from(body);
      ack.headers.delete('content-length');
      ack.headers.append('Content-Type', 'application/sdp');
      ack.headers.append('Content-Length', String(ack.body.length));
    }
    const bytes = this.ctx.session.sendDirect(ack);
    this.acks.set(tag, { bytes, count: 1, request: ack });
  }

  /**
   * A 2xx from another branch of a forking proxy (RFC 3261 §13.2.2.4: "the UAC core MUST
   * generate an ACK … for each 2xx"; §13.2.2.4 also: if it does not want to continue with that
   * dialog, "it MUST terminate the dialog by sending a BYE").
   */
  private fork(res: SipResponse, tag: string): void {
    const dialog = this.dialogOf(res, tag, true);
    this.ctx.session.emit({ type: 'note', level: 'info', text: `another 2xx from a forked branch (To tag ${tag || '(none)'}): ACK and BYE it, keeping the first call` });
    this.ack(dialog, tag);
    const via = this.ctx.via();
    void transactAuthenticated(this.ctx, inDialogRequest(dialog, 'BYE', via.value, this.plan.request.userAgent));
  }

  private hold(): void {
    const s = this.ctx.session;
    this.heldFrom = this.clock.now();
    const durationS = this.plan.durationS ?? (this.controls.waitForHangup || this.controls.keys ? undefined : this.media ? Math.max(3, this.plan.media!.timeoutS + 1) : 0);
    if (this.media) this.startMediaActions();
    this.scheduleHold();
    this.scheduleTransfer();
    this.startSessionTimer(this.answer!);
    // On a TTY the keys work with --duration too: the call ends at the duration or at `h`.
    const stopKeys = this.controls.keys?.(this.actions());
    if (stopKeys) this.hangupWait = { promise: new Promise<void>(() => {}), cancel: stopKeys };
    if (durationS !== undefined) {
      if (durationS > 0) s.emit({ type: 'waiting', what: stopKeys ? 'call in progress; BYE when the duration ends (h hangs up now, ? shows the keys)' : 'call in progress; BYE when the duration ends', timeoutMs: durationS * 1000 });
      this.holdTimer = this.clock.setTimer(durationS * 1000, () => {
        this.holdTimer = undefined;
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

  /**
   * A re-INVITE of ours in the confirmed dialog (RFC 3261 §14.1): hold (`sendonly`, RFC 3264
   * §8.4), resume (`sendrecv`), or a session refresh (RFC 4028 §7.4: the same SDP). The 2xx is
   * ACKed (again for each re-sent 2xx, §13.2.2.4) and its answer steers the stream. A 491
   * (glare) is retried after the random wait of §14.1: 2.1–4 s when we own the Call-ID (we
   * sent the first INVITE), twice at most. True when the peer accepted it.
   */
  private async reinvite(direction: 'sendrecv' | 'sendonly' | 'inactive', what: string, extra: Array<{ name: string; value: string }> = []): Promise<SipResponse | undefined> {
    const dialog = this.dialog;
    if (!dialog || this.phase !== 'confirmed' || this.reinviting) return undefined;
    this.reinviting = true;
    const s = this.ctx.session;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        // With --no-media the SDP is the same place-holder as the INVITE's (nothing listens on
        // it), with the direction asked for: the peer still sees a hold.
        const body = this.media
          ? Buffer.from(this.media.offerDirection(direction))
          : this.plan.sdp
            ? Buffer.from(buildOffer({ address: this.ctx.mediaAddress, port: 40000, sessionId: this.placeholderSession, sessionVersion: String(BigInt(this.placeholderSession) + BigInt(++this.placeholderVersion)), direction }))
            : undefined;
        const req = inDialogRequest(dialog, 'INVITE', this.ctx.via().value, this.plan.request.userAgent, undefined, {
          contact: `<${this.ctx.contactUri()}>`,
          headers: [{ name: 'Allow', value: ALLOW }, ...extra],
          ...(body ? { body, contentType: 'application/sdp' } : {}),
        });
        let ackBytes: Buffer | undefined;
        const { result, request } = await transactAuthenticated(this.ctx, req, undefined, () => {
          if (ackBytes) s.sendDirect(this.reinviteAck!, 2, ackBytes);
        });
        dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
        const f = result.final;
        if (this.phase !== 'confirmed') return undefined;
        if (!f) {
          s.emit({ type: 'note', level: 'warn', code: 'reinvite-failed', text: `our ${what} re-INVITE got no final response (${result.outcome})` });
          return undefined;
        }
        if (f.status >= 200 && f.status < 300) {
          this.reinviteAck = ackFor2xx(dialog, request, this.ctx.via().value, this.plan.request.userAgent);
          ackBytes = s.sendDirect(this.reinviteAck);
          this.media?.reanswered(f, `${what} re-INVITE`);
          return f;
        }
        if (f.status === 491 && attempt < 2) {
          // §14.1: "If the UAC … is the owner of the Call-ID … it MUST wait 2.1 to 4 seconds".
          const ms = 2100 + Math.floor(Math.random() * 1900);
          s.emit({ type: 'note', level: 'info', code: 'reinvite-glare', text: `491 Request Pending to our ${what} re-INVITE (both sides re-INVITEd at once): trying again in ${(ms / 1000).toFixed(1)} s (RFC 3261 §14.1)` });
          await new Promise<void>((r) => this.callTimers.push(this.clock.setTimer(ms, r)));
          if (this.phase !== 'confirmed') return undefined;
          continue;
        }
        // §14.1: a non-2xx final leaves the session as it was.
        s.emit({ type: 'note', level: 'warn', code: 'reinvite-refused', text: `our ${what} re-INVITE was refused: ${f.status} ${f.reason}; the session stays as it was (RFC 3261 §14.1)` });
        return undefined;
      }
      return undefined;
    } finally {
      this.reinviting = false;
    }
  }

  /** o= of the place-holder SDP with --no-media (RFC 3264 §8: one session, versions counting up). */
  private readonly placeholderSession = String(Math.floor(Date.now() / 1000));
  private placeholderVersion = 0;

  /** The ACK of our last re-INVITE's 2xx, re-sent when the 2xx comes again. */
  private reinviteAck?: SipRequest;

  /**
   * `--hold-after S` puts the call on hold S seconds after the ACK (re-INVITE with a=sendonly,
   * RFC 3264 §8.4), `--hold-for T` resumes it T seconds later (a=sendrecv). While held, the
   * peer must stop sending: RTP from it after a 0.5 s grace is the verdict `hold-not-honoured`.
   */
  private scheduleHold(): void {
    const after = this.plan.holdAfterS;
    if (after === undefined) return;
    const s = this.ctx.session;
    this.callTimers.push(
      this.clock.setTimer(after * 1000, () => {
        void this.reinvite('sendonly', 'hold').then((ok) => {
          if (!ok) return;
          this.heldByUs = true;
          s.emit({ type: 'note', level: 'info', code: 'on-hold', text: 'on hold: we sent a=sendonly; the peer should stop sending (RFC 3264 §8.4)' });
          const watch = new HoldWatch(this.clock.now(), () => this.media?.receivedPackets ?? 0);
          this.holdWatch = watch;
          this.callTimers.push(this.clock.setTimer(500, () => watch.graceOver(this.clock.now())));
          const holdFor = this.plan.holdForS;
          if (holdFor === undefined) return;
          this.callTimers.push(
            this.clock.setTimer(holdFor * 1000, () => {
              watch.end(this.clock.now());
              void this.reinvite('sendrecv', 'resume').then((back) => {
                if (!back) return;
                this.heldByUs = false;
                s.emit({ type: 'note', level: 'info', code: 'resumed', text: 'resumed: we sent a=sendrecv' });
              });
            }),
          );
        });
      }),
    );
  }

  /**
   * Session timers (RFC 4028) from the 2xx: `Session-Expires: N;refresher=uac|uas`. When we are
   * the refresher we re-INVITE at N/2 (§10: "the refresher SHOULD send a refresh … at half the
   * session interval"); when the peer is, and no refresh (re-INVITE or UPDATE) comes by
   * N − min(32, N/3) seconds, we end the session with BYE and say why (§10).
   */
  private startSessionTimer(ok: SipResponse): void {
    const se = ok.headers.get('session-expires');
    if (!se) return;
    const interval = Number.parseInt(se, 10);
    if (!Number.isInteger(interval) || interval < 1) return;
    const refresher = (headerParam(se, 'refresher') ?? 'uac').toLowerCase();
    const s = this.ctx.session;
    const arm = (): void => {
      if (refresher === 'uac') {
        this.sessionTimer = this.clock.setTimer((interval * 1000) / 2, () => {
          void this.reinvite(this.holdWatch && !this.holdWatch.ended ? 'sendonly' : 'sendrecv', 'session refresh', [{ name: 'Session-Expires', value: `${interval};refresher=uac` }, { name: 'Supported', value: 'timer' }]).then((r) => {
            if (r) {
              s.emit({ type: 'note', level: 'info', code: 'session-refreshed', text: `session refreshed by re-INVITE (RFC 4028, every ${interval / 2} s)` });
              arm();
            }
          });
        });
      } else {
        const ms = (interval - Math.min(32, interval / 3)) * 1000;
        this.sessionTimer = this.clock.setTimer(ms, () => {
          s.emit({ type: 'note', level: 'warn', code: 'session-expired', text: `the peer (the refresher) sent no session refresh within ${interval} s: ending the call with BYE (RFC 4028 §10)` });
          this.hangup();
        });
      }
      this.callTimers.push(this.sessionTimer);
    };
    s.emit({ type: 'note', level: 'info', code: 'session-timer', text: `session timer: ${interval} s, refresher ${refresher === 'uac' ? 'us (re-INVITE every ' + interval / 2 + ' s)' : 'the peer'} (RFC 4028)` });
    arm();
    this.refreshedByPeer = () => {
      if (refresher !== 'uas' || !this.sessionTimer) return;
      this.clock.clearTimer(this.sessionTimer);
      arm();
    };
  }

  private sessionTimer?: TimerHandle;
  /** A refresh from the peer (its re-INVITE or UPDATE) restarts the expiry watch. */
  private refreshedByPeer?: () => void;

  /**
   * `--transfer-to URI`: a blind transfer (RFC 3515) one second after the answer (after the
   * hold and resume when those are asked for): REFER with Refer-To and Referred-By; a 202 means
   * the peer took it on, and its NOTIFYs (Event: refer, message/sipfrag, §2.4.4) report how the
   * call to the target goes. A 2xx there ends our call with BYE; a failure leaves it as it was.
   */
  private scheduleTransfer(): void {
    const target = this.plan.transferTo;
    if (!target) return;
    const delayS = 1 + (this.plan.holdAfterS !== undefined ? this.plan.holdAfterS + (this.plan.holdForS ?? 0) + 0.5 : 0);
    this.callTimers.push(this.clock.setTimer(delayS * 1000, () => void this.transfer(target)));
  }

  private async transfer(target: string): Promise<void> {
    const dialog = this.dialog;
    const s = this.ctx.session;
    if (!dialog || this.phase !== 'confirmed') return;
    const ourUri = uriOfNameAddr(dialog.localFrom);
    const req = inDialogRequest(dialog, 'REFER', this.ctx.via().value, this.plan.request.userAgent, undefined, {
      contact: `<${this.ctx.contactUri()}>`,
      headers: [
        { name: 'Refer-To', value: `<${target}>` },
        // RFC 3892: who asked for the transfer.
        { name: 'Referred-By', value: `<${ourUri}>` },
      ],
    });
    s.emit({ type: 'note', level: 'info', code: 'transfer', text: `transfer: REFER to ${target} (RFC 3515)` });
    const { result, request } = await transactAuthenticated(this.ctx, req);
    dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
    const f = result.final;
    if (this.phase !== 'confirmed') return;
    if (!f || f.status >= 300) {
      this.transferResult = `transfer to ${target} refused: ${f ? `${f.status} ${f.reason}` : result.outcome}`;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-refused', text: `${this.transferResult}; the call goes on` });
      return;
    }
    this.transferTarget = target;
    s.emit({ type: 'note', level: 'info', code: 'transfer-accepted', text: `transfer: ${f.status} ${f.reason}; waiting for the NOTIFYs that report the call to ${target} (RFC 3515 §2.4.4)` });
    // RFC 3515 §2.4.5 leaves the subscription's length to the notifier: 64·T1 without a final
    // NOTIFY and the transfer is taken as failed; our call goes on.
    this.transferGuard = this.clock.setTimer(64 * this.plan.net.t1, () => {
      if (!this.transferTarget) return;
      this.transferResult = `transfer to ${target}: no final NOTIFY in ${(64 * this.plan.net.t1) / 1000} s`;
      this.transferTarget = undefined;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-no-final', text: `${this.transferResult}; the call goes on` });
    });
    this.callTimers.push(this.transferGuard);
  }

  /** A NOTIFY of the refer subscription (RFC 3515 §2.4.4): the sipfrag status line is the progress. */
  private referProgress(req: SipRequest): void {
    const target = this.transferTarget;
    if (!target || !/^refer\b/i.test((req.headers.get('event') ?? '').trim())) return;
    const frag = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(Buffer.from(req.body).toString('utf8'));
    if (!frag) return;
    const status = Number(frag[1]);
    const s = this.ctx.session;
    s.emit({ type: 'note', level: 'info', code: 'transfer-progress', text: `transfer to ${target}: ${status} ${frag[2]}` });
    if (status < 200) return;
    this.transferTarget = undefined;
    if (this.transferGuard) this.clock.clearTimer(this.transferGuard);
    if (status < 300) {
      this.transferResult = `transferred to ${target} (${status} ${frag[2]})`;
      // RFC 5589 §6.1: after a successful blind transfer the transferor ends its call.
      this.clock.setTimer(0, () => this.hangup());
    } else {
      this.transferResult = `transfer to ${target} failed: ${status} ${frag[2]}`;
      s.emit({ type: 'note', level: 'warn', code: 'transfer-failed', text: `${this.transferResult}; the call goes on` });
    }
  }

  /**
   * A REFER from the peer (RFC 3515): with `--accept-transfer`, 202 Accepted, a NOTIFY
   * "SIP/2.0 100 Trying" at once (§2.4.4: the initial NOTIFY), the call to the Refer-To target,
   * a NOTIFY with its final status (Subscription-State: terminated), and, when it was answered,
   * our BYE on this call (we were transferred). Without the flag, 603 Decline and a note.
   * A Refer-To that is not a SIP URI gets 400.
   */
  private peerRefer(req: SipRequest, tx: ServerTransaction): void {
    const s = this.ctx.session;
    const referTo = req.headers.get('refer-to');
    const target = referTo ? uriOfNameAddr(referTo) : '';
    if (!this.plan.acceptTransfer || !this.controls.placeCall) {
      s.emit({ type: 'note', level: 'info', code: 'transfer-declined', text: `the peer asks us to call ${target || '(no Refer-To)'} (REFER): declined with 603, give --accept-transfer to follow it` });
      return this.reply(req, tx, 603, 'Decline');
    }
    let uri: string;
    try {
      uri = parseTarget(target, 'Refer-To').uri;
    } catch (err) {
      s.emit({ type: 'note', level: 'warn', code: 'transfer-bad-target', text: `a REFER whose Refer-To cannot be called: ${(err as Error).message}` });
      return this.reply(req, tx, 400, 'Bad Refer-To');
    }
    this.reply(req, tx, 202, 'Accepted', [{ name: 'Contact', value: `<${this.ctx.contactUri()}>` }]);
    s.emit({ type: 'note', level: 'info', code: 'transferred', text: `the peer transfers us to ${uri} (REFER, RFC 3515): calling it; this call waits for that one` });
    // This call now ends with the transfer, not with --duration.
    if (this.holdTimer) this.clock.clearTimer(this.holdTimer);
    this.holdTimer = undefined;
    this.notifyRefer('SIP/2.0 100 Trying', 'active;expires=60');
    void this.controls.placeCall(uri).then((o) => {
      const status = o.status ?? (o.outcome === 'success' ? 200 : 503);
      const reason = o.reason ?? (o.outcome === 'success' ? 'OK' : 'Service Unavailable');
      this.notifyRefer(`SIP/2.0 ${status} ${reason}`, 'terminated;reason=noresource');
      this.transferResult = o.outcome === 'success' ? `transferred by the peer to ${uri}: ${o.summary}` : `the transfer to ${uri} failed: ${o.summary}`;
      s.emit({ type: 'note', level: o.outcome === 'success' ? 'info' : 'warn', code: 'transfer-done', text: this.transferResult });
      if (o.outcome === 'success') this.hangup();
    });
  }

  /** A NOTIFY of the implicit refer subscription (RFC 3515 §2.4.4, RFC 3420 message/sipfrag). */
  private notifyRefer(frag: string, state: string): void {
    const dialog = this.dialog;
    if (!dialog || this.phase !== 'confirmed') return;
    const body = Buffer.from(`${frag}\r\n`);
    const req = inDialogRequest(dialog, 'NOTIFY', this.ctx.via().value, this.plan.request.userAgent, undefined, {
      contact: `<${this.ctx.contactUri()}>`,
      headers: [
        { name: 'Event', value: 'refer' },
        { name: 'Subscription-State', value: state },
      ],
      body,
      contentType: 'message/sipfrag;version=2.0',
    });
    void transactAuthenticated(this.ctx, req).then(({ request }) => {
      dialog.localSeq = Math.max(dialog.localSeq, Number.parseInt(request.headers.get('cseq') ?? '0', 10));
    });
  }

  private transferTarget?: string;
  private transferGuard?: TimerHandle;
  /** How the transfer ended, for the result line. */
  private transferResult?: string;

  /** The in-call actions (CallActions) on this call. */
  private actions(): CallActions {
    const s = this.ctx.session;
    const call = this;
    return {
      hangup: () => this.hangup(),
      dtmf: (digit) => {
        const event = dtmfEventCode(digit);
        if (!this.media || event === undefined || this.phase !== 'confirmed') return false;
        const stream = this.media.stream;
        stream.sendDtmf([{ kind: 'digit', digit: digit.toUpperCase(), event, durationMs: 160 }], stream.canSendRfc4733 ? 'rfc4733' : 'inband');
        return true;
      },
      toggleMute: () => {
        if (!this.media) return undefined;
        const muted = !this.media.stream.muted;
        this.media.stream.setMuted(muted);
        s.emit({ type: 'note', level: 'info', code: muted ? 'muted' : 'unmuted', text: muted ? 'muted: we send silence' : 'unmuted' });
        return muted;
      },
      toggleHold: async () => {
        if (this.heldByUs) {
          const ok = await this.reinvite('sendrecv', 'resume');
          if (!ok) return undefined;
          this.holdWatch?.end(this.clock.now());
          this.heldByUs = false;
          s.emit({ type: 'note', level: 'info', code: 'resumed', text: 'resumed: we sent a=sendrecv' });
          return 'resumed';
        }
        const ok = await this.reinvite('sendonly', 'hold');
        if (!ok) return undefined;
        this.heldByUs = true;
        const watch = new HoldWatch(this.clock.now(), () => this.media?.receivedPackets ?? 0);
        this.holdWatch = watch;
        this.callTimers.push(this.clock.setTimer(500, () => watch.graceOver(this.clock.now())));
        s.emit({ type: 'note', level: 'info', code: 'on-hold', text: 'on hold: we sent a=sendonly; the peer should stop sending (RFC 3264 §8.4)' });
        return 'held';
      },
      transfer: (target) => {
        let uri: string;
        try {
          const t = parseTarget(target, 'transfer target');
          uri = t.uriWithHeaders ?? t.uri;
        } catch (err) {
          return (err as Error).message;
        }
        if (this.phase !== 'confirmed') return 'the call is not up';
        void this.transfer(uri);
        return undefined;
      },
      stats: () => {
        const snap = this.media?.stream.snapshot();
        if (!snap) {
          s.emit({ type: 'note', level: 'info', code: 'stats', text: 'no media in this call' });
          return;
        }
        const r = snap.received;
        s.emit({ type: 'note', level: 'info', code: 'stats', text: `sent ${snap.sent.packets} packets; received ${r.packets}, lost ${r.lost} (${r.lossPct.toFixed(1)} %), jitter ${r.jitterMs.toFixed(1)} ms${r.levelDbfs !== undefined ? `, level ${r.levelDbfs.toFixed(0)} dBFS` : ''}` });
      },
      get held() {
        return call.heldByUs;
      },
    };
  }

  /** On hold by our own re-INVITE (key H). */
  private heldByUs = false;

  /** BYE (RFC 3261 §15.1.1) and its response end the run. */
  private hangup(why: 'normal' | 'interrupt' = 'normal'): void {
    if (this.phase !== 'confirmed' || !this.dialog) return;
    if (why === 'normal' && this.dtmfPending) {
      this.hangupAfterDtmf = true;
      return;
    }
    this.phase = 'ending';
    this.stopHold();
    // Media stops with our BYE: the peer closes its RTP port when it gets it, and our packets
    // after that would only earn ICMP errors (and a false rtp-port-unreachable).
    this.media?.stream.stop(why === 'interrupt' ? 'interrupted: BYE sent' : 'BYE sent');
    const via = this.ctx.via();
    const bye = inDialogRequest(this.dialog, 'BYE', via.value, this.plan.request.userAgent);
    const held = ((this.clock.now() - this.heldFrom) / 1000).toFixed(1);
    this.ctx.session.emit({ type: 'waiting', what: 'a response to BYE', timeoutMs: 64 * this.plan.net.t1 });
    void transactAuthenticated(this.ctx, bye).then(({ result: r, authStop }) => {
      const answer = this.answer!;
      this.ctx.session.emit({ type: 'dialog.terminated', callId: this.dialog!.callId, localTag: this.dialog!.localTag, remoteTag: this.dialog!.remoteTag, reason: why === 'interrupt' ? 'BYE after Ctrl-C' : 'BYE' });
      if (why === 'interrupt' || this.cancel?.why === 'interrupt') {
        this.finish({ outcome: 'interrupted', status: answer.status, reason: answer.reason, statusLocal: false, summary: `interrupted: call ended with BYE (${r.final ? `${r.final.status} ${r.final.reason}` : r.outcome})` });
        return;
      }
      if (this.cancel?.why === 'ring-timeout') {
        this.finish(this.cancelOutcome(answer));
        return;
      }
      if (r.final && r.final.status < 300) {
        const transfer = this.transferResult ? `, ${this.transferResult}` : '';
        this.finish({ outcome: 'success', status: answer.status, reason: answer.reason, statusLocal: false, summary: `call answered (${answer.status} ${answer.reason}), held ${held} s${transfer}, ended with BYE: ${r.final.status} ${r.final.reason}` });
      } else {
        const o = outcomeOf(r, 'BYE', 'F');
        o.summary = `call answered (${answer.status} ${answer.reason}) but ending it failed: ${o.summary}${authStop ? ` — ${authStop}` : ''}`;
        this.finish(o);
      }
    });
  }

  private interrupted(): void {
    const s = this.ctx.session;
    switch (this.phase) {
      case 'calling':
        if (this.cancel) {
          s.emit({ type: 'note', level: 'warn', text: 'Ctrl-C again: giving up without waiting for the final response' });
          this.finish(this.cancelOutcome());
          return;
        }
        this.cancel = { why: 'interrupt', sent: false };
        if (this.first1xx) {
          s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: sending CANCEL (RFC 3261 §9.1)' });
          this.clearRing();
          this.sendCancel();
        } else {
          s.emit({ type: 'note', level: 'info', text: 'Ctrl-C: CANCEL waits for a provisional response (RFC 3261 §9.1: a CANCEL SHOULD NOT be sent before one); Ctrl-C again to quit at once' });
        }
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

  /** Requests from the peer during the call (RFC 3261 §12.2.2, §15.1.2). */
  /** A request from the peer, with its server transaction (RFC 3261 §17.2). */
  private peerRequest(req: SipRequest, tx: ServerTransaction): void {
    const refused = refusalFor(req, [], { INVITE: ['application/sdp'], UPDATE: ['application/sdp'], INFO: ['application/dtmf-relay', 'application/dtmf'] });
    if (refused) {
      this.ctx.session.emit({ type: 'note', level: 'info', code: 'request-refused', text: refused.why });
      return this.reply(req, tx, refused.status, refused.reason, refused.extra);
    }
    const d = this.dialog;
    const inDialog =
      d !== undefined &&
      req.headers.get('call-id') === d.callId &&
      headerParam(req.headers.get('to') ?? '', 'tag') === d.localTag &&
      headerParam(req.headers.get('from') ?? '', 'tag') === d.remoteTag;
    if (req.method === 'OPTIONS') return this.reply(req, tx, 200, 'OK', [{ name: 'Allow', value: ALLOW }]);
    if (req.method === 'BYE') {
      if (!inDialog) return this.reply(req, tx, 481, 'Call/Transaction Does Not Exist');
      this.reply(req, tx, 200, 'OK');
      if (this.phase === 'confirmed' || this.phase === 'ending') {
        this.ctx.session.emit({ type: 'dialog.terminated', callId: d.callId, localTag: d.localTag, remoteTag: d.remoteTag, reason: 'the peer sent BYE' });
        const answer = this.answer!;
        const held = ((this.clock.now() - this.heldFrom) / 1000).toFixed(1);
        this.finish({ outcome: 'success', status: answer.status, reason: answer.reason, statusLocal: false, summary: `call answered (${answer.status} ${answer.reason}), held ${held} s, the peer hung up (BYE)` });
      }
      return;
    }
    if (!inDialog) return this.reply(req, tx, 481, 'Call/Transaction Does Not Exist');
    if (req.method === 'INVITE' || req.method === 'UPDATE') return this.peerOffer(req, tx);
    if (req.method === 'INFO') this.media?.info(req);
    if (req.method === 'REFER') return this.peerRefer(req, tx);
    if (req.method === 'NOTIFY') this.referProgress(req);
    if (req.method === 'INFO' || req.method === 'NOTIFY') return this.reply(req, tx, 200, 'OK');
    return this.reply(req, tx, 501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
  }

  /**
   * A re-INVITE or UPDATE from the peer (RFC 3261 §14.2, RFC 3311 §5.2): hold, resume, a new
   * codec or address, or a session refresh. With an offer we answer it (RFC 3264 §6, §8) and
   * the stream follows; without one, an UPDATE is a refresh (200, no body) and a re-INVITE gets
   * our current session as the offer in the 2xx (§14.2: "the UAS … MUST generate an offer").
   * The 2xx to a re-INVITE is re-sent until its ACK (§13.3.1.4).
   */
  private peerOffer(req: SipRequest, tx: ServerTransaction): void {
    const what = req.method === 'INVITE' ? 're-INVITE' : 'UPDATE';
    this.refreshedByPeer?.();
    const offer = sdpOf(req);
    const contact = [{ name: 'Contact', value: `<${this.ctx.contactUri()}>` }, { name: 'Allow', value: ALLOW }];
    if (!offer && req.method === 'UPDATE') return this.reply(req, tx, 200, 'OK', contact);
    if (!this.media) {
      this.ctx.session.emit({ type: 'note', level: 'info', code: 'reoffer-refused', text: `a ${what} from the peer${offer ? ' with an SDP offer' : ''}: refused with 488, this run carries no media (--no-media)` });
      return this.reply(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: '304 sipcall "signalling only (--no-media)"' }]);
    }
    let body: string;
    if (offer) {
      const r = this.media.reoffer(offer, what);
      if (!r.ok) {
        this.ctx.session.emit({ type: 'note', level: 'warn', code: 'reoffer-refused', text: `the ${what} offer is not usable: 488 (${r.warning})` });
        return this.reply(req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: r.warning }]);
      }
      body = r.sdp;
      const held = r.hold !== 'none';
      this.ctx.session.emit({
        type: 'note',
        level: 'info',
        code: held ? 'peer-hold' : 'peer-reoffer',
        text: held
          ? `the peer put the call on hold (${r.hold} in its ${what}): we answered ${r.direction} (RFC 3264 §8.4)`
          : `the peer sent a new offer in a ${what}: we answered ${r.direction}`,
      });
    } else {
      body = this.media.offerAgain();
    }
    const res = responseFor(req, 200, 'OK', { toTag: this.ctx.localTag, extra: contact, body: Buffer.from(body) });
    tx.respond(res);
    if (req.method !== 'INVITE' || this.ctx.session.transport.reliable) return;
    const cseq = req.headers.get('cseq') ?? '';
    this.reinviteResend?.stop();
    const { t1, t2 } = this.ctx.session.timers;
    const resend = retransmit2xx(this.clock, t1, t2, () => tx.respond(res, true), () =>
      this.ctx.session.emit({ type: 'note', level: 'warn', code: 'reinvite-no-ack', text: `no ACK for our 200 to the peer's re-INVITE after ${(64 * t1) / 1000} s (RFC 3261 §13.3.1.4)` }),
    );
    this.reinviteResend = { cseq: cseq.split(/\s+/)[0] ?? '', stop: () => resend.stop() };
  }

  /** The ACK for our 2xx to the peer's re-INVITE: the re-sending stops (RFC 3261 §13.3.1.4). */
  private peerAck(ack: SipRequest): void {
    const seq = (ack.headers.get('cseq') ?? '').split(/\s+/)[0];
    if (this.reinviteResend && seq === this.reinviteResend.cseq) {
      this.reinviteResend.stop();
      this.reinviteResend = undefined;
    }
  }

  /** A response built from the request (RFC 3261 §8.2.6.2, response-for.ts), through its transaction. */
  private reply(req: SipRequest, tx: ServerTransaction, status: number, reason: string, extra: Array<{ name: string; value: string }> = []): void {
    tx.respond(responseFor(req, status, reason, { toTag: this.ctx.localTag, extra }));
  }

  /** A 2xx for our INVITE after its transaction ended (Timer M): still ACK it. */
  private unmatched(res: SipResponse): void {
    if (res.status < 200 || res.status >= 300) return;
    if (res.headers.get('call-id') !== this.ctx.callId) return;
    const cseq = res.headers.get('cseq') ?? '';
    if (!/\bINVITE\b/i.test(cseq)) return;
    const seq = Number.parseInt(cseq, 10);
    // A 2xx to our re-INVITE, re-sent after its transaction ended: its own ACK again.
    if (this.reinviteAck && seq === Number.parseInt(this.reinviteAck.headers.get('cseq') ?? '', 10)) {
      this.ctx.session.sendDirect(this.reinviteAck, 2);
      return;
    }
    if (seq !== Number.parseInt(this.invite.headers.get('cseq') ?? '', 10)) return;
    // Only a 2xx we already ACKed, re-sent after Timer M ended our INVITE's transaction, with
    // that INVITE's branch, is ACKed again. Anything else matches no transaction and sets up
    // no dialog: RFC 6026 (its change to RFC 3261 §18.1.2) has a UA discard a response that
    // matches no transaction. The layer has reported it (response.stray).
    const tag = headerParam(res.headers.get('to') ?? '', 'tag') ?? '';
    if (this.acks.has(tag) && topBranch(res) === topBranch(this.invite)) {
      this.success(res);
      return;
    }
    this.ctx.session.emit({
      type: 'note',
      level: 'warn',
      code: NOTE_CODE.strayTwoHundred,
      text: `a ${res.status} ${res.reason} for our INVITE with branch ${topBranch(res) ?? '(none)'}, which is not that of a live transaction (${topBranch(this.invite) ?? '?'}): ignored, no ACK and no dialog (RFC 3261 §17.1.3, §18.1.2 as RFC 6026 amends it)`,
    });
  }

  private clearRing(): void {
    if (this.ringTimer) this.clock.clearTimer(this.ringTimer);
    this.ringTimer = undefined;
  }

  private stopHold(): void {
    if (this.holdTimer) this.clock.clearTimer(this.holdTimer);
    this.holdTimer = undefined;
    for (const t of this.callTimers) this.clock.clearTimer(t);
    this.callTimers = [];
    this.hangupWait?.cancel();
    this.hangupWait = undefined;
  }

  private finish(outcome: RunOutcome): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    if (this.unusable && outcome.outcome === 'success') {
      // The 2xx came but its dialog could not be used: not a success, whatever --expect says
      // (no status, so that an --expect 200 is not met by it either).
      const u = this.unusable;
      const what = u.defects.map((d) => (d.field === 'contact' ? 'Contact' : 'Record-Route')).join(' and ');
      outcome.outcome = 'failure-response';
      outcome.summary = `call answered (${u.status} ${u.reason}) with an unusable ${what}: ACKed where the INVITE went, ${outcome.summary.replace(/^call answered \([^)]*\), held [\d.]+ s, /, '')}`;
      delete outcome.status;
      delete outcome.reason;
      delete outcome.statusLocal;
    }
    if (this.mediaWatch) this.clock.clearTimer(this.mediaWatch);
    if (this.media) this.judgeMedia(outcome);
    this.clearRing();
    this.stopHold();
    for (const t of [this.guardTimer, this.lingerTimer]) if (t) this.clock.clearTimer(t);
    this.removeInterrupt?.();
    this.ctx.session.onRequest = undefined;
    this.ctx.session.onAck = undefined;
    this.reinviteResend?.stop();
    this.resolve(outcome);
  }

  private dtmfPending = false;
  private hangupAfterDtmf = false;

  /** After the answer: DTMF (--dtmf), and a watch that says at once when no RTP comes. */
  private startMediaActions(): void {
    const media = this.media!;
    const plan = this.plan.media!;
    if (plan.dtmf?.length) {
      this.dtmfPending = true;
      // Half a second of audio first: some peers start listening for digits only then.
      this.clock.setTimer(500, () => {
        void media
          .sendDtmf((body, contentType) => this.sendInfo(body, contentType))
          .finally(() => {
            this.dtmfPending = false;
            if (this.hangupAfterDtmf) {
              // Wait a moment for digits the peer sends back (an echo relays them).
              this.clock.setTimer(1000, () => this.hangup());
            }
          });
      });
    }
    const ms = plan.timeoutS * 1000;
    this.mediaWatch = this.clock.setTimer(ms, () => {
      this.mediaWatch = undefined;
      const snap = media.stream.snapshot();
      if (!snap || this.phase !== 'confirmed') return;
      if (snap.received.packets === 0) {
        this.ctx.session.emit({ type: 'note', level: 'warn', code: 'no-rtp-yet', text: `no RTP received ${plan.timeoutS} s after the answer (we sent ${snap.sent.packets} packets)` });
      }
    });
  }

  /** One INFO in the dialog (DTMF by SIP INFO); resolves when its transaction ends. */
  private async sendInfo(body: string, contentType: string): Promise<void> {
    if (!this.dialog || this.phase !== 'confirmed') return;
    const req = inDialogRequest(this.dialog, 'INFO', this.ctx.via().value, this.plan.request.userAgent);
    req.body = Buffer.from(body);
    req.headers.delete('content-length');
    req.headers.append('Content-Type', contentType);
    req.headers.append('Content-Length', String(req.body.length));
    const { result } = await transactAuthenticated(this.ctx, req);
    if (!result.final || result.final.status >= 300) {
      this.ctx.session.emit({ type: 'note', level: 'warn', code: 'dtmf-info-refused', text: `the INFO with a DTMF digit got ${result.final ? `${result.final.status} ${result.final.reason}` : result.outcome}: the peer may not take DTMF by SIP INFO (try --dtmf-mode rfc4733)` });
    }
  }

  /** Stops the media, attaches its summary and verdicts to the outcome (docs/media.md). */
  private judgeMedia(outcome: RunOutcome): void {
    const media = this.media!;
    const top = this.answer?.headers.list('via')[0];
    const via = top ? parseVia(top) : null;
    const viaReceived = via && (via.received || typeof via.rport === 'number') ? { address: via.received ?? this.ctx.localHost, port: typeof via.rport === 'number' ? via.rport : undefined } : undefined;
    const { summary, judged } = media.finish(outcome.outcome === 'interrupted' ? 'interrupted' : 'call ended', { signallingPeer: this.ctx.session.peer, viaReceived });
    if (summary) outcome.media = summary;
    if (!this.answer) return;
    if (judged.tooShort) outcome.summary += `; ${judged.tooShort}`;
    for (const n of judged.notes) this.ctx.session.emit({ type: 'note', level: 'info', code: 'media-note', text: n });
    const holdVerdict = this.holdWatch?.verdict();
    if (holdVerdict) judged.verdicts.unshift(holdVerdict);
    if (judged.verdicts.length === 0) return;
    const [first, ...rest] = judged.verdicts;
    outcome.verdict = first;
    if (rest.length) outcome.alsoVerdicts = rest;
    if (outcome.outcome === 'success') {
      outcome.outcome = judged.expectationFailed && first.id === 'tone-not-heard' ? 'expectation-failed' : 'media-failure';
      outcome.summary += ` — but ${first.text}`;
    }
  }
}

/** What the peer sent while we held the call (RFC 3264 §8.4): the evidence for hold-not-honoured. */
class HoldWatch {
  private from?: { t: number; packets: number };
  private to?: { t: number; packets: number };

  constructor(
    readonly heldAt: number,
    private readonly packets: () => number,
  ) {}

  get ended(): boolean {
    return this.to !== undefined;
  }

  /** Half a second after the hold: packets already in flight have arrived. */
  graceOver(t: number): void {
    this.from ??= { t, packets: this.packets() };
  }

  end(t: number): void {
    if (this.from) this.to ??= { t, packets: this.packets() };
  }

  /** The verdict when the peer kept sending (more than 5 packets, 0.1 s of audio), else undefined. */
  verdict(): Verdict | undefined {
    if (!this.from) return undefined;
    const to = this.to ?? { t: this.from.t, packets: this.packets() };
    const got = to.packets - this.from.packets;
    const seconds = Math.max(0, (to.t - this.from.t) / 1000);
    if (got <= 5) return undefined;
    return {
      id: 'hold-not-honoured',
      text: `the peer kept sending RTP while the call was on hold (${got} packets in ${seconds.toFixed(1)} s)`,
      evidence: [
        `our re-INVITE offered a=sendonly at ${Math.round(this.heldAt)} ms and the peer accepted it with a 2xx (RFC 3264 §8.4: it must then send no media)`,
        `${got} RTP packets arrived from ${Math.round(this.from.t)} ms (0.5 s after the hold) to ${Math.round(to.t)} ms`,
      ],
      next: ["check the peer's hold handling: an answer of recvonly or inactive must stop its RTP; an echo or a media server that ignores the direction attribute shows up here"],
    };
  }
}
