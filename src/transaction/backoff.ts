/**
 * The one retransmission backoff of the client transactions.
 *
 * - Timer A (INVITE, RFC 3261 §17.1.1.2): "the request is retransmitted with intervals that
 *   double after each transmission". No cap: `nextInterval(a)`.
 * - Timer E (non-INVITE, RFC 3261 §17.1.2.2): "retransmissions occur with an exponentially
 *   increasing interval that caps at T2". `nextInterval(e, t2)`.
 *
 * A common habit caps Timer A at T2 as well; the RFC does not (only E is capped), so
 * neither do we: an INVITE over UDP is sent at 0, T1, 3·T1, 7·T1, … 63·T1.
 */
export function nextInterval(current: number, cap = Infinity): number {
  return Math.min(2 * current, cap);
}
