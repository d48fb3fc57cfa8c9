// A hostile SIP peer for tests: an in-process UDP responder on loopback that answers each
// request with what the test crafts (e.g. a registrar granting expires=3000000). Requests and
// responses are plain text; not a SIP stack, on purpose. (A richer one, with TCP and raw bytes,
// is in hostile-peer-wire.ts.)
import dgram from 'node:dgram';

export interface HostilePeer {
  host: string;
  port: number;
  /** The requests received, as text, in order; only those of `method` when given. */
  requests(method?: string): string[];
  close(): Promise<void>;
}

/** The first value of a header in a message's text (case-insensitive name), trimmed. */
export function header(message: string, name: string): string | undefined {
  const head = message.split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n').slice(1)) {
    const c = line.indexOf(':');
    if (c > 0 && line.slice(0, c).trim().toLowerCase() === name.toLowerCase()) return line.slice(c + 1).trim();
  }
  return undefined;
}

/** Every value of a header in a message's text. */
function headers(message: string, name: string): string[] {
  const head = message.split('\r\n\r\n')[0] ?? '';
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase() === name.toLowerCase())
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

/** A response to `request` (Via, From, Call-ID, CSeq copied; To with a tag) with `extra` header lines. */
export function reply(request: string, status: number, reason: string, extra: string[] = []): string {
  const to = header(request, 'To') ?? '';
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...headers(request, 'Via').map((v) => `Via: ${v}`),
    `From: ${header(request, 'From') ?? ''}`,
    `To: ${/;\s*tag=/i.test(to) || status === 100 ? to : `${to};tag=hostile`}`,
    `Call-ID: ${header(request, 'Call-ID') ?? ''}`,
    `CSeq: ${header(request, 'CSeq') ?? ''}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Starts the peer on 127.0.0.1 (a free UDP port); `answer` returns what to send back, if anything. */
export async function startHostilePeer(answer: (request: string) => string | string[] | undefined | void): Promise<HostilePeer> {
  const received: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    received.push(text);
    const out = answer(text);
    for (const m of out === undefined ? [] : Array.isArray(out) ? out : [out]) socket.send(m, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    host: '127.0.0.1',
    port,
    requests: (method) => (method === undefined ? [...received] : received.filter((r) => r.startsWith(`${method} `))),
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
