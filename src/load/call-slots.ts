/**
 * The calls in progress of a load run (engine.ts; docs/load.md, "Engine"): a call is a slot in
 * typed arrays (its phase, CSeq, deadlines, flags) plus a few strings it learns from the 2xx (To
 * tag, remote target, route set), the two lanes of {@link ClientLanes} its transactions run in,
 * and its three regions of one slab of request bytes. Slots are reused; growing doubles the arrays
 * and adds slab chunks, never copying the bytes of calls in progress.
 *
 * RFC 3261 §12: "A dialog contains certain pieces of state needed for further message
 * transmissions within the dialog. This state consists of the dialog ID, a local sequence number
 * (used to order requests from the UA to its peer), […] remote target, […] and a route set". A
 * slot holds the part of it a UAC that only sends needs: the Call-ID and local tag (from the run
 * id and `call`), the remote tag (`toTag`), the local sequence number (`cseq`), the remote target
 * (`target`) and the route set (`route`, as Route header lines).
 *
 * The base of the engine's class chain (call-slots → call-requests → call-timers →
 * call-responses → engine): one object, one hidden class, every field read straight off `this`
 * on the hot path.
 */
import type { DigestSession } from '../auth/index.js';
import { ClientLanes } from './client-lanes.js';
import type { LoadEngineOptions } from './engine-options.js';
import type { Writer } from './writer.js';

// Call phases.
export const FREE = 0;
export const INVITING = 1;
export const CONFIRMED = 2;
export const BYEING = 3;
export const CANCELING = 4;
export const REQUESTING = 5;

// Flags.
export const F_PROVISIONAL = 1;
export const F_SRD = 2;
export const F_AUTH = 4;
export const F_CANCELED = 8;
export const F_CANCEL_PENDING = 16;
export const F_BYE_AUTH = 32;

export const NEVER = Infinity;
/**
 * Bytes per request region: an INVITE with its SDP offer is about 850 bytes; a longer message (a
 * long route set, credentials) gets a Buffer of its own. 3 KiB per call in progress in all.
 */
const REGION = 1024;
/** Regions per slot: lane 0 request, lane 1 request, the ACK. */
export const REGIONS = 3;
/** Slots per slab chunk: growing adds chunks, it never copies the bytes of calls in progress. */
const CHUNK_SLOTS = 256;
const CHUNK_BYTES = CHUNK_SLOTS * REGIONS * REGION;

export abstract class CallSlots {
  protected readonly o: LoadEngineOptions;
  protected readonly lanes: ClientLanes;

  protected cap = 0;
  protected freeTop = 0;
  protected freeList: Int32Array = new Int32Array(0);
  protected phase: Uint8Array = new Uint8Array(0);
  protected flags: Uint8Array = new Uint8Array(0);
  protected laneMethod: Uint8Array = new Uint8Array(0);
  protected call: Float64Array = new Float64Array(0);
  protected intended: Float64Array = new Float64Array(0);
  protected cseq: Uint32Array = new Uint32Array(0);
  protected slotSerial: Uint32Array = new Uint32Array(0);
  protected dHold: Float64Array = new Float64Array(0);
  protected dRing: Float64Array = new Float64Array(0);
  protected dGiveUp: Float64Array = new Float64Array(0);
  protected byeStart: Float64Array = new Float64Array(0);
  protected handle: Float64Array = new Float64Array(0);
  protected handleAt: Float64Array = new Float64Array(0);
  protected len: Int32Array = new Int32Array(0);
  protected chunks: Buffer[] = [];
  protected big: Array<Buffer | undefined> = [];
  protected toTag: string[] = [];
  protected target: string[] = [];
  protected route: string[] = [];
  protected auth: string[] = [];
  protected session: Array<DigestSession | undefined> = [];

  constructor(o: LoadEngineOptions) {
    this.o = o;
    this.lanes = new ClientLanes(0, o.t1, o.t2, (o.transport ?? 'UDP') !== 'UDP');
    this.grow(CHUNK_SLOTS);
  }

  protected alloc(): number {
    if (this.freeTop === 0) this.grow(this.cap * 2);
    return this.freeList[--this.freeTop]!;
  }

  /** Gives slot `s` back: its lanes, its digest session and any Buffer of its own. */
  protected release(s: number): void {
    this.lanes.free(2 * s);
    this.lanes.free(2 * s + 1);
    this.phase[s] = FREE;
    this.session[s] = undefined;
    this.big[s * REGIONS] = this.big[s * REGIONS + 1] = this.big[s * REGIONS + 2] = undefined;
    this.freeList[this.freeTop++] = s;
  }

  protected grow(cap: number): void {
    const old = this.cap;
    const g8 = (a: Uint8Array, n: number): Uint8Array => {
      const x = new Uint8Array(n);
      x.set(a);
      return x;
    };
    const g64 = (a: Float64Array, n: number, fill = 0): Float64Array => {
      const x = new Float64Array(n).fill(fill);
      x.set(a);
      return x;
    };
    const g32 = (a: Uint32Array, n: number): Uint32Array => {
      const x = new Uint32Array(n);
      x.set(a);
      return x;
    };
    this.phase = g8(this.phase, cap);
    this.flags = g8(this.flags, cap);
    this.laneMethod = g8(this.laneMethod, 2 * cap);
    this.call = g64(this.call, cap);
    this.intended = g64(this.intended, cap);
    this.cseq = g32(this.cseq, cap);
    this.slotSerial = g32(this.slotSerial, cap);
    this.dHold = g64(this.dHold, cap, NEVER);
    this.dRing = g64(this.dRing, cap, NEVER);
    this.dGiveUp = g64(this.dGiveUp, cap, NEVER);
    this.byeStart = g64(this.byeStart, cap);
    this.handle = g64(this.handle, cap, -1);
    this.handleAt = g64(this.handleAt, cap, NEVER);
    const len = new Int32Array(cap * REGIONS);
    len.set(this.len);
    this.len = len;
    while (this.chunks.length * CHUNK_SLOTS < cap) this.chunks.push(Buffer.allocUnsafe(CHUNK_BYTES));
    this.lanes.grow(2 * cap);
    const free = new Int32Array(cap);
    free.set(this.freeList.subarray(0, this.freeTop));
    // New slots, lowest number on top.
    for (let s = cap - 1; s >= old; s--) free[this.freeTop++] = s;
    this.freeList = free;
    for (let s = old; s < cap; s++) {
      this.toTag.push('');
      this.target.push('');
      this.route.push('');
      this.auth.push('');
      this.session.push(undefined);
    }
    this.cap = cap;
  }

  /** Writes a request into region `r` of the slab (or a Buffer of its own when it is longer). */
  protected write(r: number, w: Writer): void {
    const chunk = this.chunks[Math.floor(r / (CHUNK_SLOTS * REGIONS))]!;
    const off = (r % (CHUNK_SLOTS * REGIONS)) * REGION;
    const end = w.t.write(chunk, off, w.values, off + REGION);
    if (end >= 0) {
      this.big[r] = undefined;
      this.len[r] = end - off;
      return;
    }
    const b = Buffer.allocUnsafe(w.t.measure(w.values));
    this.len[r] = w.t.write(b, 0, w.values);
    this.big[r] = b;
  }

  protected sendRegion(r: number): void {
    const b = this.big[r];
    const call = this.call[Math.floor(r / REGIONS)]!;
    if (b) this.o.send(b, 0, this.len[r]!, call);
    else this.o.send(this.chunks[Math.floor(r / (CHUNK_SLOTS * REGIONS))]!, (r % (CHUNK_SLOTS * REGIONS)) * REGION, this.len[r]!, call);
  }
}
