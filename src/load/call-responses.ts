/**
 * What a load call does with the responses to its requests, per scenario (docs/load.md,
 * "Engine"). RFC 3261:
 * - `call`: the first response other than 100 gives SRD, the 2xx the setup time (both from the
 *   call's intended start). A non-2xx final is ACKed in its transaction (§17.1.1.3); a 2xx is
 *   ACKed with a new branch (§13.2.2.4, "The ACK MUST contain the same credentials as the
 *   INVITE"), and the call takes its dialog facts from it (§12.1.2, dialog-facts.ts). The final
 *   response to the BYE gives SDD. After a CANCEL the 487 (or a 2xx that crossed it: BYE) ends
 *   the call as a timeout.
 * - `options`, `register`: the final response gives ORD / RRD and ends the call (§11, §10.2).
 * - A 401/407 is answered once per request kind with credentials (§22.2: "When a UAC resubmits a
 *   request with its credentials after receiving a 401 (Unauthorized) or 407 (Proxy
 *   Authentication Required) response, it MUST increment the CSeq header field value as it would
 *   normally when sending an updated request"); a second challenge ends the call.
 * - A response of a transaction whose call has ended is late (late-ack.ts).
 *
 * The engine (engine.ts) matches each response to its call and transaction and calls these.
 */
import { DigestSession, challengeResponseFrom } from '../auth/index.js';
import type { SipResponse } from '../sip/message.js';
import { parseMessage } from '../sip/parse.js';
import { CallTimers } from './call-timers.js';
import { CONFIRMED, F_AUTH, F_BYE_AUTH, F_CANCELED, F_CANCEL_PENDING, F_PROVISIONAL, F_SRD, INVITING, NEVER, REGIONS } from './call-slots.js';
import { remoteTarget, routeSet } from './dialog-facts.js';
import { lateAck } from './late-ack.js';
import { R_REGISTER, ResponseView } from './response-scan.js';
import type { FailureCause } from './summary.js';

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


/** The failure cause of a final response that ends a call. */
function failureOf(status: number): FailureCause {
  if (status >= 600) return '6xx';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return 'unexpected';
}

export abstract class CallResponses extends CallTimers {
  readonly counters: EngineCounters = { unparseable: 0, stray: 0, late: 0, badTarget: 0 };
  protected readonly view = new ResponseView();

  protected inviteProvisional(s: number, status: number, at: number): void {
    const f = this.flags[s]!;
    if (status > 100 && (f & F_SRD) === 0) {
      this.o.metrics.record('srd', (at - this.intended[s]!) * 1000);
      this.flags[s] = f | F_SRD;
    }
    this.flags[s]! |= F_PROVISIONAL;
    if ((this.flags[s]! & F_CANCEL_PENDING) !== 0 && this.phase[s] === INVITING) this.sendCancel(s, at);
  }

  protected inviteFinal(s: number, buf: Buffer, at: number): void {
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

  protected byeFinal(s: number, buf: Buffer, status: number, at: number): void {
    if ((status === 401 || status === 407) && this.retryWithCredentials(s, buf, F_BYE_AUTH, 'BYE', this.target[s]!, undefined)) {
      this.sendBye(s, at);
      return;
    }
    this.o.metrics.record('sdd', (at - this.byeStart[s]!) * 1000);
    if ((this.flags[s]! & F_CANCELED) !== 0) return this.end(s, at, 'timeout');
    if (status < 300) return this.end(s, at, undefined);
    this.end(s, at, failureOf(status));
  }

  protected requestFinal(s: number, buf: Buffer, status: number, at: number): void {
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
  protected retryWithCredentials(s: number, buf: Buffer, flag: number, method: string, uri: string, body: Buffer | undefined): boolean {
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
  protected late(buf: Buffer, v: ResponseView): void {
    this.counters.late++;
    const ack = lateAck(buf, v, this.o, this.runId);
    if (ack !== undefined) this.o.send(ack, 0, ack.length, -1);
  }
}
