import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeCredentials, parseChallenges } from '../../src/auth/index.js';
import type { Challenge } from '../../src/auth/index.js';

/** An independent H(), straight from node:crypto, to check formulas the RFCs give no vector for. */
const H = (alg: 'md5' | 'sha256' | 'sha512-256', s: string | Uint8Array): string =>
  createHash(alg).update(s).digest('hex');

function one(value: string): Challenge {
  const [c] = parseChallenges([value]);
  return c;
}

describe('RFC 2617 §3.5 (MD5, qop=auth)', () => {
  const challenge = one(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );

  it('gives the published response and header', () => {
    const r = computeCredentials({
      challenge,
      method: 'GET',
      uri: '/dir/index.html',
      username: 'Mufasa',
      password: 'Circle Of Life',
      nc: 1,
      cnonce: '0a4f113b',
    });
    expect(r.response).toBe('6629fae49393a05397450978507c4ef1');
    expect(r.qop).toBe('auth');
    expect(r.nc).toBe('00000001');
    expect(r.algorithm).toBe('MD5');
    expect(r.header).toBe(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
    );
  });

  it('accepts a precomputed HA1 instead of the password', () => {
    const ha1 = H('md5', 'Mufasa:testrealm@host.com:Circle Of Life');
    const r = computeCredentials({ challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', ha1, nc: 1, cnonce: '0a4f113b' });
    expect(r.response).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe('RFC 7616 §3.9.1 (SHA-256 and MD5, qop=auth)', () => {
  // The two header fields exactly as the RFC lays them out: folded over several lines.
  const challenges = parseChallenges([
    'Digest\r\n    realm="http-auth@example.org",\r\n    qop="auth, auth-int",\r\n    algorithm=SHA-256,\r\n' +
      '    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest\r\n    realm="http-auth@example.org",\r\n    qop="auth, auth-int",\r\n    algorithm=MD5,\r\n' +
      '    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ]);
  const base = {
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle of Life',
    nc: 1,
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('parses both folded challenges', () => {
    expect(challenges.map((c) => c.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(challenges[0].qop).toEqual(['auth', 'auth-int']);
    expect(challenges[0].opaque).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
  });

  it('SHA-256 response', () => {
    const r = computeCredentials({ challenge: challenges[0], ...base });
    expect(r.response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(r.header).toContain('algorithm=SHA-256');
    expect(r.header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  it('MD5 response', () => {
    const r = computeCredentials({ challenge: challenges[1], ...base });
    expect(r.response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
});

describe('RFC 7616 §3.9.2 (SHA-512-256, userhash), as corrected by erratum 4897', () => {
  // The RFC's printed hashes came from a pre-standard SHA-512/256; erratum 4897 gives these.
  const challenge = one(
    'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, ' +
      'nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", ' +
      'charset=UTF-8, userhash=true',
  );

  it('hashes the username and computes the response', () => {
    expect(challenge.userhash).toBe(true);
    expect(challenge.charset).toBe('UTF-8');
    const r = computeCredentials({
      challenge,
      method: 'GET',
      uri: '/doe.json',
      username: 'J\u00e4s\u00f8n Doe',
      password: 'Secret, or not?',
      nc: 1,
      cnonce: 'NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v',
    });
    expect(r.response).toBe('3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5');
    expect(r.header).toContain('username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"');
    expect(r.header).toContain('userhash=true');
    expect(r.header).toContain('algorithm=SHA-512-256');
    expect(r.header).not.toContain('J\u00e4s\u00f8n');
  });

  it('is SHA-512/256 (FIPS 180-4), not SHA-512 truncated', () => {
    expect(H('sha512-256', '')).toBe('c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a');
  });
});

describe('RFC 2069 compatibility (no qop), RFC 2069 §2.4 as corrected by its erratum', () => {
  it('response = H(HA1:nonce:HA2), no cnonce, qop or nc sent', () => {
    const challenge = one(
      'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const r = computeCredentials({ challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'CircleOfLife', nc: 1 });
    expect(r.response).toBe('1949323746fe6a43ef61f9606e7febea');
    expect(r.qop).toBeUndefined();
    expect(r.cnonce).toBeUndefined();
    expect(r.header).not.toMatch(/cnonce=|qop=|nc=/);
  });
});

describe('formulas without a published vector, checked by an independent computation', () => {
  const nonce = 'abc123';
  const cnonce = 'c0ffee';
  const user = 'alice';
  const realm = 'example.com';
  const pass = 'w0nderland';
  const uri = 'sip:bob@example.com';

  it('auth-int: A2 = Method:uri:H(entity-body)', () => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", algorithm=SHA-256, qop="auth,auth-int"`);
    const body = new TextEncoder().encode('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    const r = computeCredentials({ challenge, method: 'INVITE', uri, body, username: user, password: pass, nc: 1, cnonce, qop: 'auth-int' });
    const ha1 = H('sha256', `${user}:${realm}:${pass}`);
    const ha2 = H('sha256', `INVITE:${uri}:${H('sha256', body)}`);
    expect(r.qop).toBe('auth-int');
    expect(r.response).toBe(H('sha256', `${ha1}:${nonce}:00000001:${cnonce}:auth-int:${ha2}`));
    expect(r.header).toContain('qop=auth-int');
  });

  it('auth-int with no body hashes the empty string (RFC 3261 §22.4 item 7)', () => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", qop="auth-int"`);
    const r = computeCredentials({ challenge, method: 'BYE', uri, username: user, password: pass, nc: 3, cnonce });
    expect(H('md5', '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    const ha2 = H('md5', `BYE:${uri}:d41d8cd98f00b204e9800998ecf8427e`);
    expect(r.response).toBe(H('md5', `${H('md5', `${user}:${realm}:${pass}`)}:${nonce}:00000003:${cnonce}:auth-int:${ha2}`));
  });

  it('prefers auth when both are offered and auth-int is not asked for', () => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", qop="auth-int, auth"`);
    expect(computeCredentials({ challenge, method: 'BYE', uri, username: user, password: pass, nc: 1, cnonce }).qop).toBe('auth');
  });

  it.each([
    ['MD5-sess', 'md5'],
    ['SHA-256-sess', 'sha256'],
    ['SHA-512-256-sess', 'sha512-256'],
  ] as const)('%s: HA1 = H(H(user:realm:pass):nonce:cnonce)', (algorithm, node) => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", algorithm=${algorithm}, qop=auth`);
    const r = computeCredentials({ challenge, method: 'REGISTER', uri, username: user, password: pass, nc: 2, cnonce });
    const ha1 = H(node, `${H(node, `${user}:${realm}:${pass}`)}:${nonce}:${cnonce}`);
    const ha2 = H(node, `REGISTER:${uri}`);
    expect(r.algorithm).toBe(algorithm);
    expect(r.nc).toBe('00000002');
    expect(r.response).toBe(H(node, `${ha1}:${nonce}:00000002:${cnonce}:auth:${ha2}`));
    expect(r.header).toContain(`algorithm=${algorithm},`);
  });

  it('SHA-512-256 without -sess', () => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", algorithm=sha-512-256, qop=auth`);
    const r = computeCredentials({ challenge, method: 'OPTIONS', uri, username: user, password: pass, nc: 0x1a, cnonce });
    const ha1 = H('sha512-256', `${user}:${realm}:${pass}`);
    expect(r.nc).toBe('0000001a');
    expect(r.response).toBe(H('sha512-256', `${ha1}:${nonce}:0000001a:${cnonce}:auth:${H('sha512-256', `OPTIONS:${uri}`)}`));
  });

  it('draws the cnonce from the injected random source', () => {
    const challenge = one(`Digest realm="${realm}", nonce="${nonce}", qop=auth`);
    const r = computeCredentials({ challenge, method: 'OPTIONS', uri, username: user, password: pass, nc: 1, random: (n) => new Uint8Array(n).fill(0xab) });
    expect(r.cnonce).toBe('ab'.repeat(16));
    expect(r.header).toContain(`cnonce="${'ab'.repeat(16)}"`);
  });

  it('escapes quotes and backslashes in quoted values', () => {
    const challenge = one(String.raw`Digest realm="a \"q\" \\ b", nonce="n"`);
    expect(challenge.realm).toBe(String.raw`a "q" \ b`);
    const r = computeCredentials({ challenge, method: 'OPTIONS', uri, username: user, password: pass, nc: 1 });
    expect(r.header).toContain(String.raw`realm="a \"q\" \\ b"`);
  });
});
