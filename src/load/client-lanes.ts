/**
 * Client transactions for `sipcall load`, over UDP, in typed arrays (docs/load.md, "Engine"):
 * the same state machines as src/transaction/invite-client.ts and non-invite-client.ts (RFC 3261
 * §17.1.1 Figure 5 with RFC 6026 §7.2's Accepted state, §17.1.2 Figure 6), with no object, closure
 * or Node timer per transaction. A lane is one transaction slot; the caller owns the bytes, the
 * sends and the timer wheel, and asks `due(lane)` when to come back. The differential test
 * (test/load/client-lanes.test.ts) drives these lanes and the step machines with the same inputs
 * and compares every send.
 *
 * Timers (unreliable transport, §17.1.1.2 and §17.1.2.2):
 * - INVITE, Calling: Timer A = T1, doubling without cap, re-sends; Timer B = 64·T1 ends it with a
 *   timeout. Proceeding (a 1xx came): no timer (the TU's ring timeout and CANCEL take over).
 * - non-INVITE, Trying: Timer E = T1, doubling up to T2; Proceeding: E = T2; Timer F = 64·T1 in
 *   both ends it with a timeout.
 * - Timers D (32 s), K (T4) and M (64·T1) only absorb retransmitted finals (D: each gets the ACK
 *   again, M: each 2xx goes to the TU, which ACKs it). The lane does that while its call holds
 *   it; once the call has ended the engine answers such late copies from the response itself
 *   (late-ack.ts), which is what these timers would do, without keeping a call slot for 32 s
 *   per call.
 */

export const TX_INVITE = 1;
export const TX_NON_INVITE = 2;

export const S_FREE = 0;
/** Calling (INVITE) or Trying (non-INVITE). */
export const S_CALLING = 1;
export const S_PROCEEDING = 2;
export const S_COMPLETED = 3;
/** RFC 6026 §7.2: an INVITE client transaction that received a 2xx. */
export const S_ACCEPTED = 4;
export const S_TERMINATED = 5;

/** What a response means to the TU. */
export const RESP_ABSORBED = 0;
/** A 1xx while Calling/Trying or Proceeding: pass it up. */
export const RESP_PROVISIONAL = 1;
/** The first final response: pass it up; for an INVITE non-2xx the TU's job is the ACK. */
export const RESP_FINAL = 2;
/** An INVITE non-2xx again while Completed: send the same ACK again (§17.1.1.2). */
export const RESP_ACK_AGAIN = 3;
/** A 2xx again while Accepted: pass it up (RFC 6026 §7.2), the TU ACKs it (§13.2.2.4). */
export const RESP_2XX_AGAIN = 4;

/** What a timer did. */
export const FIRE_NONE = 0;
/** Timer A or E: the request must be sent again. */
export const FIRE_RETRANSMIT = 1;
/** Timer B or F: the transaction timed out (§8.1.3.1: a 408 made up locally). */
export const FIRE_TIMEOUT = 2;

const NEVER = Infinity;

export class ClientLanes {
  kind: Uint8Array = new Uint8Array(0);
  state: Uint8Array = new Uint8Array(0);
  serial: Uint32Array = new Uint32Array(0);
  /** Sends of the request, the first included. */
  sends: Uint16Array = new Uint16Array(0);
  /** The final status that completed the transaction. */
  final: Uint16Array = new Uint16Array(0);
  interval: Float64Array = new Float64Array(0);
  dRetx: Float64Array = new Float64Array(0);
  dTimeout: Float64Array = new Float64Array(0);
  /** When the request was first sent (ms on the engine's clock). */
  sentAt: Float64Array = new Float64Array(0);

  /**
   * @param reliable TCP or TLS: no retransmissions (§17.1.1.2: "If a reliable transport is being
   *   used, the client transaction SHOULD NOT start timer A"; §17.1.2.2: Timer E only "If an
   *   unreliable transport is in use"); Timers B and F run as on UDP.
   */
  constructor(
    capacity: number,
    private readonly t1: number,
    private readonly t2: number,
    private readonly reliable = false,
  ) {
    this.grow(capacity);
  }

  get capacity(): number {
    return this.state.length;
  }

  grow(capacity: number): void {
    const keep = this.state.length;
    if (capacity <= keep) return;
    const g8 = (a: Uint8Array): Uint8Array => {
      const n = new Uint8Array(capacity);
      n.set(a);
      return n;
    };
    const g64 = (a: Float64Array, fill: number): Float64Array => {
      const n = new Float64Array(capacity).fill(fill);
      n.set(a);
      return n;
    };
    this.kind = g8(this.kind);
    this.state = g8(this.state);
    const serial = new Uint32Array(capacity);
    serial.set(this.serial);
    this.serial = serial;
    const sends = new Uint16Array(capacity);
    sends.set(this.sends);
    this.sends = sends;
    const final = new Uint16Array(capacity);
    final.set(this.final);
    this.final = final;
    this.interval = g64(this.interval, 0);
    this.dRetx = g64(this.dRetx, NEVER);
    this.dTimeout = g64(this.dTimeout, NEVER);
    this.sentAt = g64(this.sentAt, 0);
  }

