import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContacts } from '../../src/sip/contact.js';
import { callId, cseqOf, fromTag, toTag, topBranch, topVia } from '../../src/sip/fields.js';
import { inspectMessage, splitMessages } from '../../src/sip/inspect.js';
import { checkNameAddr, tagOf } from '../../src/sip/name-addr.js';
import { findParam, parseParams } from '../../src/sip/params.js';
import { parseMessage, parseMessageDetailed, SipParseError } from '../../src/sip/parse.js';
import { serialize } from '../../src/sip/serialize.js';
import { splitHeaderList } from '../../src/sip/split-list.js';
import { formatUri, parseUri } from '../../src/sip/uri.js';
import { parseVia } from '../../src/sip/via.js';

// Inputs are bounded (a few KiB at most), so a run can never hang on size; a super-linear
// parser would still show up as a slow test, but no assertion here depends on time.

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~';
const token = (max = 12) => fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: max });
/** Bytes that matter to a SIP parser, mixed with arbitrary ones. */
const sipByte = fc.oneof(
  fc.constantFrom(...Buffer.from('\r\n\r\n :;,<>"\\=/@[]?&%\t\u0000SIP/2.0 200 INVITE sip: Via From To Call-ID CSeq Content-Length l: 0 v: i: branch=z9hG4bK tag=')),
  fc.integer({ min: 0, max: 255 }),
);
const sipBytes = fc.array(sipByte, { maxLength: 1500 }).map((a) => Buffer.from(a));

/** A valid message with random noise spliced in: most mutations hit real structure. */
const VALID = Buffer.from(
  'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nMax-Forwards: 70\r\nFrom: "A" <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbody',
);
const mutated = fc
  .array(fc.tuple(fc.nat({ max: VALID.length }), fc.nat({ max: 3 }), fc.array(sipByte, { maxLength: 4 })), { minLength: 1, maxLength: 6 })
  .map((edits) => {
    let b = VALID;
    for (const [at, del, ins] of edits) {
      const i = Math.min(at, b.length);
      b = Buffer.concat([b.subarray(0, i), Buffer.from(ins), b.subarray(Math.min(b.length, i + del))]);
    }
    return b;
  });

function neverThrows(bytes: Buffer): void {
  for (const stream of [false, true]) {
    const r = parseMessage(bytes, { stream });
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(SipParseError);
      expect(r.error.code).not.toBe('internal-error');
      expect(r.error.offset).toBeGreaterThanOrEqual(0);
      expect(r.error.offset).toBeLessThanOrEqual(bytes.length);
      expect(r.error.reason.length).toBeGreaterThan(0);
    } else {
      expect(r.extraBytes).toBeGreaterThanOrEqual(0);
      expect(r.message.body.length + r.extraBytes).toBeLessThanOrEqual(bytes.length);
      // the accessors never throw either
      callId(r.message);
      cseqOf(r.message);
      topBranch(r.message);
      topVia(r.message);
      fromTag(r.message);
      toTag(r.message);
    }
    const d = parseMessageDetailed(bytes, { stream });
    expect(d.errors.every((e) => e.code !== 'internal-error')).toBe(true);
    // the detailed reading agrees with the quick one on acceptance
    expect(d.errors.length === 0 && d.message !== null).toBe(r.ok);
  }
  const report = inspectMessage(bytes);
  expect(typeof report.valid).toBe('boolean');
  for (const m of splitMessages(bytes)) expect(m.length).toBeGreaterThan(0);
}

