/**
 * A `sipcall load` run over TCP or TLS (docs/load.md, "Engine"): calls share connections, N calls
 * per connection (`--calls-per-connection`, default all of them on one, SIPp's `-t t1`; 1 is
 * SIPp's `-t tn`). A connection opens when its first call starts and closes when its last call
 * has ended. Responses are framed by Content-Length (RFC 3261 §18.3) with the project's framer
 * and timestamped when the socket's `data` event fires. Reliable transports send each request
 * once (no Timer A or E, §17.1.1.2 / §17.1.2.2); Timers B and F still end a silent transaction.
 * A connection that fails (refused, reset, TLS handshake) ends its calls in progress as
 * `transport` failures (§8.1.3.1: "treated as a 503"); later calls get a new connection.
 */
import type net from 'node:net';
import netModule from 'node:net';
import type tls from 'node:tls';
import type { Clock } from '../clock/clock.js';
import { endpointFromNode, type Endpoint } from '../transport/endpoint.js';
import type { WireTap } from '../transport/tap.js';
import { lazyBuiltin } from '../transport/lazy-builtin.js';
import { nodeTlsOptions, type TlsClientOptions } from '../transport/tls-options.js';
import { StreamFramer } from '../transport/stream-framer.js';
import { LoadEngine } from './engine.js';
import type { LoadEngineOptions } from './engine-options.js';
import type { LoadMetrics } from './metrics.js';
import type { LoadSummary, ThresholdResult } from './summary.js';
import { runResult, warmUpRun, type LoadRunResult } from './run-result.js';

export interface StreamLoadOptions extends Omit<LoadEngineOptions, 'send' | 'sentBy' | 'mediaAddress' | 'contactUri' | 'transport' | 'onCallStart' | 'onCallEnd'> {
  transport: 'TCP' | 'TLS';
  remote: Endpoint;
  /** Calls per connection (default: every call of the run on one connection). */
  callsPerConnection?: number;
  /** TLS: CA, client certificate, SNI, --insecure (as the other commands). */
  tls?: TlsClientOptions;
  contactUser?: string;
  target: string;
  clock: Clock;
  metrics: LoadMetrics;
  warmUp?: boolean;
  /** Sees every message sent and received and each connection's end (`--pcap`). */
  tap?: WireTap;
}

interface Connection {
  socket: net.Socket | tls.TLSSocket;
  /** Our end, once connected (for the tap). */
  local?: Endpoint;
  /** Messages sent before the connection was up, for the tap once our end is known. */
  early?: Buffer[];
  framer: StreamFramer;
  /** Calls of this connection started and not yet ended. */
  open: number;
  /** Calls of this connection started so far. */
  started: number;
  dead: boolean;
  /** We closed it (FIN from our side). */
  ended?: boolean;
}

export class StreamLoadRun {
  readonly engine: LoadEngine;
  readonly socketErrors: Record<string, number> = {};
  /** Connections opened over the run. */
  connectionsOpened = 0;
  warmUpCpuMs = 0;
  private readonly conns = new Map<number, Connection>();
  private readonly perConn: number;
  private startedAt = new Date();
  /** The connection the response being handled came on (for ACKs of late responses). */
  private current: Connection | undefined;

  private constructor(
    private readonly o: StreamLoadOptions,
    private readonly advertised: string,
    localPort: number,
  ) {
    this.perConn = o.callsPerConnection ?? Number.MAX_SAFE_INTEGER;
    const host = advertised.includes(':') ? `[${advertised}]` : advertised;
    // §18.1.1: the sent-by of a stream transport is the address we listen on, when we do; we do
    // not (responses come back on the connection, §18.2.2), so our address and the local port
    // of the first connection stand in, as SIPp does.
    const sentBy = `${host}:${localPort}`;
    const scheme = o.transport === 'TLS' ? 'sips' : 'sip';
    const contactUri = `${scheme}:${o.contactUser ?? 'sipcall'}@${sentBy};transport=${o.transport.toLowerCase()}`;
    this.warmUpCpuMs = warmUpRun({ ...o, sentBy, mediaAddress: advertised, contactUri });
    this.engine = new LoadEngine({
      ...o,
      transport: o.transport,
      sentBy,
      mediaAddress: advertised,
      contactUri,
      send: (buf, offset, length, call) => this.send(buf, offset, length, call),
      onCallStart: (call) => this.callStarted(call),
      onCallEnd: (call) => this.callEnded(call),
    });
  }

