import { SystemClock } from '../clock/system-clock.js';
import { SUPPORTED_TRANSPORTS } from '../engine/locate.js';
import { UsageError } from '../engine/errors.js';
import { parseTarget } from '../engine/target.js';
import type { ResolveResult, SipEvent, TransportName } from '../events/types.js';
import { resolveColorLevel } from '../present/index.js';
import { resolveLines } from '../present/resolve-tree.js';
import { createStyle } from '../present/style.js';
import { nodeDnsLookups, resolveTargets, type DnsLookups, type NextHopUri, type SipTransport } from '../transport/rfc3263/index.js';
import { dnsServerFrom } from './dns-options.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { ParsedCommand } from './program.js';
import { familyFrom } from './route-options.js';
import { visibleDeep } from '../present/visible.js';

/**
 * `sipcall resolve TARGET [--json] [--dns-server HOST[:PORT]] [-4|-6] [--transport T]`: what
 * RFC 3263 finds for a target — every NAPTR, SRV, A and AAAA query, the records in the order
 * sipcall uses them, with TTLs where the resolver gives them — and the targets in the order a
 * request would try them. Sends no SIP. Exit 0 with at least one target, else 4 (dns-failed).
 *
 * `lookups` replaces the real DNS (tests).
 */
export async function runResolveCommand(cmd: ParsedCommand, io: CliIo, lookups?: DnsLookups): Promise<number> {
  const f = cmd.flags;
  const target = parseTarget(cmd.args[0] ?? '', 'target');
  let transport = target.transport as SipTransport | 'sctp' | undefined;
  if (typeof f.transport === 'string') {
    const t = f.transport.toLowerCase();
    if (!SUPPORTED_TRANSPORTS.includes(t as SipTransport)) throw new UsageError(`unknown transport ${JSON.stringify(f.transport)}`, `use one of ${SUPPORTED_TRANSPORTS.join(', ')}`);
    if (transport !== undefined && transport !== t) throw new UsageError(`--transport ${t} contradicts ;transport=${transport} in the target`, 'give one of them, or make them agree');
    transport = t as SipTransport;
  }
  if (transport === 'sctp') throw new UsageError(';transport=sctp is not supported', `use one of ${SUPPORTED_TRANSPORTS.join(', ')}`);
  const family = familyFrom(f);
  const server = dnsServerFrom(f);
  const hop: NextHopUri = { scheme: target.scheme, host: target.address, port: target.port, transport };
  const json = f.json === true;
  const clock = new SystemClock();
  const print = (e: SipEvent): void => {
    if (json && f.quiet !== true) io.stdout.write(`${JSON.stringify(e)}\n`);
  };
  const resolution = await resolveTargets(hop, {
    lookups: lookups ?? nodeDnsLookups({ server }),
    supported: SUPPORTED_TRANSPORTS,
    family,
    onQuery: (q) => print({ type: 'dns.query', t: round(clock.now()), ...q }),
    onAnswer: (a) => print({ type: 'dns.answer', t: round(clock.now()), ...a, ms: round(a.ms) }),
  });
  const exitCode = resolution.targets.length > 0 ? EXIT.OK : EXIT.TRANSPORT;
  const result: ResolveResult = {
    type: 'resolve.result',
    t: round(clock.now()),
    target: target.uri,
    server: server ?? 'system',
    path: resolution.path,
    tree: resolution.tree,
    targets: resolution.targets.map((t, i) => ({
      index: i + 1,
      host: t.host,
      address: t.address,
      port: t.port,
      transport: t.transport.toUpperCase() as TransportName,
      ...(t.ttl !== undefined ? { ttl: t.ttl } : {}),
      how: t.via.join(' → '),
    })),
    ...(resolution.failure && resolution.targets.length === 0 ? { failure: resolution.failure } : {}),
    exitCode,
  };
  if (json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const level = resolveColorLevel({ color: f.color === true, noColor: f.color === false }, io.env, io.stdout.isTTY === true);
    // DNS names and failure texts come from the network: controls shown, not obeyed (visible.ts).
    for (const line of resolveLines(visibleDeep(result), createStyle(level), f.quiet === true)) io.stdout.write(`${line}\n`);
  }
  return exitCode;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
