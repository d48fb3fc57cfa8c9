// A tiny hostile SIP peer on UDP loopback, with plain node:dgram (issue 14 §6 part A: timer
// overflow, terminal escapes, -H on the wire): it records every datagram byte for byte (latin1)
// and answers each request with whatever the test's `respond` builds (usually `replyTo(...)`,
// which echoes Via, From, To, Call-ID and CSeq as RFC 3261 §8.2.6.2 says, with any status line,
// reason phrase and extra header lines, control bytes included). Not a SIP stack.
import dgram from 'node:dgram';

export interface HostileUdpPeer {
  port: number;
  /** Every datagram received, as text (latin1: bytes kept one to one), in order. */
  received: string[];
  /** The received requests whose start line begins with `method `. */
  requests(method: string): string[];
  close(): Promise<void>;
}

/** Every value of header `name` (case-insensitive; `compact` also matches) in a message's head. */
export function headerValues(message: string, name: string, compact?: string): string[] {
  const head = message.split('\r\n\r\n')[0] ?? '';
  const names = [name.toLowerCase(), ...(compact ? [compact.toLowerCase()] : [])];
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => names.includes(l.slice(0, Math.max(0, l.indexOf(':'))).trim().toLowerCase()))
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}

/**
 * A response to `request`: the status line `SIP/2.0 <status> <reason>`, the request's Via
 * rows, From, To (with a tag added), Call-ID and CSeq, then `extra` lines, Content-Length 0.
 */
export function replyTo(request: string, status: number, reason: string, extra: string[] = []): string {
  const lines = (request.split('\r\n\r\n')[0] ?? '').split('\r\n').slice(1);
  const nameOf = (l: string) => l.slice(0, Math.max(0, l.indexOf(':'))).trim().toLowerCase();
  // Long or compact name (RFC 3261 §7.3.3).
  const pick = (n: string, compact?: string) => lines.filter((l) => nameOf(l) === n || nameOf(l) === compact);
  const to = pick('to', 't')[0] ?? 'To: <sip:x@127.0.0.1>';
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...pick('via', 'v'),
    ...pick('from', 'f'),
    /;\s*tag=/i.test(to) ? to : `${to};tag=hostile1`,
    ...pick('call-id', 'i'),
    ...pick('cseq'),
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Starts the peer on 127.0.0.1 (an ephemeral port); `respond` returns the datagrams to send back. */
export async function startHostileUdp(respond: (request: string) => string | string[] | undefined): Promise<HostileUdpPeer> {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    received.push(text);
    if (text.startsWith('SIP/2.0 ')) return; // a response: nothing to answer
    const out = respond(text);
    for (const d of out === undefined ? [] : Array.isArray(out) ? out : [out]) {
      socket.send(Buffer.from(d, 'latin1'), rinfo.port, rinfo.address);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    requests: (method) => received.filter((m) => m.startsWith(`${method} `)),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
