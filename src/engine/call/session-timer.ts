/**
 * The session timer of a call (RFC 4028) from the 2xx's `Session-Expires: N;refresher=uac|uas`.
 * As the refresher we refresh by re-INVITE at half the interval; otherwise §10: "If the side
 * not performing refreshes does not receive a session refresh request before the session
 * expiration, it SHOULD send a BYE to terminate the session, slightly before the session
 * expiration. The minimum of 32 seconds and one third of the session interval is RECOMMENDED."
 */
import type { TimerHandle } from '../../clock/clock.js';
import { headerParam } from '../../dialog/name-addr-uri.js';
import type { SipResponse } from '../../sip/message.js';
import type { CallHost } from './call-host.js';
import type { Hold } from './hold.js';
import type { ReInvite } from './reinvite.js';

export class SessionTimer {
  private sessionTimer?: TimerHandle;
  /** A refresh from the peer (its re-INVITE or UPDATE) restarts the expiry watch. */
  private refreshedByPeer?: () => void;

  constructor(
    private readonly call: CallHost,
    private readonly reinvite: ReInvite,
    private readonly hold: Hold,
  ) {}

  /**
   * Session timers (RFC 4028) from the 2xx: `Session-Expires: N;refresher=uac|uas`. When we are
   * the refresher we re-INVITE at N/2 (§10: "the refresher SHOULD send a refresh … at half the
   * session interval"); when the peer is, and no refresh (re-INVITE or UPDATE) comes by
   * N − min(32, N/3) seconds, we end the session with BYE and say why (§10).
   */
  start(ok: SipResponse): void {
    const se = ok.headers.get('session-expires');
    if (!se) return;
    const interval = Number.parseInt(se, 10);
    if (!Number.isInteger(interval) || interval < 1) return;
    const refresher = (headerParam(se, 'refresher') ?? 'uac').toLowerCase();
    const { clock, ctx } = this.call;
    const s = ctx.session;
    const arm = (): void => {
      if (refresher === 'uac') {
        this.sessionTimer = clock.setTimer((interval * 1000) / 2, () => {
          void this.reinvite.send(this.hold.refreshDirection, 'session refresh', [{ name: 'Session-Expires', value: `${interval};refresher=uac` }, { name: 'Supported', value: 'timer' }]).then((r) => {
            if (r) {
              s.emit({ type: 'note', level: 'info', code: 'session-refreshed', text: `session refreshed by re-INVITE (RFC 4028, every ${interval / 2} s)` });
              arm();
            }
          });
        });
      } else {
        const ms = (interval - Math.min(32, interval / 3)) * 1000;
        this.sessionTimer = clock.setTimer(ms, () => {
          s.emit({ type: 'note', level: 'warn', code: 'session-expired', text: `the peer (the refresher) sent no session refresh within ${interval} s: ending the call with BYE (RFC 4028 §10)` });
          this.call.hangup();
        });
      }
      this.call.keep(this.sessionTimer);
    };
    s.emit({ type: 'note', level: 'info', code: 'session-timer', text: `session timer: ${interval} s, refresher ${refresher === 'uac' ? 'us (re-INVITE every ' + interval / 2 + ' s)' : 'the peer'} (RFC 4028)` });
    arm();
    this.refreshedByPeer = () => {
      if (refresher !== 'uas' || !this.sessionTimer) return;
      clock.clearTimer(this.sessionTimer);
      arm();
    };
  }

  /** A re-INVITE or UPDATE from the peer: a refresh (RFC 4028 §10), which restarts the expiry watch. */
  peerRefreshed(): void {
    this.refreshedByPeer?.();
  }
}
