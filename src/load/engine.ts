/**
 * The engine of `sipcall load` (docs/load.md, "Engine"): calls started on the open-model arrival
 * schedule, each with real RFC 3261 client transactions, at 10,000 calls/s on one core.
 *
 * Pure in the project's sense: time comes from the injected `Clock`, datagrams leave
 * through the injected `send`, and responses come in through {@link LoadEngine.receive} with the
 * time the socket event fired (udp-driver.ts owns the socket). So the unit tests run it against
 * an in-process UAS on a manual clock, and the integration tests against SIPp.
 *
 * How it stays cheap per call:
 * - a call is a slot in typed arrays (its phase, CSeq, deadlines, flags) plus a few strings it
 *   learns from the 2xx (To tag, remote target, route set); slots are reused;
 * - its transactions are two lanes of {@link ClientLanes}: lane 0 for the INVITE (or OPTIONS,
 *   REGISTER), lane 1 for the BYE or CANCEL;
 * - requests are written from pre-encoded {@link Template}s into the slot's region of one slab
 *   and sent from there; retransmissions send the same bytes again;
 * - each slot has one entry in a hashed {@link TimerWheel}, at its earliest deadline; one Node
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
 */
import { randomBytes } from 'node:crypto';
import { DigestSession, challengeResponseFrom } from '../auth/index.js';
import type { TimerHandle } from '../clock/clock.js';
import { TimerWheel } from '../clock/timer-wheel.js';
import { parseMessage } from '../sip/parse.js';
import type { SipResponse } from '../sip/message.js';
import {
  ClientLanes,
  FIRE_RETRANSMIT,
  FIRE_TIMEOUT,
  RESP_2XX_AGAIN,
  RESP_ACK_AGAIN,
  RESP_FINAL,
  RESP_PROVISIONAL,
  S_CALLING,
  S_FREE,
  TX_INVITE,
  TX_NON_INVITE,
} from './client-lanes.js';
import { remoteTarget, routeSet } from './dialog-facts.js';
import type { LoadEngineOptions } from './engine-options.js';
import { lateAck } from './late-ack.js';
import { R_BYE, R_CANCEL, R_INVITE, R_OPTIONS, R_REGISTER, ResponseView, scanResponse } from './response-scan.js';
import type { FailureCause } from './summary.js';
import { field, tpl, type FieldValue, type Template } from './template.js';

/** What came back that no call could use. */
export interface EngineCounters {
  /** Datagrams that are not a SIP response sipcall load can read. */
  unparseable: number;
  /** Responses whose branch is not one of this run's, or with more than one Via (RFC 3261 §8.1.3.3). */
  stray: number;
  /** Responses of a transaction whose call has ended (retransmitted finals): ACKed or absorbed. */
  late: number;
  /** 2xx whose Contact or Record-Route was unusable (the call failed, verdict "unexpected"). */
  badTarget: number;
}

// Call phases.
const FREE = 0;
const INVITING = 1;
const CONFIRMED = 2;
const BYEING = 3;
const CANCELING = 4;
const REQUESTING = 5;

// Flags.
const F_PROVISIONAL = 1;
const F_SRD = 2;
const F_AUTH = 4;
const F_CANCELED = 8;
const F_CANCEL_PENDING = 16;
const F_BYE_AUTH = 32;

const NEVER = Infinity;
/**
 * Bytes per request region: an INVITE with its SDP offer is about 850 bytes; a longer message (a
 * long route set, credentials) gets a Buffer of its own. 3 KiB per call in progress in all.
 */
const REGION = 1024;
/** Regions per slot: lane 0 request, lane 1 request, the ACK. */
const REGIONS = 3;
/** Slots per slab chunk: growing adds chunks, it never copies the bytes of calls in progress. */
const CHUNK_SLOTS = 256;
const CHUNK_BYTES = CHUNK_SLOTS * REGIONS * REGION;

const METHOD_NAME: Record<number, string> = { [R_INVITE]: 'INVITE', [R_BYE]: 'BYE', [R_CANCEL]: 'CANCEL', [R_OPTIONS]: 'OPTIONS', [R_REGISTER]: 'REGISTER' };

function failureOf(status: number): FailureCause {
  if (status >= 600) return '6xx';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return 'unexpected';
}

