// Where the hostile peer listens: a UDP socket or a TCP server on 127.0.0.1, on a free port.
// Each message that arrives (a datagram; on a connection, one framed by its Content-Length) is
// handed to `take`, and what `take` returns goes back where the message came from (over TCP,
// on the same connection). Plain node:dgram and node:net, not sipcall's transport, on purpose.
import dgram from 'node:dgram';
import net from 'node:net';

export type Transport = 'udp' | 'tcp';

export interface Listener {
  port: number;
  close(): Promise<void>;
}

/** What to send back for one message received. */
export type Take = (message: Buffer) => readonly Buffer[];

export function listen(transport: Transport, take: Take): Promise<Listener> {
  return transport === 'udp' ? listenUdp(take) : listenTcp(take);
}

async function listenUdp(take: Take): Promise<Listener> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    for (const out of take(msg)) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** Takes the whole messages at the front of `buf` (CRLF keep-alives skipped); returns the rest. */
function frame(buf: Buffer, each: (message: Buffer) => void): Buffer {
  for (;;) {
    while (buf.length && (buf[0] === 0x0d || buf[0] === 0x0a)) buf = buf.subarray(1);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return buf;
    const head = buf.subarray(0, end).toString('latin1');
    const length = Number(/\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(head)?.[1] ?? '0');
    if (buf.length < end + 4 + length) return buf;
    each(buf.subarray(0, end + 4 + length));
    buf = buf.subarray(end + 4 + length);
  }
}

async function listenTcp(take: Take): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = frame(Buffer.concat([buf, chunk]), (message) => {
        for (const out of take(message)) if (!sock.destroyed) sock.write(out);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
