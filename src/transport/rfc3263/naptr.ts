import type { NaptrRecord, SipTransport } from './records.js';

/**
 * NAPTR services for SIP (RFC 3263 §4.1, RFC 7118 §5 for WebSocket) and the transport each
 * stands for. "SIPS+D2T" is SIP over TLS over TCP.
 */
export const NAPTR_SERVICES: Readonly<Record<string, SipTransport>> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
  'SIP+D2W': 'ws',
  'SIPS+D2W': 'wss',
};

/** A NAPTR record sipcall can follow: an SRV name for a transport. */
export interface NaptrChoice {
  record: NaptrRecord;
  transport: SipTransport;
}

export interface NaptrOrderOptions {
  /**
   * A SIPS URI: RFC 3263 §4.1, "If the URI is a SIPS URI, … the client MUST use a transport
   * protocol … with the SIPS resolution services" (SIPS+D2T, SIPS+D2W) only.
   */
  secure: boolean;
  /** The transports the client supports; records for others are discarded. */
  supported: readonly SipTransport[];
}

/**
 * Orders NAPTR records and keeps those the client can use (RFC 3263 §4.1). DNS servers return
 * them in any order (dnsmasq does), so the order is made here:
 *
 * > "the client … discards any records whose services are not supported … The order and
 * > preference fields … are used to order the remaining records" — RFC 3403 §4.1: lowest
 * > `order` first; within an order, lowest `preference` first.
 *
 * Only records with the "S" flag (an SRV lookup follows) and an empty regexp are SIP's:
 * RFC 3263 §4.1, "the flags field MUST be 'S'" and the regexp empty, the replacement the SRV
 * name.
 */
export function orderNaptr(records: readonly NaptrRecord[], options: NaptrOrderOptions): NaptrChoice[] {
  const out: NaptrChoice[] = [];
  for (const record of records) {
    const transport = NAPTR_SERVICES[record.service.toUpperCase()];
    if (!transport) continue;
    if (record.flags.toUpperCase() !== 'S' || record.regexp !== '' || !record.replacement || record.replacement === '.') continue;
    if (options.secure && !record.service.toUpperCase().startsWith('SIPS+')) continue;
    if (!options.supported.includes(transport)) continue;
    out.push({ record, transport });
  }
  // Array.prototype.sort is stable: records equal in both fields keep the server's order.
  return out.sort((a, b) => a.record.order - b.record.order || a.record.preference - b.record.preference);
}

/** Why a NAPTR record was not used, in words (for `sipcall resolve`); undefined when it is usable. */
export function naptrRejection(record: NaptrRecord, options: NaptrOrderOptions): string | undefined {
  const transport = NAPTR_SERVICES[record.service.toUpperCase()];
  if (!transport) return `service ${record.service} is not a SIP service`;
  if (record.flags.toUpperCase() !== 'S') return `flags "${record.flags}", not "S" (RFC 3263 §4.1)`;
  if (record.regexp !== '') return 'a non-empty regexp (RFC 3263 §4.1 wants the replacement only)';
  if (!record.replacement || record.replacement === '.') return 'no replacement';
  if (options.secure && !record.service.toUpperCase().startsWith('SIPS+')) return 'not a SIPS service, and the URI is sips:';
  if (!options.supported.includes(transport)) return `${transport.toUpperCase()} is not supported by sipcall`;
  return undefined;
}
