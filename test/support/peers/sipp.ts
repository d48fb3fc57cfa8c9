// SIPp as a loopback peer for integration tests.
//
//   const uas = await startSipp({ scenario: 'uas-486.xml' });
//   ... talk to uas.host:uas.port ...
//   expect(await uas.messageLog()).toContain('ACK sip:');
//   await uas.stop();
//
// SIPp runs in the foreground as our child (no -bg), so the PID we hold is
// SIPp's own; it is stopped by that PID only (see process.ts). Every instance
// gets its own SIP, control and media ports on loopback, its own message log
// (-trace_msg) and error log in a temp dir, and is resolved only once its SIP
// socket is bound (checked in /proc: the socket inode is in SIPp's fd table).
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freePortBlock, releasePort } from './ports.js';
import type { ExitStatus } from './process.js';
import { forgetTempDir, registerTempDir, spawnManaged } from './process.js';
import { findCommand } from './require-peer.js';

/** SIPp transport: u1 = UDP, one socket; t1 = TCP, one connection. */
export type SippTransport = 'u1' | 't1';

export interface SippOptions {
  /**
   * A scenario: a file name in test/scenarios ('uas-486.xml' or 'uas-486'), a
   * path to an XML file (with a slash), or a built-in SIPp scenario ('uas',
   * 'uac', ...), run with -sn.
   */
  scenario: string;
  /** SIP port to listen on; default: a free one. */
  port?: number;
  /** Default 'u1' (UDP). */
  transport?: SippTransport;
  /** Listen on [::1] instead of 127.0.0.1. */
  ipv6?: boolean;
  /** For UAC scenarios: the target, e.g. '127.0.0.1:5060' (SIPp's positional argument). */
  remote?: string;
  /** More SIPp arguments, appended last (e.g. ['-m', '1'], ['-s', 'alice']). */
  extraArgs?: string[];
  /** How long to wait for SIPp to be listening; default 10 s. */
  startTimeoutMs?: number;
  /**
   * `-rtp_echo`: SIPp 3.6.1 sends every datagram arriving on its media port
   * (and on port+2) back to its source, unchanged (our own SSRC); nothing on
   * port+1 (no RTCP). The built-in `uas` answers `m=audio <mediaPort> RTP/AVP 0`
   * (PCMU only, no telephone-event), `c=IN IP4 <-mi>`.
   */
  rtpEcho?: boolean;
  /** SIPp's media port (`-mp`; it also binds port+2); default: a free block of 4 on loopback. */
  mediaPort?: number;
}

export interface SippPeer {
  /** '127.0.0.1' or '::1'. */
  readonly host: string;
  readonly port: number;
  /** host:port for a SIP URI ('[::1]:port' over IPv6). */
  readonly hostPort: string;
  readonly transport: SippTransport;
  /** SIPp's PID (the one that is stopped). */
  readonly pid: number;
  /** The scenario file, or 'builtin:<name>'. */
  readonly scenario: string;
  /** The full command line (for messages). */
  readonly argv: readonly string[];
  /** SIPp's media (`-mp`) port on `host`: `[media_port]` in scenarios, the echo port with rtpEcho. */
  readonly mediaPort: number;
  /** Resolves when SIPp exits (by itself, e.g. with -m, or after stop()). */
  readonly exited: Promise<ExitStatus>;
  /**
   * The -trace_msg log: every message SIPp sent or received, in order. SIPp
   * writes an entry just after the datagram leaves, so while SIPp runs this
   * waits for the file to settle (no growth for 50 ms) and, given `waitFor`,
   * until the log matches it (up to `timeoutMs`, default 2000; then it
   * returns what is there).
   */
  messageLog(waitFor?: string | RegExp, timeoutMs?: number): Promise<string>;
  /** The -trace_err log: unexpected messages, aborted calls. */
  errorLog(): Promise<string>;
  /** SIPp's stderr so far. */
  stderr(): string;
  /** SIGTERM (then SIGKILL after a grace period) by PID; resolves once gone. */
  stop(): Promise<void>;
}

/** test/scenarios, resolved from this file. */
export const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** Where a scenario name points: { file } or { builtin }. */
export function resolveScenario(scenario: string): { file: string } | { builtin: string } {
  if (scenario.includes('/') || scenario.includes(path.sep)) return { file: path.resolve(scenario) };
  const candidates = scenario.endsWith('.xml') ? [scenario] : [`${scenario}.xml`];
  for (const c of candidates) {
    const f = path.join(SCENARIO_DIR, c);
    if (existsSync(f)) return { file: f };
  }
  if (scenario.endsWith('.xml')) throw new Error(`SIPp scenario not found: ${path.join(SCENARIO_DIR, scenario)}`);
  return { builtin: scenario };
}

/**
 * Arguments a scenario file asks for, on a line `sipcall-sipp-args: ...` in
 * its comments (e.g. `-default_behaviors all,-abortunexp`).
 */
export function scenarioArgs(xml: string): string[] {
  const args: string[] = [];
  for (const m of xml.matchAll(/^\s*sipcall-sipp-args:(.*)$/gm)) {
    args.push(...(m[1] ?? '').trim().split(/\s+/).filter(Boolean));
  }
  return args;
}

/** Socket inodes bound to `port` on loopback, from /proc/net. */
function boundInodes(port: number, transport: SippTransport, ipv6: boolean): Set<string> {
  const file = `/proc/net/${transport === 't1' ? 'tcp' : 'udp'}${ipv6 ? '6' : ''}`;
  const inodes = new Set<string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return inodes;
  }
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const local = cols[1] ?? '';
    const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort !== port) continue;
    if (transport === 't1' && cols[3] !== '0A') continue; // TCP: LISTEN only
    inodes.add(cols[9] ?? '');
  }
  return inodes;
}

