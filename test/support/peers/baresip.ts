// baresip 1.0.0 (Debian baresip-core) as a headless loopback media peer.
//
//   const bob = await startBaresip({ mode: 'tone', toneHz: 440 });
//   ... INVITE sip:bob@${bob.hostPort}: it answers (180, then 200) and sends PCMU ...
//   await bob.waitFor(/Transmit:\s+Receive:[\s\S]*?errors:.*\n/);  // call over, stats printed
//   parseRtpStats(bob.output());   bob.recordingPath  (read it before stop())
//   await bob.stop();
//
// Each instance gets a fresh config dir (-f DIR) written here, its own SIP
// port (UDP+TCP, 127.0.0.1), ctrl_tcp port and RTP port range, all on
// loopback, and runs in the foreground as our child, stopped by its PID only
// (process.ts). Nothing in the config can make it send anywhere but 127.0.0.1:
// `net_interface 127.0.0.1` (the SDP c= and Contact), `-4`, no stun/turn/ice
// modules, `dns_server` pointing at a loopback port nothing listens on, and
// accounts with `regint=0` (never registers). Its RTP sockets are bound to
// 0.0.0.0 all the same: 1.0.0's stream.c hard-codes "we listen on all
// interfaces"; it only *sends* to the c= of the offer.
//
// Modes:
// - 'tone': `ausine` is the source (`audio_source ausine,<Hz>`; 1.0.0 takes the
//   frequency as the device string, 10..20000 Hz, and needs
//   `ausrc_srate 48000` + `ausrc_channels 2`, then resamples to 8 kHz mono);
//   the account auto-answers (`answermode=auto`).
// - 'echo': `echo.so` + `aubridge` loop the decoded audio back and relay
//   RFC 4733 DTMF (re-sent as baresip's own events). echo.so answers calls
//   itself on UA_EVENT_CALL_INCOMING, which 1.0.0 raises only for
//   `answermode=manual`: with `auto` echo.so never sees the call. aubridge
//   needs source and player parameters equal (no ausrc_srate/channels),
//   or it logs "aubridge: incompatible ausrc/auplay parameters" and sends nothing.
//
// baresip's log goes to stdout with no fflush, so it runs under
// `stdbuf -oL` (coreutils) to make output() live.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, freePortBlock, releasePort } from './ports.js';
import type { ExitStatus } from './process.js';
import { forgetTempDir, registerTempDir, spawnManaged } from './process.js';
import { findCommand } from './require-peer.js';
import { pidHoldsPort } from './sipp.js';

export type BaresipMode = 'tone' | 'echo';

export interface BaresipOptions {
  /** 'tone' (default): ausine source, auto-answer. 'echo': echo.so loops audio and DTMF back. */
  mode?: BaresipMode;
  /** Tone frequency in Hz for mode 'tone' (10..20000); default 440. */
  toneHz?: number;
  /** SIP port on 127.0.0.1 (UDP and TCP); default: a free one. */
  port?: number;
  /** Account user; default 'bob' (the Request-URI user must match it). */
  user?: string;
  /**
   * Audio codecs, in order, as the account's `audio_codecs` (baresip names:
   * 'pcmu', 'pcma', 'g722', 'opus'); default ['pcmu', 'pcma']. g722.so and
   * opus.so are loaded only when named here. telephone-event is always offered.
   */
  codecs?: string[];
  /** Record what it hears (and sends) with sndfile to WAVs in the config dir; default true. */
  record?: boolean;
  /** `rtp_timeout` in seconds (hang up when no RTP arrives while sendrecv); default off. */
  rtpTimeoutS?: number;
  /** Override the answer mode ('tone' default 'auto'; 'echo' must stay 'manual'). */
  answerMode?: 'auto' | 'manual' | 'early';
  /** -v: debug log (e.g. "echo: relaying DTMF event: key = '5'"). Default false. */
  verbose?: boolean;
  /** More config lines, appended last. */
  extraConfig?: string[];
  /** How long to wait for "baresip is ready." and the bound SIP socket; default 10 s. */
  startTimeoutMs?: number;
}

/** A ctrl_tcp response: `{"response":true,"ok":...,"data":"...","token":"..."}`. */
export interface BaresipResponse {
  ok: boolean;
  data: string;
}

