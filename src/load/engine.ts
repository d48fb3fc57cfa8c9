/**
 * The engine of `sipcall load` (docs/load.md, "Engine"): calls started on the open-model arrival
 * schedule, each with real RFC 3261 client transactions, at 10,000 calls/s on one core.
 *
 * Pure in the project's sense: time comes from the injected `Clock`, datagrams leave
 * through the injected `send`, and responses come in through {@link LoadEngine.receive} with the
 * time the socket event fired (udp-run.ts and stream-run.ts own the sockets). So the unit tests run it against
 * an in-process UAS on a manual clock, and the integration tests against SIPp.
 *
 * How it stays cheap per call:
 * - a call is a slot in typed arrays (its phase, CSeq, deadlines, flags) plus a few strings it
 *   learns from the 2xx (To tag, remote target, route set); slots are reused;
 * - its transactions are two lanes of `ClientLanes`: lane 0 for the INVITE (or OPTIONS,
 *   REGISTER), lane 1 for the BYE or CANCEL;
 * - requests are written from pre-encoded `Template`s into the slot's region of one slab
 *   and sent from there; retransmissions send the same bytes again;
 * - each slot has one entry in a hashed `TimerWheel`, at its earliest deadline; one Node
 *   timer drives the schedule and the wheel;
 * - responses are read in place by {@link scanResponse}; the branch names the slot and the
 *   transaction (`z9hG4bK` + run id + `-` + slot + `.` + serial).
 *
 * Per call (scenario `call`), RFC 3261:
 * - INVITE (§13.2.1) with an SDP offer; Timer A/B as in §17.1.1.2;
 * - a 401/407 is ACKed (§17.1.1.3) and the INVITE sent again once with credentials (§22.2,
 *   new branch, CSeq + 1); a second challenge ends the call;
 * - the first response other than 100 gives SRD, the 2xx the setup time (both from the call's
 *   intended start); the 2xx is ACKed with a new branch (§13.2.2.4, "The ACK MUST contain the
 *   same credentials as the INVITE"), and again for every copy of it;
 * - after `--hold`, BYE (§15.1.1) to the remote target with the route set (§12.2.1.1), Timer E/F;
 *   its final response gives SDD;
 * - no final response within the ring timeout: CANCEL (§9.1), but only once a provisional response
 *   came ("a CANCEL request SHOULD NOT be sent [before] a provisional response"); the 487 is ACKed;
 *   if no final comes in 64·T1 after the CANCEL, the call ends ("consider the original
 *   transaction cancelled").
 * Scenario `options`: one OPTIONS per call (§11); `register`: one REGISTER per call (§10.2), with
 * credentials on a challenge.
 *
 * Every request goes to the target's address (the UDP socket is connected to it), as to an
 * outbound proxy (§8.1.2): in-dialog requests carry the remote target as Request-URI and the
 * route set as Route, so a proxy on the target routes them.
 *
 * The class is one object built as a chain, one concept per file, so that every field is read
 * straight off `this` on the hot path (one hidden class, no indirection): call-slots.ts (the
 * per-call state in typed arrays and the slab), call-requests.ts (the pre-encoded requests and
 * their sends), call-timers.ts (the wheel and each call's deadlines), call-responses.ts (what each
 * scenario does with a response); this file runs the schedule, matches responses to calls, and
 * starts and ends calls. Pure helpers: dialog-facts.ts (remote target and route set from a 2xx),
 * late-ack.ts (the ACK of a response whose call has ended).
 */
import type { TimerHandle } from '../clock/clock.js';
import { CallResponses } from './call-responses.js';
import { FREE, F_PROVISIONAL, INVITING, NEVER, REGIONS, REQUESTING } from './call-slots.js';
import { RESP_2XX_AGAIN, RESP_ACK_AGAIN, RESP_FINAL, RESP_PROVISIONAL, S_CALLING, S_FREE } from './client-lanes.js';
import type { LoadEngineOptions } from './engine-options.js';
import { R_BYE, R_CANCEL, R_INVITE, scanResponse } from './response-scan.js';
import type { FailureCause } from './summary.js';

export class LoadEngine extends CallResponses {
  /** The clock's time at the start (t0 of the schedule). */
  t0 = 0;
  /** When the last call ended (clock ms). */
  lastEnd = 0;

