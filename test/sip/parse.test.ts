import { describe, expect, it } from 'vitest';
import { callId, cseqOf, fromTag, toTag, topBranch, topVia } from '../../src/sip/fields.js';
import { parseMessage, parseMessageDetailed, SipParseError } from '../../src/sip/parse.js';
import { serialize, withContentLength } from '../../src/sip/serialize.js';
import { RESPONSES_DIR, manifest, readMessage } from './corpus.js';

const HEAD = [
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport',
  'From: "Alice" <sip:alice@example.com>;tag=f1',
  'To: <sip:bob@example.com>;tag=t1',
  'Call-ID: c1@192.0.2.1',
  'CSeq: 7 INVITE',
];
const msg = (start: string, headers: string[], body = ''): Buffer => Buffer.from(`${[start, ...headers].join('\r\n')}\r\n\r\n${body}`, 'utf8');
const ok = (bytes: Uint8Array, opts?: { stream?: boolean }) => {
  const r = parseMessage(bytes, opts);
  if (!r.ok) throw r.error;
  return r;
};
const err = (bytes: Uint8Array, opts?: { stream?: boolean }): SipParseError => {
  const r = parseMessage(bytes, opts);
  if (r.ok) throw new Error('accepted');
  expect(r.error).toBeInstanceOf(SipParseError);
  return r.error;
};

describe('start line', () => {
  it('request and response', () => {
    const q = ok(msg('INVITE sip:bob@example.com SIP/2.0', [...HEAD, 'Max-Forwards: 70', 'Content-Length: 0']));
    expect(q.message).toMatchObject({ kind: 'request', method: 'INVITE', uri: 'sip:bob@example.com', version: 'SIP/2.0' });
    const s = ok(msg('SIP/2.0 486 Busy Here', [...HEAD, 'Content-Length: 0']));
    expect(s.message).toMatchObject({ kind: 'response', status: 486, reason: 'Busy Here', version: 'SIP/2.0' });
  });

  it('rejects with the code and the byte offset', () => {
    const cases: Array<[string, string, number]> = [
      ['SIP/2.0 OK', 'bad-status-code', 8],
      ['SIP/2.0 2OO OK', 'bad-status-code', 8],
      ['SIP/2.0 99 Low', 'bad-status-code', 8],
      ['SIP/2.0 700 High', 'bad-status-code', 8],
      ['SIP/3.0 200 OK', 'bad-version', 0],
      ['INVITE  sip:a@b SIP/2.0', 'bad-start-line', 7],
      ['INVITE sip:a@b SIP/2.0 ', 'bad-start-line', 22],
      ['INVITE sip:a@b', 'bad-start-line', 14],
      ['INVITE sip:a@b SIP/7.0', 'bad-version', 15],
      ['INVITE <sip:a@b> SIP/2.0', 'bad-request-uri', 7],
      ['INV(TE sip:a@b SIP/2.0', 'bad-start-line', 3],
      ['garbage', 'bad-start-line', 0],
    ];
    for (const [line, code, offset] of cases) {
      const e = err(msg(line, [...HEAD, 'Content-Length: 0']));
      expect([line, e.code, e.offset]).toEqual([line, code, offset]);
      expect(e.reason).toMatch(/RFC|SIP-Version/);
    }
  });

  it('offsets are byte offsets, also after UTF-8 text', () => {
    const bytes = msg('SIP/2.0 200 Ça va', ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'X-Name: Ünïcode ✓', 'Bad Line Here', 'Content-Length: 0']);
    const e = err(bytes);
    expect(e.code).toBe('bad-header-line');
    expect(e.offset).toBe(bytes.indexOf('Bad Line Here'));
    expect(e.offset).toBeGreaterThan(bytes.toString('utf8').indexOf('Bad Line Here'));
    // a non-token header name is refused at its line
    const named = msg('SIP/2.0 200 OK', [...HEAD, 'X-Ünïcode: ✓']);
    expect(err(named)).toMatchObject({ code: 'bad-header-line', offset: named.indexOf('X-Ü') });
  });

  it('a missing SP before an empty Reason-Phrase is tolerated and reported', () => {
    const r = ok(msg('SIP/2.0 100', [...HEAD, 'Content-Length: 0']));
    expect(r.problems.map((p) => p.code)).toEqual(['missing-reason-phrase-sp']);
  });
});

