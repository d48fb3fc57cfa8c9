import { describe, expect, it } from 'vitest';
import { cryptoRandom, newBranch, newCallId, newTag, type RandomSource } from '../../src/sip/ids.js';
import { inspectMessage, splitMessages } from '../../src/sip/inspect.js';
import { parseMessage } from '../../src/sip/parse.js';
import { parseCSeq } from '../../src/sip/cseq.js';
import { isWordChar } from '../../src/sip/chars.js';

/** A deterministic source: bytes 0, 1, 2, … on every call. */
const counting: RandomSource = (n) => Uint8Array.from({ length: n }, (_, i) => i);
/** Records the sizes asked for. */
function recording(): { rand: RandomSource; sizes: number[] } {
  const sizes: number[] = [];
  return { sizes, rand: (n) => (sizes.push(n), new Uint8Array(n).fill(0xab)) };
}

describe('ids (RFC 3261 §8.1.1.4, §8.1.1.7, §19.3) from an injected random source', () => {
  it('branch: magic cookie then 80 random bits in hex', () => {
    expect(newBranch(counting)).toBe('z9hG4bK00010203040506070809');
    const r = recording();
    newBranch(r.rand);
    expect(r.sizes).toEqual([10]);
  });

  it('tag: 64 random bits in hex (§19.3 asks for at least 32)', () => {
    expect(newTag(counting)).toBe('0001020304050607');
    const r = recording();
    expect(newTag(r.rand)).toBe('abababababababab');
    expect(r.sizes).toEqual([8]);
  });

  it('Call-ID: 128 bits in hex, optionally @host (callid = word ["@" word])', () => {
    expect(newCallId(counting)).toBe('000102030405060708090a0b0c0d0e0f');
    expect(newCallId(counting, '192.0.2.1')).toBe('000102030405060708090a0b0c0d0e0f@192.0.2.1');
    expect(newCallId(counting, '[2001:db8::1]')).toMatch(/@\[2001:db8::1\]$/);
    expect(() => newCallId(counting, 'bad host')).toThrow(RangeError);
  });

  it('the default source is cryptographic and gives different values', () => {
    const a = newBranch();
    const b = newBranch(cryptoRandom);
    expect(a).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
    expect(a).not.toBe(b);
    expect(newTag()).toMatch(/^[0-9a-f]{16}$/);
    const cid = newCallId();
    expect([...cid].every((c) => isWordChar(c.charCodeAt(0)))).toBe(true);
  });

  it('ids made here survive a trip through the parser', () => {
    const branch = newBranch(counting);
    const tag = newTag(counting);
    const cid = newCallId(counting, 'host.example.com');
    const bytes = Buffer.from(
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=${branch}\r\nFrom: <sip:a@b>;tag=${tag}\r\nTo: <sip:c@d>\r\nCall-ID: ${cid}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    );
    const r = inspectMessage(bytes);
    expect([r.branch, r.fromTag, r.callId]).toEqual([branch, tag, cid]);
  });
});

const base = (over: Record<string, string | null> = {}, start = 'SIP/2.0 200 OK', body = ''): Buffer => {
  const h: Record<string, string | null> = {
    Via: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
    From: '<sip:a@example.com>;tag=f1',
    To: '<sip:b@example.com>;tag=t1',
    'Call-ID': 'c1',
    CSeq: '1 INVITE',
    'Content-Length': String(Buffer.byteLength(body)),
    ...over,
  };
  const lines = Object.entries(h)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${start}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
};
const codes = (bytes: Buffer) => inspectMessage(bytes).findings.map((f) => `${f.severity} ${f.code}`);