/** A ctrl_tcp event, e.g. `{"event":true,"class":"call","type":"CALL_ESTABLISHED",...}`. */
export type BaresipEvent = Record<string, unknown> & { type?: string; class?: string; param?: string };

export interface BaresipPeer {
  readonly host: '127.0.0.1';
  /** SIP port (UDP and TCP). */
  readonly port: number;
  /** '127.0.0.1:PORT'. */
  readonly hostPort: string;
  /** `sip:USER@127.0.0.1:PORT`, what to call. */
  readonly uri: string;
  readonly user: string;
  readonly mode: BaresipMode;
  readonly pid: number;
  /** ctrl_tcp port on 127.0.0.1. */
  readonly controlPort: number;
  /** The `rtp_ports` range baresip picks its (even) RTP port from; RTCP is RTP+1. */
  readonly rtpPorts: readonly [number, number];
  /** The temp config dir (config, accounts, recordings); removed by stop(). */
  readonly dir: string;
  readonly argv: readonly string[];
  readonly exited: Promise<ExitStatus>;
  /**
   * The decode WAV (what baresip heard: 8 kHz mono S16LE for PCMU/PCMA) of the
   * latest call, from its log line "sndfile: dumping decode audio to PATH";
   * undefined before the first call or with record: false. Complete once the
   * call is over (the rtp_stats block is printed after the file is closed).
   * sndfile names files by the second: two calls starting in the same second
   * share (overwrite) one file.
   */
  readonly recordingPath: string | undefined;
  /** Every sndfile WAV so far: decode (heard) and encode (sent). */
  recordings(): { decode: string[]; encode: string[] };
  /** Everything baresip printed so far (stdout + stderr). */
  output(): string;
  /**
   * Resolve with output() once `pattern` matches it (`count` times for a
   * global regex or a string; default once); reject after `timeoutMs`
   * (default 5000) or if baresip exits.
   */
  waitFor(pattern: string | RegExp, opts?: { count?: number; timeoutMs?: number }): Promise<string>;
  /** Send a ctrl_tcp command (a menu command: 'dial', 'hangup', 'hold', 'resume', 'listcalls', ...). */
  control(command: string, params?: string): Promise<BaresipResponse>;
  /** ctrl_tcp events received so far (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, ...). */
  events(): BaresipEvent[];
  /** control('dial', uri). */
  dial(uri: string): Promise<BaresipResponse>;
  /** control('hangup'): hangs up the current call. */
  hangup(): Promise<BaresipResponse>;
  /** control('hold') / control('resume'): re-INVITE with sendonly / sendrecv. Only while in a call. */
  hold(): Promise<BaresipResponse>;
  resume(): Promise<BaresipResponse>;
  /** SIGTERM (it sends BYE for open calls and prints their stats), SIGKILL after a grace period; removes the dir. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- log parsing

export interface RtpStatsDirection {
  /** RTP packets sent (Transmit) or received (Receive) on the stream, counted to the end. */
  packets: number;
  bitrateKbps: number;
  errors: number;
  /**
   * The next three come from libre's rtcp_stats(), a snapshot taken when the
   * last RTCP SR from the peer arrived, and are absent if none did.
   * Transmit: packets baresip had sent then; lost and jitter as the peer's
   * report block said. Receive: packets received from the SR's SSRC, lost
   * (RFC 3550 A.3) and jitter (A.8, ms) as baresip computed them.
   */
  reported?: number;
  lost?: number;
  jitterMs?: number;
}

export interface RtpStats {
  /** 'audio' */
  media: string;
  tx: RtpStatsDirection;
  rx: RtpStatsDirection;
}

export interface RtcpSummary {
  /** CS: call setup in ms. */
  setupMs: number;
  /** CD: call duration in s. */
  durationS: number;
  /** PR / PS: packets received / sent (snapshot at the last SR received, see RtpStatsDirection). */
  packetsRx: number;
  packetsTx: number;
  /** PL=rx,tx */
  lostRx: number;
  lostTx: number;
  /** PD=rx,tx (baresip's rx/tx error counters) */
  discardRx: number;
  discardTx: number;
  /** JI=rx,tx in ms */
  jitterRxMs: number;
  jitterTxMs: number;
  /** DL: RTT in ms */
  rttMs: number;
  /** IP=local,remote (local is 0.0.0.0:PORT: the RTP socket is bound to all interfaces) */
  local: string;
  remote: string;
}

