// A hostile SIP peer for tests: a tiny in-process UDP or TCP responder on loopback that answers
// sipcall's requests with crafted, often broken, responses (a 2xx whose Contact is garbage or
// `*`, a bad Record-Route, a wrong Via branch, a 2 MB body, bytes that are not SIP, …). No real
// peer sends such garbage, so no SIPp scenario or Kamailio config can stand in for it.
//
//   const peer = await startWirePeer((req) => req.method === 'INVITE' ? [reply(req, 200, 'OK', { headers: ['Contact: <garbage'] })] : []);
//   ... sipcall invite peer.hostPort ...
//   expect(peer.requests.map((r) => r.method)).toEqual(['INVITE', 'ACK', 'BYE']);
//   await peer.close();
//
// Not a SIP stack, on purpose: requests are read line by line, responses are text.
import dgram from 'node:dgram';
import net from 'node:net';

/** One request as received. */
export interface HostileRequest {
  method: string;
  uri: string;
  /** The whole message as text. */
  text: string;
  /** Every value of a header (case-insensitive name; no compact forms), in order. */
  all(name: string): string[];
  /** The first value of a header. */
  get(name: string): string | undefined;
}

/** What the peer sends back for a request: messages (text or raw bytes), in order. */
export type Answer = Array<string | Buffer>;

export interface HostilePeer {
  host: string;
  port: number;
  /** `127.0.0.1:PORT`. */
  hostPort: string;
  transport: 'udp' | 'tcp';
  /** Every request received, in order. */
  requests: HostileRequest[];
  close(): Promise<void>;
}

/** Reads a request's start line and headers (no folding, no compact names). */
export function readRequest(text: string): HostileRequest {
  const head = text.split('\r\n\r\n')[0] ?? '';
  const [start = '', ...lines] = head.split('\r\n');
  const [method = '', uri = ''] = start.split(' ');
  const fields = lines.map((l) => {
    const c = l.indexOf(':');
    return [l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim()] as const;
  });
  const all = (name: string) => fields.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  return { method, uri, text, all, get: (name) => all(name)[0] };
}

export interface ReplyOptions {
  /** The To tag to add (default `hostile`; none for a 100). */
  toTag?: string | null;
  /** Extra header lines, without CRLF. */
  headers?: string[];
  /** Replace the copied Via lines with these. */
  via?: string[];
  body?: string | Buffer;
  /** Leave Content-Length out (to break stream framing on purpose). */
  noContentLength?: boolean;
}

/**
 * A response to `req` built as RFC 3261 §8.2.6.2 says (Via, From, Call-ID, CSeq copied; To with
 * a tag), plus whatever the test adds. Crafted values go in `headers` untouched.
 */
export function reply(req: HostileRequest, status: number, reason: string, o: ReplyOptions = {}): Buffer {
  const tag = o.toTag === undefined ? (status === 100 ? null : 'hostile') : o.toTag;
  const to = req.get('to') ?? '';
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : (o.body ?? Buffer.alloc(0));
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...(o.via ?? req.all('via')).map((v) => `Via: ${v}`),
    `From: ${req.get('from') ?? ''}`,
    `To: ${tag && !/;\s*tag=/i.test(to) ? `${to};tag=${tag}` : to}`,
    `Call-ID: ${req.get('call-id') ?? ''}`,
    `CSeq: ${req.get('cseq') ?? ''}`,
    ...(o.headers ?? []),
    ...(o.noContentLength ? [] : [`Content-Length: ${body.length}`]),
    '',
    '',
  ];
  return Buffer.concat([Buffer.from(lines.join('\r\n')), body]);
}

/**
 * Starts the peer on 127.0.0.1 (a free port) over UDP (default) or TCP. `answer` is called for
 * each request; what it returns is sent back to where the request came from (over TCP, on the
 * same connection).
 */
export async function startWirePeer(answer: (req: HostileRequest) => Answer | void, transport: 'udp' | 'tcp' = 'udp'): Promise<HostilePeer> {
  const requests: HostileRequest[] = [];
  const take = (text: string): Answer => {
    const req = readRequest(text);
    requests.push(req);
    return answer(req) ?? [];
  };
  if (transport === 'udp') {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      for (const out of take(msg.toString('utf8'))) socket.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    return { host: '127.0.0.1', port, hostPort: `127.0.0.1:${port}`, transport, requests, close: () => new Promise<void>((r) => socket.close(() => r())) };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        while (buf.length && (buf[0] === 0x0d || buf[0] === 0x0a)) buf = buf.subarray(1);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('utf8');
        const length = Number(/\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(head)?.[1] ?? '0');
        if (buf.length < end + 4 + length) return;
        const text = buf.subarray(0, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        for (const out of take(text)) if (!sock.destroyed) sock.write(out);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    hostPort: `127.0.0.1:${port}`,
    transport,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
