import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/**
 * `--dns-server` as `Resolver.setServers` takes it: `127.0.0.1`, `127.0.0.1:5353`, `::1`,
 * `[::1]:5353`. Only IP addresses: a resolver cannot look up its own server's name.
 */
export function parseDnsServer(text: string): string {
  const t = text.trim();
  const hint = 'give an IP address and optionally a port: 127.0.0.1, 127.0.0.1:5353, [::1]:5353';
  let host = t;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    port = v6[2];
  } else if (isIP(t) !== 6 && t.includes(':')) {
    host = t.slice(0, t.lastIndexOf(':'));
    port = t.slice(t.lastIndexOf(':') + 1);
  }
  if (isIP(host) === 0) throw new UsageError(`--dns-server ${JSON.stringify(text)} is not an IP address`, hint);
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw new UsageError(`the port in --dns-server ${JSON.stringify(text)} is not 1–65535`, hint);
  }
  const p = port === undefined ? '' : `:${Number(port)}`;
  return isIP(host) === 6 ? (p ? `[${host}]${p}` : host) : `${host}${p}`;
}

/** The flag's value, checked, or undefined when not given. */
export function dnsServerFrom(flags: { dnsServer?: unknown }): string | undefined {
  return typeof flags.dnsServer === 'string' ? parseDnsServer(flags.dnsServer) : undefined;
}