/** True once `pid` holds a socket bound to `port` (Linux /proc). */
export function pidHoldsPort(pid: number, port: number, transport: SippTransport, ipv6: boolean): boolean {
  const inodes = boundInodes(port, transport, ipv6);
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1] ?? '')) return true;
    } catch {
      // fd closed meanwhile
    }
  }
  return false;
}

const BIND_ERROR = /unable to bind|address already in use|EADDRINUSE|errno = 98/i;

async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

export async function startSipp(opts: SippOptions): Promise<SippPeer> {
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startSippOnce(opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && BIND_ERROR.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function startSippOnce(opts: SippOptions): Promise<SippPeer> {
  const sipp = findCommand('sipp');
  if (!sipp) throw new Error('sipp is not installed (Debian package sip-tester)');
  const transport = opts.transport ?? 'u1';
  const ipv6 = opts.ipv6 ?? false;
  const host = ipv6 ? '::1' : '127.0.0.1';
  const hosts = [host];
  const scen = resolveScenario(opts.scenario);

  const ownPorts: number[] = [];
  const port = opts.port ?? (await freePort({ hosts }));
  if (opts.port === undefined) ownPorts.push(port);
  // SIPp's control socket is IPv4 only; media uses mp and mp+2 (audio, video)
  const controlPort = await freePort({ hosts: ['127.0.0.1'], tcp: false });
  ownPorts.push(controlPort);
  const mediaPort = opts.mediaPort ?? (await freePortBlock(4, { hosts, tcp: false }));
  if (opts.mediaPort === undefined) ownPorts.push(mediaPort, mediaPort + 1, mediaPort + 2, mediaPort + 3);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-sipp-'));
  registerTempDir(dir);
  const messageFile = path.join(dir, 'messages.log');
  const errorFile = path.join(dir, 'errors.log');

  const argv: string[] = [];
  if (opts.remote) argv.push(opts.remote);
  if ('file' in scen) {
    argv.push('-sf', scen.file);
    argv.push(...scenarioArgs(await readFile(scen.file, 'utf8')));
  } else {
    argv.push('-sn', scen.builtin);
  }
  argv.push(
    '-t', transport,
    '-i', host,
    '-p', String(port),
    '-ci', '127.0.0.1',
    '-cp', String(controlPort),
    '-mi', host,
    '-mp', String(mediaPort),
    '-trace_msg', '-message_file', messageFile,
    '-trace_err', '-error_file', errorFile,
    '-nostdin',
    '-aa',
    '-buff_size', '4194304',
    ...(opts.rtpEcho ? ['-rtp_echo'] : []),
    ...(opts.extraArgs ?? []),
  );

  const proc = spawnManaged(sipp, argv, { label: 'sipp', parentDeathSignal: 'KILL' });
  const describe = `sipp ${argv.join(' ')}`;

  // Wait until SIPp's SIP socket is bound, or it exits.
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  let ready = false;
  while (!ready && proc.running() && Date.now() < deadline) {
    if (opts.remote && transport === 'u1') {
      // a UAC binds its UDP socket too; TCP UACs only connect (no listen)
      ready = pidHoldsPort(proc.pid, port, 'u1', ipv6);
    } else if (opts.remote) {
      ready = true;
    } else {
      ready = pidHoldsPort(proc.pid, port, transport, ipv6);
    }
    if (!ready) await new Promise((r) => setTimeout(r, 20));
  }
  if (!ready) {
    const running = proc.running();
    await proc.stop(1000);
    const why = running ? 'did not start listening in time' : 'exited before listening';
    const errors = await readOr(errorFile, '');
    releasePort(...ownPorts);
    await rm(dir, { recursive: true, force: true });
    forgetTempDir(dir);
    throw new Error(`${describe}\n${why} on ${host}:${port}\n${proc.output()}${errors}`.trimEnd());
  }

  let cachedMessages: string | undefined;
  let cachedErrors: string | undefined;
  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    hostPort: ipv6 ? `[${host}]:${port}` : `${host}:${port}`,
    transport,
    pid: proc.pid,
    scenario: 'file' in scen ? scen.file : `builtin:${scen.builtin}`,
    argv: [sipp, ...argv],
    mediaPort,
    exited: proc.exited,
    async messageLog(waitFor?: string | RegExp, timeoutMs = 2000) {
      if (cachedMessages !== undefined) return cachedMessages;
      const matches = (t: string): boolean =>
        waitFor === undefined || (typeof waitFor === 'string' ? t.includes(waitFor) : waitFor.test(t));
      const deadline = Date.now() + timeoutMs;
      let text = await readOr(messageFile, '');
      for (;;) {
        if (!proc.running() || Date.now() >= deadline) return text;
        await new Promise((r) => setTimeout(r, 50));
        const next = await readOr(messageFile, '');
        if (next === text && matches(next)) return next;
        text = next;
      }
    },
    errorLog: async () => cachedErrors ?? (await readOr(errorFile, '')),
    stderr: () => proc.output(),
    stop() {
      stopping ??= (async () => {
        await proc.stop(3000);
        cachedMessages = await readOr(messageFile, '');
        cachedErrors = await readOr(errorFile, '');
        await rm(dir, { recursive: true, force: true });
        forgetTempDir(dir);
        releasePort(...ownPorts);
      })();
      return stopping;
    },
  };
}
