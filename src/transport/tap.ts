import type { ConnectionDrop } from './connection-limits.js';
import type { Endpoint } from './endpoint.js';
import type { TransportError, TransportErrorCode } from './errors.js';
import type { CloseReason, Listener, ReplyFn, Transport } from './transport.js';

/** `out`: we sent it; `in`: we received it. */
export type TapDirection = 'in' | 'out';

/**
 * How a stream connection ended: `fin`, closed normally, first by `by`; `rst`, reset or
 * abandoned by `by` (RFC 9293 §3.5.2).
 */
export interface StreamEnd {
  how: 'fin' | 'rst';
  by: 'local' | 'remote';
}

/** Errors after which we drop the connection ourselves: a stream we cannot split into messages. */
const DROPPED_BY_US: ReadonlySet<TransportErrorCode> = new Set(['FRAMING', 'MESSAGE_TOO_LARGE']);

/**
 * A transport's close reason as a stream end: `local` and `peer` are clean closes by that end;
 * a stream we could not frame is ended by us with a FIN after the replies already written
 * (tcp-stream.ts); any other `error` is a reset by the peer (`ECONNRESET`, …).
 */
export function streamEndOf(reason: CloseReason, lastError: TransportErrorCode | undefined): StreamEnd {
  if (reason === 'local') return { how: 'fin', by: 'local' };
  if (reason === 'peer') return { how: 'fin', by: 'remote' };
  if (lastError !== undefined && DROPPED_BY_US.has(lastError)) return { how: 'fin', by: 'local' };
  return { how: 'rst', by: 'remote' };
}

/**
 * Sees every message as it crosses a socket (`--pcap`, docs/pcap.md). `local` is our end,
 * `remote` the peer's; called at the socket event, before anything acts on the message.
 */
export interface WireTap {
  /** One UDP datagram: SIP, RTP or RTCP, exactly as sent or received. */
  datagram(direction: TapDirection, local: Endpoint, remote: Endpoint, bytes: Uint8Array): void;
  /**
   * One whole message on a stream connection: TCP, the plain text inside TLS, or the payload of
   * a WebSocket message. `opener` says which end opened the connection.
   */
  stream(direction: TapDirection, local: Endpoint, remote: Endpoint, bytes: Uint8Array, opener: 'local' | 'remote'): void;
  /** A stream connection ended (after its last message). */
  streamEnd?(local: Endpoint, remote: Endpoint, end: StreamEnd, opener: 'local' | 'remote'): void;
}

function record(tap: WireTap, reliable: boolean, direction: TapDirection, local: Endpoint, remote: Endpoint, bytes: Uint8Array, opener: 'local' | 'remote'): void {
  if (reliable) tap.stream(direction, local, remote, bytes, opener);
  else tap.datagram(direction, local, remote, bytes);
}

/**
 * `t`, with every message sent and received shown to `tap` first. Received messages are seen
 * before any other `onMessage` callback (the tap registers first), so a reply sent from one of
 * them comes after it in the capture.
 */
export function tapTransport(t: Transport, tap: WireTap): Transport {
  t.onMessage((msg, from) => record(tap, t.reliable, 'in', t.local, from, msg, 'local'));
  if (t.reliable) {
    let lastError: TransportErrorCode | undefined;
    t.onError((err) => (lastError = err.code));
    t.onClose((reason) => tap.streamEnd?.(t.local, t.remote, streamEndOf(reason, lastError), 'local'));
  }
  return {
    name: t.name,
    reliable: t.reliable,
    get local() {
      return t.local;
    },
    get remote() {
      return t.remote;
    },
    send(bytes: Uint8Array): void {
      record(tap, t.reliable, 'out', t.local, t.remote, bytes, 'local');
      t.send(bytes);
    },
    onMessage: (cb: (msg: Buffer, from: Endpoint) => void) => t.onMessage(cb),
    onError: (cb: (err: TransportError) => void) => t.onError(cb),
    onClose: (cb: (reason: CloseReason) => void) => t.onClose(cb),
    close: () => t.close(),
  };
}

/**
 * `l`, with every message received, every reply sent and the end of every connection shown to
 * `tap` (connections to a listener are opened by the peer).
 */
export function tapListener(l: Listener, tap: WireTap): Listener {
  l.onMessage((msg, from) => record(tap, l.reliable, 'in', l.local, from, msg, 'remote'));
  l.onConnectionClose?.((remote, reason, lastError) => tap.streamEnd?.(l.local, remote, streamEndOf(reason, lastError), 'remote'));
  return {
    name: l.name,
    reliable: l.reliable,
    get local() {
      return l.local;
    },
    onMessage: (cb: (msg: Buffer, from: Endpoint, reply: ReplyFn) => void) =>
      l.onMessage((msg, from, reply) =>
        cb(msg, from, (bytes) => {
          record(tap, l.reliable, 'out', l.local, from, bytes, 'remote');
          reply(bytes);
        }),
      ),
    onError: (cb: (err: TransportError) => void) => l.onError(cb),
    onDrop: (cb: (drop: ConnectionDrop) => void) => l.onDrop(cb),
    ...(l.onConnectionClose ? { onConnectionClose: l.onConnectionClose.bind(l) } : {}),
    close: () => l.close(),
  };
}
