// Kamailio with TLS and WebSocket (RFC 7118) as a loopback peer: the registrar + proxy of
// test/kamailio/kamailio.cfg (same users, same port-NNNN relay hook), run through
// test/kamailio/kamailio-tls.cfg, which adds the tls, xhttp and websocket modules.
//
//   const pki = await makeTestPki();                 // certs.ts: CA + server certs
//   const k = await startKamailioTls({ pki });
//   k.tls.valid      TLS port with the valid certificate (also wss://127.0.0.1:<port>)
//   k.tls.expired    TLS port with the expired certificate
//   k.tls.wrongName  TLS port with a certificate for wrong-name.example
//   k.tls.mutual     TLS port with the valid certificate that requires a client certificate
//   k.port           UDP + TCP port (also ws://127.0.0.1:<port>)
//   await k.stop();
//
// The server certificate is chosen by listening address in a tls.cfg written to the run dir
// (Kamailio's "[server:IP:PORT]" domains). Like startKamailio: -DD -E as our child, a temp
// run dir with a copy of test/kamailio/db, ready when it answers OPTIONS over UDP with 200,
// stopped by the PID we hold.
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeTestPki, type TestPki } from './certs.js';
import { KAMAILIO_DIR, KAMAILIO_USERS, launchKamailio, type KamailioUser } from './kamailio.js';
import { freePort } from './ports.js';
import type { ExitStatus } from './process.js';
import { registerTempDir } from './process.js';
import { findCommand, inCI, requirePeers, type PeerCheck, type PeerName } from './require-peer.js';

export interface KamailioTlsOptions {
  pki: TestPki;
  /** Kamailio's debug level (default 2; 3 = debug). */
  debug?: number;
  /** How long to wait for the first 200 to OPTIONS (default 15 s). */
  startTimeoutMs?: number;
}

export interface KamailioTlsPorts {
  valid: number;
  expired: number;
  wrongName: number;
  mutual: number;
}

export interface KamailioTlsPeer {
  readonly host: '127.0.0.1';
  /** UDP and TCP (and ws://) port. */
  readonly port: number;
  /** TLS (and wss://) ports, one per server certificate. */
  readonly tls: KamailioTlsPorts;
  readonly pid: number;
  readonly users: readonly KamailioUser[];
  readonly exited: Promise<ExitStatus>;
  log(): string;
  stop(): Promise<void>;
}

/** Is this Kamailio module installed (Debian: /usr/lib/<arch>/kamailio/modules)? */
function kamailioModule(file: string): boolean {
  const dirs = ['/usr/lib/kamailio/modules', '/usr/local/lib/kamailio/modules', '/usr/local/lib64/kamailio/modules'];
  try {
    for (const d of readdirSync('/usr/lib')) dirs.push(`/usr/lib/${d}/kamailio/modules`);
  } catch {
    // no /usr/lib
  }
  return dirs.some((d) => existsSync(`${d}/${file}`));
}

let reported = false;

/**
 * requirePeers('kamailio', …) plus what the TLS and WebSocket peers need beyond it: openssl
 * (the test PKI) and Kamailio's tls and websocket modules. Missing in CI: throws (.ci/run
 * installs them); elsewhere: skip, with one line saying what to install.
 */
export function requireTlsPeers(...others: PeerName[]): PeerCheck {
  const base = requirePeers('kamailio', ...others);
  if (base.skip) return base;
  const missing: string[] = [];
  if (!findCommand('openssl')) missing.push('openssl');
  if (!kamailioModule('tls.so')) missing.push('kamailio-tls-modules');
  if (!kamailioModule('websocket.so') || !kamailioModule('xhttp.so')) missing.push('kamailio-websocket-modules');
  if (missing.length === 0) return base;
  if (inCI()) throw new Error(`TLS/WebSocket peers missing in CI: install ${missing.join(' ')} (.ci/run does this)`);
  const reason = `skipping TLS/WebSocket integration tests: not installed (apt-get install ${missing.join(' ')})`;
  if (!reported) console.warn(reason);
  reported = true;
  return { skip: true, missing: [], reason };
}

const BIND_ERROR = /cannot bind|address already in use|bind\(.*\) on|init_sock.*failed/i;

export async function startKamailioTls(opts: KamailioTlsOptions): Promise<KamailioTlsPeer> {
  let lastError: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && BIND_ERROR.test(err.message))) throw err;
    }
  }
  throw lastError;
}

