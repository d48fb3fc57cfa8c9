// dnsmasq as a loopback DNS server for the RFC 3263 integration tests.
//
//   const dns = await startDnsmasq({ records: { naptr: [...], srv: [...], hosts: [...] } });
//   ... sipcall --dns-server 127.0.0.1:${dns.port} ...
//   await dns.stop();
//
// dnsmasq runs in the foreground as our child (--keep-in-foreground), on its own loopback port,
// with no upstream servers, no /etc/hosts and no config file: it answers only for the records
// given, and NXDOMAIN for any other name under `domain` (--local=/domain/). It is ready when
// its UDP socket is bound (checked in /proc, as for SIPp) and stopped by its PID only.
import { freePort, releasePort } from './ports.js';
import { spawnManaged } from './process.js';
import { findCommand } from './require-peer.js';
import { pidHoldsPort } from './sipp.js';

export interface NaptrSpec {
  name: string;
  order: number;
  preference: number;
  /** 'S' for SIP (RFC 3263 §4.1). */
  flags: string;
  /** e.g. 'SIP+D2U' */
  service: string;
  /** The SRV name, e.g. '_sip._udp.sipcall.test'. */
  replacement: string;
}

export interface SrvSpec {
  /** e.g. '_sip._udp.sipcall.test' */
  name: string;
  target: string;
  port: number;
  priority: number;
  weight: number;
}

export interface HostSpec {
  name: string;
  ipv4?: string;
  ipv6?: string;
  ttl?: number;
}

export interface DnsRecords {
  naptr?: NaptrSpec[];
  srv?: SrvSpec[];
  hosts?: HostSpec[];
}

export interface DnsmasqOptions {
  records: DnsRecords;
  /** Names under it that have no record get NXDOMAIN; default 'sipcall.test'. */
  domain?: string;
  /** TTL of records without their own; default 300. */
  ttl?: number;
  startTimeoutMs?: number;
}

export interface DnsmasqPeer {
  readonly port: number;
  readonly pid: number;
  /** `127.0.0.1:PORT`, for --dns-server. */
  readonly server: string;
  readonly argv: readonly string[];
  /** dnsmasq's log (with --log-queries: every query it answered). */
  output(): string;
  stop(): Promise<void>;
}

/** The dnsmasq arguments for these records. */
export function dnsmasqArgs(port: number, opts: DnsmasqOptions): string[] {
  const domain = opts.domain ?? 'sipcall.test';
  const args = [
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--no-resolv',
    '--no-hosts',
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--pid-file=',
    '--log-queries',
    '--log-facility=-',
    `--local=/${domain}/`,
    `--local-ttl=${opts.ttl ?? 300}`,
  ];
  for (const n of opts.records.naptr ?? []) args.push(`--naptr-record=${n.name},${n.order},${n.preference},${n.flags},${n.service},,${n.replacement}`);
  for (const s of opts.records.srv ?? []) args.push(`--srv-host=${s.name},${s.target},${s.port},${s.priority},${s.weight}`);
  for (const h of opts.records.hosts ?? []) {
    args.push(`--host-record=${[h.name, h.ipv4, h.ipv6, h.ttl].filter((x) => x !== undefined).join(',')}`);
  }
  return args;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startDnsmasq(opts: DnsmasqOptions): Promise<DnsmasqPeer> {
  const dnsmasq = findCommand('dnsmasq');
  if (!dnsmasq) throw new Error('dnsmasq is not installed (Debian package dnsmasq)');
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const argv = dnsmasqArgs(port, opts);
    const proc = spawnManaged(dnsmasq, argv, { label: 'dnsmasq', parentDeathSignal: 'KILL' });
    const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
    while (proc.running() && !pidHoldsPort(proc.pid, port, 'u1', false) && Date.now() < deadline) await sleep(10);
    if (proc.running() && pidHoldsPort(proc.pid, port, 'u1', false)) {
      return {
        port,
        pid: proc.pid,
        server: `127.0.0.1:${port}`,
        argv,
        output: () => proc.output(),
        async stop() {
          await proc.stop();
          releasePort(port);
        },
      };
    }
    await proc.stop();
    lastError = new Error(`dnsmasq did not start on 127.0.0.1:${port}: ${proc.output().trim().split('\n').slice(-3).join(' | ')}`);
    if (!/address already in use|failed to create listening socket/i.test(proc.output())) break;
  }
  throw lastError ?? new Error('dnsmasq did not start');
}