  private readonly prefix: Buffer;

  private next = 0;
  private stopping = false;
  private finished = false;
  private native: TimerHandle | undefined;
  private nativeAt = NEVER;
  private nextInterval = NEVER;
  private readonly intervalMs: number;
  private resolveDone: (() => void) | undefined;
  private readonly tick = (): void => this.onTick();

  constructor(o: LoadEngineOptions) {
    super(o);
    this.intervalMs = o.intervalMs ?? 1000;
    this.prefix = Buffer.from(`z9hG4bK${this.runId}-`, 'latin1');
  }

  /** Calls in progress. */
  get active(): number {
    return this.o.metrics.active;
  }

  /** Runs the plan; resolves when every started call has ended (or after {@link abort}). */
  run(): Promise<void> {
    this.t0 = this.o.clock.now();
    this.lastEnd = this.t0;
    this.nextInterval = this.t0 + this.intervalMs;
    const done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.onTick();
    return done;
  }

  /** Starts no more calls; the calls in progress end as the RFC says. */
  stop(): void {
    this.stopping = true;
    this.checkDone(this.o.clock.now());
  }

  /** Ends the run now: calls in progress are left as they are (the summary shows them active). */
  abort(): void {
    this.stopping = true;
    this.finish(this.o.clock.now());
  }

  /** The planned calls not started (because of {@link stop}). */
  get notStarted(): number {
    return this.o.schedule.total - this.next;
  }

  /** One datagram from the target, `at` = the clock when the socket event fired. */
  receive(buf: Buffer, at: number): void {
    if (this.finished) return;
    const v = this.view;
    if (!scanResponse(buf, this.prefix, v)) {
      this.counters.unparseable++;
      return;
    }
    if (v.slot < 0) {
      // Not this run's branch, or more than one Via (§8.1.3.3: discarded).
      this.counters.stray++;
      return;
    }
    const s = v.slot;
    const secondary = v.method === R_BYE || v.method === R_CANCEL;
    const lane = 2 * s + (secondary ? 1 : 0);
    if (
      s >= this.cap ||
      this.phase[s] === FREE ||
      this.lanes.state[lane] === S_FREE ||
      this.lanes.serial[lane] !== v.serial ||
      this.laneMethod[lane] !== v.method
    ) {
      this.late(buf, v);
      return;
    }
    const r = this.lanes.response(lane, v.status);
    if (r === RESP_PROVISIONAL) {
      this.o.metrics.status(v.status);
      if (!secondary && this.primaryMethod === R_INVITE) this.inviteProvisional(s, v.status, at);
    } else if (r === RESP_FINAL) {
      this.o.metrics.status(v.status);
      if (secondary) {
        if (v.method === R_BYE) this.byeFinal(s, buf, v.status, at);
      } else if (this.primaryMethod === R_INVITE) this.inviteFinal(s, buf, at);
      else this.requestFinal(s, buf, v.status, at);
    } else if (r === RESP_ACK_AGAIN || r === RESP_2XX_AGAIN) {
      // §17.1.1.2: each retransmitted non-2xx final gets the ACK again; §13.2.2.4: so does
      // each retransmitted 2xx (the TU's ACK).
      if (this.len[s * REGIONS + 2]! > 0) this.sendRegion(s * REGIONS + 2);
    }
    if (this.phase[s] !== FREE) this.reschedule(s);
  }

  // ---- the schedule ----

  private onTick(): void {
    this.native = undefined;
    this.nativeAt = NEVER;
    if (this.finished) return;
    const now = this.o.clock.now();
    const sch = this.o.schedule;
    // Calls due before an interval's end count in that interval, even when this step runs
    // after the boundary; then the rest of what is due by now.
    while (now >= this.nextInterval) {
      this.startDue(this.nextInterval - 1e-6, now);
      this.emitInterval(this.nextInterval);
      this.nextInterval += this.intervalMs;
    }
    this.startDue(now, now);
    this.wheel.advance(now, this.fire);
    if (this.checkDone(now)) return;
    let at = this.nextInterval;
    if (!this.stopping && this.next < sch.total) at = Math.min(at, this.t0 + sch.timeOf(this.next));
    const w = this.wheel.nextDue();
    if (w !== undefined) at = Math.min(at, w);
    this.arm(at);
  }