/** A template and a reusable values array for it. */
class Writer {
  readonly values: FieldValue[];
  readonly at: Record<string, number> = {};
  constructor(readonly t: Template) {
    this.values = t.names.map(() => '');
    for (const n of t.names) this.at[n] = t.indexOf(n);
  }
  set(name: string, v: FieldValue): this {
    const i = this.at[name];
    if (i !== undefined) this.values[i] = v;
    return this;
  }
}

export class LoadEngine {
  readonly counters: EngineCounters = { unparseable: 0, stray: 0, late: 0, badTarget: 0 };
  /** The clock's time at the start (t0 of the schedule). */
  t0 = 0;
  /** When the last call ended (clock ms). */
  lastEnd = 0;

  private readonly o: LoadEngineOptions;
  private readonly lanes: ClientLanes;
  private readonly wheel: TimerWheel;
  private readonly view = new ResponseView();
  private readonly prefix: Buffer;
  private readonly runId: string;
  private readonly primaryMethod: number;
  private readonly sdp: Buffer;

  private readonly wPrimary: Writer;
  private readonly wAck2xx: Writer;
  private readonly wAckErr: Writer;
  private readonly wBye: Writer;
  private readonly wCancel: Writer;

  private cap = 0;
  private freeTop = 0;
  private freeList: Int32Array = new Int32Array(0);
  private phase: Uint8Array = new Uint8Array(0);
  private flags: Uint8Array = new Uint8Array(0);
  private laneMethod: Uint8Array = new Uint8Array(0);
  private call: Float64Array = new Float64Array(0);
  private intended: Float64Array = new Float64Array(0);
  private cseq: Uint32Array = new Uint32Array(0);
  private slotSerial: Uint32Array = new Uint32Array(0);
  private dHold: Float64Array = new Float64Array(0);
  private dRing: Float64Array = new Float64Array(0);
  private dGiveUp: Float64Array = new Float64Array(0);
  private byeStart: Float64Array = new Float64Array(0);
  private handle: Float64Array = new Float64Array(0);
  private handleAt: Float64Array = new Float64Array(0);
  private len: Int32Array = new Int32Array(0);
  private chunks: Buffer[] = [];
  private big: Array<Buffer | undefined> = [];
  private toTag: string[] = [];
  private target: string[] = [];
  private route: string[] = [];
  private auth: string[] = [];
  private session: Array<DigestSession | undefined> = [];

  private next = 0;
  private stopping = false;
  private finished = false;
  private native: TimerHandle | undefined;
  private nativeAt = NEVER;
  private nextInterval = NEVER;
  private readonly intervalMs: number;
  private resolveDone: (() => void) | undefined;
  private readonly fire = (slot: number): void => this.service(slot);
  private readonly tick = (): void => this.onTick();

