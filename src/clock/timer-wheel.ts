/**
 * A hashed timer wheel for the fast paths (`sipcall load`, the UAS at load rates): many
 * thousands of RFC 3261 timers armed and cancelled per second without a Node `Timeout` object,
 * a closure or any other allocation per timer.
 *
 * Node keeps a heap object per `setTimeout` (measured here: ~160 B and 3.1–3.6 µs per arm +
 * clear pair; /work's reference/scripting-load.md B3). At 10,000 calls/s with ~4 timers per call
 * that is ~7 % of a core plus garbage. This wheel keeps every timer in preallocated typed arrays
 * with intrusive doubly linked lists per 1 ms slot, like SIPp's `timewheel` (src/task.cpp), and
 * hands out integer handles. The owner drives it: `advance(now, fire)` from its own loop (the
 * load scheduler runs every millisecond anyway) and, if idle, one native timer to `nextDue()`.
 *
 * Semantics, pinned by test/clock/timer-wheel.test.ts on exact times:
 * - a timer never fires early: one scheduled at `atMs` fires during the first `advance(now)`
 *   with `now ≥ ceil(atMs)` (1 ms resolution, so at most 1 ms late plus the owner's latency);
 * - timers fire in due order, and in scheduling order within the same millisecond;
 * - a timer scheduled from inside `fire` for a time already reached fires in the next
 *   millisecond step, never recursively inside the same step;
 * - `cancel` of a handle that fired, was cancelled, or whose slot was reused does nothing
 *   (handles carry a generation).
 *
 * With 65,536 slots of 1 ms, every timer up to 65 s (all of RFC 3261's: 64·T1 = 32 s) sits in a
 * slot alone with the timers due in the same millisecond; longer ones wait in their slot for
 * later rounds and are skipped (not fired) until their millisecond comes.
 */
const SLOT_BITS = 16;
const SLOTS = 1 << SLOT_BITS;
const MASK = SLOTS - 1;
/** Handles are `generation · 2^24 + index`: safe integers for 2^29 reuses of each entry. */
const INDEX_SPACE = 1 << 24;
const NONE = -1;
/** `due` of an entry taken out of its slot to fire in the current step. */
const PENDING = -1;

export class TimerWheel {
  /** Head and tail entry of each slot's list (NONE when empty). */
  private readonly head = new Int32Array(SLOTS).fill(NONE);
  private readonly tail = new Int32Array(SLOTS).fill(NONE);
  /** One bit per slot: the slot's list is not empty (for `nextDue`). */
  private readonly occupied = new Uint32Array(SLOTS >>> 5);

  // Per entry (grown by doubling):
  private due = new Float64Array(0);
  private ids = new Float64Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  /** The entry's generation; odd while armed, even while free. */
  private gen = new Uint32Array(0);
  private capacity = 0;
  private freeHead = NONE;

  /** The last millisecond processed by `advance`. */
  private tick: number;
  private armed = 0;
  private advancing = false;
  /** Scratch for one step: the entries due now and their generations. */
  private dueNow = new Int32Array(64);
  private dueGen = new Uint32Array(64);

  /** @param nowMs the owner's clock now (ms); nothing is due before it. */
  constructor(nowMs: number, initialCapacity = 1024) {
    this.tick = Math.floor(nowMs);
    this.grow(Math.max(16, initialCapacity));
  }

  /** How many timers are armed. */
  get size(): number {
    return this.armed;
  }

  /**
   * Arms a timer that fires `id` at `atMs` (absolute, on the owner's clock) or, if that time
   * has already been processed, at the next millisecond step. Returns a handle for `cancel`.
   */
  schedule(atMs: number, id: number): number {
    if (this.freeHead === NONE) this.grow(this.capacity * 2);
    const e = this.freeHead;
    this.freeHead = this.next[e]!;
    const dueTick = Math.max(Math.ceil(atMs), this.tick + 1);
    this.due[e] = dueTick;
    this.ids[e] = id;
    this.gen[e] = (this.gen[e]! + 1) >>> 0; // even → odd: armed
    this.link(e, dueTick & MASK);
    this.armed++;
    return this.gen[e]! * INDEX_SPACE + e;
  }

  /** Disarms a timer; a no-op for a handle that already fired or was cancelled. */
  cancel(handle: number): void {
    const e = handle % INDEX_SPACE;
    if (e < 0 || e >= this.capacity) return;
    const g = (handle - e) / INDEX_SPACE;
    if (this.gen[e] !== g || (g & 1) === 0) return;
    if (this.due[e] !== PENDING) this.unlink(e, this.due[e]! & MASK);
    this.release(e);
  }