describe('header lines', () => {
  it('bad lines give bad-header-line at the line', () => {
    for (const bad of ['No colon here', ': empty name', 'Bad Name: x', 'Bad(name): x']) {
      const bytes = msg('SIP/2.0 200 OK', [...HEAD, bad, 'Content-Length: 0']);
      const e = err(bytes);
      expect([bad, e.code, e.offset]).toEqual([bad, 'bad-header-line', bytes.indexOf(bad)]);
    }
  });
  it('a continuation line right after the start line', () => {
    const bytes = msg('SIP/2.0 200 OK', [' folded', ...HEAD]);
    expect(err(bytes).reason).toContain('continuation line');
  });
  it('bare CR and bare LF are refused where they are', () => {
    const lf = Buffer.from(`SIP/2.0 200 OK\r\n${HEAD.join('\r\n')}\nX: y\r\n\r\n`);
    expect(err(lf)).toMatchObject({ code: 'bad-header-line', offset: lf.indexOf('\nX: y') });
    const cr = Buffer.from(`SIP/2.0 200 OK\r\n${HEAD.join('\r\n')}\r\nX: a\rb\r\n\r\n`);
    expect(err(cr)).toMatchObject({ code: 'bad-header-line', offset: cr.indexOf('\rb') });
    const crStart = Buffer.from(`SIP/2.0 200 O\rK\r\n${HEAD.join('\r\n')}\r\n\r\n`);
    expect(err(crStart).code).toBe('bad-start-line');
  });
  it('NUL in a header is refused, but allowed as a quoted-pair (RFC 4475 §3.1.1.2)', () => {
    const nul = msg('SIP/2.0 200 OK', [...HEAD, 'X: a\u0000b', 'Content-Length: 0']);
    expect(err(nul)).toMatchObject({ code: 'nul-in-header', offset: nul.indexOf(0) });
    ok(msg('SIP/2.0 200 OK', [...HEAD, 'X: "a\\\u0000b"', 'Content-Length: 0']));
  });
  it('required headers: missing or repeated', () => {
    expect(err(msg('SIP/2.0 200 OK', HEAD.slice(1))).reason).toContain('missing Via');
    expect(err(msg('SIP/2.0 200 OK', HEAD.filter((h) => !h.startsWith('Call-ID')))).code).toBe('missing-required-header');
    expect(err(msg('SIP/2.0 200 OK', [...HEAD, 'i: other@x'])).code).toBe('duplicate-header');
  });
  it('CSeq malformed, and its method must match a request', () => {
    expect(err(msg('SIP/2.0 200 OK', [...HEAD.slice(0, 4), 'CSeq: x INVITE'])).code).toBe('bad-cseq');
    expect(err(msg('BYE sip:a@b SIP/2.0', [...HEAD, 'Max-Forwards: 70'])).code).toBe('cseq-method-mismatch');
  });
});

