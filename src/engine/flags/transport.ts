import { readFileSync } from 'node:fs';
import { lazyBuiltin } from '../../transport/lazy-builtin.js';
import { UsageError } from '../errors.js';
import type { Target } from '../target.js';
import type { TlsPlan, UacTransport } from '../tls-plan.js';
import type { PlanFlags } from './types.js';

const UAC_TRANSPORTS: readonly UacTransport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** The transport choice of a UAC run, from the target and the flags. */
export interface TransportChoice {
  transport: UacTransport;
  /** The user chose it (flag, `;transport=`, `sips:`, `--ws-url`): sipcall must not switch. */
  forced: boolean;
  tls?: TlsPlan;
  wsUrl?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `--transport udp|tcp|tls|ws|wss`. */
export function parseUacTransport(text: string): UacTransport {
  const t = text.toLowerCase();
  if ((UAC_TRANSPORTS as readonly string[]).includes(t)) return t as UacTransport;
  if (t === 'sctp') throw new UsageError('--transport sctp is not supported', `use one of ${UAC_TRANSPORTS.join(', ')}`);
  throw new UsageError(`unknown transport ${JSON.stringify(text)}`, `use one of ${UAC_TRANSPORTS.join(', ')}`);
}

/** `--ws-url ws://host:port/path` or `wss://…` (RFC 7118 §4: a WebSocket URI of RFC 6455 §3). */
export function parseWsUrl(text: string): { url: string; secure: boolean; host: string; address: string; port: number; name: boolean } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--ws-url ${JSON.stringify(text)} is not a URL`, 'example: --ws-url wss://sip.example.com:443/ws');
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    throw new UsageError(`--ws-url ${JSON.stringify(text)} is not a ws:// or wss:// URL`, 'example: --ws-url ws://127.0.0.1:8080/ or wss://sip.example.com/ws');
  }
  if (u.hash) throw new UsageError(`--ws-url ${JSON.stringify(text)} has a #fragment, which WebSocket URIs may not carry (RFC 6455 §3)`, 'remove the #… part');
  if (u.username || u.password) throw new UsageError('--ws-url must not carry a user or password', 'give SIP credentials with --user and SIPCALL_PASSWORD');
  const secure = u.protocol === 'wss:';
  const address = u.hostname.replace(/^\[|\]$/g, '');
  const name = !/^[\d.]+$/.test(address) && !address.includes(':');
  return { url: u.href, secure, host: u.hostname, address, port: u.port ? Number(u.port) : secure ? 443 : 80, name };
}

/** Reads a PEM file for `flag`; a usage error names the flag and the problem. */
export function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`, 'give a readable PEM file');
  }
}

/**
 * `--ca`, `--cert`, `--key`, `--insecure` as a TlsPlan; the files are read and checked here
 * (OpenSSL's parse of the PEM), so a bad file is a usage error before anything is sent.
 */
export function tlsPlanFrom(flags: PlanFlags, servername: string | undefined): TlsPlan {
  const caFile = str(flags['ca']);
  const certFile = str(flags['cert']);
  const keyFile = str(flags['key']);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(certFile ? '--cert without --key' : '--key without --cert', 'a client certificate needs its private key: give both --cert FILE and --key FILE');
  }
  const plan: TlsPlan = { insecure: flags['insecure'] === true, servername };
  if (caFile !== undefined) {
    const pem = readPem(caFile, '--ca');
    // OpenSSL silently skips text that holds no certificate: say so instead
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--ca ${caFile}: no PEM certificate in it`, 'give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----); convert DER with: openssl x509 -inform der -in ca.der -out ca.pem');
    }
    plan.ca = [pem];
  }
  if (certFile !== undefined && keyFile !== undefined) {
    plan.cert = readPem(certFile, '--cert');
    plan.key = readPem(keyFile, '--key');
  }
  if (plan.ca === undefined && plan.cert === undefined) return plan;
  try {
    lazyBuiltin<typeof import('node:tls')>('node:tls').createSecureContext({ ca: plan.ca, cert: plan.cert, key: plan.key });
  } catch (err) {
    const what = /key/i.test((err as Error).message) ? '--key' : /ca|certificate/i.test((err as Error).message) && plan.cert === undefined ? '--ca' : '--ca/--cert/--key';
    throw new UsageError(`${what}: OpenSSL cannot use it: ${(err as Error).message}`, 'give PEM files (-----BEGIN CERTIFICATE----- / -----BEGIN PRIVATE KEY-----), and a key that matches the certificate');
  }
  return plan;
}