/*
 * With `rtp_stats yes`, baresip 1.0.0 prints this when a stream is destroyed
 * (call end), if it sent or received any packet (src/stream.c print_rtp_stats):
 *
 *   audio           Transmit:     Receive:
 *   packets:            149          108
 *   avg. bitrate:      64.3         51.9  (kbit/s)
 *   errors:               0            0
 *
 * and, only if the peer sent at least one RTCP SR during the call:
 *
 *   pkt.report:         134          108
 *   lost:                 0            0
 *   jitter:             0.0          7.7  (ms)
 */
const RTP_STATS =
  /(\w+)[ \t]+Transmit:[ \t]+Receive:[ \t]*\r?\npackets:[ \t]+(\d+)[ \t]+(\d+)[ \t]*\r?\navg\. bitrate:[ \t]+([\d.]+)[ \t]+([\d.]+)[^\n]*\r?\nerrors:[ \t]+(-?\d+)[ \t]+(-?\d+)[ \t]*(?:\r?\npkt\.report:[ \t]+(\d+)[ \t]+(\d+)[ \t]*\r?\nlost:[ \t]+(-?\d+)[ \t]+(-?\d+)[ \t]*\r?\njitter:[ \t]+([\d.]+)[ \t]+([\d.]+))?/g;

/** Every rtp_stats block in baresip's output, in order (one per stream end). */
export function parseRtpStats(output: string): RtpStats[] {
  const out: RtpStats[] = [];
  for (const m of output.matchAll(RTP_STATS)) {
    const n = (i: number): number => Number(m[i]);
    const tx: RtpStatsDirection = { packets: n(2), bitrateKbps: n(4), errors: n(6) };
    const rx: RtpStatsDirection = { packets: n(3), bitrateKbps: n(5), errors: n(7) };
    if (m[8] !== undefined) {
      Object.assign(tx, { reported: n(8), lost: n(10), jitterMs: n(12) });
      Object.assign(rx, { reported: n(9), lost: n(11), jitterMs: n(13) });
    }
    out.push({ media: m[1] ?? '', tx, rx });
  }
  return out;
}

/*
 * rtcpsummary.so prints one line per stream at CALL_CLOSED (1.0.0):
 *
 *   EX=BareSip;CS=0;CD=3;PR=108;PS=134;PL=0,0;PD=0,0;JI=7.7,0.0;DL=0.0;IP=0.0.0.0:25100,127.0.0.1:26970;
 *
 * or, when no RTCP SR came from the peer, `EX=BareSip;ERROR=No RTCP stats collected;`
 * (returned as null). In 'echo' mode it prints nothing: echo.so frees the call
 * before rtcpsummary's CALL_CLOSED handler runs.
 */
const RTCP_SUMMARY =
  /EX=BareSip;(?:ERROR=[^;\n]*;|CS=(-?\d+);CD=(-?\d+);PR=(\d+);PS=(\d+);PL=(-?\d+),(-?\d+);PD=(-?\d+),(-?\d+);JI=([\d.]+),([\d.]+);DL=([\d.]+);IP=([^,;\s]*),([^;\s]*);)/g;

/** Every rtcpsummary line, in order; null for "ERROR=No RTCP stats collected". */
export function parseRtcpSummary(output: string): (RtcpSummary | null)[] {
  const out: (RtcpSummary | null)[] = [];
  for (const m of output.matchAll(RTCP_SUMMARY)) {
    if (m[1] === undefined) {
      out.push(null);
      continue;
    }
    const n = (i: number): number => Number(m[i]);
    out.push({
      setupMs: n(1),
      durationS: n(2),
      packetsRx: n(3),
      packetsTx: n(4),
      lostRx: n(5),
      lostTx: n(6),
      discardRx: n(7),
      discardTx: n(8),
      jitterRxMs: n(9),
      jitterTxMs: n(10),
      rttMs: n(11),
      local: m[12] ?? '',
      remote: m[13] ?? '',
    });
  }
  return out;
}