  constructor(o: LoadEngineOptions) {
    this.o = o;
    this.intervalMs = o.intervalMs ?? 1000;
    this.runId = o.runId ?? randomBytes(4).toString('hex');
    this.prefix = Buffer.from(`z9hG4bK${this.runId}-`, 'latin1');
    const transport = o.transport ?? 'UDP';
    this.lanes = new ClientLanes(0, o.t1, o.t2, transport !== 'UDP');
    this.wheel = new TimerWheel(o.clock.now(), 1024);
    this.primaryMethod = o.scenario === 'call' ? R_INVITE : o.scenario === 'options' ? R_OPTIONS : R_REGISTER;
    const host = o.mediaAddress;
    const ipv = host.includes(':') ? 'IP6' : 'IP4';
    this.sdp = Buffer.from(
      `v=0\r\no=sipcall ${this.runId.length} 1 IN ${ipv} ${host}\r\ns=sipcall load\r\nc=IN ${ipv} ${host}\r\nt=0 0\r\n` +
        // Port 9 (discard): sipcall load carries no media (docs/load.md).
        `m=audio 9 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`,
      'latin1',
    );
    const f = field;
    const pre = `z9hG4bK${this.runId}-`;
    const via = (): string => `Via: SIP/2.0/${transport} ${o.sentBy};branch=${pre}`;
    const from = `From: <${o.fromUri}>;tag=${this.runId}`;
    const callId = `Call-ID: ${this.runId}-`;
    const ua = `User-Agent: ${o.userAgent}\r\n`;
    if (o.scenario === 'call') {
      this.wPrimary = new Writer(
        tpl`INVITE ${o.requestUri} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${from}${f('call')}\r\nTo: <${o.toUri}>\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} INVITE\r\nContact: <${o.contactUri}>\r\n${f('auth')}${ua}Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nContent-Type: application/sdp\r\nContent-Length: ${this.sdp.length}\r\n\r\n${this.sdp.toString('latin1')}`,
      );
    } else if (o.scenario === 'options') {
      this.wPrimary = new Writer(
        tpl`OPTIONS ${o.requestUri} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${from}${f('call')}\r\nTo: <${o.toUri}>\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} OPTIONS\r\nContact: <${o.contactUri}>\r\n${f('auth')}${ua}Accept: application/sdp\r\nContent-Length: 0\r\n\r\n`,
      );
    } else {
      this.wPrimary = new Writer(
        tpl`REGISTER ${o.requestUri} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${from}${f('call')}\r\nTo: <${o.toUri}>\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} REGISTER\r\nContact: <${o.contactUri}>\r\nExpires: ${o.expires}\r\n${f('auth')}${ua}Content-Length: 0\r\n\r\n`,
      );
    }
    // §13.2.2.4: the ACK of a 2xx: a new transaction (new branch), in the dialog.
    this.wAck2xx = new Writer(
      tpl`ACK ${f('ruri')} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${f('route')}${from}${f('call')}\r\nTo: <${o.toUri}>;tag=${f('totag')}\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} ACK\r\n${f('auth')}${ua}Content-Length: 0\r\n\r\n`,
    );
    // §17.1.1.3: the ACK of a non-2xx: the INVITE's Request-URI, top Via (same branch), From,
    // Call-ID, CSeq number; the response's To.
    this.wAckErr = new Writer(
      tpl`ACK ${o.requestUri} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${from}${f('call')}\r\nTo: <${o.toUri}>${f('totag')}\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} ACK\r\n${f('auth')}${ua}Content-Length: 0\r\n\r\n`,
    );
    this.wBye = new Writer(
      tpl`BYE ${f('ruri')} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${f('route')}${from}${f('call')}\r\nTo: <${o.toUri}>;tag=${f('totag')}\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} BYE\r\n${f('auth')}${ua}Content-Length: 0\r\n\r\n`,
    );
    // §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in
    // the CANCEL request MUST be identical to those in the request being cancelled, including
    // tags. […] the same Via (top) as the request being cancelled."
    this.wCancel = new Writer(
      tpl`CANCEL ${o.requestUri} SIP/2.0\r\n${via()}${f('slot')}.${f('serial')};rport\r\nMax-Forwards: 70\r\n${from}${f('call')}\r\nTo: <${o.toUri}>\r\n${callId}${f('call')}\r\nCSeq: ${f('cseq')} CANCEL\r\n${ua}Content-Length: 0\r\n\r\n`,
    );
    this.grow(CHUNK_SLOTS);
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

  private arm(at: number): void {
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

  // ---- requests ----

  private sendPrimary(s: number, now: number): void {
    const serial = ++this.slotSerial[s]!;
    const w = this.wPrimary.set('slot', s).set('serial', serial).set('call', this.call[s]!).set('cseq', this.cseq[s]!).set('auth', this.auth[s]!);
    this.write(s * REGIONS, w);
    this.lanes.start(2 * s, this.primaryMethod === R_INVITE ? TX_INVITE : TX_NON_INVITE, serial, now);
    this.laneMethod[2 * s] = this.primaryMethod;
    this.sendRegion(s * REGIONS);
  }

  private sendBye(s: number, now: number): void {
    this.cseq[s]++;
    const serial = ++this.slotSerial[s]!;
    const w = this.wBye
      .set('ruri', this.target[s]!)
      .set('route', this.route[s]!)
      .set('slot', s)
      .set('serial', serial)
      .set('call', this.call[s]!)
      .set('totag', this.toTag[s]!)
      .set('cseq', this.cseq[s]!)
      .set('auth', (this.flags[s]! & F_BYE_AUTH) !== 0 ? this.auth[s]! : '');
    this.write(s * REGIONS + 1, w);
    this.lanes.start(2 * s + 1, TX_NON_INVITE, serial, now);
    this.laneMethod[2 * s + 1] = R_BYE;
    if (this.phase[s] !== BYEING) this.byeStart[s] = now;
    this.phase[s] = BYEING;
    this.sendRegion(s * REGIONS + 1);
  }

  private sendCancel(s: number, now: number): void {
    const serial = this.lanes.serial[2 * s]!;
    const w = this.wCancel.set('slot', s).set('serial', serial).set('call', this.call[s]!).set('cseq', this.cseq[s]!);
    this.write(s * REGIONS + 1, w);
    this.lanes.start(2 * s + 1, TX_NON_INVITE, serial, now);
    this.laneMethod[2 * s + 1] = R_CANCEL;
    this.flags[s]! |= F_CANCELED;
    this.flags[s]! &= ~F_CANCEL_PENDING;
    this.phase[s] = CANCELING;
    // §9.1: "If there is no final response for the original request in 64*T1 seconds […] the
    // client SHOULD then consider the original transaction cancelled".
    this.dGiveUp[s] = now + 64 * this.o.t1;
    this.sendRegion(s * REGIONS + 1);
  }

  // ---- responses ----

  private inviteProvisional(s: number, status: number, at: number): void {
    const f = this.flags[s]!;
    if (status > 100 && (f & F_SRD) === 0) {
      this.o.metrics.record('srd', (at - this.intended[s]!) * 1000);
      this.flags[s] = f | F_SRD;
    }
    this.flags[s]! |= F_PROVISIONAL;
    if ((this.flags[s]! & F_CANCEL_PENDING) !== 0 && this.phase[s] === INVITING) this.sendCancel(s, at);
  }

  private inviteFinal(s: number, buf: Buffer, at: number): void {
    const v = this.view;
    const status = v.status;
    const m = this.o.metrics;
    const totag = v.toTagS >= 0 ? buf.toString('latin1', v.toTagS, v.toTagE) : '';
    if (status >= 300) {
      // §17.1.1.3: ACK in the transaction (same branch as the INVITE).
      const w = this.wAckErr
        .set('slot', s)
        .set('serial', this.lanes.serial[2 * s]!)
        .set('call', this.call[s]!)
        .set('totag', totag ? `;tag=${totag}` : '')
        .set('cseq', this.cseq[s]!)
        .set('auth', this.auth[s]!);
      this.write(s * REGIONS + 2, w);
      this.sendRegion(s * REGIONS + 2);
      this.dGiveUp[s] = NEVER;
      const canceled = (this.flags[s]! & F_CANCELED) !== 0;
      if ((status === 401 || status === 407) && !canceled && this.retryWithCredentials(s, buf, F_AUTH, 'INVITE', this.o.requestUri, this.sdp)) {
        this.cseq[s]++;
        this.sendPrimary(s, at);
        return;
      }
      if (canceled) return this.end(s, at, 'timeout');
      if ((this.flags[s]! & F_SRD) === 0) m.record('srd', (at - this.intended[s]!) * 1000);
      return this.end(s, at, failureOf(status));
    }
    // 2xx
    if ((this.flags[s]! & F_SRD) === 0) {
      m.record('srd', (at - this.intended[s]!) * 1000);
      this.flags[s]! |= F_SRD;
    }
    m.record('setup', (at - this.intended[s]!) * 1000);
    this.dGiveUp[s] = NEVER;
    const remote = remoteTarget(buf, v);
    const routes = routeSet(buf, v);
    const usable = remote !== undefined && routes !== undefined && totag !== '';
    this.toTag[s] = totag;
    this.target[s] = usable ? remote : this.o.requestUri;
    this.route[s] = usable ? routes : '';
    const w = this.wAck2xx
      .set('ruri', this.target[s]!)
      .set('route', this.route[s]!)
      .set('slot', s)
      .set('serial', ++this.slotSerial[s]!)
      .set('call', this.call[s]!)
      .set('totag', totag)
      .set('cseq', this.cseq[s]!)
      .set('auth', this.auth[s]!);
    this.write(s * REGIONS + 2, w);
    this.sendRegion(s * REGIONS + 2);
    if (!usable) {
      // No valid remote target or route set: nothing in the dialog can be addressed (issue 14
      // §6's rule: never put an invalid Request-URI on the wire). The call fails.
      this.counters.badTarget++;
      return this.end(s, at, 'unexpected');
    }
    this.dRing[s] = NEVER;
    if ((this.flags[s]! & F_CANCELED) !== 0 || this.o.holdMs <= 0) {
      // A 2xx that crossed our CANCEL: the call is up, so hang it up (§9.1, §15).
      this.sendBye(s, at);
      return;
    }
    this.phase[s] = CONFIRMED;
    this.dHold[s] = at + this.o.holdMs;
  }

  private byeFinal(s: number, buf: Buffer, status: number, at: number): void {
    if ((status === 401 || status === 407) && this.retryWithCredentials(s, buf, F_BYE_AUTH, 'BYE', this.target[s]!, undefined)) {
      this.sendBye(s, at);
      return;
    }
    this.o.metrics.record('sdd', (at - this.byeStart[s]!) * 1000);
    if ((this.flags[s]! & F_CANCELED) !== 0) return this.end(s, at, 'timeout');
    if (status < 300) return this.end(s, at, undefined);
    this.end(s, at, failureOf(status));
  }

  private requestFinal(s: number, buf: Buffer, status: number, at: number): void {
    const reg = this.primaryMethod === R_REGISTER;
    if ((status === 401 || status === 407) && this.retryWithCredentials(s, buf, F_AUTH, reg ? 'REGISTER' : 'OPTIONS', this.o.requestUri, undefined)) {
      this.cseq[s]++;
      this.sendPrimary(s, at);
      return;
    }
    this.o.metrics.record(reg ? 'rrd' : 'ord', (at - this.intended[s]!) * 1000);
    this.end(s, at, status < 300 ? undefined : failureOf(status));
  }

  /**
   * §22.2: answers a 401/407 once per request kind (the flag), by the slow path (a full parse of
   * the challenge: one per call at most). False when there are no credentials, the credentials
   * were already sent, or the challenge cannot be answered.
   */
  private retryWithCredentials(s: number, buf: Buffer, flag: number, method: string, uri: string, body: Buffer | undefined): boolean {
    const creds = this.o.credentials;
    if (!creds || (this.flags[s]! & flag) !== 0) return false;
    const parsed = parseMessage(buf);
    if (!parsed.ok || parsed.message.kind !== 'response') return false;
    const session = (this.session[s] ??= new DigestSession(creds));
    const out = session.respond(challengeResponseFrom(parsed.message as SipResponse), { method, uri, body });
    if (out.kind !== 'authorize') return false;
    this.auth[s] = out.headers.map((h) => `${h.headerName}: ${h.value}\r\n`).join('');
    this.flags[s]! |= flag;
    return true;
  }

  /**
   * A response of a transaction whose call is over (RFC 3261 Timers D and M keep those
   * transactions only to absorb such copies): an INVITE final gets its ACK again, built from the
   * response itself (late-ack.ts); anything else is absorbed.
   */
  private late(buf: Buffer, v: ResponseView): void {
    this.counters.late++;
    const ack = lateAck(buf, v, this.o, this.runId);
    if (ack !== undefined) this.o.send(ack, 0, ack.length, -1);
  }

  // ---- timers ----

  private service(s: number): void {
    this.handle[s] = -1;
    this.handleAt[s] = NEVER;
    if (this.phase[s] === FREE) return;
    const now = this.o.clock.now();
    for (let l = 0; l < 2; l++) {
      const lane = 2 * s + l;
      if (this.lanes.due(lane) > now) continue;
      const r = this.lanes.fire(lane, now);
      if (r === FIRE_RETRANSMIT) {
        this.o.metrics.retransmission(METHOD_NAME[this.laneMethod[lane]!]!);
        this.sendRegion(s * REGIONS + l);
      } else if (r === FIRE_TIMEOUT) {
        // Timer B or F: §8.1.3.1, a 408 made up locally. A CANCEL that times out leaves the
        // INVITE to its own end (dGiveUp).
        if (!(l === 1 && this.laneMethod[lane] === R_CANCEL)) return this.end(s, now, 'timeout');
      }
    }
    if (this.dHold[s]! <= now) {
      this.dHold[s] = NEVER;
      if (this.phase[s] === CONFIRMED) this.sendBye(s, now);
    }
    if (this.dRing[s]! <= now) {
      this.dRing[s] = NEVER;
      if (this.phase[s] === INVITING) {
        if ((this.flags[s]! & F_PROVISIONAL) !== 0) this.sendCancel(s, now);
        else this.flags[s]! |= F_CANCEL_PENDING;
      }
    }
    if (this.dGiveUp[s]! <= now) return this.end(s, now, 'timeout');
    this.reschedule(s);
  }

  private reschedule(s: number): void {
    let at = this.lanes.due(2 * s);
    const b = this.lanes.due(2 * s + 1);
    if (b < at) at = b;
    if (this.dHold[s]! < at) at = this.dHold[s]!;
    if (this.dRing[s]! < at) at = this.dRing[s]!;
    if (this.dGiveUp[s]! < at) at = this.dGiveUp[s]!;
    if (at === this.handleAt[s]) return;
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handle[s] = -1;
    this.handleAt[s] = at;
    if (at === NEVER) return;
    this.handle[s] = this.wheel.schedule(at, s);
    this.arm(at);
  }

  // ---- slots ----

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

  private end(s: number, now: number, cause: FailureCause | undefined): void {
    if (cause === undefined) this.o.metrics.callCompleted();
    else this.o.metrics.callFailed(cause);
    this.o.onCallEnd?.(this.call[s]!);
    this.lanes.free(2 * s);
    this.lanes.free(2 * s + 1);
    if (this.handle[s]! >= 0) this.wheel.cancel(this.handle[s]!);
    this.handle[s] = -1;
    this.handleAt[s] = NEVER;
    this.phase[s] = FREE;
    this.session[s] = undefined;
    this.big[s * REGIONS] = this.big[s * REGIONS + 1] = this.big[s * REGIONS + 2] = undefined;
    this.freeList[this.freeTop++] = s;
    if (now > this.lastEnd) this.lastEnd = now;
    this.checkDone(now);
  }

  private alloc(): number {
    if (this.freeTop === 0) this.grow(this.cap * 2);
    return this.freeList[--this.freeTop]!;
  }

  private grow(cap: number): void {
    const old = this.cap;
    const g8 = (a: Uint8Array, n: number): Uint8Array => {
      const x = new Uint8Array(n);
      x.set(a);
      return x;
    };
    const g64 = (a: Float64Array, n: number, fill = 0): Float64Array => {
      const x = new Float64Array(n).fill(fill);
      x.set(a);
      return x;
    };
    const g32 = (a: Uint32Array, n: number): Uint32Array => {
      const x = new Uint32Array(n);
      x.set(a);
      return x;
    };
    this.phase = g8(this.phase, cap);
    this.flags = g8(this.flags, cap);
    this.laneMethod = g8(this.laneMethod, 2 * cap);
    this.call = g64(this.call, cap);
    this.intended = g64(this.intended, cap);
    this.cseq = g32(this.cseq, cap);
    this.slotSerial = g32(this.slotSerial, cap);
    this.dHold = g64(this.dHold, cap, NEVER);
    this.dRing = g64(this.dRing, cap, NEVER);
    this.dGiveUp = g64(this.dGiveUp, cap, NEVER);
    this.byeStart = g64(this.byeStart, cap);
    this.handle = g64(this.handle, cap, -1);
    this.handleAt = g64(this.handleAt, cap, NEVER);
    const len = new Int32Array(cap * REGIONS);
    len.set(this.len);
    this.len = len;
    while (this.chunks.length * CHUNK_SLOTS < cap) this.chunks.push(Buffer.allocUnsafe(CHUNK_BYTES));
    this.lanes.grow(2 * cap);
    const free = new Int32Array(cap);
    free.set(this.freeList.subarray(0, this.freeTop));
    // New slots, lowest number on top.
    for (let s = cap - 1; s >= old; s--) free[this.freeTop++] = s;
    this.freeList = free;
    for (let s = old; s < cap; s++) {
      this.toTag.push('');
      this.target.push('');
      this.route.push('');
      this.auth.push('');
      this.session.push(undefined);
    }
    this.cap = cap;
  }

  /** Writes a request into region `r` of the slab (or a Buffer of its own when it is longer). */
  private write(r: number, w: Writer): void {
    const chunk = this.chunks[Math.floor(r / (CHUNK_SLOTS * REGIONS))]!;
    const off = (r % (CHUNK_SLOTS * REGIONS)) * REGION;
    const end = w.t.write(chunk, off, w.values, off + REGION);
    if (end >= 0) {
      this.big[r] = undefined;
      this.len[r] = end - off;
      return;
    }
    const b = Buffer.allocUnsafe(w.t.measure(w.values));
    this.len[r] = w.t.write(b, 0, w.values);
    this.big[r] = b;
  }

  private sendRegion(r: number): void {
    const b = this.big[r];
    const call = this.call[Math.floor(r / REGIONS)]!;
    if (b) this.o.send(b, 0, this.len[r]!, call);
    else this.o.send(this.chunks[Math.floor(r / (CHUNK_SLOTS * REGIONS))]!, (r % (CHUNK_SLOTS * REGIONS)) * REGION, this.len[r]!, call);
  }
}
