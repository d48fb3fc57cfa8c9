import { UsageError } from '../engine/errors.js';

// The flag value parsers shared with the library API live in the engine (src/engine/flags/values.ts).
export * from '../engine/flags/values.js';

/**
 * `sipcall answer --transport udp|tcp`. Requests can go over TLS, WS and WSS too
 * (src/cli/transport-options.ts); the small UAS listens on UDP or TCP only.
 */
export function parseTransport(text: string): 'udp' | 'tcp' {
  const t = text.toLowerCase();
  if (t === 'udp' || t === 'tcp') return t;
  if (t === 'tls' || t === 'ws' || t === 'wss' || t === 'sctp') {
    throw new UsageError(`sipcall answer cannot listen on ${t.toUpperCase()}`, 'use --transport udp or --transport tcp (TLS, WS and WSS are for sending requests)');
  }
  throw new UsageError(`unknown transport ${JSON.stringify(text)}`, 'use --transport udp or --transport tcp');
}
