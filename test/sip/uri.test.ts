import { describe, expect, it } from 'vitest';
import { escapeText, unescapeText, validEscapes } from '../../src/sip/escape.js';
import { USER_CHARS } from '../../src/sip/chars.js';
import { classifyHost, isIPv4, isIPv6Address } from '../../src/sip/host.js';
import { requestUriDefect } from '../../src/sip/request-uri.js';
import { formatUri, isValidUri, parseUri } from '../../src/sip/uri.js';

describe('parseUri: sip and sips (RFC 3261 §19.1)', () => {
  it('reads user, password, host, port, parameters and headers', () => {
    const u = parseUri('sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent');
    expect(u).toEqual({
      scheme: 'sip',
      user: 'alice',
      password: 'secret',
      host: 'atlanta.example.com',
      hostType: 'name',
      port: 5061,
      params: new Map<string, string | null>([
        ['transport', 'tcp'],
        ['lr', null],
        ['maddr', '239.255.255.1'],
      ]),
      headers: [
        ['subject', 'project x'],
        ['priority', 'urgent'],
      ],
    });
  });

  it('sips, no user, IPv4 host', () => {
    expect(parseUri('sips:192.0.2.4')).toMatchObject({ scheme: 'sips', host: '192.0.2.4', hostType: 'ipv4' });
    expect(parseUri('SIP:Host.Example.COM')?.scheme).toBe('sip');
  });

  it('IPv6 references keep their brackets; the port follows the "]"', () => {
    expect(parseUri('sip:[2001:db8::10]:5070')).toMatchObject({ host: '[2001:db8::10]', hostType: 'ipv6', port: 5070 });
    expect(parseUri('sip:user@[::ffff:192.0.2.10];transport=udp')).toMatchObject({ user: 'user', host: '[::ffff:192.0.2.10]' });
    expect(parseUri('sip:[2001:db8::10:5070]')?.port).toBeUndefined();
  });

  it('parameter names are lower-cased; values and names unescaped once', () => {
    const u = parseUri('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
    expect(u?.user).toBe('caller');
    expect([...(u?.params ?? [])]).toEqual([
      ['lr', null],
      ['name', 'value%41'],
    ]);
    expect(parseUri('sip:h.example.com;Transport=UDP')?.params.get('transport')).toBe('UDP');
  });

  it('escaped user parts: %00 is kept as a char and never truncates (RFC 4475 §3.1.1.4)', () => {
    expect(parseUri('sip:null-%00-null@example.com')?.user).toBe('null-\u0000-null');
    expect(parseUri('sip:%00%00@host5.example.com')?.user).toBe('\u0000\u0000');
    expect(parseUri('sip:I%20have%20spaces@example.net')?.user).toBe('I have spaces');
  });

  it('a user part may contain ";" "?" "/" (user-unreserved, RFC 4475 §3.1.1.9)', () => {
    expect(parseUri('sip:user;par=u%40example.net@example.com')).toMatchObject({ user: 'user;par=u@example.net', host: 'example.com' });
    expect(parseUri('sip:user;par=u%40example.net@example.com')?.params.size).toBe(0);
  });

  it('refuses what the grammar does not allow', () => {
    for (const bad of [
      'sip:2001:db8::10', // IPv6 without brackets (RFC 5118 §4.2)
      'sip:',
      'sip:@example.com',
      'sip:user@',
      'sip:user@host:99999',
      'sip:user@host:abc',
      'sip:user@host;;lr',
      'sip:user@host;=x',
      'sip:user@host?noequals',
      'sip:us er@host',
      'sip:user@ho st',
      'sip:user@host%zz',
      'sip:%4@host',
      'sip:user@[2001:db8::1',
      'sip:user@-host.example.com',
      'sip:user@host..example.com',
      'http://example.com/',
      'mailto:a@b',
      'si:x',
    ]) {
      expect(parseUri(bad), bad).toBeNull();
      expect(isValidUri(bad), bad).toBe(false);
    }
  });

  it('isValidUri agrees with parseUri on good ones', () => {
    for (const good of ['sip:a@b.c', 'sips:[::1]:5061;transport=tls', 'tel:+1-201-555-0123;phone-context=example.com', 'sip:b.c?x=y&z=w']) {
      expect(parseUri(good), good).not.toBeNull();
      expect(isValidUri(good), good).toBe(true);
    }
  });
});

describe('tel URIs (RFC 3966)', () => {
  it('reads the number and its parameters', () => {
    expect(parseUri('tel:+1-201-555-0123;ext=1234')).toEqual({
      scheme: 'tel',
      user: '+1-201-555-0123',
      host: '',
      params: new Map([['ext', '1234']]),
      headers: [],
    });
    expect(parseUri('tel:7042;phone-context=example.com')?.params.get('phone-context')).toBe('example.com');
  });
  it('refuses an empty or non-numeric number', () => {
    expect(parseUri('tel:')).toBeNull();
    expect(parseUri('tel:;x=1')).toBeNull();
    expect(parseUri('tel:+1 201')).toBeNull();
    expect(parseUri('tel:call-me')).toBeNull();
  });
});

describe('formatUri: escaping on the way out (§19.1.2)', () => {
  it('escapes what the grammar reserves and round-trips', () => {
    const text = formatUri({ scheme: 'sip', user: 'I have spaces@home', host: 'example.net', params: new Map([['x', 'a b']]), headers: [['subject', 'hi there']] });
    expect(text).toBe('sip:I%20have%20spaces%40home@example.net;x=a%20b?subject=hi%20there');
    expect(parseUri(text)).toMatchObject({ user: 'I have spaces@home', params: new Map([['x', 'a b']]), headers: [['subject', 'hi there']] });
  });
  it('writes port, password and valueless params', () => {
    expect(formatUri({ scheme: 'sips', user: 'bob', password: 'pw', host: '[2001:db8::1]', port: 5061, params: new Map([['lr', null]]), headers: [] })).toBe(
      'sips:bob:pw@[2001:db8::1]:5061;lr',
    );
  });
  it('parse∘format is the identity on parsed URIs', () => {
    for (const t of ['sip:alice@atlanta.example.com;transport=tcp', 'sip:%00@h.example.com', 'sips:[::1]:5061', 'tel:+1-201-555-0123;ext=1']) {
      const u = parseUri(t);
      if (!u) throw new Error(t);
      expect(parseUri(formatUri(u))).toEqual(u);
    }
  });
});

describe('escape.ts', () => {
  it('decodes once, UTF-8 when valid, latin1 otherwise', () => {
    expect(unescapeText('%25%34%31')).toBe('%41');
    expect(unescapeText('caf%C3%A9')).toBe('café');
    expect(unescapeText('%E9')).toBe('\u00e9');
    expect(unescapeText('plain')).toBe('plain');
  });
  it('validates escapes', () => {
    expect(validEscapes('a%41b')).toBe(true);
    expect(validEscapes('a%4')).toBe(false);
    expect(validEscapes('a%ZZ')).toBe(false);
  });
  it('escapes UTF-8 octets and reserved chars', () => {
    expect(escapeText('é@', USER_CHARS)).toBe('%C3%A9%40');
    expect(escapeText('alice', USER_CHARS)).toBe('alice');
  });
});

describe('hosts', () => {
  it('classifies', () => {
    expect(classifyHost('192.0.2.1')).toBe('ipv4');
    expect(classifyHost('[2001:db8::1]')).toBe('ipv6');
    expect(classifyHost('example.com')).toBe('name');
    expect(classifyHost('example.com.')).toBe('name');
    expect(classifyHost('256.1.1.1')).toBeNull();
    expect(classifyHost('1.2.3')).toBeNull();
    expect(classifyHost('a_b.example.com')).toBeNull();
    expect(classifyHost('')).toBeNull();
  });
  it('strict IPv6 check (RFC 4291) vs the tolerant RFC 3261 reading (RFC 5118 §4.10)', () => {
    expect(isIPv6Address('2001:db8::192.0.2.1')).toBe(true);
    expect(isIPv6Address('2001:db8:::192.0.2.1')).toBe(false);
    expect(classifyHost('[2001:db8:::192.0.2.1]')).toBe('ipv6');
    expect(isIPv6Address('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIPv6Address('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIPv6Address('::')).toBe(true);
    expect(isIPv4('010.0.0.1')).toBe(true);
  });
});

describe('requestUriDefect (Request-Line, RFC 3261 §7.1, §25.1)', () => {
  it('accepts sip, tel and other absoluteURIs (RFC 4475 §3.3.2, §3.3.3)', () => {
    expect(requestUriDefect('sip:user@example.com')).toBeNull();
    expect(requestUriDefect('nobodyKnowsThisScheme:totallyopaquecontent')).toBeNull();
    expect(requestUriDefect('soap.beep://192.0.2.103:3002')).toBeNull();
  });
  it('names what is wrong', () => {
    expect(requestUriDefect('<sip:user@example.com>')).toContain('RFC 4475 §3.1.2.7');
    expect(requestUriDefect('sip:2001:db8::10')).toContain('not a well-formed sip: URI');
    expect(requestUriDefect('')).toContain('empty');
    expect(requestUriDefect('noscheme')).toContain('no URI scheme');
    expect(requestUriDefect('1x:abc')).toContain('not a URI scheme');
    expect(requestUriDefect('x:')).toContain('nothing after the scheme');
  });
});
