import type { EngineEnv } from './session.js';
import type { UacPlan } from './plan.js';
import type { TransportName } from '../events/types.js';
import { familyOf, formatEndpoint, type AddressPort } from '../transport/endpoint.js';
import { nextHop } from './next-hop.js';
import { openTcp } from '../transport/tcp.js';
import type { TlsSessionInfo } from '../transport/tls-info.js';
import type { TlsClientOptions } from '../transport/tls-options.js';
import type { Transport } from '../transport/transport.js';
import { openUdp } from '../transport/udp.js';
import { NOTE_CODE_TLS_INSECURE } from './verdict/tls-failed.js';

/** The transport name (as in Via) of a plan's transport. */
export function transportNameOf(t: UacPlan['net']['transport']): TransportName {
  return t === 'ws' ? 'WS' : t === 'wss' ? 'WSS' : (t.toUpperCase() as 'UDP' | 'TCP' | 'TLS');
}

/** `ws://127.0.0.1:5060/`, the URL used when the user gave `--transport ws|wss` without `--ws-url`. */
export function defaultWsUrl(secure: boolean, host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${secure ? 'wss' : 'ws'}://${h}:${port}/`;
}

/**
 * Opens the plan's transport to `remote` (one connection per run, RFC 3261 §18.1.1): UDP, TCP,
 * TLS (RFC 3261 §26.2), WS or WSS (RFC 7118). For TLS and WSS the connection and the handshake
 * are limited by 64·T1, the time a transaction would wait (Timer B/F). For TLS and WSS, `--insecure` is
 * warned about on every run, before anything is sent, and a finished handshake is reported as a
 * `tls.established` event (protocol, cipher, certificate). Rejects with a TransportError.
 */
export async function openTransport(plan: UacPlan, remote: AddressPort, env: EngineEnv): Promise<Transport> {
  const net = plan.net;
  const local = net.local;
  const limitMs = 64 * net.t1;
  const tlsOptions: TlsClientOptions = { ...net.tls, insecure: net.tls?.insecure === true, servername: tlsServerName(plan) };
  const secure = net.transport === 'tls' || net.transport === 'wss';
  if (secure && tlsOptions.insecure) {
    env.sink({
      type: 'note',
      t: env.clock.now(),
      level: 'warn',
      code: NOTE_CODE_TLS_INSECURE,
      text: `--insecure: the server certificate of ${formatEndpoint(remote)} is NOT verified; anyone on the path can pose as the server and read the call (RFC 3261 §26.3.1 asks for validation)`,
    });
  }
  switch (net.transport) {
    case 'udp':
      return openUdp({ remote, local });
    case 'tcp':
      return openTcp({ remote, local });
    case 'tls': {
      // loaded on demand: node:tls and the ws package cost start-up time that UDP runs need not pay
      const { openTls } = await import('../transport/tls.js');
      const t = await openTls({ ...tlsOptions, remote, local, connectTimeoutMs: limitMs, handshakeTimeoutMs: limitMs });
      reportTls(env, 'TLS', remote, t.tls);
      return t;
    }
    case 'ws':
    case 'wss': {
      const url = net.wsUrl ?? defaultWsUrl(secure, remote.address, remote.port);
      const { openWs } = await import('../transport/ws.js');
      const t = await openWs({ ...tlsOptions, url, remote, local, handshakeTimeoutMs: limitMs });
      if (t.tls) reportTls(env, t.name, remote, t.tls);
      return t;
    }
  }
}

/**
 * The name sent in SNI and checked in the certificate (RFC 5922 §7.2): the one the CLI chose
 * (the target or `--ws-url` host), else the host the user asked for, also when RFC 3263 chose
 * TLS for it (never an SRV target's name: RFC 5922 §4.1 matches the domain of the URI); none
 * for an IP address (RFC 6066 §3), or for a `--ws-url` (its host is the name).
 */
export function tlsServerName(plan: UacPlan): string | undefined {
  if (plan.net.tls?.servername !== undefined || plan.net.wsUrl !== undefined) return plan.net.tls?.servername;
  const asked = nextHop(plan).host;
  return familyOf(asked) === undefined ? asked : undefined;
}

function reportTls(env: EngineEnv, transport: TransportName, remote: AddressPort, info: TlsSessionInfo): void {
  env.sink({ type: 'tls.established', t: env.clock.now(), transport, peer: formatEndpoint(remote), ...info });
}