  /**
   * Opens a first connection to learn our address (and to fail early, with a TransportError-like
   * system error, when the target refuses), then closes it.
   */
  static async open(o: StreamLoadOptions): Promise<StreamLoadRun> {
    const probe = await new Promise<net.Socket>((resolve, reject) => {
      const s = netModule.connect({ host: o.remote.address, port: o.remote.port });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const local = { address: probe.localAddress ?? '127.0.0.1', port: probe.localPort ?? 0 };
    probe.destroy();
    return new StreamLoadRun(o, local.address, local.port);
  }

  async run(thresholds?: (s: LoadSummary) => ThresholdResult[]): Promise<LoadRunResult> {
    this.startedAt = new Date();
    await this.engine.run();
    const endedAt = this.o.clock.now();
    for (const c of this.conns.values()) {
      c.ended = true;
      c.socket.end();
      c.socket.destroySoon?.();
    }
    this.conns.clear();
    return runResult(this.o, this.engine, { startedAt: this.startedAt, endedAt, kernel: {}, socketErrors: this.socketErrors }, thresholds);
  }

  stop(): void {
    this.engine.stop();
  }

  abort(): void {
    this.engine.abort();
  }

  /** The connection of a call: calls 0…N−1 of this segment on the first, N…2N−1 on the next. */
  private indexOf(call: number): number {
    const local = Math.floor(call / this.o.schedule.segment.count);
    return Math.floor(local / this.perConn);
  }

  private send(buf: Buffer, offset: number, length: number, call: number): void {
    const c = call < 0 ? this.current : this.conns.get(this.indexOf(call));
    if (!c || c.dead) return;
    // A copy: the engine writes the call's next request into the same bytes, and a stream socket
    // may still hold this one in its queue.
    const bytes = Buffer.from(buf.subarray(offset, offset + length));
    c.socket.write(bytes);
    if (this.o.tap) {
      if (c.local) this.o.tap.stream('out', c.local, this.o.remote, bytes, 'local');
      else (c.early ??= []).push(bytes);
    }
  }

  private connect(k: number): Connection {
    const o = this.o;
    const socket =
      o.transport === 'TLS'
        ? lazyBuiltin<typeof tls>('node:tls').connect({ ...nodeTlsOptions(o.tls ?? {}), host: o.remote.address, port: o.remote.port })
        : netModule.connect({ host: o.remote.address, port: o.remote.port });
    socket.setNoDelay(true);
    const c: Connection = { socket, framer: new StreamFramer(), open: 0, started: 0, dead: false };
    this.conns.set(k, c);
    this.connectionsOpened++;
    const onConnected = (): void => {
      c.local = endpointFromNode(socket.localAddress ?? this.advertised, socket.localPort ?? 0);
      for (const b of c.early ?? []) o.tap?.stream('out', c.local, o.remote, b, 'local');
      c.early = undefined;
    };
    socket.once(o.transport === 'TLS' ? 'secureConnect' : 'connect', onConnected);
    socket.on('data', (chunk: Buffer) => {
      const at = o.clock.now();
      const out = c.framer.push(chunk);
      this.current = c;
      for (const m of out.messages) {
        if (c.local) o.tap?.stream('in', c.local, o.remote, m, 'local');
        this.engine.receive(m, at);
      }
      this.current = undefined;
      if (out.error) this.fail(k, c, 'FRAMING');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(k, c, err.code ?? 'error'));
    socket.on('close', (hadError: boolean) => {
      if (c.local) o.tap?.streamEnd?.(c.local, o.remote, { how: hadError || c.dead ? 'rst' : 'fin', by: c.ended ? 'local' : 'remote' }, 'local');
      if (!c.dead && c.open > 0) this.fail(k, c, 'closed');
    });
    return c;
  }


  private fail(k: number, c: Connection, code: string): void {
    this.socketErrors[code] = (this.socketErrors[code] ?? 0) + 1;
    if (c.dead) return;
    c.dead = true;
    c.socket.destroy();
    if (this.conns.get(k) === c) this.conns.delete(k);
    // Not inside the engine's own call stack (a send may have got us here): next turn.
    setImmediate(() => this.engine.failCalls((call) => this.indexOf(call) === k, 'transport'));
  }

  private callStarted(call: number): void {
    const k = this.indexOf(call);
    const c = this.conns.get(k) ?? this.connect(k);
    c.open++;
    c.started++;
  }

  private callEnded(call: number): void {
    const k = this.indexOf(call);
    const c = this.conns.get(k);
    if (!c) return;
    c.open--;
    // Its calls are numbered k·N … k·N+N−1: once the last has started and every one has ended,
    // the connection is done.
    if (c.open <= 0 && c.started >= this.perConn) {
      this.conns.delete(k);
      c.ended = true;
      c.socket.end();
    }
  }
}
