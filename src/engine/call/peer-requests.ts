/**
 * Requests from the peer during the call (RFC 3261 §12.2.2: "Requests sent within a dialog, as
 * any other requests, are atomic"): OPTIONS; BYE (§15.1.2: "If the BYE does not match an
 * existing dialog, the UAS core SHOULD generate a 481 (Call/Transaction Does Not Exist)
 * response"); a re-INVITE or UPDATE with or without an offer (§14.2, RFC 3311); INFO with DTMF;
 * REFER and its NOTIFYs (RFC 3515). Each is answered through its server transaction (§17.2).
 */
import { headerParam } from '../../dialog/name-addr-uri.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../transaction/server-transaction.js';
import { sdpOf } from '../call-media.js';
import { refusalFor } from '../request-checks.js';
import { responseFor } from '../response-for.js';
import { retransmit2xx } from '../retransmit-2xx.js';
import type { CallHost } from './call-host.js';
import { ALLOW } from './invite-request.js';
import { reply } from './reply.js';
import type { SessionTimer } from './session-timer.js';
import type { Transfer } from './transfer.js';

/** Requests from the peer during the call (RFC 3261 §12.2.2, §15.1.2). */
export class PeerRequests {
  /** Our 2xx to the peer's re-INVITE, re-sent until its ACK. */
  private reinviteResend?: { cseq: string; stop(): void };

  constructor(
    private readonly call: CallHost,
    private readonly transfer: Transfer,
    private readonly sessionTimer: SessionTimer,
    /** A BYE in the dialog, answered 200 here: the call ends (call.ts). */
    private readonly byeFromPeer: () => void,
  ) {}

  /** A request from the peer, with its server transaction (RFC 3261 §17.2). */
  request(req: SipRequest, tx: ServerTransaction): void {
    const { ctx } = this.call;
    const refused = refusalFor(req, [], { INVITE: ['application/sdp'], UPDATE: ['application/sdp'], INFO: ['application/dtmf-relay', 'application/dtmf'] });
    if (refused) {
      ctx.session.emit({ type: 'note', level: 'info', code: 'request-refused', text: refused.why });
      return reply(ctx, req, tx, refused.status, refused.reason, refused.extra);
    }
    const d = this.call.dialog;
    const inDialog =
      d !== undefined &&
      req.headers.get('call-id') === d.callId &&
      headerParam(req.headers.get('to') ?? '', 'tag') === d.localTag &&
      headerParam(req.headers.get('from') ?? '', 'tag') === d.remoteTag;
    if (req.method === 'OPTIONS') return reply(ctx, req, tx, 200, 'OK', [{ name: 'Allow', value: ALLOW }]);
    if (req.method === 'BYE') {
      if (!inDialog) return reply(ctx, req, tx, 481, 'Call/Transaction Does Not Exist');
      reply(ctx, req, tx, 200, 'OK');
      this.byeFromPeer();
      return;
    }
    if (!inDialog) return reply(ctx, req, tx, 481, 'Call/Transaction Does Not Exist');
    if (req.method === 'INVITE' || req.method === 'UPDATE') return this.offer(req, tx);
    if (req.method === 'INFO') this.call.media?.info(req);
    if (req.method === 'REFER') return this.transfer.fromPeer(req, tx);
    if (req.method === 'NOTIFY') this.transfer.progress(req);
    if (req.method === 'INFO' || req.method === 'NOTIFY') return reply(ctx, req, tx, 200, 'OK');
    return reply(ctx, req, tx, 501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
  }

  /**
   * A re-INVITE or UPDATE from the peer (RFC 3261 §14.2, RFC 3311 §5.2): hold, resume, a new
   * codec or address, or a session refresh. With an offer we answer it (RFC 3264 §6, §8) and
   * the stream follows; without one, an UPDATE is a refresh (200, no body) and a re-INVITE gets
   * our current session as the offer in the 2xx (§14.2: "the UAS … MUST generate an offer").
   * The 2xx to a re-INVITE is re-sent until its ACK (§13.3.1.4).
   */
  private offer(req: SipRequest, tx: ServerTransaction): void {
    const { ctx, clock } = this.call;
    const media = this.call.media;
    const what = req.method === 'INVITE' ? 're-INVITE' : 'UPDATE';
    this.sessionTimer.peerRefreshed();
    const offer = sdpOf(req);
    const contact = [{ name: 'Contact', value: `<${ctx.contactUri()}>` }, { name: 'Allow', value: ALLOW }];
    if (!offer && req.method === 'UPDATE') return reply(ctx, req, tx, 200, 'OK', contact);
    if (!media) {
      ctx.session.emit({ type: 'note', level: 'info', code: 'reoffer-refused', text: `a ${what} from the peer${offer ? ' with an SDP offer' : ''}: refused with 488, this run carries no media (--no-media)` });
      return reply(ctx, req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: '304 sipcall "signalling only (--no-media)"' }]);
    }
    let body: string;
    if (offer) {
      const r = media.reoffer(offer, what);
      if (!r.ok) {
        ctx.session.emit({ type: 'note', level: 'warn', code: 'reoffer-refused', text: `the ${what} offer is not usable: 488 (${r.warning})` });
        return reply(ctx, req, tx, 488, 'Not Acceptable Here', [{ name: 'Warning', value: r.warning }]);
      }
      body = r.sdp;
      const held = r.hold !== 'none';
      ctx.session.emit({
        type: 'note',
        level: 'info',
        code: held ? 'peer-hold' : 'peer-reoffer',
        text: held
          ? `the peer put the call on hold (${r.hold} in its ${what}): we answered ${r.direction} (RFC 3264 §8.4)`
          : `the peer sent a new offer in a ${what}: we answered ${r.direction}`,
      });
    } else {
      body = media.offerAgain();
    }
    const res = responseFor(req, 200, 'OK', { toTag: ctx.localTag, extra: contact, body: Buffer.from(body) });
    tx.respond(res);
    if (req.method !== 'INVITE' || ctx.session.transport.reliable) return;
    const cseq = req.headers.get('cseq') ?? '';
    this.reinviteResend?.stop();
    const { t1, t2 } = ctx.session.timers;
    const resend = retransmit2xx(clock, t1, t2, () => tx.respond(res, true), () =>
      ctx.session.emit({ type: 'note', level: 'warn', code: 'reinvite-no-ack', text: `no ACK for our 200 to the peer's re-INVITE after ${(64 * t1) / 1000} s (RFC 3261 §13.3.1.4)` }),
    );
    this.reinviteResend = { cseq: cseq.split(/\s+/)[0] ?? '', stop: () => resend.stop() };
  }

  /** The ACK for our 2xx to the peer's re-INVITE: the re-sending stops (RFC 3261 §13.3.1.4). */
  ack(ack: SipRequest): void {
    const seq = (ack.headers.get('cseq') ?? '').split(/\s+/)[0];
    if (this.reinviteResend && seq === this.reinviteResend.cseq) {
      this.reinviteResend.stop();
      this.reinviteResend = undefined;
    }
  }

  /** The end of the call: our 2xx to a re-INVITE is not re-sent any more. */
  stop(): void {
    this.reinviteResend?.stop();
  }
}