  /** Starts every call due by `byAbs` (clock ms) not started yet. */
  private startDue(byAbs: number, now: number): void {
    if (this.stopping || this.finished) return;
    const due = this.o.schedule.dueBy(byAbs - this.t0);
    while (this.next < due) this.startCall(this.next++, now);
  }

  protected override arm(at: number): void {
    if (this.finished || at >= this.nativeAt) return;
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.nativeAt = at;
    this.native = this.o.clock.setTimer(Math.max(0, Math.ceil(at - this.o.clock.now())), this.tick);
  }

  private emitInterval(atClock: number): void {
    const t = atClock - this.t0;
    this.o.onInterval?.(this.o.metrics.interval(t, this.o.schedule.offeredRate(Math.max(0, t - 1e-6))));
  }

  private checkDone(now: number): boolean {
    if (this.finished) return true;
    if ((this.stopping || this.next >= this.o.schedule.total) && this.o.metrics.active === 0) {
      this.finish(now);
      return true;
    }
    return false;
  }

  private finish(now: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.native !== undefined) this.o.clock.clearTimer(this.native);
    this.native = undefined;
    // The last, partial interval, so that the intervals add up to the run.
    const lastT = this.nextInterval - this.intervalMs;
    if (now > lastT + 0.5) this.emitInterval(now);
    this.resolveDone?.();
  }

  private startCall(k: number, now: number): void {
    const m = this.o.metrics;
    const intendedAbs = this.t0 + this.o.schedule.timeOf(k);
    if (this.o.maxConcurrent !== undefined && m.active >= this.o.maxConcurrent) {
      m.callDropped();
      return;
    }
    const s = this.alloc();
    this.call[s] = this.o.schedule.globalIndexOf(k);
    this.intended[s] = intendedAbs;
    this.cseq[s] = 1;
    this.flags[s] = 0;
    this.auth[s] = '';
    this.session[s] = undefined;
    this.dHold[s] = this.dRing[s] = this.dGiveUp[s] = NEVER;
    this.len[s * REGIONS + 2] = 0;
    this.phase[s] = this.primaryMethod === R_INVITE ? INVITING : REQUESTING;
    m.callStarted(intendedAbs - this.t0, now - this.t0);
    this.o.onCallStart?.(this.call[s]!);
    this.sendPrimary(s, now);
    if (this.primaryMethod === R_INVITE) this.dRing[s] = now + this.o.ringTimeoutMs;
    this.reschedule(s);
  }

  /**
   * The target refused a datagram (ICMP port unreachable on the connected UDP socket: it can only
   * come from the target). Which request it answers is not known, so every call that has heard
   * nothing back yet (its first transaction still Calling or Trying) fails as a transport error
   * now (RFC 3261 §8.1.3.1 / §18.4: "treated as a 503"), instead of waiting for Timer B; calls
   * that got responses go on.
   */
  refused(): void {
    if (this.finished) return;
    const now = this.o.clock.now();
    for (let s = 0; s < this.cap; s++) {
      const ph = this.phase[s];
      if ((ph === INVITING || ph === REQUESTING) && this.lanes.state[2 * s] === S_CALLING && (this.flags[s]! & F_PROVISIONAL) === 0) this.end(s, now, 'transport');
    }
  }

  /**
   * Ends every call in progress that `match` picks, as failed by `cause` (a stream run: the
   * connection of those calls failed; RFC 3261 §8.1.3.1 treats a transport error as a 503).
   */
  failCalls(match: (call: number) => boolean, cause: FailureCause): void {
    if (this.finished) return;
    const now = this.o.clock.now();
    for (let s = 0; s < this.cap; s++) if (this.phase[s] !== FREE && match(this.call[s]!)) this.end(s, now, cause);
  }

  protected override end(s: number, now: number, cause: FailureCause | undefined): void {
    if (cause === undefined) this.o.metrics.callCompleted();
    else this.o.metrics.callFailed(cause);
    this.o.onCallEnd?.(this.call[s]!);
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handle[s] = -1;
    this.handleAt[s] = NEVER;
    this.release(s);
    if (now > this.lastEnd) this.lastEnd = now;
    this.checkDone(now);
  }
}
