/**
 * A `sipcall load` run over UDP (docs/load.md, "Engine"): one socket, bound and `connect()`ed to
 * the target (so the kernel filters other sources, ICMP errors arrive, and each send skips the
 * route lookup: ≈ 20 % faster, reference/scripting-load.md B3), with 4 MiB socket buffers asked
 * for (the kernel may grant less: the granted sizes are reported), the kernel's UDP counters read
 * before and after, and every datagram timestamped when its socket event fires.
 */
import type dgram from 'node:dgram';
import type { Clock } from '../clock/clock.js';
import type { Endpoint } from '../transport/endpoint.js';
import type { WireTap } from '../transport/tap.js';
import { bindUdpSocket, boundEndpoint, closeUdpSocket, connectUdpSocket, sourceAddressFor } from '../transport/udp-socket.js';
import { LoadEngine } from './engine.js';
import type { LoadEngineOptions } from './engine-options.js';
import { readUdpCounters, udpDelta, type UdpCounters } from './kernel.js';
import type { LoadMetrics } from './metrics.js';
import type { KernelCounters, LoadSummary, ThresholdResult } from './summary.js';
import { runResult, warmUpRun, type LoadRunResult } from './run-result.js';

export const DEFAULT_LOAD_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpLoadOptions extends Omit<LoadEngineOptions, 'send' | 'sentBy' | 'mediaAddress' | 'contactUri'> {
  /** Where every request goes (resolved). */
  remote: Endpoint;
  /** Bind address and port (default: any address, a free port). */
  localAddress?: string;
  localPort?: number;
  /** The user part of our Contact (default "sipcall"). */
  contactUser?: string;
  /** Socket buffer sizes to ask for, bytes (default 4 MiB). */
  bufferBytes?: number;
  /** Sees every datagram sent and received (`--pcap`, docs/pcap.md); none: no cost. */
  tap?: WireTap;
  /** For the summary. */
  target: string;
  /** Warm the JIT up before t0 (warm-up.ts; default true). */
  warmUp?: boolean;
  clock: Clock;
  metrics: LoadMetrics;
}

/** What a finished run knows beyond the metrics (the name this module has always exported). */
export type UdpLoadResult = LoadRunResult;

export class UdpLoadRun {
  readonly engine: LoadEngine;
  readonly local: Endpoint;
  readonly kernel: KernelCounters = {};
  readonly socketErrors: Record<string, number> = {};
  private startedAt = new Date();
  private before: UdpCounters | undefined;

  /** CPU ms the JIT warm-up took (0 without one). */
  warmUpCpuMs = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly o: UdpLoadOptions,
    local: Endpoint,
    advertised: string,
  ) {
    this.local = local;
    const host = advertised.includes(':') ? `[${advertised}]` : advertised;
    const sentBy = `${host}:${local.port}`;
    const contactUri = `sip:${o.contactUser ?? 'sipcall'}@${sentBy}`;
    this.warmUpCpuMs = warmUpRun({ ...o, sentBy, mediaAddress: advertised, contactUri });
    this.engine = new LoadEngine({
      ...o,
      sentBy,
      mediaAddress: advertised,
      contactUri,
      send: (buf, offset, length) => this.send(buf, offset, length),
    });
    const tap = o.tap;
    if (tap) {
      socket.on('message', (msg) => {
        const at = o.clock.now();
        tap.datagram('in', local, o.remote, msg);
        this.engine.receive(msg, at);
      });
    } else {
      socket.on('message', (msg) => this.engine.receive(msg, o.clock.now()));
    }
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.countError(err.code ?? 'error');
      // The connected socket hears ICMP errors of the target only: calls that never heard back
      // fail now as transport errors (engine.refused), not at Timer B. Next turn: the error may
      // be raised from inside a send.
      if (err.code === 'ECONNREFUSED') setImmediate(() => this.engine.refused());
    });
  }

  /** Binds, connects and sizes the socket; rejects with a TransportError. */
  static async open(o: UdpLoadOptions): Promise<UdpLoadRun> {
    const socket = await bindUdpSocket(o.remote.family, o.localAddress, o.localPort ?? 0);
    try {
      await connectUdpSocket(socket, o.remote);
      const want = o.bufferBytes ?? DEFAULT_LOAD_BUFFER_BYTES;
      const kernel: KernelCounters = {};
      try {
        socket.setRecvBufferSize(want);
        socket.setSendBufferSize(want);
      } catch {
        // The kernel caps at net.core.rmem_max / wmem_max; what it granted is reported below.
      }
      kernel.rcvbuf = socket.getRecvBufferSize();
      kernel.sndbuf = socket.getSendBufferSize();
      const local = boundEndpoint(socket);
      const advertised = local.address === '0.0.0.0' || local.address === '::' ? await sourceAddressFor(o.remote) : local.address;
      const run = new UdpLoadRun(socket, o, local, advertised);
      Object.assign(run.kernel, kernel);
      return run;
    } catch (err) {
      await closeUdpSocket(socket);
      throw err;
    }
  }

  /** Runs the plan to its end (or to {@link abort}); closes the socket. */
  async run(thresholds?: (s: LoadSummary) => ThresholdResult[]): Promise<UdpLoadResult> {
    this.before = await readUdpCounters();
    this.startedAt = new Date();
    let endedAt: number;
    try {
      await this.engine.run();
    } finally {
      endedAt = this.o.clock.now();
      await closeUdpSocket(this.socket);
    }
    const delta = udpDelta(this.before, await readUdpCounters());
    if (delta) Object.assign(this.kernel, delta);
    return runResult(this.o, this.engine, { startedAt: this.startedAt, endedAt, kernel: this.kernel, socketErrors: this.socketErrors }, thresholds);
  }

  /** Ctrl-C: start no more calls; those in progress end as the RFC says. */
  stop(): void {
    this.engine.stop();
  }

  /** A second Ctrl-C: end now. */
  abort(): void {
    this.engine.abort();
  }

  private send(buf: Buffer, offset: number, length: number): void {
    if (this.o.tap) this.o.tap.datagram('out', this.local, this.o.remote, buf.subarray(offset, offset + length));
    try {
      // No callback: a send that completes synchronously would otherwise call back through
      // nextTick for every datagram (reference/scripting-load.md B3). Errors reach 'error'.
      // The bytes are the call's region of the engine's slab: libuv sends them at once
      // (uv_udp_try_send); only after EAGAIN (a full 4 MiB send buffer) would it queue them,
      // and the region is not written again before the call's next request.
      this.socket.send(buf, offset, length);
    } catch (err) {
      this.countError((err as NodeJS.ErrnoException).code ?? 'send');
    }
  }

  private countError(code: string): void {
    this.socketErrors[code] = (this.socketErrors[code] ?? 0) + 1;
  }
}
