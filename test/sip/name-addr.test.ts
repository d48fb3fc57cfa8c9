import { describe, expect, it } from 'vitest';
import { parseContacts, parseQValue } from '../../src/sip/contact.js';
import { checkNameAddr, formatNameAddr, parseNameAddr, tagOf } from '../../src/sip/name-addr.js';

describe('name-addr / addr-spec (RFC 3261 §20.10, §25.1)', () => {
  it('quoted display name with quoted-pairs, URI, tag and params', () => {
    const na = parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>;tag=98asjd8;x=1');
    expect(na).toMatchObject({ displayName: 'J Rosenberg \\"', uriText: 'sip:jdrosen@example.com', bracketed: true, tag: '98asjd8' });
    expect(na?.uri?.user).toBe('jdrosen');
    expect(na?.params.get('x')).toBe('1');
  });

  it('unquoted token display names, and none', () => {
    expect(parseNameAddr('Bob Smith <sip:bob@biloxi.example.com>')?.displayName).toBe('Bob Smith');
    expect(parseNameAddr('<sip:bob@biloxi.example.com>')?.displayName).toBeUndefined();
  });

  it('a display name glued to "<" is accepted (RFC 4475 §3.1.1.6)', () => {
    const r = checkNameAddr('caller<sip:caller@example.com>;tag=323');
    expect(r.defects).toEqual([]);
    expect(r.value).toMatchObject({ displayName: 'caller', tag: '323' });
  });

  it('addr-spec form: every ";param" belongs to the header (RFC 4475 §3.3.12)', () => {
    const na = parseNameAddr('sip:+16505552222@ss1.example.net;user=phone;tag=abc');
    expect(na?.bracketed).toBe(false);
    expect(na?.uriText).toBe('sip:+16505552222@ss1.example.net');
    expect(na?.uri?.params.size).toBe(0);
    expect([...(na?.params ?? [])]).toEqual([
      ['user', 'phone'],
      ['tag', 'abc'],
    ]);
  });

  it('name-addr form: ";param" inside <> belongs to the URI (RFC 4475 §3.3.13)', () => {
    const na = parseNameAddr('<sip:watson@bell-telephone.com;unknownparam>');
    expect(na?.uri?.params.has('unknownparam')).toBe(true);
    expect(na?.params.size).toBe(0);
  });

  it('other URI schemes are kept as text (RFC 4475 §3.3.4)', () => {
    const na = parseNameAddr('<http://www.example.com>;tag=3234233');
    expect(na).toMatchObject({ uriText: 'http://www.example.com', uri: null, tag: '3234233' });
  });

  it('names each defect (RFC 4475 §3.1.2)', () => {
    const codes = (t: string) => checkNameAddr(t).defects.map((d) => d.code);
    expect(codes('"Mr. J. User <sip:j.user@example.com>')).toEqual(['unterminated-quote']);
    expect(codes('Bell, Alexander <sip:a.g.bell@example.com>;tag=43')).toEqual(['display-name-not-token']);
    expect(codes('"Watson, Thomas" < sip:t.watson@example.org >')).toEqual(['lws-in-addr-spec']);
    expect(codes('sip:user@example.com?Route=%3Csip:sip.example.com%3E')).toEqual(['addr-spec-needs-brackets']);
    expect(codes('<sip:user@example.com')).toEqual(['missing-raquot']);
    expect(codes('"x" sip:user@example.com')).toEqual(['missing-laquot']);
    expect(codes('<sip:a@b>;;;;')).toEqual(['bad-parameter']);
    expect(codes('<sip:a@b:99999>')).toEqual(['bad-uri']);
    expect(codes('   ')).toEqual(['empty']);
  });

  it('formatNameAddr quotes what needs it and parses back', () => {
    const text = formatNameAddr({ displayName: 'Alice "A" Liddell', uriText: 'sip:alice@example.com', params: new Map([['tag', 'x1'], ['note', 'a b']]) });
    expect(text).toBe('"Alice \\"A\\" Liddell" <sip:alice@example.com>;tag=x1;note="a b"');
    expect(parseNameAddr(text)).toMatchObject({ displayName: 'Alice "A" Liddell', tag: 'x1' });
    expect(parseNameAddr(text)?.params.get('note')).toBe('a b');
  });

  it('tagOf: fast tag lookup, not fooled by ";tag" inside the URI or a quoted name', () => {
    expect(tagOf('<sip:a@b;tag=inuri>;tag=real')).toBe('real');
    expect(tagOf('<sip:a@b;tag=inuri>')).toBeUndefined();
    expect(tagOf('"x;tag=no" <sip:a@b>;tag=yes')).toBe('yes');
    expect(tagOf('sip:a@b;TAG=upper')).toBe('upper');
    expect(tagOf('sip:a@b;tag=')).toBeUndefined();
    expect(tagOf('sip:a@b ; tag = spaced')).toBe('spaced');
    expect(tagOf('"unterminated <sip:a@b>;tag=1')).toBeUndefined();
  });
});

describe('Contact (RFC 3261 §20.10)', () => {
  it('several values, q and expires', () => {
    const set = parseContacts(['<sip:a@192.0.2.1>;q=0.7;expires=3600', '"B" <sip:b@192.0.2.2>;q=1.0', 'sip:c@192.0.2.3;expires=0']);
    expect(set.wildcard).toBe(false);
    expect(set.problems).toEqual([]);
    expect(set.contacts.map((c) => [c.uri?.user, c.q, c.expires])).toEqual([
      ['a', 0.7, 3600],
      ['b', 1, undefined],
      ['c', undefined, 0],
    ]);
  });

  it('"*" alone is the wildcard; with others it is a problem', () => {
    expect(parseContacts(['*'])).toEqual({ wildcard: true, contacts: [], problems: [] });
    expect(parseContacts(['*', '<sip:a@b>']).problems.map((p) => p.code)).toEqual(['wildcard-not-alone']);
  });

  it('bad q and expires are named (RFC 4475 §3.1.2.4)', () => {
    const set = parseContacts(['<sip:a@b>;expires=280297596632815', '<sip:c@d>;q=1.5', '<sip:e@f>;q']);
    expect(set.problems.map((p) => p.code)).toEqual(['bad-expires', 'bad-q', 'bad-q']);
  });

  it('qvalue grammar', () => {
    expect(parseQValue('0')).toBe(0);
    expect(parseQValue('0.125')).toBe(0.125);
    expect(parseQValue('1.000')).toBe(1);
    expect(parseQValue('1.001')).toBeNull();
    expect(parseQValue('0.1234')).toBeNull();
    expect(parseQValue('.5')).toBeNull();
  });
});