/** Kamailio's tls.cfg: one server domain per listening port, each with its certificate. */
function tlsConfig(pki: TestPki, ports: KamailioTlsPorts): string {
  const domain = (name: string, cert: { cert: string; key: string }, requireClientCert = false) =>
    [
      `[${name}]`,
      'method = TLSv1.2+',
      `verify_certificate = ${requireClientCert ? 'yes' : 'no'}`,
      `require_certificate = ${requireClientCert ? 'yes' : 'no'}`,
      `certificate = ${cert.cert}`,
      `private_key = ${cert.key}`,
      ...(requireClientCert ? [`ca_list = ${pki.ca}`] : []),
      '',
    ].join('\n');
  return [
    domain('server:default', pki.valid),
    domain(`server:127.0.0.1:${ports.valid}`, pki.valid),
    domain(`server:127.0.0.1:${ports.expired}`, pki.expired),
    domain(`server:127.0.0.1:${ports.wrongName}`, pki.wrongName),
    // mutual TLS: the client must present a certificate signed by the test CA
    domain(`server:127.0.0.1:${ports.mutual}`, pki.valid, true),
    '[client:default]\nverify_certificate = no\nrequire_certificate = no\n',
  ].join('\n');
}

async function startOnce(opts: KamailioTlsOptions): Promise<KamailioTlsPeer> {
  const kamailio = findCommand('kamailio');
  if (!kamailio) throw new Error('kamailio is not installed (Debian packages kamailio, kamailio-tls-modules, kamailio-websocket-modules)');
  const host = '127.0.0.1' as const;
  const port = await freePort();
  const tls: KamailioTlsPorts = {
    valid: await freePort({ udp: false }),
    expired: await freePort({ udp: false }),
    wrongName: await freePort({ udp: false }),
    mutual: await freePort({ udp: false }),
  };
  const ownPorts = [port, ...Object.values(tls)];

  const runDir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-kamailio-tls-'));
  registerTempDir(runDir);
  await cp(path.join(KAMAILIO_DIR, 'db'), path.join(runDir, 'db'), { recursive: true });
  await writeFile(path.join(runDir, 'tls.cfg'), tlsConfig(opts.pki, tls));

  const listen = [`udp:${host}:${port}`, `tcp:${host}:${port}`, ...Object.values(tls).map((p) => `tls:${host}:${p}`)];
  const argv = [
    '-f', path.join(KAMAILIO_DIR, 'kamailio-tls.cfg'),
    '-DD', '-E',
    '-m', '64', '-M', '8',
    '-Y', runDir,
    ...listen.flatMap((l) => ['-l', l]),
    '-A', `DBURL="text://${path.join(runDir, 'db')}"`,
    '-A', `CTLSOCK="unix:${path.join(runDir, 'kamailio_ctl')}"`,
    '-A', `TLSCFG="${path.join(runDir, 'tls.cfg')}"`,
    '--debug=' + String(opts.debug ?? 2),
  ];
  // include_file "kamailio.cfg" is resolved against the working directory
  const { proc, stop } = await launchKamailio({ kamailio, argv, label: 'kamailio-tls', host, port, runDir, ownPorts, cwd: KAMAILIO_DIR, startTimeoutMs: opts.startTimeoutMs });
  return {
    host,
    port,
    tls,
    pid: proc.pid,
    users: KAMAILIO_USERS,
    exited: proc.exited,
    log: () => proc.output(),
    stop,
  };
}

/**
 * For a describe block: a test PKI and a Kamailio with TLS, WS and WSS listeners, started before
 * its tests and stopped (the PKI removed) after them. Read them through the returned object
 * once the tests run.
 */
export function useKamailioTls(timeoutMs = 30_000): { readonly pki: TestPki; readonly k: KamailioTlsPeer } {
  const state: { pki?: TestPki; k?: KamailioTlsPeer } = {};
  beforeAll(async () => {
    state.pki = await makeTestPki();
    state.k = await startKamailioTls({ pki: state.pki });
  }, timeoutMs);
  afterAll(async () => {
    await state.k?.stop();
    await state.pki?.remove();
  });
  return {
    get pki() {
      return state.pki!;
    },
    get k() {
      return state.k!;
    },
  };
}