  /**
   * Processes every millisecond up to `nowMs`, calling `fire(id)` for each timer due. `fire`
   * may schedule and cancel timers.
   */
  advance(nowMs: number, fire: (id: number) => void): void {
    const target = Math.floor(nowMs);
    if (target <= this.tick) return;
    // After a full turn every slot has been visited: skip the empty turns of a long idle gap.
    if (target - this.tick > SLOTS && this.armed === 0) {
      this.tick = target;
      return;
    }
    if (this.advancing) throw new Error('TimerWheel.advance called from inside fire');
    this.advancing = true;
    try {
      while (this.tick < target) {
        const t = ++this.tick;
        const slot = t & MASK;
        if (this.head[slot] === NONE) continue;
        // First take the due entries out of the slot (entries for later rounds stay), then fire
        // them: `fire` may cancel or re-arm any timer, including one taken out here.
        let n = 0;
        for (let e = this.head[slot]!; e !== NONE; ) {
          const after = this.next[e]!;
          if (this.due[e]! <= t) {
            this.unlink(e, slot);
            this.due[e] = PENDING;
            if (n === this.dueNow.length) this.growScratch();
            this.dueNow[n] = e;
            this.dueGen[n++] = this.gen[e]!;
          }
          e = after;
        }
        for (let i = 0; i < n; i++) {
          const e = this.dueNow[i]!;
          if (this.gen[e] !== this.dueGen[i]) continue; // cancelled by an earlier fire
          const id = this.ids[e]!;
          this.release(e);
          fire(id);
        }
      }
    } finally {
      this.advancing = false;
    }
  }

  /**
   * The earliest millisecond at which something may be due, or undefined when nothing is
   * armed. It is exact for timers within one turn of the wheel (65 s); for longer ones it may
   * be earlier than the real due time (their slot comes round first), never later.
   */
  nextDue(): number | undefined {
    if (this.armed === 0) return undefined;
    const start = (this.tick + 1) & MASK;
    for (let i = 0; i < SLOTS; ) {
      const slot = (start + i) & MASK;
      const word = this.occupied[slot >>> 5]!;
      if (word === 0 && (slot & 31) === 0) {
        i += 32;
        continue;
      }
      if ((word & (1 << (slot & 31))) !== 0) return this.tick + 1 + i;
      i++;
    }
    return this.tick + 1;
  }

  private link(e: number, slot: number): void {
    const t = this.tail[slot]!;
    this.prev[e] = t;
    this.next[e] = NONE;
    if (t === NONE) {
      this.head[slot] = e;
      this.occupied[slot >>> 5]! |= 1 << (slot & 31);
    } else {
      this.next[t] = e;
    }
    this.tail[slot] = e;
  }

  private unlink(e: number, slot: number): void {
    const p = this.prev[e]!;
    const n = this.next[e]!;
    if (p === NONE) this.head[slot] = n;
    else this.next[p] = n;
    if (n === NONE) this.tail[slot] = p;
    else this.prev[n] = p;
    if (this.head[slot] === NONE) this.occupied[slot >>> 5]! &= ~(1 << (slot & 31));
  }

  private release(e: number): void {
    this.gen[e] = (this.gen[e]! + 1) >>> 0; // odd → even: free
    this.next[e] = this.freeHead;
    this.freeHead = e;
    this.armed--;
  }

  private growScratch(): void {
    const e = new Int32Array(this.dueNow.length * 2);
    e.set(this.dueNow);
    const g = new Uint32Array(this.dueGen.length * 2);
    g.set(this.dueGen);
    this.dueNow = e;
    this.dueGen = g;
  }

  private grow(to: number): void {
    if (to > INDEX_SPACE) throw new RangeError(`timer wheel: more than ${INDEX_SPACE} timers armed at once`);
    const from = this.capacity;
    const copy = <T extends Float64Array | Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(to);
      b.set(a);
      return b;
    };
    this.due = copy(this.due, (n) => new Float64Array(n));
    this.ids = copy(this.ids, (n) => new Float64Array(n));
    this.next = copy(this.next, (n) => new Int32Array(n));
    this.prev = copy(this.prev, (n) => new Int32Array(n));
    this.gen = copy(this.gen, (n) => new Uint32Array(n));
    // Chain the new entries onto the free list, lowest index first.
    for (let e = to - 1; e >= from; e--) {
      this.next[e] = this.freeHead;
      this.freeHead = e;
    }
    this.capacity = to;
  }
}
