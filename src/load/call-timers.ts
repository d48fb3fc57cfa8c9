/**
 * The timers of the calls in progress (docs/load.md, "Engine"): each slot has one entry in a hashed
 * {@link TimerWheel}, at its earliest deadline, among
 * - its two transactions' timers, run by {@link ClientLanes}: Timers A and B of the INVITE
 *   (RFC 3261 §17.1.1.2), E and F of a non-INVITE (§17.1.2.2); a Timer B or F that fires is
 *   "a 408 (Request Timeout) response" made up locally (§8.1.3.1): the call ends with a timeout;
 * - the hold: the BYE after `holdMs` in the dialog (§15.1.1);
 * - the ring timeout: no final response by then, CANCEL (§9.1), but only once a provisional
 *   response came ("If no provisional response has been received, the CANCEL request MUST NOT be
 *   sent; rather, the client MUST wait for the arrival of a provisional response"): until then
 *   the CANCEL is pending;
 * - the give-up after a CANCEL: §9.1, "If there is no final response for the original request in
 *   64*T1 seconds […] the client SHOULD then consider the original transaction cancelled".
 *
 * The engine (engine.ts) drives the wheel from its one Node timer, `arm`, and ends calls (`end`).
 */
import { TimerWheel } from '../clock/timer-wheel.js';
import { CallRequests } from './call-requests.js';
import { CONFIRMED, FREE, F_CANCEL_PENDING, F_PROVISIONAL, INVITING, NEVER, REGIONS } from './call-slots.js';
import { FIRE_RETRANSMIT, FIRE_TIMEOUT, type ClientLanes } from './client-lanes.js';
import type { LoadEngineOptions } from './engine-options.js';
import { R_BYE, R_CANCEL, R_INVITE, R_OPTIONS, R_REGISTER } from './response-scan.js';
import type { FailureCause } from './summary.js';

const METHOD_NAME: Record<number, string> = { [R_INVITE]: 'INVITE', [R_BYE]: 'BYE', [R_CANCEL]: 'CANCEL', [R_OPTIONS]: 'OPTIONS', [R_REGISTER]: 'REGISTER' };

export abstract class CallTimers extends CallRequests {
  protected readonly wheel: TimerWheel;
  protected readonly fire = (slot: number): void => this.service(slot);

  constructor(o: LoadEngineOptions) {
    super(o);
    this.wheel = new TimerWheel(o.clock.now(), 1024);
  }

  /** Ends call `s` (metrics, its slot back); `cause` undefined: completed. */
  protected abstract end(s: number, now: number, cause: FailureCause | undefined): void;
  /** Makes sure the engine's one Node timer fires by `at` (clock ms). */
  protected abstract arm(at: number): void;

  protected service(s: number): void {
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

  protected reschedule(s: number): void {
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
}
