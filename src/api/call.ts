import type { SipResult } from './result.js';
import { startRun, type SipRun } from './run.js';
import type { CallOptions } from './types.js';

/** A call's result: `status` is the INVITE's final; `dialog` is set once it was answered. */
export type CallResult = SipResult;

/**
 * Places a call to `target` and resolves when it is over: INVITE (RFC 3261 §13.2.1), the ACK
 * of the 2xx (§13.2.2.4), the call held for `duration` seconds, then BYE (§15.1.1).
 * `sipcall invite TARGET` runs the same.
 *
 * - With media (the default), RTP flows both ways and `media` holds the figures (packets, loss,
 *   jitter, the tone heard, a MOS estimate; docs/media.md); `media: false` is signalling only.
 * - After the first 1xx nothing in the transaction bounds the wait (Timer B only acts in
 *   Calling, RFC 3261 Figure 5): after `ringTimeout` seconds (default 60) the call is CANCELled
 *   (§9.1) and the outcome is `timeout`.
 * - `signal` CANCELs a pending INVITE (once a provisional response came: §9.1 "SHOULD NOT be
 *   sent … until a provisional response has been received"), or BYEs an established call; the
 *   outcome is then `interrupted`.
 * - A 3xx is followed (§8.1.3.4), a 401/407 answered with `auth` (§22.2), a 422 retried with
 *   its Min-SE (RFC 4028 §7.4).
 *
 * ```ts
 * const r = await call('sip:echo@127.0.0.1:5060', { duration: 2, media: false });
 * const { status, dialog, timings } = r; // 200, dialog.callId, timings.finalMs
 * ```
 */
export function call(target: string, opts: CallOptions = {}): SipRun<CallResult> {
  return startRun({ name: 'invite', target, opts }, (base) => base);
}
