import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/engine/errors.js';
import { defaultPort, parseTarget, uriHeaders } from '../../src/engine/target.js';

describe('parseTarget', () => {
  const good: Array<[string, Partial<ReturnType<typeof parseTarget>>]> = [
    ['bob@example.com', { scheme: 'sip', user: 'bob', host: 'example.com', port: undefined, hostKind: 'name', uri: 'sip:bob@example.com' }],
    ['example.com', { user: undefined, host: 'example.com', uri: 'sip:example.com' }],
    ['127.0.0.1:5070', { host: '127.0.0.1', address: '127.0.0.1', port: 5070, hostKind: 'ipv4', uri: 'sip:127.0.0.1:5070' }],
    ['[::1]:5070', { host: '[::1]', address: '::1', port: 5070, hostKind: 'ipv6', uri: 'sip:[::1]:5070' }],
    ['bob@[2001:db8::1]', { user: 'bob', host: '[2001:db8::1]', address: '2001:db8::1', port: undefined }],
    ['sip:bob@127.0.0.1:5060;transport=tcp', { port: 5060, transport: 'tcp', uri: 'sip:bob@127.0.0.1:5060;transport=tcp' }],
    ['SIP:alice@Example.COM', { scheme: 'sip', user: 'alice', host: 'Example.COM' }],
    ['sips:alice@example.com', { scheme: 'sips', uri: 'sips:alice@example.com' }],
    // RFC 3261 §19.1.1 Table 1: ?headers are not part of a Request-URI or To; kept aside.
    ['sip:%61lice@host?Subject=hi', { user: '%61lice', headers: 'Subject=hi', uri: 'sip:%61lice@host', uriWithHeaders: 'sip:%61lice@host?Subject=hi' }],
    // A URI as copied from a header: the angle brackets are not part of it (not "a password").
    ['<sip:bob@127.0.0.1:5070>', { user: 'bob', host: '127.0.0.1', port: 5070, uri: 'sip:bob@127.0.0.1:5070' }],
    [' <sips:alice@example.com;transport=tls> ', { scheme: 'sips', user: 'alice', transport: 'tls', uri: 'sips:alice@example.com;transport=tls' }],
    ['+15551234@gw.example.net;user=phone', { user: '+15551234', params: [['user', 'phone']] }],
  ];
  for (const [input, expected] of good) {
    it(`accepts ${input}`, () => {
      expect(parseTarget(input)).toMatchObject(expected);
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['bob@', /no host/],
    ['@host', /empty user/],
    ['host:0', /out of range/],
    ['host:70000', /out of range/],
    ['host:abc', /scheme host:|not a number/],
    ['::1', /IPv6 address without brackets/],
    ['[::1', /never closed/],
    ['[::g]:5060', /not a valid IPv6/],
    ['999.1.1.1', /not a valid IPv4/],
    ['bad_host!.com', /not a valid host name/],
    ['http://example.com', /scheme http/],
    ['tel:+15551234', /tel: URI/],
    ['sip:bob@host;transport=carrier-pigeon', /unknown transport/],
    ['bob smith@host', /white space/],
    ['sip:bob:secret@host', /password/],
    ['b<o>b@host', /%-escaped/],
    ['<sip:bob@host', /unbalanced angle bracket/],
    ['<sip:bob:secret@host>', /password/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} with a usage error naming the problem`, () => {
      let err: unknown;
      try {
        parseTarget(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toMatch(message);
      expect((err as UsageError).hint).toBeTruthy();
    });
  }

  it('advises both readings of ::1:7301: [::1]:7301 (a port) or [::1:7301] (one address)', () => {
    const hintOf = (input: string): string | undefined => {
      try {
        parseTarget(input);
      } catch (e) {
        return (e as UsageError).hint;
      }
      return 'no error';
    };
    expect(hintOf('::1:7301')).toBe('IPv6 addresses need brackets (RFC 5118 §4.2): [::1]:7301 if 7301 is the port; [::1:7301] (or [::1:7301]:5060) if all of it is the address');
    expect(hintOf('bob@2001:db8::1')).toBe('IPv6 addresses need brackets (RFC 5118 §4.2): [2001:db8::1] (or [2001:db8::1]:5060) if all of it is the address');
  });

  it('turns ?headers into header fields, refusing those RFC 3261 §19.1.5 says not to honour', () => {
    expect(uriHeaders(parseTarget('sip:bob@host?Subject=hello%20there&Priority=urgent'))).toEqual([
      { name: 'Subject', value: 'hello there' },
      { name: 'Priority', value: 'urgent' },
    ]);
    expect(uriHeaders(parseTarget('sip:bob@host'))).toEqual([]);
    for (const h of ['Call-ID=x', 'i=x', 'Via=x', 'From=x', 'Route=%3Csip:evil%3E', 'Contact=x', 'm=x', 'body=hi', 'Content-Length=5', 'Max-Forwards=1']) {
      expect(() => uriHeaders(parseTarget(`sip:bob@host?${h}`)), h).toThrow(UsageError);
    }
    expect(() => uriHeaders(parseTarget('sip:bob@host?X-A=1%0D%0AVia:%20evil'))).toThrow(/carriage return|line feed/);
  });

  it('defaults to 5060, or 5061 for TLS (RFC 3261 §19.1.2)', () => {
    expect(defaultPort('udp')).toBe(5060);
    expect(defaultPort('tcp')).toBe(5060);
    expect(defaultPort('tls')).toBe(5061);
  });
});
