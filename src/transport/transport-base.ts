import { Callbacks } from './callbacks.js';
import type { Endpoint } from './endpoint.js';
import type { TransportError } from './errors.js';
import type { CloseReason } from './transport.js';

/**
 * The listener plumbing every client transport shares: the `onMessage`, `onError` and
 * `onClose` registrations of the `Transport` interface, and the lists they feed.
 */
export abstract class TransportBase {
  protected readonly messages = new Callbacks<[Buffer, Endpoint]>();
  protected readonly errors = new Callbacks<[TransportError]>();
  protected readonly closes = new Callbacks<[CloseReason]>();

  onMessage(cb: (msg: Buffer, from: Endpoint) => void): void {
    this.messages.add(cb);
  }

  onError(cb: (err: TransportError) => void): void {
    this.errors.add(cb);
  }

  /** Called once when the transport closes: `local`, `peer` (a clean close by the peer, after
   *  CLOSED_MID_MESSAGE if a message was cut) or `error`. */
  onClose(cb: (reason: CloseReason) => void): void {
    this.closes.add(cb);
  }
}
