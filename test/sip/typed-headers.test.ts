import { describe, expect, it } from 'vitest';
import { parseAuthHeader, parseAuthHeaders } from '../../src/sip/auth-header.js';
import { parseContentLength } from '../../src/sip/content-length.js';
import { parseContentType } from '../../src/sip/content-type.js';
import { parseSipDate } from '../../src/sip/date.js';
import { parseExpires, parseMinExpires } from '../../src/sip/expires.js';
import { parseMaxForwards } from '../../src/sip/max-forwards.js';
import { parseMessage } from '../../src/sip/parse.js';
import { parseProductList } from '../../src/sip/product.js';
import { parseRetryAfter } from '../../src/sip/retry-after.js';
import { parseAllow, parseSupported, parseTokenList } from '../../src/sip/token-list.js';
import { parseWarning } from '../../src/sip/warning.js';
import { RESPONSES_DIR, readMessage } from './corpus.js';

describe('scalar headers', () => {
  it('Max-Forwards 0-255, leading zeros allowed (RFC 3261 §20.22)', () => {
    expect(parseMaxForwards('70')).toBe(70);
    expect(parseMaxForwards('0068')).toBe(68);
    expect(parseMaxForwards(' 0 ')).toBe(0);
    expect(parseMaxForwards('255')).toBe(255);
    expect(parseMaxForwards('256')).toBeNull();
    expect(parseMaxForwards('-1')).toBeNull();
    expect(parseMaxForwards('')).toBeNull();
  });

  it('Content-Length (RFC 3261 §20.14)', () => {
    expect(parseContentLength('0')).toBe(0);
    expect(parseContentLength(' 150 ')).toBe(150);
    expect(parseContentLength('-999')).toBeNull();
    expect(parseContentLength('1e3')).toBeNull();
    expect(parseContentLength('99999999999999999999')).toBeNull();
  });

  it('Expires and Min-Expires: delta-seconds up to 2**32-1 (RFC 3261 §20.19, §20.23)', () => {
    expect(parseExpires('3600')).toBe(3600);
    expect(parseExpires('4294967295')).toBe(2 ** 32 - 1);
    expect(parseExpires('4294967296')).toBeNull();
    expect(parseExpires('10000000000000000000000')).toBeNull();
    expect(parseExpires('1h')).toBeNull();
    expect(parseMinExpires('60')).toBe(60);
  });

  it('Retry-After: seconds, comment, duration (RFC 3261 §20.33)', () => {
    expect(parseRetryAfter('120 (overloaded);duration=60')).toEqual({ seconds: 120, comment: 'overloaded', duration: 60, params: new Map([['duration', '60']]) });
    expect(parseRetryAfter('18000;duration=3600;x')?.params.get('x')).toBeNull();
    expect(parseRetryAfter('5')).toEqual({ seconds: 5, params: new Map() });
    expect(parseRetryAfter('949302838503028349304023988')).toBeNull();
    expect(parseRetryAfter('5 (unclosed')).toBeNull();
    expect(parseRetryAfter('5;duration=x')).toBeNull();
  });

  it('Warning: 3DIGIT agent "text" (RFC 3261 §20.43)', () => {
    expect(parseWarning('307 isi.edu "Session parameter \\"foo\\" not understood"')).toEqual({ code: 307, agent: 'isi.edu', text: 'Session parameter "foo" not understood' });
    expect(parseWarning('1812 overture "In Progress"')).toBeNull();
    expect(parseWarning('399 host no-quotes')).toBeNull();
  });

  it('Date in GMT only (RFC 3261 §20.17, RFC 4475 §3.1.2.12)', () => {
    expect(parseSipDate('Sat, 13 Nov 2010 23:29:00 GMT')?.toISOString()).toBe('2010-11-13T23:29:00.000Z');
    expect(parseSipDate('Thu, 21 Feb 2002 13:02:03 EST')).toBeNull();
    expect(parseSipDate('Xyz, 21 Feb 2002 13:02:03 GMT')).toBeNull();
  });

  it('Content-Type (RFC 3261 §20.15)', () => {
    expect(parseContentType('Application/SDP')).toEqual({ type: 'application', subtype: 'sdp', mediaType: 'application/sdp', params: new Map() });
    expect(parseContentType('multipart/signed; protocol="application/pkcs7-signature"; boundary=x')?.params.get('protocol')).toBe('application/pkcs7-signature');
    expect(parseContentType('text')).toBeNull();
    expect(parseContentType('text/plain;;')).toBeNull();
  });
});