export interface ReceivedDtmf {
  digit: string;
  /** 'rtp' = RFC 4733 telephone-event, 'info' = SIP INFO application/dtmf-relay. */
  via: 'rtp' | 'info';
  /** INFO only: the Duration it carried, ms. */
  durationMs?: number;
}

/*
 * What baresip 1.0.0 logs for DTMF it receives (src/call.c):
 *   RFC 4733:  received event: '5' (end=0)      first packet of an event
 *              received event: '5' (end=1)      its end (once, however many E packets)
 *   SIP INFO:  call: received DTMF: '5' (duration=250)
 * echo.so adds (only with -v): echo: relaying DTMF event: key = '5'
 * and when it re-sends: audio: send DTMF digit: '5' / audio: send DTMF digit end: '5'.
 */
/** The DTMF digits baresip logged as received, in order (one per key press). */
export function receivedDtmf(output: string): ReceivedDtmf[] {
  const out: ReceivedDtmf[] = [];
  const re = /received event: '(.)' \(end=(\d)\)|call: received DTMF: '(.)' \(duration=(\d*)\)/g;
  let open: string | undefined; // an RFC 4733 event started and not yet ended
  for (const m of output.matchAll(re)) {
    if (m[1] !== undefined) {
      const digit = m[1];
      if (m[2] === '0') {
        out.push({ digit, via: 'rtp' });
        open = digit;
      } else {
        // an end whose start was not logged (start packets lost) still counts
        if (open !== digit) out.push({ digit, via: 'rtp' });
        open = undefined;
      }
    } else {
      const d: ReceivedDtmf = { digit: m[3] ?? '', via: 'info' };
      if (m[4]) d.durationMs = Number(m[4]);
      out.push(d);
    }
  }
  return out;
}

// ---------------------------------------------------------------- config

