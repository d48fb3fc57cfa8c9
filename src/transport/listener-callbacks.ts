import { Callbacks } from './callbacks.js';
import type { ConnectionDrop } from './connection-limits.js';
import type { Endpoint } from './endpoint.js';
import type { TransportError, TransportErrorCode } from './errors.js';
import type { CloseReason, Listener, ReplyFn } from './transport.js';

/**
 * What every connection-oriented listener (TCP, TLS, WS, WSS) tells its owner, kept in one
 * place: the messages it framed (each with the way back on its own connection, RFC 3261
 * §18.2.2), transport errors, connections it dropped for breaking a limit, and connections that
 * ended. A listener extends this and emits through the protected lists.
 */
export abstract class ListenerCallbacks implements Pick<Listener, 'onMessage' | 'onError' | 'onDrop' | 'onConnectionClose'> {
  protected readonly messages = new Callbacks<[Buffer, Endpoint, ReplyFn]>();
  protected readonly errors = new Callbacks<[TransportError]>();
  protected readonly drops = new Callbacks<[ConnectionDrop]>();
  protected readonly ends = new Callbacks<[Endpoint, CloseReason, TransportErrorCode | undefined]>();

  onMessage(cb: (msg: Buffer, from: Endpoint, reply: ReplyFn) => void): void {
    this.messages.add(cb);
  }

  onError(cb: (err: TransportError) => void): void {
    this.errors.add(cb);
  }

  onDrop(cb: (drop: ConnectionDrop) => void): void {
    this.drops.add(cb);
  }

  onConnectionClose(cb: (remote: Endpoint, reason: CloseReason, lastError: TransportErrorCode | undefined) => void): void {
    this.ends.add(cb);
  }
}
