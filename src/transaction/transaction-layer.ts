/**
 * The client transaction layer (RFC 3261 §17.1): creates client transactions, matches
 * responses to them (§17.1.3) in O(1), and runs their effects on an injected `Clock` and a
 * send port. Emits an event for everything it does. Never prints, never opens sockets.
 *
 * Thousands of transactions live side by side; a terminated one leaves nothing behind: it is
 * removed from the map and has no timer armed.
 */
import type { Clock } from '../clock/clock.js';
import type { EventInput, SipEvent, TransportName } from '../events/types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { parseCSeq } from '../sip/cseq.js';
import { isValidStatusCode } from '../sip/status.js';
import { parseVia } from '../sip/via.js';
import { ClientTransaction, type TransactionContext } from './client-transaction.js';
import { DuplicateTransactionError, TransactionRequestError } from './errors.js';
import { extraViaDetail, responseKey } from './match.js';
import type { SendOptions, TransactionUser, TransportFailure } from './ports.js';
import { forTransport } from './timer-config.js';

export interface TransactionLayerOptions {
  clock: Clock;
  emit: (e: SipEvent) => void;
  /** Emit `wire` events with the full text of every message (default true). */
  wire?: boolean;
}

export class TransactionLayer {
  private readonly clock: Clock;
  private readonly sink: (e: SipEvent) => void;
  private readonly ctx: TransactionContext;
  /**
   * Live transactions by the branch of their top Via. Each entry heads a short chain of the
   * transactions sharing that branch (an INVITE and its CANCEL, §9.1), told apart by method.
   */
  private readonly live = new Map<string, ClientTransaction>();
  private count = 0;

  constructor(options: TransactionLayerOptions) {
    this.clock = options.clock;
    this.sink = options.emit;
    this.ctx = {
      clock: options.clock,
      emit: options.emit,
      wire: options.wire ?? true,
      forget: (tx) => this.forget(tx),
    };
  }

  /** How many client transactions are live (not yet Terminated). */
  get size(): number {
    return this.count;
  }

  /**
   * Starts a client transaction for `request`: sends it and arms its timers. The caller has
   * set the top Via branch (RFC 3261 §8.1.1.7); the layer reads it and generates nothing.
   * The bytes are `serialize(request)`: set Content-Length before.
   *
   * @throws TransactionRequestError for an ACK (it has no client transaction, §17.1), a
   *   request without a top Via branch, or without a CSeq naming its method (§8.1.1.5).
   * @throws DuplicateTransactionError when a live transaction has the same branch and method.
   */
  send(request: SipRequest, opts: SendOptions, user: TransactionUser): ClientTransaction {
    const { method } = request;
    if (method === 'ACK') {
      throw new TransactionRequestError('ACK has no client transaction (RFC 3261 §17.1): send it directly');
    }
    const top = request.headers.list('via')[0];
    const branch = top === undefined ? undefined : parseVia(top)?.branch;
    if (!branch) throw new TransactionRequestError(`the ${method} request has no top Via with a branch parameter`);
    const cseqValue = request.headers.get('cseq');
    const cseq = cseqValue === undefined ? null : parseCSeq(cseqValue);
    if (cseq === null || cseq.method !== method) {
      throw new TransactionRequestError(
        `the ${method} request needs a CSeq whose method is ${method} (RFC 3261 §8.1.1.5), got ${cseqValue ?? 'none'}`,
      );
    }
    const head = this.live.get(branch);
    for (let t = head; t; t = t.nextSameBranch) if (t.method === method) throw new DuplicateTransactionError(branch, method);

    const callId = request.headers.get('call-id') ?? '';
    const config = forTransport(opts.timers, opts.reliable);
    const tx = new ClientTransaction(this.ctx, request, branch, callId, cseq.seq, opts, config, user);
    // Linked before it starts: a send that fails at once terminates it during `begin`.
    tx.nextSameBranch = head;
    this.live.set(branch, tx);
    this.count++;
    tx.begin();
    return tx;
  }

