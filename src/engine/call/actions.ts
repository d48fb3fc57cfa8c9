/**
 * The in-call actions (CallActions, src/cli/call-keys.ts) on one call: hang up (RFC 3261
 * §15.1.1: "A BYE request is constructed as would any other request within a dialog"), a DTMF
 * digit (RFC 4733 when the answer agreed telephone-event, else in-band), mute, hold and resume
 * (RFC 3264 §8.4, hold.ts), a blind transfer (REFER, RFC 3515) and the media figures now.
 */
import { dtmfEventCode } from '../../media/dtmf-digits.js';
import { parseTarget } from '../target.js';
import type { CallHost } from './call-host.js';
import type { CallActions } from './controls.js';
import type { Hold } from './hold.js';
import type { Transfer } from './transfer.js';

/** The in-call actions (CallActions) on this call. */
export function callActions(call: CallHost, hold: Hold, transfer: Transfer): CallActions {
  const s = call.ctx.session;
  return {
    hangup: () => call.hangup(),
    dtmf: (digit) => {
      const event = dtmfEventCode(digit);
      if (!call.media || event === undefined || call.phase !== 'confirmed') return false;
      const stream = call.media.stream;
      stream.sendDtmf([{ kind: 'digit', digit: digit.toUpperCase(), event, durationMs: 160 }], stream.canSendRfc4733 ? 'rfc4733' : 'inband');
      return true;
    },
    toggleMute: () => {
      if (!call.media) return undefined;
      const muted = !call.media.stream.muted;
      call.media.stream.setMuted(muted);
      s.emit({ type: 'note', level: 'info', code: muted ? 'muted' : 'unmuted', text: muted ? 'muted: we send silence' : 'unmuted' });
      return muted;
    },
    toggleHold: () => hold.toggle(),
    transfer: (target) => {
      let uri: string;
      try {
        const t = parseTarget(target, 'transfer target');
        uri = t.uriWithHeaders ?? t.uri;
      } catch (err) {
        return (err as Error).message;
      }
      if (call.phase !== 'confirmed') return 'the call is not up';
      void transfer.refer(uri);
      return undefined;
    },
    stats: () => {
      const snap = call.media?.stream.snapshot();
      if (!snap) {
        s.emit({ type: 'note', level: 'info', code: 'stats', text: 'no media in this call' });
        return;
      }
      const r = snap.received;
      s.emit({ type: 'note', level: 'info', code: 'stats', text: `sent ${snap.sent.packets} packets; received ${r.packets}, lost ${r.lost} (${r.lossPct.toFixed(1)} %), jitter ${r.jitterMs.toFixed(1)} ms${r.levelDbfs !== undefined ? `, level ${r.levelDbfs.toFixed(0)} dBFS` : ''}` });
    },
    get held() {
      return hold.held;
    },
  };
}
