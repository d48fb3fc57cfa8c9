import { viaValue } from '../sip/build-request.js';
import { cryptoRandom, type RandomSource } from '../sip/ids.js';
import type { Transport } from '../transport/transport.js';
import type { Target } from './target.js';

/** True for SIP over WebSocket (RFC 7118). */
export function isWebSocket(transport: Pick<Transport, 'name'>): boolean {
  return transport.name === 'WS' || transport.name === 'WSS';
}

/**
 * The host sipcall names in Via sent-by and Contact over a WebSocket: a random name under
 * `.invalid` (RFC 6761 §6.4: never resolves). RFC 7118 §5.2: a WebSocket client "has no way
 * to get" a reachable address of its own, and "the Via sent-by … MAY be set to an invalid
 * domain"; its example is `Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=…`. The server sends
 * responses, and requests in the dialog, back over the same WebSocket connection (§5.2, §6).
 * Undefined for other transports: they use the local address.
 */
export function webSocketHost(transport: Pick<Transport, 'name'>, random: RandomSource = cryptoRandom): string | undefined {
  if (!isWebSocket(transport)) return undefined;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = random(12);
  let label = '';
  for (const b of bytes) label += alphabet[b % alphabet.length];
  return `${label}.invalid`;
}

/**
 * Our top Via (RFC 3261 §8.1.1.7, §18.1.1). Over a WebSocket the sent-by is the `.invalid`
 * host without a port, as in RFC 7118 §5.2's example; otherwise host and port.
 */
export function viaFor(transport: Pick<Transport, 'name'>, host: string, port: number, branch: string): string {
  if (isWebSocket(transport)) return `SIP/2.0/${transport.name} ${host};branch=${branch};rport`;
  return viaValue(transport.name, host, port, branch);
}

/**
 * Our Contact URI (RFC 3261 §8.1.1.8):
 * - a `sips:` target gets a `sips:` Contact (RFC 3261 §8.1.1.8: "If the Request-URI or top
 *   Route header field value contains a SIPS URI, the Contact header field MUST contain a
 *   SIPS URI as well"), without `;transport=tls`, which RFC 5630 §3.2 deprecates;
 * - a `sip:` target over TLS: `sip:…;transport=tls` (RFC 3261 §26.2.2 leaves that form to
 *   hop-by-hop TLS);
 * - over a WebSocket: `sip:user@<random>.invalid;transport=ws` (RFC 7118 §5.2 and its
 *   examples; RFC 7118 registers only `ws`, used for WSS too);
 * - otherwise `sip:user@host:port`, with `;transport=tcp` over TCP.
 */
export function contactFor(transport: Pick<Transport, 'name'>, target: Pick<Target, 'scheme'>, user: string, host: string, port: number): string {
  if (isWebSocket(transport)) return `sip:${user}@${host};transport=ws`;
  if (target.scheme === 'sips') return `sips:${user}@${host}:${port}`;
  const param = transport.name === 'UDP' ? '' : `;transport=${transport.name.toLowerCase()}`;
  return `sip:${user}@${host}:${port}${param}`;
}
