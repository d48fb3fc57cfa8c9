// Free loopback ports for real peers (SIPp, Kamailio) in integration tests.
//
// Ports are picked at random in [PORT_MIN, PORT_MAX), below Linux's ephemeral
// range (32768–60999), so sockets bound to port 0 elsewhere (our own clients)
// never take them. A candidate is used only when both UDP and TCP can bind it
// on every address asked for; it is then released and handed to the peer.
// Ports handed out in this process are remembered and not handed out again, so
// peers in one test file never collide; across processes the random choice and
// the bind check make a collision unlikely, and the peer starters retry with
// new ports when a peer still fails to bind.
import dgram from 'node:dgram';
import net from 'node:net';

export const PORT_MIN = 20000;
export const PORT_MAX = 32000;

export interface PortOptions {
  /** Addresses to check; default ['127.0.0.1']. Add '::1' for an IPv6 peer. */
  hosts?: readonly string[];
  /** Check UDP (default true). */
  udp?: boolean;
  /** Check TCP (default true). */
  tcp?: boolean;
}

const handedOut = new Set<number>();

function canBindUdp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const v6 = net.isIPv6(host);
    const sock = v6 ? dgram.createSocket({ type: 'udp6', ipv6Only: true }) : dgram.createSocket('udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ port, address: host, exclusive: true }, () => {
      sock.close(() => resolve(true));
    });
  });
}

function canBindTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true, ipv6Only: net.isIPv6(host) }, () => {
      srv.close(() => resolve(true));
    });
  });
}

/** True when `port` can be bound now (UDP and/or TCP) on every host. */
export async function isPortFree(port: number, opts: PortOptions = {}): Promise<boolean> {
  const hosts = opts.hosts ?? ['127.0.0.1'];
  for (const host of hosts) {
    if (opts.udp !== false && !(await canBindUdp(port, host))) return false;
    if (opts.tcp !== false && !(await canBindTcp(port, host))) return false;
  }
  return true;
}

/**
 * A base port such that base, base+1, …, base+span-1 are all free (UDP and
 * TCP) and none was handed out before in this process. All of them are
 * marked as handed out.
 */
export async function freePortBlock(span: number, opts: PortOptions = {}): Promise<number> {
  if (!Number.isInteger(span) || span < 1) throw new RangeError(`span must be a positive integer, got ${span}`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN - span));
    let ok = true;
    for (let p = base; p < base + span && ok; p++) {
      ok = !handedOut.has(p) && (await isPortFree(p, opts));
    }
    if (ok) {
      for (let p = base; p < base + span; p++) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`no block of ${span} free loopback ports found in [${PORT_MIN}, ${PORT_MAX})`);
}

/** One free port (UDP and TCP by default). */
export function freePort(opts: PortOptions = {}): Promise<number> {
  return freePortBlock(1, opts);
}

/** `count` distinct free ports (not necessarily adjacent). */
export async function freePorts(count: number, opts: PortOptions = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await freePort(opts));
  return out;
}

/** Let a port be handed out again (after its peer stopped). */
export function releasePort(...ports: number[]): void {
  for (const p of ports) handedOut.delete(p);
}