/** The `config` file for one instance. */
export function baresipConfig(p: {
  port: number;
  controlPort: number;
  rtpMin: number;
  rtpMax: number;
  dnsPort: number;
  dir: string;
  mode: BaresipMode;
  toneHz: number;
  codecs: readonly string[];
  record: boolean;
  rtpTimeoutS?: number;
  extra?: readonly string[];
}): string {
  const tone = p.mode === 'tone';
  const lines = [
    '# written by test/support/peers/baresip.ts',
    'poll_method\t\tepoll',
    `sip_listen\t\t127.0.0.1:${p.port}`,
    'call_local_timeout\t120',
    'call_max_calls\t\t4',
    // audio: no sound card. 'tone': ausine (48 kHz stereo only) -> resampled to the codec;
    // the player is an aubridge device nobody reads (the rx path, sndfile included, still runs).
    // 'echo': echo.so renames both devices to one aubridge device per call.
    `audio_source\t\t${tone ? `ausine,${p.toneHz}` : 'aubridge,src'}`,
    'audio_player\t\taubridge,play',
    'audio_alert\t\taubridge,alert',
    ...(tone ? ['ausrc_srate\t\t48000', 'ausrc_channels\t\t2'] : []),
    'audio_level\t\tno',
    'ausrc_format\t\ts16',
    'auplay_format\t\ts16',
    'auenc_format\t\ts16',
    'audec_format\t\ts16',
    'audio_buffer\t\t20-160',
    `rtp_ports\t\t${p.rtpMin}-${p.rtpMax}`,
    'rtcp_mux\t\tno',
    'jitter_buffer_delay\t1-10',
    'rtp_stats\t\tyes',
    ...(p.rtpTimeoutS ? [`rtp_timeout\t\t${p.rtpTimeoutS}`] : []),
    // no DNS anywhere but a dead loopback port; SDP/Contact address = 127.0.0.1
    `dns_server\t\t127.0.0.1:${p.dnsPort}`,
    'net_interface\t\t127.0.0.1',
    '',
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    ...(p.codecs.includes('g722') ? ['module\t\t\tg722.so'] : []),
    ...(p.codecs.includes('opus') ? ['module\t\t\topus.so'] : []),
    ...(p.record ? ['module\t\t\tsndfile.so'] : []),
    ...(tone ? ['module\t\t\tausine.so'] : []),
    'module\t\t\taubridge.so',
    'module_tmp\t\taccount.so',
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    'module_app\t\trtcpsummary.so',
    ...(tone ? [] : ['module_app\t\techo.so']),
    '',
    `ctrl_tcp_listen\t\t127.0.0.1:${p.controlPort}`,
    'statmode_default\toff',
    'ringback_disabled\tyes',
    ...(p.record ? [`snd_path\t\t${p.dir}`] : []),
    ...(p.extra ?? []),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------- ctrl_tcp

class Control {
  private sock: net.Socket | undefined;
  private buf = Buffer.alloc(0);
  private next = 1;
  private readonly waiting = new Map<string, (r: BaresipResponse) => void>();
  readonly events: BaresipEvent[] = [];
  private closedError: Error | undefined;

  constructor(private readonly port: number) {}

  async connect(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.sock = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ host: '127.0.0.1', port: this.port });
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const sock = this.sock;
    sock.unref();
    sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.closedError = new Error('baresip ctrl_tcp connection closed');
      for (const [, w] of this.waiting) w({ ok: false, data: 'connection closed' });
      this.waiting.clear();
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(len) || this.buf.length < colon + 1 + len + 1) return;
      const json = this.buf.subarray(colon + 1, colon + 1 + len).toString('utf8');
      this.buf = this.buf.subarray(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(json) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.response) {
        const w = this.waiting.get(String(msg.token));
        this.waiting.delete(String(msg.token));
        w?.({ ok: msg.ok === true, data: typeof msg.data === 'string' ? msg.data : '' });
      } else if (msg.event) {
        this.events.push(msg as BaresipEvent);
      }
    }
  }

  send(command: string, params: string | undefined, timeoutMs = 5000): Promise<BaresipResponse> {
    const sock = this.sock;
    if (!sock || this.closedError) return Promise.reject(this.closedError ?? new Error('ctrl_tcp not connected'));
    const token = `t${this.next++}`;
    const body = JSON.stringify(params === undefined ? { command, token } : { command, params, token });
    const frame = `${Buffer.byteLength(body)}:${body},`;
    return new Promise<BaresipResponse>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error(`baresip ctrl_tcp: no response to '${command}' in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(token, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      sock.write(frame);
    });
  }

  close(): void {
    this.sock?.destroy();
  }
}

// ---------------------------------------------------------------- start/stop

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function countMatches(text: string, pattern: string | RegExp): number {
  if (typeof pattern === 'string') return text.split(pattern).length - 1;
  if (!pattern.global) return pattern.test(text) ? 1 : 0;
  return [...text.matchAll(pattern)].length;
}

const BIND_ERROR = /address already in use|could not bind|failed to listen/i;

export async function startBaresip(opts: BaresipOptions = {}): Promise<BaresipPeer> {
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && BIND_ERROR.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function startOnce(opts: BaresipOptions): Promise<BaresipPeer> {
  const baresip = findCommand('baresip');
  if (!baresip) throw new Error('baresip is not installed (Debian package baresip-core)');
  const stdbuf = findCommand('stdbuf');
  const mode = opts.mode ?? 'tone';
  const toneHz = opts.toneHz ?? 440;
  if (!Number.isInteger(toneHz) || toneHz < 10 || toneHz > 20000) {
    throw new RangeError(`toneHz must be an integer in 10..20000 (ausine), got ${toneHz}`);
  }
  const user = opts.user ?? 'bob';
  const codecs = opts.codecs ?? ['pcmu', 'pcma'];
  const record = opts.record ?? true;
  const answerMode = opts.answerMode ?? (mode === 'echo' ? 'manual' : 'auto');

  const ownPorts: number[] = [];
  const port = opts.port ?? (await freePort());
  if (opts.port === undefined) ownPorts.push(port);
  const controlPort = await freePort();
  // a port nothing listens on, for dns_server (baresip never needs to resolve here)
  const dnsPort = await freePort();
  // RTP: libre picks min + rand % (max - min), rounded down to even; the range must start even
  const block = await freePortBlock(9, { tcp: false });
  const rtpMin = block % 2 === 0 ? block : block + 1;
  const rtpMax = rtpMin + 7;
  ownPorts.push(controlPort, dnsPort);
  for (let p = block; p < block + 9; p++) ownPorts.push(p);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-baresip-'));
  registerTempDir(dir);
  await writeFile(
    path.join(dir, 'config'),
    baresipConfig({
      port,
      controlPort,
      rtpMin,
      rtpMax,
      dnsPort,
      dir,
      mode,
      toneHz,
      codecs,
      record,
      rtpTimeoutS: opts.rtpTimeoutS,
      extra: opts.extraConfig,
    }),
  );
  // regint=0: no REGISTER; an INVITE whose Request-URI user is `user` reaches this UA
  // (1.0.0 uag_find matches the Contact user, then the AOR user).
  await writeFile(
    path.join(dir, 'accounts'),
    `<sip:${user}@127.0.0.1>;regint=0;answermode=${answerMode};audio_codecs=${codecs.join(',')};ptime=20\n`,
  );
  // contacts file present, so nothing writes a template
  await writeFile(path.join(dir, 'contacts'), '');

  const bareArgs = ['-4', '-f', dir, ...(opts.verbose ? ['-v'] : [])];
  const command = stdbuf ?? baresip;
  const argv = stdbuf ? ['-oL', '-eL', baresip, ...bareArgs] : bareArgs;
  const proc = spawnManaged(command, argv, { label: 'baresip', parentDeathSignal: 'KILL', captureStdout: true, cwd: dir });
  const describe = `${command} ${argv.join(' ')}`;
  const cleanup = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    forgetTempDir(dir);
    releasePort(...ownPorts);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  const isReady = (): boolean =>
    proc.output().includes('baresip is ready.') &&
    pidHoldsPort(proc.pid, port, 'u1', false) &&
    pidHoldsPort(proc.pid, controlPort, 't1', false);
  while (proc.running() && !isReady() && Date.now() < deadline) await sleep(20);
  if (!proc.running() || !isReady()) {
    const why = proc.running() ? 'did not get ready in time' : 'exited before it was ready';
    await proc.stop(1000);
    await cleanup();
    throw new Error(`${describe}\n${why} on 127.0.0.1:${port}\n${proc.output()}`.trimEnd());
  }

  const control = new Control(controlPort);
  try {
    await control.connect(Math.max(1000, deadline - Date.now()));
  } catch (err) {
    await proc.stop(1000);
    await cleanup();
    throw new Error(`${describe}\nctrl_tcp on 127.0.0.1:${controlPort} refused: ${String(err)}\n${proc.output()}`);
  }

  const files = (kind: 'decode' | 'encode'): string[] =>
    [...proc.output().matchAll(new RegExp(`sndfile: dumping ${kind} audio to (\\S+)`, 'g'))].map((m) => m[1] ?? '');

  let stopping: Promise<void> | undefined;
  const peer: BaresipPeer = {
    host: '127.0.0.1',
    port,
    hostPort: `127.0.0.1:${port}`,
    uri: `sip:${user}@127.0.0.1:${port}`,
    user,
    mode,
    pid: proc.pid,
    controlPort,
    rtpPorts: [rtpMin, rtpMax],
    dir,
    argv: [command, ...argv],
    exited: proc.exited,
    get recordingPath() {
      return files('decode').at(-1);
    },
    recordings: () => ({ decode: files('decode'), encode: files('encode') }),
    output: () => proc.output(),
    async waitFor(pattern, o = {}) {
      const count = o.count ?? 1;
      const until = Date.now() + (o.timeoutMs ?? 5000);
      for (;;) {
        const text = proc.output();
        if (countMatches(text, pattern) >= count) return text;
        if (!proc.running()) throw new Error(`baresip exited while waiting for ${String(pattern)}\n${text}`);
        if (Date.now() > until) throw new Error(`baresip: no ${String(pattern)} (x${count}) in ${o.timeoutMs ?? 5000} ms\n${text}`);
        await sleep(20);
      }
    },
    control: (cmd, params) => control.send(cmd, params),
    events: () => [...control.events],
    dial: (uri) => control.send('dial', uri),
    hangup: () => control.send('hangup', undefined),
    hold: () => control.send('hold', undefined),
    resume: () => control.send('resume', undefined),
    stop() {
      stopping ??= (async () => {
        control.close();
        await proc.stop(3000);
        await cleanup();
      })();
      return stopping;
    },
  };
  return peer;
}
