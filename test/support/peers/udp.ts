// A few hand-written SIP datagrams over loopback, with plain node:dgram.
// Used to check that a peer is up (Kamailio answers OPTIONS) and by the
// harness test; not a SIP stack, on purpose.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface SipRequestOptions {
  method: string;
  /** Request-URI, e.g. 'sip:127.0.0.1:5080'. */
  uri: string;
  /** Our address and port, for Via and Contact. */
  local: { address: string; port: number };
  from?: string;
  to?: string;
  callId?: string;
  cseq?: number;
  branch?: string;
  /** Extra header lines, without CRLF. */
  headers?: string[];
  body?: string;
}

function hostPort(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A random token (hex). */
export function token(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** A complete SIP request as text, CRLF line ends, Content-Length set. */
export function sipRequest(o: SipRequestOptions): string {
  const hp = hostPort(o.local.address, o.local.port);
  const body = o.body ?? '';
  const lines = [
    `${o.method} ${o.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${hp};branch=${o.branch ?? `z9hG4bK-${token()}`};rport`,
    'Max-Forwards: 70',
    `From: ${o.from ?? `<sip:probe@${hp}>`};tag=${token(4)}`,
    `To: ${o.to ?? `<${o.uri}>`}`,
    `Call-ID: ${o.callId ?? `${token(8)}@sipcall-test`}`,
    `CSeq: ${o.cseq ?? 1} ${o.method}`,
    `Contact: <sip:probe@${hp}>`,
    ...(o.headers ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

export interface UdpExchange {
  /** Every datagram received, as text, in order. */
  responses: string[];
  /** The address and port we sent from. */
  local: { address: string; port: number };
}

export interface SendUdpOptions {
  host: string;
  port: number;
  /** The datagram, or a function of our bound address (for Via/Contact). */
  message: string | ((local: { address: string; port: number }) => string);
  /** Give up after this long (default 2000 ms); resolves with what came. */
  timeoutMs?: number;
  /** Re-send the same datagram every N ms until done (default: never). */
  resendMs?: number;
  /** Done when this returns true for a received datagram (default: a final response, status >= 200). */
  until?: (text: string) => boolean;
}

const isFinal = (text: string): boolean => {
  const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
  return m !== null && Number(m[1]) >= 200;
};

/** Send one datagram from a fresh socket and collect the answers. */
export function sendUdp(o: SendUdpOptions): Promise<UdpExchange> {
  const ipv6 = net.isIPv6(o.host);
  const sock = dgram.createSocket(ipv6 ? 'udp6' : 'udp4');
  const responses: string[] = [];
  const until = o.until ?? isFinal;
  return new Promise((resolve, reject) => {
    let resend: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    let local = { address: o.host, port: 0 };
    const finish = (): void => {
      clearInterval(resend);
      clearTimeout(timer);
      sock.close();
      resolve({ responses, local });
    };
    sock.on('error', (err) => {
      clearInterval(resend);
      clearTimeout(timer);
      sock.close();
      reject(err);
    });
    sock.on('message', (msg) => {
      const text = msg.toString('utf8');
      responses.push(text);
      if (until(text)) finish();
    });
    sock.bind(0, ipv6 ? '::1' : '127.0.0.1', () => {
      const a = sock.address();
      local = { address: a.address, port: a.port };
      const data = typeof o.message === 'function' ? o.message(local) : o.message;
      const send = (): void => sock.send(data, o.port, o.host);
      send();
      if (o.resendMs) resend = setInterval(send, o.resendMs);
      timer = setTimeout(finish, o.timeoutMs ?? 2000);
    });
  });
}

/** The status code of a response text, or undefined for a request. */
export function statusOf(text: string): number | undefined {
  const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The value of the first header with this name (case-insensitive), or undefined. */
export function headerOf(text: string, name: string): string | undefined {
  const head = text.split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase()) return line.slice(i + 1).trim();
  }
  return undefined;
}