  /**
   * The request has just been sent for the first time: Calling (Timer A, B) or Trying (E, F).
   * §17.1.1.2: "the client transaction MUST start timer A with a value of T1 […] MUST start
   * timer B with a value of 64*T1"; §17.1.2.2: "timer F MUST be set to fire in 64*T1 seconds
   * […] timer E MUST be set to fire in T1 seconds".
   */
  start(lane: number, kind: number, serial: number, now: number): void {
    this.kind[lane] = kind;
    this.state[lane] = S_CALLING;
    this.serial[lane] = serial;
    this.sends[lane] = 1;
    this.final[lane] = 0;
    this.interval[lane] = this.t1;
    this.dRetx[lane] = this.reliable ? NEVER : now + this.t1;
    this.dTimeout[lane] = now + 64 * this.t1;
    this.sentAt[lane] = now;
  }

  /** Forgets the lane (its call ended). */
  free(lane: number): void {
    this.state[lane] = S_FREE;
    this.dRetx[lane] = NEVER;
    this.dTimeout[lane] = NEVER;
  }

  /** The earliest timer of the lane, or Infinity. */
  due(lane: number): number {
    const r = this.dRetx[lane]!;
    const t = this.dTimeout[lane]!;
    return r < t ? r : t;
  }

  /** A response matched to this lane (branch and CSeq method, §17.1.3). */
  response(lane: number, status: number): number {
    const st = this.state[lane];
    if (this.kind[lane] === TX_INVITE) {
      if (st === S_CALLING || st === S_PROCEEDING) {
        if (status < 200) {
          // §17.1.1.2: "If the client transaction receives a provisional response while in the
          // "Calling" state, it transitions to the "Proceeding" state. In the "Proceeding"
          // state, the client transaction SHOULD NOT retransmit the request any longer."
          this.state[lane] = S_PROCEEDING;
          this.dRetx[lane] = NEVER;
          this.dTimeout[lane] = NEVER;
          return RESP_PROVISIONAL;
        }
        this.final[lane] = status;
        this.dRetx[lane] = NEVER;
        this.dTimeout[lane] = NEVER;
        // 2xx → Accepted (RFC 6026 §7.2); 300–699 → Completed, ACK (§17.1.1.2).
        this.state[lane] = status < 300 ? S_ACCEPTED : S_COMPLETED;
        return RESP_FINAL;
      }
      if (st === S_COMPLETED && status >= 300) return RESP_ACK_AGAIN;
      if ((st === S_ACCEPTED || st === S_TERMINATED) && status >= 200 && status < 300) return RESP_2XX_AGAIN;
      return RESP_ABSORBED;
    }
    if (st === S_CALLING || st === S_PROCEEDING) {
      if (status < 200) {
        // §17.1.2.2: "If a provisional response is received while in the "Trying" state, the
        // response MUST be passed to the TU, and then the client transaction SHOULD move to the
        // "Proceeding" state."
        this.state[lane] = S_PROCEEDING;
        return RESP_PROVISIONAL;
      }
      // "If a final response (status codes 200-699) is received while in the "Trying" [or
      // "Proceeding"] state, the response MUST be passed to the TU, and the client transaction
      // MUST transition to the "Completed" state."
      this.final[lane] = status;
      this.state[lane] = S_COMPLETED;
      this.dRetx[lane] = NEVER;
      this.dTimeout[lane] = NEVER;
      return RESP_FINAL;
    }
    // Completed: "any retransmissions of the final response that are received" are buffered.
    return RESP_ABSORBED;
  }

  /** Runs the lane's due timers at `now`; returns what the caller must do. */
  fire(lane: number, now: number): number {
    if (this.dTimeout[lane]! <= now) {
      // Timer B (Calling) / Timer F (Trying, Proceeding).
      this.state[lane] = S_TERMINATED;
      this.dRetx[lane] = NEVER;
      this.dTimeout[lane] = NEVER;
      return FIRE_TIMEOUT;
    }
    if (this.dRetx[lane]! <= now) {
      const iv = this.interval[lane]!;
      let next: number;
      if (this.kind[lane] === TX_INVITE) next = 2 * iv; // Timer A: "reset the timer with a value of 2*T1", no cap
      else if (this.state[lane] === S_PROCEEDING) next = this.t2; // §17.1.2.2: "reset with a value of T2"
      else next = Math.min(2 * iv, this.t2); // Trying: "MIN(2*T1, T2)"
      this.interval[lane] = next;
      // From the deadline, not from `now`: a late timer does not push the later ones back.
      this.dRetx[lane] = this.dRetx[lane]! + next;
      if (this.dRetx[lane]! <= now) this.dRetx[lane] = now + next;
      this.sends[lane]++;
      return FIRE_RETRANSMIT;
    }
    return FIRE_NONE;
  }
}