/**
 * The transport from the target (`;transport=`, `sips:`) and the flags (`--transport`,
 * `--ws-url`), checked for contradictions. RFC 3261 §26.2.1 / §19.1.2: a `sips:` URI must be
 * reached over TLS (here TLS or WSS), port 5061 by default. TLS flags on a run forced to UDP,
 * TCP or WS are refused; on a run whose transport is not forced they are kept, since RFC 3263
 * may choose TLS for a name.
 */
export function chooseTransport(flags: PlanFlags, target: Target): TransportChoice {
  let transport: UacTransport | undefined;
  let source = '';
  const set = (t: UacTransport, from: string): void => {
    if (transport !== undefined && transport !== t) {
      throw new UsageError(`${from} contradicts ${source}`, 'give one of them, or make them agree');
    }
    transport = t;
    source = from;
  };
  if (target.transport) {
    if (target.transport === 'sctp') throw new UsageError(';transport=sctp is not supported', `use one of ${UAC_TRANSPORTS.join(', ')}`);
    set(target.transport, `;transport=${target.transport} in the target`);
  }
  if (flags.transport !== undefined) {
    const t = parseUacTransport(flags.transport);
    set(t, `--transport ${t}`);
  }
  const wsText = str(flags['wsUrl']);
  const ws = wsText !== undefined ? parseWsUrl(wsText) : undefined;
  if (ws) set(ws.secure ? 'wss' : 'ws', `--ws-url ${ws.url}`);
  const forced = transport !== undefined;
  if (target.scheme === 'sips') {
    if (transport === undefined) transport = 'tls';
    else if (transport !== 'tls' && transport !== 'wss') {
      throw new UsageError(`a sips: target cannot be reached over ${transport.toUpperCase()}`, 'sips: needs TLS on every hop (RFC 3261 §26.2.1): use --transport tls (or wss), or a sip: URI');
    }
  }
  const chosen: UacTransport = transport ?? 'udp';
  const secure = chosen === 'tls' || chosen === 'wss';
  const tlsFlags = (['ca', 'cert', 'key', 'insecure'] as const).filter((k) => flags[k] !== undefined && flags[k] !== false);
  if (!secure && forced && tlsFlags.length > 0) {
    throw new UsageError(`--${tlsFlags[0]} only applies to TLS and WSS, but this run uses ${chosen.toUpperCase()}`, 'add --transport tls (or wss), or use a sips: target');
  }
  const choice: TransportChoice = { transport: chosen, forced: forced || target.scheme === 'sips' };
  if (ws) choice.wsUrl = ws.url;
  // Not forced: RFC 3263 may still pick TLS for a name (NAPTR, SRV), so the TLS settings are kept.
  if (secure || !forced) {
    const servername = ws ? (ws.name ? ws.address : undefined) : target.hostKind === 'name' ? target.address : undefined;
    choice.tls = tlsPlanFrom(flags, servername);
  }
  return choice;
}

/** Where `--ws-url` connects: its host and port (80 or 443 when it names none). */
export function wsDestination(wsUrl: string): { host: string; port: number } {
  const u = parseWsUrl(wsUrl);
  return { host: u.address, port: u.port };
}

/** The destination, or with `--ws-url` the URL's host and port (the port then counts as given). */
export function withWsUrl<D extends { host: string; port: number }>(net: { wsUrl?: string }, destination: D): D {
  if (net.wsUrl === undefined) return destination;
  return { ...destination, ...wsDestination(net.wsUrl), ...('portExplicit' in destination ? { portExplicit: true } : {}) };
}