describe('body framing (RFC 3261 §18.3, §20.14)', () => {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n';

  it('Content-Length frames the body; the body is a view into the input', () => {
    const bytes = msg('SIP/2.0 200 OK', [...HEAD, `Content-Length: ${sdp.length}`], sdp);
    const r = ok(bytes);
    expect(Buffer.from(r.message.body).toString()).toBe(sdp);
    expect(r.message.body.buffer).toBe(bytes.buffer);
    expect(r.extraBytes).toBe(0);
  });

  it('over UDP a missing Content-Length means "to the end of the datagram"', () => {
    const r = ok(msg('SIP/2.0 200 OK', HEAD, sdp));
    expect(r.message.body.length).toBe(sdp.length);
    expect(r.problems.map((p) => p.code)).toEqual(['no-content-length']);
  });

  it('a Content-Length larger than what arrived is an error (UDP) or "wait" (stream)', () => {
    const bytes = msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: 100'], sdp);
    expect(err(bytes)).toMatchObject({ code: 'content-length-exceeds-body', offset: bytes.length });
    expect(err(bytes, { stream: true }).code).toBe('incomplete-body');
  });

  it('a shorter one leaves the extra bytes reported, not silently dropped', () => {
    const r = ok(msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: 3'], sdp));
    expect(Buffer.from(r.message.body).toString()).toBe('v=0');
    expect(r.extraBytes).toBe(sdp.length - 3);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'extra-bytes' })]);
  });

  it('on a stream the extra bytes are the next message, and no problem', () => {
    const one = msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: 0']);
    const r = ok(Buffer.concat([one, one]), { stream: true });
    expect(r.extraBytes).toBe(one.length);
    expect(r.problems).toEqual([]);
    expect(err(msg('SIP/2.0 200 OK', HEAD), { stream: true }).code).toBe('missing-content-length');
    expect(err(Buffer.from('SIP/2.0 200 OK\r\nVia: x'), { stream: true }).code).toBe('no-header-end');
  });

  it('bad and conflicting Content-Length', () => {
    expect(err(msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: -1'])).code).toBe('bad-content-length');
    expect(err(msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: 1', 'l: 2'], 'ab')).code).toBe('conflicting-content-length');
    ok(msg('SIP/2.0 200 OK', [...HEAD, 'Content-Length: 2', 'l: 2'], 'ab'));
  });

  it('leading CRLFs are skipped (§7.5); a missing empty line is tolerated on a datagram', () => {
    const r = ok(Buffer.concat([Buffer.from('\r\n\r\n'), msg('SIP/2.0 200 OK', [...HEAD, 'l: 0'])]));
    expect(r.problems.map((p) => p.code)).toEqual(['leading-crlf']);
    const noEmpty = Buffer.from(`SIP/2.0 200 OK\r\n${HEAD.join('\r\n')}\r\nl: 0\r\n`);
    expect(ok(noEmpty).problems.map((p) => p.code)).toEqual(['missing-empty-line']);
    expect(err(Buffer.from(`SIP/2.0 200 OK\r\n${HEAD.join('\r\n')}`)).code).toBe('no-header-end');
  });

  it('empty input', () => {
    expect(err(Buffer.alloc(0)).code).toBe('empty-message');
    expect(err(Buffer.from('\r\n\r\n')).code).toBe('empty-message');
  });

  it('accepts a plain Uint8Array', () => {
    const b = msg('SIP/2.0 200 OK', [...HEAD, 'l: 0']);
    expect(ok(new Uint8Array(b.buffer, b.byteOffset, b.length)).message.kind).toBe('response');
  });

  it('large datagrams (not decoded whole) and non-ASCII ones give the same reading', () => {
    const pad = 'x'.repeat(20_000);
    const r = ok(msg('SIP/2.0 200 OK', [...HEAD, `X-Pad: ${pad}`, 'X-Name: Zoë', `Content-Length: 3`], 'ü!'));
    expect(r.message.headers.get('x-pad')).toBe(pad);
    expect(r.message.headers.get('x-name')).toBe('Zoë');
    expect(r.message.body.length).toBe(3);
    expect(topBranch(r.message)).toBe('z9hG4bKabc');
  });
});

describe('fields a UAC reads', () => {
  it('Call-ID, CSeq, top Via and its branch, From and To tags', () => {
    const r = ok(msg('SIP/2.0 180 Ringing', ['v: SIP/2.0/UDP [2001:db8::1]:5062;received=2001:db8::2;rport=5062;BRANCH=z9hG4bKtop, SIP/2.0/UDP h2;branch=z9hG4bK2', ...HEAD.slice(1)]));
    expect(callId(r.message)).toBe('c1@192.0.2.1');
    expect(cseqOf(r.message)).toEqual({ seq: 7, method: 'INVITE' });
    expect(topBranch(r.message)).toBe('z9hG4bKtop');
    expect(topVia(r.message)).toMatchObject({ host: '[2001:db8::1]', port: 5062, rport: 5062, received: '2001:db8::2', branch: 'z9hG4bKtop' });
    expect(fromTag(r.message)).toBe('f1');
    expect(toTag(r.message)).toBe('t1');
  });

  it('folded From/To/Via/CSeq values read the same as unfolded ones', () => {
    const r = ok(
      msg('SIP/2.0 200 OK', ['Via: SIP/2.0/UDP h;', ' branch=z9hG4bKf', 'From: "A"', ' <sip:a@b>;tag=ff', 'To: <sip:b@c>', '\t;tag=tt', 'Call-ID: x', 'CSeq: 3', ' BYE']),
    );
    expect([topBranch(r.message), fromTag(r.message), toTag(r.message), cseqOf(r.message)]).toEqual(['z9hG4bKf', 'ff', 'tt', { seq: 3, method: 'BYE' }]);
  });

  it('quoted and escaped tag and branch values', () => {
    const r = ok(msg('SIP/2.0 200 OK', ['Via: SIP/2.0/UDP h;branch="z9hG4bK\\"q"', 'From: "x;tag=no" <sip:a@b>;tag="a\\"b"', 'To: sip:b@c ; TAG = up', 'Call-ID: x', 'CSeq: 3 BYE']));
    expect([topBranch(r.message), fromTag(r.message), toTag(r.message)]).toEqual(['z9hG4bK"q', 'a"b', 'up']);
  });

  it('editing the headers after parsing is always seen by the accessors', () => {
    const r = ok(msg('SIP/2.0 200 OK', [...HEAD, 'l: 0']));
    const m = r.message;
    expect(topBranch(m)).toBe('z9hG4bKabc');
    m.headers.prepend('Via', 'SIP/2.0/TCP new;branch=z9hG4bKnew');
    expect(topBranch(m)).toBe('z9hG4bKnew');
    m.headers.set('To', '<sip:b@example.com>;tag=t2');
    expect(toTag(m)).toBe('t2');
    m.headers.fields.find((f) => f.key === 'from')!.value = '<sip:a@b>;tag=f9';
    expect(fromTag(m)).toBe('f9');
    m.headers.set('CSeq', '8 INVITE');
    expect(cseqOf(m)).toEqual({ seq: 8, method: 'INVITE' });
    const cs = cseqOf(m);
    if (cs) cs.seq = 99; // a copy: the next reading is unchanged
    expect(cseqOf(m)?.seq).toBe(8);
    m.headers.delete('call-id');
    expect(callId(m)).toBeUndefined();
  });
});

describe('serialize ∘ parse', () => {
  it('is byte-identical for the corpus responses written canonically (no folding)', () => {
    for (const e of manifest(RESPONSES_DIR).filter((x) => x.validity === 'valid')) {
      const bytes = readMessage(RESPONSES_DIR, e.file);
      const once = serialize(ok(bytes).message);
      const folded = /\r\n[ \t]/.test(bytes.toString('latin1', 0, bytes.indexOf('\r\n\r\n')));
      if (!folded) expect(once.equals(bytes), e.name).toBe(true);
      // and stable: parsing what we wrote gives the same fields and the same bytes
      const again = ok(once).message;
      expect(again.headers.fields).toEqual(ok(bytes).message.headers.fields);
      expect(serialize(again).equals(once), e.name).toBe(true);
    }
  });

  it('withContentLength sets the body length', () => {
    const r = ok(msg('SIP/2.0 200 OK', [...HEAD, 'l: 0']));
    r.message.body = Buffer.from('hello');
    const out = serialize(withContentLength(r.message));
    expect(ok(out).message.headers.getAll('content-length')).toEqual(['5']);
    expect(Buffer.from(ok(out).message.body).toString()).toBe('hello');
  });
});

describe('parseMessageDetailed', () => {
  it('collects every error, not only the first, and keeps the headers', () => {
    const d = parseMessageDetailed(msg('SIP/2.0 999 Nope', ['Bad Line', 'Also bad', 'CSeq: x', 'Content-Length: -4']));
    expect(d.kind).toBe('response');
    expect(d.message).toBeNull();
    expect(d.errors.map((e) => e.code)).toEqual(['bad-status-code', 'bad-header-line', 'bad-header-line', 'missing-required-header', 'bad-cseq', 'bad-content-length']);
    expect(d.headers?.get('cseq')).toBe('x');
  });

  it('caps the bad-line errors it collects, and stays linear on many of them', () => {
    const lines = Array.from({ length: 20_000 }, () => 'nocolon');
    const d = parseMessageDetailed(msg('SIP/2.0 200 OK', lines));
    expect(d.errors.filter((e) => e.code === 'bad-header-line').length).toBe(20);
  });
});