describe('any bytes → a message or a typed error, never a throw', () => {
  it('arbitrary SIP-flavoured bytes', () => {
    fc.assert(fc.property(sipBytes, neverThrows), { numRuns: 400 });
  });
  it('a valid message with random edits', () => {
    fc.assert(fc.property(mutated, neverThrows), { numRuns: 600 });
  });
  it('arbitrary strings to the field parsers', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(...' ;,<>"\\=:@[]?&%sip'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))), maxLength: 200 });
    fc.assert(
      fc.property(text, (t) => {
        parseUri(t);
        parseVia(t);
        checkNameAddr(t);
        tagOf(t);
        parseParams(t);
        findParam(t, 'tag');
        splitHeaderList(t);
        parseContacts([t]);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- generated valid messages ---------------------------------------------------------------

/** Header values from the grammar: token lists, quoted strings, name-addrs, Vias, numbers. */
const quoted = fc.string({ unit: fc.constantFrom(...'abc ,;:<>=\\"x'), maxLength: 10 }).map((s) => `"${s.replace(/[\\"]/g, '\\$&')}"`);
const uri = fc.tuple(token(6), token(8)).map(([u, h]) => `sip:${u.replace(/[%]/g, 'p')}@${h.replace(/[^A-Za-z0-9-]/g, 'h').replace(/^-+|-+$/g, '') || 'h'}.example.com`);
const genericParams = fc.array(fc.tuple(token(5), fc.option(fc.oneof(token(6), quoted), { nil: undefined })), { maxLength: 3 }).map((ps) =>
  ps.map(([k, v]) => (v === undefined ? `;${k}` : `;${k}=${v}`)).join(''),
);
const nameAddr = fc.tuple(fc.option(fc.oneof(quoted, token(8)), { nil: undefined }), uri, genericParams).map(([dn, u, p]) => `${dn ? `${dn} ` : ''}<${u}>${p}`);
const via = fc.tuple(fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS'), fc.constantFrom('192.0.2.1', 'host.example.com', '[2001:db8::1]'), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), token(10), genericParams).map(
  ([t, h, port, b, p]) => `SIP/2.0/${t} ${h}${port === undefined ? '' : `:${port}`};branch=z9hG4bK${b}${p}`,
);
const freeText = fc.string({ unit: fc.constantFrom(...'abc XYZ019,;:=<>"/()[]?@&%é✓'), maxLength: 30 }).map((s) => s.trim());
const value = fc.oneof(freeText, fc.array(token(8), { minLength: 1, maxLength: 4 }).map((a) => a.join(', ')), nameAddr, via, fc.nat().map(String));
const extraName = token(15).filter((n) => !/^(via|v|from|f|to|t|call-id|i|cseq|content-length|l)$/i.test(n));

const message = fc
  .record({
    request: fc.boolean(),
    method: token(10),
    status: fc.integer({ min: 100, max: 699 }),
    reason: freeText,
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId: token(20),
    seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    extra: fc.array(fc.tuple(extraName, value, fc.boolean()), { maxLength: 6 }),
    body: fc.string({ maxLength: 60 }),
    compact: fc.boolean(),
  })
  .map((g) => {
    const rows: Array<[string, string, boolean]> = [];
    for (const v of g.vias) rows.push([g.compact ? 'v' : 'Via', v, false]);
    rows.push([g.compact ? 'f' : 'From', g.from, false]);
    rows.push([g.compact ? 't' : 'To', g.to, false]);
    rows.push([g.compact ? 'i' : 'Call-ID', g.callId, false]);
    rows.push(['CSeq', `${g.seq} ${g.method}`, false]);
    for (const [n, v, fold] of g.extra) rows.push([n, v, fold]);
    const body = Buffer.from(g.body, 'utf8');
    rows.push([g.compact ? 'l' : 'Content-Length', String(body.length), false]);
    const start = g.request ? `${g.method} sip:x@example.com SIP/2.0` : `SIP/2.0 ${g.status} ${g.reason}`;
    // folding: break a value at a space into "CRLF SP" (it unfolds to one SP)
    const line = ([n, v, fold]: [string, string, boolean]) => {
      const sp = v.indexOf(' ');
      return fold && sp > 0 && v[sp + 1] !== ' ' && v[sp - 1] !== ' ' ? `${n}: ${v.slice(0, sp)}\r\n ${v.slice(sp + 1)}` : `${n}: ${v}`;
    };
    const bytes = Buffer.concat([Buffer.from(`${start}\r\n${rows.map(line).join('\r\n')}\r\n\r\n`, 'utf8'), body]);
    return { g, rows, bytes, body };
  });

describe('generated valid messages', () => {
  it('parse, read back what was generated, and serialize∘parse is stable', () => {
    fc.assert(
      fc.property(message, ({ g, rows, bytes, body }) => {
        const r = parseMessage(bytes);
        if (!r.ok) throw r.error;
        const m = r.message;
        if (g.request) expect(m).toMatchObject({ kind: 'request', method: g.method });
        else expect(m).toMatchObject({ kind: 'response', status: g.status, reason: g.reason });
        expect(m.headers.fields.map((f) => [f.name, f.value])).toEqual(rows.map(([n, v]) => [n, v]));
        expect(callId(m)).toBe(g.callId);
        expect(cseqOf(m)).toEqual({ seq: g.seq, method: g.method });
        expect(topBranch(m)).toBe(parseVia(g.vias[0])?.branch);
        expect(fromTag(m)).toBe(checkNameAddr(g.from).value?.tag);
        expect(toTag(m)).toBe(checkNameAddr(g.to).value?.tag);
        expect(Buffer.from(m.body).equals(body)).toBe(true);
        expect(m.headers.list('via')).toHaveLength(g.vias.length);

        const once = serialize(m);
        const again = parseMessage(once);
        if (!again.ok) throw again.error;
        expect(again.message.headers.fields).toEqual(m.headers.fields);
        expect(serialize(again.message).equals(once)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('URIs: parse∘format∘parse is stable', () => {
    const part = fc.string({ unit: fc.constantFrom(...'aZ09-_.!~*\'()&=+$,;?/ %@:é'), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(part, fc.option(part, { nil: undefined }), fc.array(fc.tuple(token(5), fc.option(part, { nil: null })), { maxLength: 3 }), (user, password, params) => {
        const u = {
          scheme: 'sip' as const,
          user,
          ...(password === undefined ? {} : { password }),
          host: 'example.com',
          params: new Map(params.map(([k, v]) => [k.toLowerCase(), v])),
          headers: [] as Array<[string, string]>,
        };
        const text = formatUri(u);
        const parsed = parseUri(text);
        expect(parsed).not.toBeNull();
        expect(parsed).toMatchObject({ user, host: 'example.com' });
        if (password !== undefined) expect(parsed?.password).toBe(password);
        expect(formatUri(parsed!)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
