import { describe, expect, it } from 'vitest';
import { CSEQ_MAX, CSEQ_RECEIVE_MAX, parseCSeq } from '../../src/sip/cseq.js';
import { findParam, formatParams, paramsDefect, parseParams } from '../../src/sip/params.js';
import { firstListElement, splitHeaderList, splitHeaderListKeepEmpty } from '../../src/sip/split-list.js';
import { formatVia, parseVia } from '../../src/sip/via.js';

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('protocol, transport, host, port, branch, received, rport, maddr, ttl', () => {
    expect(parseVia('SIP/2.0/UDP 10.0.0.23:5060;rport=31024;received=198.51.100.7;branch=z9hG4bK74bf9a1c;maddr=224.2.0.1;ttl=16')).toEqual({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: '10.0.0.23',
      port: 5060,
      params: new Map([
        ['rport', '31024'],
        ['received', '198.51.100.7'],
        ['branch', 'z9hG4bK74bf9a1c'],
        ['maddr', '224.2.0.1'],
        ['ttl', '16'],
      ]),
      branch: 'z9hG4bK74bf9a1c',
      received: '198.51.100.7',
      rport: 31024,
      maddr: '224.2.0.1',
      ttl: 16,
    });
  });

  it('rport without a value is null (our request), absent is undefined', () => {
    expect(parseVia('SIP/2.0/UDP host.example.com;branch=z9hG4bKx;rport')?.rport).toBeNull();
    expect(parseVia('SIP/2.0/UDP host.example.com;branch=z9hG4bKx')?.rport).toBeUndefined();
  });

  it('IPv6 sent-by with and without port; transports upper-cased', () => {
    expect(parseVia('SIP/2.0/tcp [2001:db8::9:1]:6050;branch=z9hG4bKas3')).toMatchObject({ transport: 'TCP', host: '[2001:db8::9:1]', port: 6050 });
    expect(parseVia('SIP/2.0/TLS [2001:db8::9:1];branch=z9hG4bKas3')?.port).toBeUndefined();
    expect(parseVia('SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en')?.transport).toBe('UNKNOWN');
  });

  it('LWS around "/" and ":" and ";" (RFC 4475 §3.1.1.1)', () => {
    expect(parseVia('SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8')).toMatchObject({
      protocol: 'SIP/2.0',
      transport: 'TCP',
      host: 'spindle.example.com',
      branch: 'z9hG4bK9ikj8',
    });
  });

  it('malformed', () => {
    for (const bad of ['SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP host:port', 'SIP/2.0/UDP host:99999', 'SIP/2.0/UDP [::1', 'SIP/2.0/UDP host junk', '']) {
      expect(parseVia(bad), bad).toBeNull();
    }
  });

  it('formatVia writes it back', () => {
    const v = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport');
    if (!v) throw new Error('no via');
    expect(formatVia(v)).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport');
  });
});

describe('CSeq (RFC 3261 §8.1.1.5, §20.16)', () => {
  it('number and method, leading zeros, LWS', () => {
    expect(parseCSeq('4711 INVITE')).toEqual({ seq: 4711, method: 'INVITE' });
    expect(parseCSeq('0009 INVITE')).toEqual({ seq: 9, method: 'INVITE' });
    expect(parseCSeq('  0 ACK  ')).toEqual({ seq: 0, method: 'ACK' });
    expect(parseCSeq('8\tNEWMETHOD')).toEqual({ seq: 8, method: 'NEWMETHOD' });
  });

  it('we send at most 2**31-1; we accept up to 2**32-1 on receive', () => {
    expect(CSEQ_MAX).toBe(2 ** 31 - 1);
    expect(CSEQ_RECEIVE_MAX).toBe(2 ** 32 - 1);
    expect(parseCSeq('2147483648 BYE')?.seq).toBe(2 ** 31);
    expect(parseCSeq('4294967295 BYE')?.seq).toBe(2 ** 32 - 1);
    expect(parseCSeq('4294967296 BYE')).toBeNull();
    expect(parseCSeq('36893488147419103232 REGISTER')).toBeNull();
    expect(parseCSeq('00000000000000000001 REGISTER')?.seq).toBe(1);
  });

  it('malformed', () => {
    for (const bad of ['INVITE', '12', '12INVITE', '-1 INVITE', '1 INV ITE', '1 <INVITE>', '']) expect(parseCSeq(bad), bad).toBeNull();
  });
});

describe('params (RFC 3261 §25.1 generic-param)', () => {
  it('parses names (lower case), values, quoted values and valueless ones', () => {
    expect([...parseParams(';Tag=abc; lr ;x="a;b \\"q\\"";y = z')]).toEqual([
      ['tag', 'abc'],
      ['lr', null],
      ['x', 'a;b "q"'],
      ['y', 'z'],
    ]);
  });

  it('findParam: case-insensitive name, first list element only, quotes resolved', () => {
    const via = 'SIP/2.0/UDP h;rport;Branch=z9hG4bK1, SIP/2.0/UDP g;branch=z9hG4bK2';
    expect(findParam(via, 'branch')).toBe('z9hG4bK1');
    expect(findParam(via, 'rport')).toBeNull();
    expect(findParam(via, 'received')).toBeUndefined();
    expect(findParam('SIP/2.0/UDP h, SIP/2.0/UDP g;branch=z9hG4bK2', 'branch')).toBeUndefined();
    expect(findParam(';a="x\\"y";b=2', 'a')).toBe('x"y');
    expect(findParam(';a="x;b=1";b=2', 'b')).toBe('2');
  });

  it('paramsDefect names empty parameters (RFC 4475 §3.1.2.1)', () => {
    expect(paramsDefect(';a=1;b')).toBeNull();
    expect(paramsDefect(';;')).toContain('empty parameter');
    expect(paramsDefect(';a=')).toContain('no value');
    expect(paramsDefect(';a="x')).toContain('unterminated');
    expect(paramsDefect('x;a=1')).toContain('unexpected');
  });

  it('formatParams quotes values that are not tokens', () => {
    expect(formatParams(new Map<string, string | null>([['a', '1'], ['lr', null], ['d', 'x y']]))).toBe(';a=1;lr;d="x y"');
  });
});

describe('splitting lists (RFC 3261 §7.3.1)', () => {
  it('splits at commas outside quotes and <>', () => {
    expect(splitHeaderList('"Doe, John" <sip:j@a.com;x=1,2>, <sip:k@b.com> , sip:l@c.com')).toEqual([
      '"Doe, John" <sip:j@a.com;x=1,2>',
      '<sip:k@b.com>',
      'sip:l@c.com',
    ]);
    expect(splitHeaderList('a, "x\\",y", b')).toEqual(['a', '"x\\",y"', 'b']);
  });
  it('drops empty elements, or keeps them when asked', () => {
    expect(splitHeaderList(' , a,, b ,')).toEqual(['a', 'b']);
    expect(splitHeaderListKeepEmpty('a,,b,')).toEqual(['a', '', 'b', '']);
  });
  it('firstListElement', () => {
    expect(firstListElement(' , SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b')).toBe('SIP/2.0/UDP a;branch=1');
    expect(firstListElement('<sip:a,b@c>, x')).toBe('<sip:a,b@c>');
  });
});