describe('token lists: Allow, Supported (RFC 3261 §20.5, §20.37)', () => {
  it('merges rows in order', () => {
    expect(parseAllow(['INVITE, ACK,CANCEL', 'BYE'])).toEqual(['INVITE', 'ACK', 'CANCEL', 'BYE']);
    expect(parseSupported(['100rel, timer', 'path'])).toEqual(['100rel', 'timer', 'path']);
    expect(parseTokenList([''])).toEqual([]);
    expect(parseTokenList(['a b'])).toBeNull();
  });
});

describe('Server / User-Agent (RFC 3261 §20.35, §20.41)', () => {
  it('products and comments', () => {
    expect(parseProductList('HomeServer/2.0 (Linux; x86) libsip')).toEqual([{ product: 'HomeServer', version: '2.0' }, { comment: 'Linux; x86' }, { product: 'libsip' }]);
    expect(parseProductList('Bad/')).toBeNull();
    expect(parseProductList('(unclosed')).toBeNull();
  });
});

describe('WWW-Authenticate / Proxy-Authenticate / Authorization (RFC 3261 §25.1)', () => {
  it('two folded challenges in r07 are read with their parameters', () => {
    const r = parseMessage(readMessage(RESPONSES_DIR, 'r07-401-www-authenticate.dat'));
    if (!r.ok) throw r.error;
    const rows = r.message.headers.getAll('www-authenticate');
    expect(rows).toHaveLength(2);
    const [sha, md5] = rows.map((v) => parseAuthHeader(v));
    expect(sha?.scheme).toBe('Digest');
    expect(sha?.params.get('algorithm')).toBe('SHA-256');
    expect(sha?.params.get('qop')).toBe('auth,auth-int');
    expect(sha?.quoted.has('qop')).toBe(true);
    expect(md5?.params.get('algorithm')).toBe('MD5');
    expect(md5?.params.get('realm')).toBeDefined();
  });

  it('Proxy-Authenticate in r08', () => {
    const r = parseMessage(readMessage(RESPONSES_DIR, 'r08-407-proxy-authenticate.dat'));
    if (!r.ok) throw r.error;
    const c = parseAuthHeader(r.message.headers.get('proxy-authenticate') ?? '');
    expect(c?.scheme).toBe('Digest');
    expect(c?.params.get('qop')).toBe('auth');
    expect(c?.params.get('stale')).toBeDefined();
  });

  it('credentials: quoted and token values, quoted-pairs, several challenges in a row', () => {
    const a = parseAuthHeader('Digest username="bob", realm="b\\"c", nonce="n", uri="sip:x", response="r", qop=auth, nc=00000001, cnonce="c"');
    expect(a?.params.get('realm')).toBe('b"c');
    expect(a?.params.get('nc')).toBe('00000001');
    expect(a?.quoted.has('qop')).toBe(false);
    expect(parseAuthHeaders('Digest realm="a", nonce="1", Basic realm="b"')?.map((x) => x.scheme)).toEqual(['Digest', 'Basic']);
    expect(parseAuthHeader('NoOneKnowsThisScheme opaque-data=here')?.scheme).toBe('NoOneKnowsThisScheme');
    expect(parseAuthHeaders('Digest realm="unterminated')).toBeNull();
    expect(parseAuthHeaders('')).toBeNull();
  });
});
