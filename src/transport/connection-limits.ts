import type { TransportName } from '../events/types.js';
import type { Endpoint } from './endpoint.js';
import { formatEndpoint } from './endpoint.js';

/**
 * The limits a listening stream transport (`answer` over TCP) puts on the connections it
 * accepts, so that a long-running UAS holds up against peers that open many connections or
 * send half a message and stop. RFC 3261 §18 sets none; it lets a server close a connection
 * it no longer wants (§18.3: "the server SHOULD close the connection" when a message cannot be
 * framed; §18.2.2 only asks that responses use the connection the request came on while it is
 * open). A peer whose connection was closed opens a new one to send again (§18.1.1).
 */
export type ConnectionLimit = 'max-connections' | 'incomplete-message-timeout' | 'max-buffered-bytes' | 'idle-timeout';

/**
 * The timers a listener's connections run on: the engine's `Clock` fits (the transport layer
 * names only the two calls it needs, so it does not import `clock/`), and tests pass a manual
 * clock. Absent: the host's `setTimeout`.
 */
export interface ConnectionTimers {
  setTimer(ms: number, fn: () => void): object;
  clearTimer(handle: object): void;
}

/** The host's timers, for a listener given none. */
export const HOST_TIMERS: ConnectionTimers = {
  setTimer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ConnectionLimits {
  /**
   * How long a connection may sit with nothing in progress, in ms: no byte of an unfinished
   * message held, nothing received or sent for that long, and nothing of ours that still needs
   * it (`inUse`, asked when the time is up; a "yes" waits another period). RFC 3261 §18: "it is
   * RECOMMENDED that connections be kept open for some implementation-defined duration after
   * the last message was sent or received over that connection. This duration SHOULD at least
   * equal the longest amount of time the element would need in order to bring a transaction
   * from instantiation to the terminated state" (64·T1, 32 s). Default 120 s, Kamailio's
   * `tcp_connection_lifetime`; an RFC 5626 §3.5.1 CRLF keep-alive counts as traffic, so a
   * client that keeps its flow alive keeps it. Without it, connections that open and say
   * nothing would hold their places (`maxConnections`) for ever and shut new clients out.
   */
  idleTimeoutMs: number;

  /**
   * How long a connection may hold an incomplete message without completing one, in ms.
   * Restarts with every complete message, not with every byte, so a peer that trickles
   * bytes cannot hold a connection for ever. Default 32 s: 64·T1, the longest a transaction
   * waits (Timer B, F, H of RFC 3261 §17).
   */
  incompleteMessageTimeoutMs: number;
  /** Connections open at once; one more is closed as soon as it is accepted. Default 1,000. */
  maxConnections: number;
  /**
   * Bytes one connection may hold: its unfinished message plus the replies the peer has not
   * read yet (queued in Node beyond the kernel's buffers). Default: the largest message plus
   * 64 KiB (one read from the socket).
   */
  maxBufferedBytes: number;
}

/** 64 KiB: the largest message a listener accepts by default, as Kamailio and Asterisk do. */
export const DEFAULT_LISTEN_MAX_MESSAGE_SIZE = 64 * 1024;

/** Room beyond the largest message: one read from the socket (Node reads up to 64 KiB). */
const READ_SLACK = 64 * 1024;

/** 120 s: Kamailio's default `tcp_connection_lifetime`, well over 64·T1 (RFC 3261 §18). */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** 64·T1 with T1 = 500 ms (RFC 3261 §17.1.1.1). */
export const DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS = 32_000;

export const DEFAULT_MAX_CONNECTIONS = 1000;

/** The limits, each given or defaulted; `maxMessageSize` is the framer's limit for one message. */
export function connectionLimits(given: Partial<ConnectionLimits>, maxMessageSize: number): ConnectionLimits {
  return {
    idleTimeoutMs: given.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    incompleteMessageTimeoutMs: given.incompleteMessageTimeoutMs ?? DEFAULT_INCOMPLETE_MESSAGE_TIMEOUT_MS,
    maxConnections: given.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxBufferedBytes: given.maxBufferedBytes ?? maxMessageSize + READ_SLACK,
  };
}

/** A connection the listener closed (or refused) because it broke one of its limits. */
export interface ConnectionDrop {
  limit: ConnectionLimit;
  transport: TransportName;
  peer: Endpoint;
  /** What was held when the limit was broken: bytes (its message, its buffers) or connections open. */
  held: number;
  /** The limit's value. */
  max: number;
  /** One sentence naming the limit and the peer, for a `note` event. */
  message: string;
}

/** Builds the drop report, with its sentence. */
export function connectionDrop(limit: ConnectionLimit, transport: TransportName, peer: Endpoint, held: number, max: number): ConnectionDrop {
  const who = `${formatEndpoint(peer)}/${transport.toLowerCase()}`;
  const message =
    limit === 'max-connections'
      ? `closed a new connection from ${who} at once: ${held} connections are open, the limit (max-connections ${max})`
      : limit === 'idle-timeout'
        ? `closed the connection from ${who}: nothing was received or sent on it for ${max / 1000} s and nothing of ours needs it (idle-timeout ${max} ms)`
        : limit === 'incomplete-message-timeout'
          ? `closed the connection from ${who}: it held an incomplete message (${held} bytes) for ${max / 1000} s without completing it (incomplete-message-timeout ${max} ms)`
          : `closed the connection from ${who}: it held ${held} bytes (its unfinished message and replies it has not read), over the limit (max-buffered-bytes ${max})`;
  return { limit, transport, peer, held, max, message };
}