  /**
   * Hands a received response to the transaction it belongs to (RFC 3261 §17.1.3). Returns
   * false, after a `response.stray` event, when it matches none; never throws for a bad
   * response. `bytes` are the message as received (for the `wire` event and sizes).
   */
  receive(res: SipResponse, from: string, transport: TransportName, bytes: Uint8Array): boolean {
    if (this.ctx.wire) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      this.emit({ type: 'wire', direction: 'in', transport, peer: from, text });
    }
    if (!isValidStatusCode(res.status)) {
      this.emit({
        type: 'message.invalid',
        from,
        bytes: bytes.byteLength,
        error: `status code ${res.status} is not in 100–699 (RFC 3261 §7.2)`,
        offset: 0,
      });
      return false;
    }
    const key = responseKey(res);
    const stray = { type: 'response.stray', status: res.status, reason: res.reason, from } as const;
    const callId = res.headers.get('call-id');
    const withCallId = callId === undefined ? {} : { callId };
    if (!key.ok) {
      this.emit({
        ...stray,
        why: key.why,
        detail: key.detail,
        ...withCallId,
        ...(key.branch === undefined ? {} : { branch: key.branch }),
        ...(key.cseq === undefined ? {} : { cseq: key.cseq }),
      });
      return false;
    }
    const cseq = `${key.cseq.seq} ${key.cseq.method}`;
    const extraVia = extraViaDetail(res);
    if (extraVia !== undefined) {
      this.emit({ ...stray, why: 'extra-via', detail: extraVia, branch: key.branch, cseq, ...withCallId });
      return false;
    }
    const head = this.live.get(key.branch);
    let tx = head;
    while (tx && tx.method !== key.method) tx = tx.nextSameBranch;
    if (!tx) {
      const detail = head
        ? `branch ${key.branch} belongs to a ${head.method} transaction, but the CSeq method is ${key.method}`
        : `no live client transaction has branch ${key.branch}`;
      this.emit({ ...stray, why: head ? 'method-mismatch' : 'unknown-branch', detail, branch: key.branch, cseq, ...withCallId });
      return false;
    }
    tx.receive(res, cseq, from, transport, bytes.byteLength);
    return true;
  }

  /**
   * Reports a fatal transport failure (RFC 3261 §17.1.4) to every live transaction with this
   * branch. Returns false when none is live.
   */
  transportError(branch: string, err: TransportFailure): boolean {
    const head = this.live.get(branch);
    const all: ClientTransaction[] = [];
    for (let t = head; t; t = t.nextSameBranch) all.push(t);
    for (const t of all) t.transportError(err);
    return all.length > 0;
  }

  /** The live transaction for this branch and method, if any. */
  get(branch: string, method: string): ClientTransaction | undefined {
    let tx = this.live.get(branch);
    while (tx && tx.method !== method) tx = tx.nextSameBranch;
    return tx;
  }

  /**
   * Stops every timer of every live transaction and forgets them (shutting down). They do not
   * reach Terminated and their TUs are not called.
   */
  close(): void {
    for (const head of this.live.values()) {
      for (let t: ClientTransaction | undefined = head; t; t = t.nextSameBranch) t.dispose('transaction layer closed');
    }
    this.live.clear();
    this.count = 0;
  }

  private forget(tx: ClientTransaction): void {
    const head = this.live.get(tx.branch);
    if (head === tx) {
      if (tx.nextSameBranch) this.live.set(tx.branch, tx.nextSameBranch);
      else this.live.delete(tx.branch);
    } else {
      let prev = head;
      while (prev && prev.nextSameBranch !== tx) prev = prev.nextSameBranch;
      if (!prev) return;
      prev.nextSameBranch = tx.nextSameBranch;
    }
    tx.nextSameBranch = undefined;
    this.count--;
  }

  private emit(e: EventInput): void {
    this.sink({ ...e, t: this.clock.now() } as SipEvent);
  }
}
