import { formatEndpoint } from '../transport/endpoint.js';
import { TransportError } from '../transport/errors.js';
import { EXIT } from './exit-codes.js';

/**
 * `sipcall answer` could not listen where it was asked to: the port is taken, the address is
 * not this machine's, or the port needs privileges. That is the machine's state, not a bug:
 * one line saying where, on which transport and what to do, and exit 4 (transport error), the
 * code a `--local` that cannot be bound gets on the UAC side (docs/DESIGN.md exit codes).
 */
export class ListenFailure extends Error {
  override readonly name = 'ListenFailure';
  readonly exitCode = EXIT.TRANSPORT;
}

/**
 * The ListenFailure for an error from starting a listener (`--address`, `--port`), or
 * `undefined` when the error is of another kind (left to the caller).
 */
export function listenFailure(err: unknown, requested: { address: string; port: number }): ListenFailure | undefined {
  if (!(err instanceof TransportError)) return undefined;
  const where = `${formatEndpoint(err.local ?? requested)}/${err.transport.toLowerCase()}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenFailure(`cannot listen on ${where}: the port is already in use by another program (or another sipcall); choose another --port (0 picks a free one), or stop the program that holds it`);
    case 'EACCES':
      return new ListenFailure(`cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose another --port (1024 or above, 0 picks a free one)`);
    case 'EADDRNOTAVAIL':
      return new ListenFailure(`cannot listen on ${where}: ${err.local?.address ?? requested.address} is not an address of this machine; choose another --address (e.g. 127.0.0.1 or 0.0.0.0)`);
    default:
      return undefined;
  }
}
