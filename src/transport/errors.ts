import type { TransportName } from '../events/types.js';
import { formatEndpoint } from './endpoint.js';
import type { AddressPort } from './endpoint.js';

/**
 * What went wrong in a transport, as a stable code the engine can branch on. System error
 * names keep their errno spelling; the others are sipcall's own.
 */
export type TransportErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EACCES'
  | 'EPIPE'
  | 'ETIMEDOUT'
  /** The peer closed a stream while a message was only partly received. */
  | 'CLOSED_MID_MESSAGE'
  /** The connection or socket is closed (by the peer, cleanly, or by us). */
  | 'CLOSED'
  /** Larger than a datagram (UDP) or than the framer's limit (stream). */
  | 'MESSAGE_TOO_LARGE'
  /** A stream could not be split into messages (no or bad Content-Length). */
  | 'FRAMING'
  /** A host name could not be resolved. */
  | 'DNS'
  /** A TLS handshake failed; the suffix says why (src/transport/tls-errors.ts). */
  | 'TLS_UNKNOWN_CA'
  | 'TLS_SELF_SIGNED'
  | 'TLS_HOSTNAME_MISMATCH'
  | 'TLS_EXPIRED'
  | 'TLS_NOT_YET_VALID'
  | 'TLS_HANDSHAKE_TIMEOUT'
  | 'TLS_HANDSHAKE'
  /** The WebSocket opening handshake failed (RFC 6455 §4.1, RFC 7118 §4.1). */
  | 'WS_HANDSHAKE'
  /** Any other system error; `errno` holds its name. */
  | 'UNKNOWN';

export interface TransportErrorInit {
  transport: TransportName;
  /** The peer, when there is one. */
  remote?: AddressPort;
  /** The local address, for bind errors. */
  local?: AddressPort;
  /** The system error name (`ECONNREFUSED`), when the error came from the OS. */
  errno?: string;
  cause?: unknown;
}

/**
 * A transport failure, typed. `message` says in plain words what happened and what it
 * usually means; `code` is for programs.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  readonly transport: TransportName;
  readonly remote: AddressPort | undefined;
  readonly local: AddressPort | undefined;
  readonly errno: string | undefined;

  constructor(code: TransportErrorCode, message: string, init: TransportErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.transport = init.transport;
    this.remote = init.remote;
    this.local = init.local;
    this.errno = init.errno;
  }
}

const KNOWN_ERRNO: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EACCES',
  'EPIPE',
  'ETIMEDOUT',
]);

/** `127.0.0.1:5099/udp` */
function where(e: AddressPort | undefined, transport: TransportName): string {
  return e === undefined ? `the peer (${transport})` : `${formatEndpoint(e)}/${transport.toLowerCase()}`;
}

/** The plain-words explanation of a system error code on a transport. */
function explain(code: TransportErrorCode, init: TransportErrorInit, detail: string | undefined): string {
  const peer = where(init.remote, init.transport);
  const host = init.remote?.address ?? 'the peer';
  const local = where(init.local, init.transport);
  const datagram = init.transport === 'UDP';
  switch (code) {
    case 'ECONNREFUSED':
      return datagram
        ? `ICMP port unreachable: nothing listens on ${peer}`
        : `connection refused: nothing listens on ${peer} (or a firewall rejects the connection)`;
    case 'ECONNRESET':
      return `connection reset by ${peer}: the peer dropped the connection abruptly (it crashed, restarted, or rejected what we sent)`;
    case 'EHOSTUNREACH':
      return `host unreachable: no route to ${host} (ICMP host unreachable; the host is down, or a firewall drops the traffic)`;
    case 'ENETUNREACH':
      return `network unreachable: this machine has no route to ${host} (check the address and the local routes)`;
    case 'EADDRINUSE':
      return `local address ${local} is already in use: another program (or another sipcall) is bound to it; choose another port, or 0 for any free one`;
    case 'EADDRNOTAVAIL':
      return `cannot use local address ${local}: it is not an address of this machine`;
    case 'EACCES':
      return `permission denied for ${init.local ? local : peer}: ports below 1024 need privileges, or a policy forbids it`;
    case 'EPIPE':
      return `cannot write to ${peer}: the connection is already closed by the peer`;
    case 'ETIMEDOUT':
      return `no answer from ${peer}${detail ? ` ${detail}` : ''}: the host is down, or a firewall silently drops the packets`;
    case 'CLOSED':
      return `the connection to ${peer} is closed${detail ? `: ${detail}` : ''}`;
    case 'CLOSED_MID_MESSAGE':
      return `${peer} closed the connection in the middle of a message${detail ? ` (${detail})` : ''}`;
    case 'MESSAGE_TOO_LARGE':
    case 'FRAMING':
    case 'DNS':
    case 'TLS_UNKNOWN_CA':
    case 'TLS_SELF_SIGNED':
    case 'TLS_HOSTNAME_MISMATCH':
    case 'TLS_EXPIRED':
    case 'TLS_NOT_YET_VALID':
    case 'TLS_HANDSHAKE_TIMEOUT':
    case 'TLS_HANDSHAKE':
    case 'WS_HANDSHAKE':
      return detail ?? code;
    case 'UNKNOWN':
      return `${init.errno ?? 'error'} on ${peer}${detail ? `: ${detail}` : ''}`;
  }
}

/** Creates a TransportError with the standard wording for `code`; `detail` adds specifics. */
export function transportError(
  code: TransportErrorCode,
  init: TransportErrorInit,
  detail?: string,
): TransportError {
  return new TransportError(code, explain(code, init, detail), init);
}

/** Converts an error from node:dgram / node:net into a TransportError. */
export function fromSystemError(err: unknown, init: TransportErrorInit): TransportError {
  if (err instanceof TransportError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const withCause = { ...init, errno, cause: err };
  if (errno === 'EMSGSIZE') {
    return transportError(
      'MESSAGE_TOO_LARGE',
      withCause,
      `the message is larger than a ${init.transport} datagram can carry (EMSGSIZE): send it over TCP (RFC 3261 §18.1.1)`,
    );
  }
  if (errno !== undefined && KNOWN_ERRNO.has(errno)) {
    return transportError(errno as TransportErrorCode, withCause);
  }
  const text = err instanceof Error ? err.message : String(err);
  return transportError('UNKNOWN', withCause, text);
}