describe('inspectMessage: valid but suspicious', () => {
  it('a clean response has no finding', () => {
    const r = inspectMessage(base());
    expect(r).toMatchObject({ valid: true, problems: [], kind: 'response', status: 200, reason: 'OK', callId: 'c1', cseq: '1 INVITE', branch: 'z9hG4bKabc', fromTag: 'f1', toTag: 't1' });
  });

  it('branch without the magic cookie, or only the cookie', () => {
    expect(codes(base({ Via: 'SIP/2.0/UDP h;branch=1234' }))).toEqual(['warning branch-without-cookie']);
    expect(codes(base({ Via: 'SIP/2.0/UDP h;branch=z9hG4bK' }))).toEqual(['warning branch-cookie-only']);
    expect(codes(base({ Via: 'SIP/2.0/UDP h' }))).toEqual(['warning no-branch']);
  });

  it('Content-Length mismatches', () => {
    expect(codes(base({ 'Content-Length': '2' }, 'SIP/2.0 200 OK', 'abcd'))).toEqual(['warning extra-bytes', 'error missing-content-type']);
    expect(codes(base({ 'Content-Length': '9', 'Content-Type': 'text/plain' }, 'SIP/2.0 200 OK', 'abcd'))).toEqual(['error content-length-exceeds-body']);
    expect(codes(base({ 'Content-Length': null, 'Content-Type': 'text/plain' }, 'SIP/2.0 200 OK', 'abcd'))).toEqual(['warning no-content-length']);
  });

  it('missing tags', () => {
    expect(codes(base({ To: '<sip:b@example.com>' }, 'SIP/2.0 180 Ringing'))).toEqual(['warning no-to-tag']);
    expect(codes(base({ To: '<sip:b@example.com>' }, 'SIP/2.0 100 Trying'))).toEqual([]);
    expect(codes(base({ From: '<sip:a@example.com>' }))).toEqual(['warning no-from-tag']);
  });

  it('request: missing Max-Forwards is a warning; headers in the Request-URI an error', () => {
    expect(codes(base({ CSeq: '1 OPTIONS' }, 'OPTIONS sip:b@example.com SIP/2.0'))).toEqual(['warning missing-max-forwards']);
    expect(codes(base({ CSeq: '1 OPTIONS', 'Max-Forwards': '70' }, 'OPTIONS sip:b@example.com?Route=x SIP/2.0'))).toEqual(['error headers-in-request-uri']);
  });

  it('typed headers are checked', () => {
    expect(codes(base({ 'Max-Forwards': '300' }))).toEqual(['error bad-max-forwards']);
    expect(codes(base({ Expires: 'soon' }))).toEqual(['error bad-expires']);
    expect(codes(base({ 'Min-Expires': '-1' }))).toEqual(['error bad-min-expires']);
    expect(codes(base({ 'Retry-After': '5 (x' }))).toEqual(['error bad-retry-after']);
    expect(codes(base({ Warning: '1812 h "t"' }))).toEqual(['error bad-warning']);
    expect(codes(base({ Date: 'Thu, 21 Feb 2002 13:02:03 EST' }))).toEqual(['error bad-date']);
    expect(codes(base({ Allow: 'INVITE, A B' }))).toEqual(['error bad-token-list']);
    expect(codes(base({ Server: 'x/' }))).toEqual(['warning bad-product']);
    expect(codes(base({ 'WWW-Authenticate': 'Digest realm="x' }))).toEqual(['error bad-auth-header']);
    expect(codes(base({ Contact: '<sip:a@b>;q=2' }))).toEqual(['error bad-q']);
    expect(codes(base({ Contact: '*, <sip:a@b>' }))).toEqual(['error wildcard-not-alone']);
    expect(codes(base({ 'Record-Route': 'sip:p@example.com;lr' }))).toEqual(['error addr-spec-needs-brackets']);
    expect(codes(base({ Via: 'SIP/2.0/UDP h;branch=z9hG4bK1;;' }))).toEqual(['error bad-via']);
    expect(codes(base({ Via: 'SIP/2.0/UDP h;branch=z9hG4bK1,,SIP/2.0/UDP g' }))).toEqual(['error empty-list-element']);
    expect(codes(base({ 'Content-Type': 'sdp' }))).toEqual(['error bad-content-type']);
  });

  it('lines pasted without CR are read as CRLF, and said so', () => {
    const lf = Buffer.from(base().toString().replace(/\r\n/g, '\n'));
    const r = inspectMessage(lf);
    expect(r.valid).toBe(true);
    expect(r.findings.map((f) => f.code)).toEqual(['bare-lf-line-ends']);
  });

  it('a bad start line still reports the ids it could read', () => {
    const r = inspectMessage(base({}, 'SIP/2.0 2OO OK'));
    expect(r).toMatchObject({ valid: false, kind: 'response', callId: 'c1', cseq: '1 INVITE', branch: 'z9hG4bKabc' });
    expect(r.problems[0]).toMatch(/^error bad-status-code: /);
  });

  it('never throws', () => {
    for (const s of ['', '\r\n', 'x', 'SIP/2.0 200 OK\r\n\r\n', '\u0000\u0000\r\n\r\n', 'INVITE sip:a SIP/2.0\r\nVia\r\n\r\n']) {
      expect(() => inspectMessage(Buffer.from(s))).not.toThrow();
    }
  });
});

describe('splitMessages (pastes from a log)', () => {
  const a = base({}, 'SIP/2.0 180 Ringing');
  const b = base({ 'Content-Type': 'text/plain' }, 'SIP/2.0 200 OK', 'line1\r\n\r\nline3');

  it('splits at blank lines, taking Content-Length body bytes even across blank lines', () => {
    const parts = splitMessages(Buffer.concat([Buffer.from('\r\n\r\n'), a, Buffer.from('\r\n'), b, Buffer.from('\r\n\r\n')]));
    expect(parts.map((p) => p.toString())).toEqual([a.toString(), b.toString()]);
    for (const p of parts) expect(parseMessage(p).ok).toBe(true);
  });

  it('without Content-Length the body runs to a blank line or a start line', () => {
    const noCl = 'SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\nbody line\r\nSIP/2.0 180 Ringing\r\nCall-ID: y\r\n\r\n';
    const parts = splitMessages(Buffer.from(noCl));
    expect(parts.map((p) => p.toString())).toEqual(['SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\nbody line\r\n', 'SIP/2.0 180 Ringing\r\nCall-ID: y\r\n\r\n']);
  });

  it('LF-only pastes and a trailing message without an empty line', () => {
    const parts = splitMessages(Buffer.from('SIP/2.0 100 Trying\nCall-ID: x\n\nSIP/2.0 200 OK\nCall-ID: x'));
    expect(parts.map((p) => p.toString().split('\n')[0])).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
  });

  it('a Content-Length larger than what follows takes the rest', () => {
    const parts = splitMessages(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 999\r\n\r\nshort'));
    expect(parts).toHaveLength(1);
    expect(parts[0].toString().endsWith('short')).toBe(true);
  });

  it('empty input gives no message', () => {
    expect(splitMessages(Buffer.from(' \r\n\r\n '))).toEqual([]);
  });
});

describe('CSeq bound, as decided (docs/rfc4475.md)', () => {
  it('a CSeq between 2**31 and 2**32-1 is accepted on receive', () => {
    expect(parseMessage(base({ CSeq: '3000000000 INVITE' })).ok).toBe(true);
    expect(parseCSeq('3000000000 INVITE')?.seq).toBe(3_000_000_000);
  });
});
