import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, expect } from 'vitest';

/** Resolves with the first value a callback-registering function delivers. */
export function first<T extends unknown[]>(register: (cb: (...args: T) => void) => void): Promise<T> {
  return new Promise((resolve) => register((...args) => resolve(args)));
}

/** Things to close after the current test. */
const open: Array<{ close(): unknown }> = [];

export function track<T extends { close(): unknown }>(thing: T): T {
  open.push(thing);
  return thing;
}

const SOCKET_RESOURCES = new Set(['UDPWrap', 'TCPSocketWrap', 'TCPServerWrap']);

/** Socket handles still alive in this process (by Node's resource names). */
export function liveSockets(): string[] {
  return process.getActiveResourcesInfo().filter((r) => SOCKET_RESOURCES.has(r));
}

/**
 * After each test: close what the test tracked, then check that no socket handle is left,
 * so the process could exit.
 */
export function closeAfterEach(): void {
  afterEach(async () => {
    const things = open.splice(0);
    await Promise.all(things.map((t) => t.close()));
    // libuv frees a handle a loop turn or two after its close callback; give it a few turns
    // (turns, not time: nothing here waits on the clock).
    for (let turn = 0; turn < 20 && liveSockets().length > 0; turn++) {
      await new Promise((r) => setImmediate(r));
    }
    expect(liveSockets()).toEqual([]);
  });
}

/** A UDP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedUdpPort(address = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedTcpPort(address = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, address, () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Whether ::1 can be bound here. */
export async function ipv6Available(): Promise<boolean> {
  const s = dgram.createSocket('udp6');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      s.close();
    } catch {
      // already closed after a failed bind
    }
  }
}

/** A SIP message with a correct Content-Length. */
export function sipMessage(startLine: string, body = '', lengthHeader = 'Content-Length'): Buffer {
  const bodyBytes = Buffer.from(body, 'utf8');
  return Buffer.concat([
    Buffer.from(`${startLine}\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\nCall-ID: a@b\r\n${lengthHeader}: ${bodyBytes.length}\r\n\r\n`),
    bodyBytes,
  ]);
}
