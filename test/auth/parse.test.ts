import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../src/auth/index.js';

describe('parseChallenges', () => {
  it('reads a folded multi-challenge value: one row, two challenges', () => {
    const cs = parseChallenges([
      'Digest realm="example.com", nonce="abc", algorithm=SHA-256,\r\n qop="auth,auth-int", ' +
        'Digest realm="example.com",\r\n\tnonce="abc", algorithm=MD5, qop="auth"',
    ]);
    expect(cs).toHaveLength(2);
    expect(cs[0]).toMatchObject({ scheme: 'Digest', supported: true, realm: 'example.com', nonce: 'abc', algorithm: 'SHA-256', qop: ['auth', 'auth-int'] });
    expect(cs[1]).toMatchObject({ scheme: 'Digest', realm: 'example.com', nonce: 'abc', algorithm: 'MD5', qop: ['auth'] });
  });

  it('keeps the order of rows and of challenges within rows', () => {
    const cs = parseChallenges(['Digest realm="a", nonce="1", algorithm=MD5', 'Digest realm="b", nonce="2", Digest realm="c", nonce="3"']);
    expect(cs.map((c) => c.realm)).toEqual(['a', 'b', 'c']);
  });

  it('is case-insensitive for scheme, parameter names, algorithm names and flags', () => {
    const [c] = parseChallenges(['DIGEST REALM="r", Nonce="n", ALGORITHM=sha-256-SESS, QOP=AUTH, Stale=TRUE, UserHash=True, Opaque="o", DOMAIN="sip:r"']);
    expect(c).toMatchObject({ scheme: 'Digest', realm: 'r', nonce: 'n', algorithm: 'SHA-256-sess', qop: ['auth'], stale: true, userhash: true, opaque: 'o', domain: 'sip:r' });
    expect(c.params).toMatchObject({ realm: 'r', nonce: 'n', algorithm: 'sha-256-SESS' });
  });

  it('defaults: algorithm MD5, no qop, not stale, no userhash', () => {
    const [c] = parseChallenges(['Digest realm="r", nonce="n"']);
    expect(c).toMatchObject({ algorithm: 'MD5', qop: [], stale: false, userhash: false });
    expect(c.opaque).toBeUndefined();
  });

  it('tolerates whitespace around = and commas, and unquoted values', () => {
    const [c] = parseChallenges(['  Digest   realm = "r" ,nonce=n ,  qop = auth  ,stale=false ']);
    expect(c).toMatchObject({ realm: 'r', nonce: 'n', qop: ['auth'], stale: false });
  });

  it('keeps commas and escaped quotes inside quoted strings', () => {
    const [c] = parseChallenges([String.raw`Digest realm="IP Camera(C1234), main", nonce="a,b\"c"`]);
    expect(c.realm).toBe('IP Camera(C1234), main');
    expect(c.nonce).toBe('a,b"c');
  });

  it('returns unknown schemes flagged unsupported, with their token68 or params', () => {
    const cs = parseChallenges(['Bearer realm="r", scope="x"', 'Bearer abc.def-ghi==', 'Basic realm="b"', 'Digest realm="d", nonce="n"']);
    expect(cs.map((c) => [c.scheme, c.supported])).toEqual([
      ['Bearer', false],
      ['Bearer', false],
      ['Basic', false],
      ['Digest', true],
    ]);
    expect(cs[0].params).toEqual({ realm: 'r', scope: 'x' });
    expect(cs[1].token68).toBe('abc.def-ghi==');
    expect(cs[0].unsupportedReason).toBe('scheme "Bearer" is not supported (supported: Digest)');
  });

  it('flags a Digest challenge without a nonce', () => {
    const [c] = parseChallenges(['Digest realm="r"']);
    expect(c.supported).toBe(false);
    expect(c.unsupportedReason).toBe('Digest challenge without a nonce');
  });

  it('keeps an unknown algorithm as written', () => {
    expect(parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-1'])[0].algorithm).toBe('SHA-1');
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('D', 'i', 'g', 'e', 's', 't', ' ', ',', '=', '"', '\\', 'a', '\r', '\n', '\t') })), (rows) => {
        const cs = parseChallenges(rows);
        for (const c of cs) expect(typeof c.scheme).toBe('string');
      }),
    );
  });
});
