/**
 * The kernel's UDP counters (Linux `/proc/net/snmp`, the `Udp:` header line and the value line
 * after it): `RcvbufErrors` counts datagrams dropped because a socket's receive buffer was full,
 * the loss a load run must report because no SIP counter sees it (docs/load.md, "Kernel").
 * The counters are system-wide: the load command reads them before and after the run and
 * reports the difference.
 */
import { readFile } from 'node:fs/promises';

export interface UdpCounters {
  inDatagrams: number;
  inErrors: number;
  rcvbufErrors: number;
  sndbufErrors: number;
}

/** Parses the text of /proc/net/snmp; undefined when it has no usable `Udp:` lines. */
export function parseUdpSnmp(text: string): UdpCounters | undefined {
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  if (lines.length < 2) return undefined;
  const names = lines[0].trim().split(/\s+/).slice(1);
  const values = lines[1].trim().split(/\s+/).slice(1).map(Number);
  const get = (name: string): number | undefined => {
    const i = names.indexOf(name);
    return i >= 0 && Number.isFinite(values[i]) ? values[i] : undefined;
  };
  const rcvbufErrors = get('RcvbufErrors');
  if (rcvbufErrors === undefined) return undefined;
  return { inDatagrams: get('InDatagrams') ?? 0, inErrors: get('InErrors') ?? 0, rcvbufErrors, sndbufErrors: get('SndbufErrors') ?? 0 };
}

/** Reads the counters now; undefined off Linux or when the file cannot be read. */
export async function readUdpCounters(path = '/proc/net/snmp'): Promise<UdpCounters | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return parseUdpSnmp(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** What changed between two readings (the run's share, if nothing else was busy). */
export function udpDelta(before: UdpCounters | undefined, after: UdpCounters | undefined): { rcvbufErrors: number; inErrors: number; sndbufErrors: number } | undefined {
  if (!before || !after) return undefined;
  return {
    rcvbufErrors: after.rcvbufErrors - before.rcvbufErrors,
    inErrors: after.inErrors - before.inErrors,
    sndbufErrors: after.sndbufErrors - before.sndbufErrors,
  };
}
