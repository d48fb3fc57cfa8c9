/**
 * The requests of a load call, pre-encoded once per run as templates (template.ts) and written
 * per call into its slab region (call-slots.ts): retransmissions send the same bytes again.
 *
 * RFC 3261:
 * - the first request (§8.1.1): INVITE with an SDP offer (§13.2.1), OPTIONS (§11) or REGISTER
 *   (§10.2); its Via branch names the slot and the transaction (`z9hG4bK` + run id + `-` + slot +
 *   `.` + serial; §8.1.1.7: "The branch ID inserted by an element compliant with this
 *   specification MUST always begin with the characters "z9hG4bK"");
 * - the ACK of a 2xx (§13.2.2.4) and of a non-2xx (§17.1.1.3);
 * - BYE in the dialog (§15.1.1), to the remote target with the route set (§12.2.1.1);
 * - CANCEL (§9.1), with the INVITE's Request-URI, Call-ID, To, From, CSeq number and top Via.
 */
import { randomBytes } from 'node:crypto';
import { CallSlots, BYEING, CANCELING, F_BYE_AUTH, F_CANCELED, F_CANCEL_PENDING, REGIONS } from './call-slots.js';
import { TX_INVITE, TX_NON_INVITE } from './client-lanes.js';
import type { LoadEngineOptions } from './engine-options.js';
import { R_BYE, R_CANCEL, R_INVITE, R_OPTIONS, R_REGISTER } from './response-scan.js';
import { field, tpl } from './template.js';
import { Writer } from './writer.js';

export abstract class CallRequests extends CallSlots {
  protected readonly runId: string;
  protected readonly primaryMethod: number;
  protected readonly sdp: Buffer;

  protected readonly wPrimary: Writer;
  protected readonly wAck2xx: Writer;
  protected readonly wAckErr: Writer;
  protected readonly wBye: Writer;
  protected readonly wCancel: Writer;

  constructor(o: LoadEngineOptions) {
    super(o);
    this.runId = o.runId ?? randomBytes(4).toString('hex');
    const transport = o.transport ?? 'UDP';
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
  }

  protected sendPrimary(s: number, now: number): void {
    const serial = ++this.slotSerial[s]!;
    const w = this.wPrimary.set('slot', s).set('serial', serial).set('call', this.call[s]!).set('cseq', this.cseq[s]!).set('auth', this.auth[s]!);
    this.write(s * REGIONS, w);
    this.lanes.start(2 * s, this.primaryMethod === R_INVITE ? TX_INVITE : TX_NON_INVITE, serial, now);
    this.laneMethod[2 * s] = this.primaryMethod;
    this.sendRegion(s * REGIONS);
  }

  protected sendBye(s: number, now: number): void {
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

  protected sendCancel(s: number, now: number): void {
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
}
