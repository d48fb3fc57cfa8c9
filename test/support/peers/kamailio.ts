// Kamailio (registrar + proxy with digest auth) as a loopback peer.
//
//   const proxy = await startKamailio();
//   ... REGISTER sip:127.0.0.1:<proxy.port> as alice/secret ...
//   await proxy.stop();
//
// test/kamailio/kamailio.cfg has no listen lines: each run gets a free port
// (-l udp:… -l tcp:…), a temp run dir (-Y) holding a copy of test/kamailio/db
// (db_text may rewrite it) and its control socket. Kamailio runs in the
// foreground (-DD -E) as our child, logging to stderr; the PID we hold is its
// main process, and stopping signals that PID's process group (its workers).
// Ready means: it answered an OPTIONS with 200.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, releasePort } from './ports.js';
import type { ExitStatus } from './process.js';
import { forgetTempDir, registerTempDir, spawnManaged } from './process.js';
import { findCommand } from './require-peer.js';
import { sendUdp, sipRequest, statusOf } from './udp.js';

export interface KamailioOptions {
  /** SIP port (UDP and TCP); default: a free one. */
  port?: number;
  /** Also listen on [::1] (same port). */
  ipv6?: boolean;
  /** Kamailio's debug level (default 2; 3 = debug). */
  debug?: number;
  /** How long to wait for the first 200 to OPTIONS (default 15 s). */
  startTimeoutMs?: number;
  /**
   * Config pre-processor defines, each passed as `-A DEFINE` (Kamailio's `-A NAME` or
   * `-A NAME=VALUE`), e.g. `['WITH_OPEN_CALLS', 'ECHO_PORT=5072']` for the variant of
   * kamailio.cfg that does not challenge INVITEs and routes `echo` to a SIPp UAS. Default: none.
   */
  defines?: readonly string[];
}

export interface KamailioUser {
  username: string;
  password: string;
  domain: string;
}

/** The subscribers in test/kamailio/db/subscriber. */
export const KAMAILIO_USERS: readonly KamailioUser[] = [
  { username: 'alice', password: 'secret', domain: '127.0.0.1' },
  { username: 'bob', password: 'secret', domain: '127.0.0.1' },
  { username: 'carol', password: 'wonderland', domain: '127.0.0.1' },
];

export interface KamailioPeer {
  readonly host: string;
  readonly port: number;
  /** '127.0.0.1:port'. */
  readonly hostPort: string;
  /** Listening on [::1]:port too. */
  readonly ipv6: boolean;
  /** The main process (the one that is stopped). */
  readonly pid: number;
  readonly users: readonly KamailioUser[];
  /** The `-A` defines it was started with. */
  readonly defines: readonly string[];
  /** Resolves when Kamailio's main process exits. */
  readonly exited: Promise<ExitStatus>;
  /** Everything Kamailio logged so far (stderr + stdout). */
  log(): string;
  /** SIGTERM, SIGKILL after a grace period; resolves once all its processes are gone. */
  stop(): Promise<void>;
}

/** test/kamailio, resolved from this file. */
export const KAMAILIO_DIR = fileURLToPath(new URL('../../kamailio/', import.meta.url));

const BIND_ERROR = /cannot bind|address already in use|bind\(.*\) on|init_sock.*failed/i;

export async function startKamailio(opts: KamailioOptions = {}): Promise<KamailioPeer> {
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

async function startOnce(opts: KamailioOptions): Promise<KamailioPeer> {
  const kamailio = findCommand('kamailio');
  if (!kamailio) throw new Error('kamailio is not installed (Debian package kamailio)');
  const ipv6 = opts.ipv6 ?? false;
  const host = '127.0.0.1';
  const port = opts.port ?? (await freePort({ hosts: ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'] }));
  const ownPorts = opts.port === undefined ? [port] : [];

  const runDir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-kamailio-'));
  registerTempDir(runDir);
  await cp(path.join(KAMAILIO_DIR, 'db'), path.join(runDir, 'db'), { recursive: true });

  const listen = [`udp:127.0.0.1:${port}`, `tcp:127.0.0.1:${port}`];
  if (ipv6) listen.push(`udp:[::1]:${port}`, `tcp:[::1]:${port}`);
  const argv = [
    '-f', path.join(KAMAILIO_DIR, 'kamailio.cfg'),
    '-DD', '-E',
    '-m', '64', '-M', '8',
    '-Y', runDir,
    ...listen.flatMap((l) => ['-l', l]),
    '-A', `DBURL="text://${path.join(runDir, 'db')}"`,
    '-A', `CTLSOCK="unix:${path.join(runDir, 'kamailio_ctl')}"`,
    '--debug=' + String(opts.debug ?? 2),
    ...(opts.defines ?? []).flatMap((d) => ['-A', d]),
  ];

  const { proc, stop } = await launchKamailio({ kamailio, argv, label: 'kamailio', host, port, runDir, ownPorts, startTimeoutMs: opts.startTimeoutMs });
  return {
    host,
    port,
    hostPort: `${host}:${port}`,
    ipv6,
    pid: proc.pid,
    users: KAMAILIO_USERS,
    defines: [...(opts.defines ?? [])],
    exited: proc.exited,
    log: () => proc.output(),
    stop,
  };
}

/** What `launchKamailio` needs: the command line and what to clean up afterwards. */
export interface KamailioLaunch {
  kamailio: string;
  argv: string[];
  label: string;
  /** Where it answers OPTIONS over UDP once ready. */
  host: string;
  port: number;
  /** The run directory (removed on stop) and the ports to release. */
  runDir: string;
  ownPorts: number[];
  cwd?: string;
  startTimeoutMs?: number;
}

/**
 * Starts Kamailio in the foreground as a managed child (stopped by its PID and process group),
 * waits until it answers OPTIONS with 200, and returns it with an idempotent `stop()` that also
 * removes the run directory and releases the ports. Throws with Kamailio's output when it does
 * not come up.
 */
export async function launchKamailio(l: KamailioLaunch): Promise<{ proc: ReturnType<typeof spawnManaged>; stop(): Promise<void> }> {
  const proc = spawnManaged(l.kamailio, l.argv, { label: l.label, parentDeathSignal: 'TERM', captureStdout: true, ...(l.cwd ? { cwd: l.cwd } : {}) });
  const describe = `kamailio ${l.argv.join(' ')}`;
  const cleanup = async (): Promise<void> => {
    await rm(l.runDir, { recursive: true, force: true });
    forgetTempDir(l.runDir);
    releasePort(...l.ownPorts);
  };
  // Ready when it answers OPTIONS (sent every 200 ms from one socket).
  const deadline = Date.now() + (l.startTimeoutMs ?? 15_000);
  let ready = false;
  while (!ready && proc.running() && Date.now() < deadline) {
    const { responses } = await sendUdp({
      host: l.host,
      port: l.port,
      message: (local) => sipRequest({ method: 'OPTIONS', uri: `sip:${l.host}:${l.port}`, local }),
      timeoutMs: 500,
      resendMs: 200,
    });
    ready = responses.some((r) => statusOf(r) === 200);
  }
  if (!ready) {
    const running = proc.running();
    await proc.stop(2000);
    await cleanup();
    const why = running ? 'did not answer OPTIONS in time' : 'exited before answering OPTIONS';
    throw new Error(`${describe}\n${why} on ${l.host}:${l.port}\n${proc.output()}`.trimEnd());
  }
  let stopping: Promise<void> | undefined;
  return {
    proc,
    stop() {
      stopping ??= (async () => {
        await proc.stop(5000);
        await cleanup();
      })();
      return stopping;
    },
  };
}
