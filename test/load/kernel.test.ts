import { describe, expect, it } from 'vitest';
import { parseUdpSnmp, udpDelta } from '../../src/load/kernel.js';

const SNMP = [
  'Ip: Forwarding DefaultTTL InReceives',
  'Ip: 1 64 12345',
  'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'Udp: 10223146 38255 10972 10284159 10970 3 0 0 0',
  'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'UdpLite: 0 0 0 0 0 0 0 0 0',
  '',
].join('\n');

describe('parseUdpSnmp', () => {
  it('reads the Udp: counters by header name (not UdpLite)', () => {
    expect(parseUdpSnmp(SNMP)).toEqual({ inDatagrams: 10223146, inErrors: 10972, rcvbufErrors: 10970, sndbufErrors: 3 });
  });

  it('follows the header when columns move', () => {
    expect(parseUdpSnmp('Udp: RcvbufErrors InErrors\nUdp: 7 9\n')).toEqual({ inDatagrams: 0, inErrors: 9, rcvbufErrors: 7, sndbufErrors: 0 });
  });

  it('is undefined without Udp lines or RcvbufErrors', () => {
    expect(parseUdpSnmp('')).toBeUndefined();
    expect(parseUdpSnmp('Udp: InDatagrams\nUdp: 5\n')).toBeUndefined();
  });

  it('delta over a run', () => {
    const a = parseUdpSnmp(SNMP);
    const b = parseUdpSnmp(SNMP.replace('10970 3', '11000 4'));
    expect(udpDelta(a, b)).toEqual({ rcvbufErrors: 30, inErrors: 0, sndbufErrors: 1 });
    expect(udpDelta(undefined, b)).toBeUndefined();
  });
});
