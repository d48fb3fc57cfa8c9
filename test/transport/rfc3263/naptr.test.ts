import { describe, expect, it } from 'vitest';
import { naptrRejection, orderNaptr } from '../../../src/transport/rfc3263/index.js';
import { naptr } from './fake-dns.js';

const ALL = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;

describe('orderNaptr (RFC 3263 §4.1, RFC 3403 §4.1)', () => {
  it('orders by order, then preference, lowest first', () => {
    const out = orderNaptr(
      [naptr(20, 10, 'SIP+D2U', '_sip._udp.x'), naptr(10, 50, 'SIP+D2T', '_sip._tcp.x'), naptr(10, 20, 'SIPS+D2T', '_sips._tcp.x'), naptr(10, 30, 'SIP+D2W', '_sip._ws.x')],
      { secure: false, supported: ALL },
    );
    expect(out.map((c) => c.transport)).toEqual(['tls', 'ws', 'tcp', 'udp']);
  });

  it('maps each SIP service to its transport', () => {
    const out = orderNaptr(
      [naptr(1, 1, 'SIP+D2U', 'u'), naptr(2, 1, 'SIP+D2T', 't'), naptr(3, 1, 'SIPS+D2T', 's'), naptr(4, 1, 'SIP+D2W', 'w'), naptr(5, 1, 'SIPS+D2W', 'ws')],
      { secure: false, supported: ALL },
    );
    expect(out.map((c) => [c.record.replacement, c.transport])).toEqual([['u', 'udp'], ['t', 'tcp'], ['s', 'tls'], ['w', 'ws'], ['ws', 'wss']]);
  });

  it('discards unsupported transports, non-SIP services and flags other than S', () => {
    const records = [naptr(10, 10, 'SIP+D2U', 'u'), naptr(10, 20, 'SIP+D2T', 't'), naptr(5, 1, 'E2U+sip', '!'), naptr(6, 1, 'SIP+D2T', 'a', 'A')];
    expect(orderNaptr(records, { secure: false, supported: ['tcp'] }).map((c) => c.record.replacement)).toEqual(['t']);
    expect(naptrRejection(records[0]!, { secure: false, supported: ['tcp'] })).toMatch(/UDP is not supported/);
    expect(naptrRejection(records[2]!, { secure: false, supported: ALL })).toMatch(/not a SIP service/);
    expect(naptrRejection(records[3]!, { secure: false, supported: ALL })).toMatch(/flags "A"/);
  });

  it('a SIPS URI keeps only SIPS services', () => {
    const out = orderNaptr([naptr(10, 10, 'SIP+D2U', 'u'), naptr(20, 10, 'SIPS+D2T', 's')], { secure: true, supported: ALL });
    expect(out.map((c) => c.transport)).toEqual(['tls']);
  });
});
