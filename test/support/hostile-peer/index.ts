// A hostile SIP peer for tests: a tiny responder on loopback, over UDP or TCP, that answers
// sipcall's requests with what the test crafts, often broken (a registrar granting
// expires=3000000, a 2xx whose Contact is garbage or `*`, a wrong Via branch, terminal escapes
// in the reason phrase, a 2 MB body, bytes that are not SIP, …), and records every message that
// arrives, byte for byte. No real peer sends such garbage, so no SIPp scenario or Kamailio
// config can stand in for it.
//
//   const peer = await startHostilePeer((req) => req.method === 'INVITE' ? reply(req, 200, 'OK', { headers: ['Contact: <garbage'] }) : undefined);
//   ... sipcall invite peer.hostPort ...
//   expect(peer.requests().map((r) => r.method)).toEqual(['INVITE', 'ACK', 'BYE']);
//   await peer.close();
//
// Not a SIP stack, on purpose: messages are read line by line (message.ts), responses are
// text or bytes (reply.ts), sockets are plain node:dgram and node:net (listen.ts).
import { listen, type Transport } from './listen.js';
import { readMessage, type WireMessage } from './message.js';

export { readMessage, type WireMessage } from './message.js';
export { reply, type ReplyOptions } from './reply.js';
export type { Transport } from './listen.js';

/** What the peer sends back for a request: nothing, or messages in order (text is sent as latin1). */
export type Answer = string | Buffer | ReadonlyArray<string | Buffer> | undefined | void;

export interface HostilePeer {
  host: string;
  port: number;
  /** `127.0.0.1:PORT`. */
  hostPort: string;
  transport: Transport;
  /** Every message received (requests, and any response sipcall sent the peer), in order. */
  received: readonly WireMessage[];
  /** The requests received, in order; only those of `method` when given. */
  requests(method?: string): WireMessage[];
  close(): Promise<void>;
}

/**
 * Starts the peer on 127.0.0.1 (a free port) over UDP (default) or TCP. `answer` is called for
 * each request (a response that arrives is recorded, never answered); what it returns is sent
 * back to where the request came from.
 */
export async function startHostilePeer(answer: (req: WireMessage) => Answer, transport: Transport = 'udp'): Promise<HostilePeer> {
  const received: WireMessage[] = [];
  const listener = await listen(transport, (bytes) => {
    const msg = readMessage(bytes);
    received.push(msg);
    if (msg.isResponse) return [];
    const out = answer(msg);
    return (out === undefined ? [] : typeof out === 'string' || Buffer.isBuffer(out) ? [out] : out).map((m) => (typeof m === 'string' ? Buffer.from(m, 'latin1') : m));
  });
  return {
    host: '127.0.0.1',
    port: listener.port,
    hostPort: `127.0.0.1:${listener.port}`,
    transport,
    received,
    requests: (method) => received.filter((m) => !m.isResponse && (method === undefined || m.method === method)),
    close: () => listener.close(),
  };
}
