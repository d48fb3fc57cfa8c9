import dgram from 'node:dgram';
import type { Endpoint } from './endpoint.js';
import { endpointFromNode } from './endpoint.js';
import { fromSystemError, transportError, TransportError } from './errors.js';
import type { WireTap } from './tap.js';

/** Where RTP may be bound: `--rtp-port N` (exactly N) or `--rtp-port A-B` (an even port in the range). */
export interface RtpPortChoice {
  min: number;
  max: number;
}

/**
 * The default range for RTP/RTCP pairs: below Linux's ephemeral range (32768–60999) would
 * collide with servers; this is the upper part of it, where our own clients bind too, and a
 * port in use is simply skipped.
 */
export const DEFAULT_RTP_PORTS: RtpPortChoice = { min: 40000, max: 59998 };

export type RtpChannel = 'rtp' | 'rtcp';

/** Called for every datagram; `buf` is only valid during the call (it is Node's buffer). */
export type RtpPacketHandler = (channel: RtpChannel, buf: Buffer, from: dgram.RemoteInfo, arrivalMs: number) => void;

/**
 * One symmetric RTP/RTCP socket pair (RFC 4961: we send from the port we advertise, and
 * receive on it): RTP on an even port, RTCP on the next (RFC 3550 §11).
 *
 * Each channel has two sockets bound to the same address and port with SO_REUSEADDR:
 * - an unconnected one, which receives from anybody, so RTP from an unexpected address
 *   (a NAT, an SBC) is seen and reported instead of silently dropped;
 * - once the remote is known, a connected one, which sends, receives the remote's packets
 *   (Linux prefers the connected socket for its 4-tuple), and gets the ICMP port
 *   unreachable that an unconnected socket never sees (`onUnreachable`).
 * The kernel timestamps are not available in Node; `arrivalMs` is taken first thing in the
 * socket's message event, from the run's clock.
 */
export class RtpSocketPair {
  private listeners: dgram.Socket[] = [];
  private senders: Partial<Record<RtpChannel, dgram.Socket>> = {};
  private handler: RtpPacketHandler = () => {};
  private unreachable: (channel: RtpChannel, err: TransportError) => void = () => {};
  private closed = false;
  private tap: WireTap | undefined;
  private remotes: Partial<Record<RtpChannel, Endpoint>> = {};

  private constructor(
    readonly local: Endpoint,
    private readonly now: () => number,
  ) {}

  /** The RTCP port: RTP + 1 (RFC 3550 §11). */
  get rtcpPort(): number {
    return this.local.port + 1;
  }

  /**
   * Binds a pair on `address` in `ports`; tries random even ports (at most 64), then fails
   * with a TransportError saying which range was full.
   */
  static async open(address: string, now: () => number, ports: RtpPortChoice = DEFAULT_RTP_PORTS, random: () => number = Math.random): Promise<RtpSocketPair> {
    const family = address.includes(':') ? 6 : 4;
    const lo = ports.min + (ports.min % 2);
    const count = Math.floor((ports.max - lo) / 2) + 1;
    if (count < 1) throw transportError('EADDRINUSE', { transport: 'UDP', local: { address, port: ports.min } }, `no even RTP port in ${ports.min}-${ports.max}`);
    const tries = Math.min(64, count);
    const start = Math.floor(random() * count);
    let last: unknown;
    for (let i = 0; i < tries; i++) {
      const port = lo + 2 * ((start + i) % count);
      try {
        const rtp = await bindShared(family, address, port);
        let rtcp: dgram.Socket;
        try {
          rtcp = await bindShared(family, address, port + 1);
        } catch (err) {
          rtp.close();
          throw err;
        }
        const pair = new RtpSocketPair(endpointFromNode(address, port), now);
        pair.attach('rtp', rtp);
        pair.attach('rtcp', rtcp);
        pair.listeners = [rtp, rtcp];
        return pair;
      } catch (err) {
        last = err;
        if (!(err instanceof TransportError) || (err.code !== 'EADDRINUSE' && err.code !== 'EACCES')) throw err;
      }
    }
    if (last instanceof TransportError && count === 1) throw last;
    throw transportError('EADDRINUSE', { transport: 'UDP', local: { address, port: lo } }, `no free RTP/RTCP port pair on ${address} in ${ports.min}-${ports.max} after ${tries} tries; choose another range with --rtp-port A-B`);
  }

  onPacket(handler: RtpPacketHandler): void {
    this.handler = handler;
  }

  /** Shows every datagram sent and received on both channels to `tap` (`--pcap`). */
  tapWith(tap: WireTap): void {
    this.tap = tap;
  }

  /** Our end of a channel. */
  private localOf(channel: RtpChannel): Endpoint {
    return channel === 'rtp' ? this.local : { ...this.local, port: this.rtcpPort };
  }

  /** ICMP port unreachable (or another send error) on a channel, reported by its connected socket. */
  onUnreachable(handler: (channel: RtpChannel, err: TransportError) => void): void {
    this.unreachable = handler;
  }

  /**
   * Where to send: connects a sibling socket per channel to the remote's RTP and RTCP ports.
   * Calling it again (a re-INVITE moved the media) replaces the siblings.
   */
  async setRemote(rtp: Endpoint, rtcpPort: number): Promise<void> {
    for (const s of Object.values(this.senders)) s?.close();
    this.senders = {};
    if (this.closed) return;
    const family = this.local.family;
    for (const [channel, port] of [['rtp', rtp.port], ['rtcp', rtcpPort]] as const) {
      const s = await bindShared(family, this.local.address, channel === 'rtp' ? this.local.port : this.rtcpPort);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.connect(port, rtp.address, () => {
          s.off('error', reject);
          resolve();
        });
      }).catch((err) => {
        s.close();
        throw fromSystemError(err, { transport: 'UDP', remote: { address: rtp.address, port } });
      });
      this.attach(channel, s);
      s.on('error', (err) => this.unreachable(channel, fromSystemError(err, { transport: 'UDP', remote: { address: rtp.address, port } })));
      this.senders[channel] = s;
      this.remotes[channel] = { address: rtp.address, port, family: rtp.family };
      if (this.closed) s.close();
    }
  }

  /** Sends on a channel to the remote set by `setRemote`; false when there is none yet. */
  send(channel: RtpChannel, buf: Uint8Array, length: number): boolean {
    const s = this.senders[channel];
    if (!s || this.closed) return false;
    try {
      s.send(buf, 0, length);
    } catch {
      return false;
    }
    const to = this.remotes[channel];
    if (this.tap && to) this.tap.datagram('out', this.localOf(channel), to, buf.subarray(0, length));
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.listeners, ...Object.values(this.senders)]) {
      try {
        s?.close();
      } catch {
        /* already closed */
      }
    }
  }

  private attach(channel: RtpChannel, s: dgram.Socket): void {
    s.on('message', (buf, rinfo) => {
      const t = this.now();
      if (this.closed) return;
      this.tap?.datagram('in', this.localOf(channel), endpointFromNode(rinfo.address, rinfo.port), buf);
      this.handler(channel, buf, rinfo, t);
    });
  }
}

async function bindShared(family: 4 | 6, address: string, port: number): Promise<dgram.Socket> {
  const s = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind({ address, port }, () => {
        s.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    s.close();
    throw fromSystemError(err, { transport: 'UDP', local: { address, port } });
  }
  // Unconnected listeners never see ICMP; a late error must not crash the process.
  s.on('error', () => {});
  return s;
}
