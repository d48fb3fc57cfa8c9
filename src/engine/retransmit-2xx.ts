import type { Clock, TimerHandle } from '../clock/clock.js';

/**
 * The UAS core's own retransmission of a 2xx to an INVITE over an unreliable transport
 * (RFC 3261 §13.3.1.4): "The 2xx response is passed to the transport with an interval that
 * starts at T1 seconds and doubles for each retransmission until it reaches T2 seconds. […]
 * The server retransmits the 2xx response until it receives an ACK or 64*T1 seconds have
 * elapsed" ("If the server retransmits the 2xx response for 64*T1 seconds without receiving an
 * ACK, the dialog is confirmed, but the session SHOULD be terminated"). `resend` is called at
 * T1, 3·T1, 7·T1, … ; `gaveUp` once, at 64·T1, if no `stop()` came first.
 */
export function retransmit2xx(clock: Clock, t1: number, t2: number, resend: () => void, gaveUp: () => void): { stop(): void } {
  let interval = t1;
  let elapsed = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const again = (): void => {
    timer = undefined;
    if (stopped) return;
    elapsed += interval;
    if (elapsed >= 64 * t1) {
      stopped = true;
      gaveUp();
      return;
    }
    resend();
    interval = Math.min(interval * 2, t2);
    timer = clock.setTimer(interval, again);
  };
  timer = clock.setTimer(interval, again);
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
    },
  };
}
