/**
 * fast-check generators for the fuzzers: SIP-flavoured bytes and text, seed messages with random
 * edits (byte flips, inserts, deletes, truncation, repeated lines), and SDP bodies with random
 * line edits. Every generator is bounded in size, so a case is always small; the linear-time
 * check (linear.ts) covers big inputs.
 */
import fc from 'fast-check';
import { SDP_SEED, SEEDS } from './seeds.js';

/** Bytes that matter to a SIP parser. */
const SIP_TEXT = '\r\n\r\n :;,<>"\\=/@[]?&%\t\u0000()SIP/2.0 200 INVITE ACK sip:sips:tel: Via From To Call-ID CSeq Content-Length l: 0 v: i: f: t: m: branch=z9hG4bK tag= rport received= ;lr transport= q= expires= Digest realm= nonce= 4294967296 999999999999999999';
const SIP_BYTES = [...Buffer.from(SIP_TEXT, 'latin1')];

export const sipByte = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SIP_BYTES) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });

/** Arbitrary, SIP-flavoured bytes. */
export const sipBytes = fc.array(sipByte, { maxLength: 1200 }).map((a) => Buffer.from(a));

/** A few bytes to splice in: SIP punctuation, a header line, or arbitrary bytes. */
const insert = fc.oneof(
  fc.array(sipByte, { minLength: 1, maxLength: 6 }).map((a) => Buffer.from(a)),
  fc.constantFrom(
    '\r\n',
    '\r\n\r\n',
    '\n',
    '\r',
    '\r\n ',
    '\u0000',
    '\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx',
    '\r\nContent-Length: 99999',
    '\r\nContent-Length: -1',
    '\r\nl: 1',
    '\r\nCSeq: 1 BYE',
    ',,,,',
    ';;;;',
    '<<<<',
    '""',
    '\\',
    '%',
    '%zz',
    '[::1',
    ':65536',
  ).map((s) => Buffer.from(s, 'latin1')),
  fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x9f, 0x98, 0x80])),
);

type Edit =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'insert'; at: number; bytes: Buffer }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: insert }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }), times: fc.integer({ min: 2, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
);

/** `bytes` with one edit applied (positions wrap around the current length). */
export function applyEdit(bytes: Buffer, e: Edit): Buffer {
  const n = bytes.length;
  const at = n === 0 ? 0 : e.at % (n + 1);
  switch (e.kind) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = Buffer.from(bytes);
      out[at % n] = (out[at % n] as number) ^ e.mask;
      return out;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + e.length))]);
    case 'repeat': {
      const piece = bytes.subarray(at, Math.min(n, at + e.length));
      return Buffer.concat([bytes.subarray(0, at), ...Array<Buffer>(e.times).fill(piece), bytes.subarray(at)]);
    }
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

/** A seed message with 1–8 random edits: most mutations hit real structure. */
export const mutatedMessage = fc
  .tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 8 }))
  .map(([i, edits]) => edits.reduce(applyEdit, SEEDS[i] as Buffer));

/** Text for the header-field parsers: their punctuation, letters, and any UTF-16 unit. */
export const fieldText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...' ;,<>"\\=:@[]?&%()/.*-+!~\'\tsipSIPtag=branch=z9hG4bKDigestrealm=q=0.5expires=60lr0123456789abcdefABCDEF'.split('')) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  ),
  maxLength: 240,
});

/** URI-ish text: a scheme, then URI punctuation and escapes. */
export const uriText = fc
  .tuple(
    fc.constantFrom('sip:', 'sips:', 'tel:', 'SIP:', 'sip', 'mailto:', '', 'sip:[', 'sip:@'),
    fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.!~*\'()&=+$,;?/:@[]%2F%zz%0 <>"#\u00e9\u0000'.split('')), maxLength: 120 }),
  )
  .map(([s, rest]) => s + rest);

/** An SDP body with random line edits, or random SDP-flavoured text. */
const SDP_LINES = SDP_SEED.split('\r\n').filter((l) => l !== '');
const sdpLine = fc.oneof(
  fc.constantFrom(...SDP_LINES),
  fc
    .tuple(
      fc.constantFrom(...'vosiuepcbtrzkam'.split(''), 'x', '', 'a=rtpmap:', 'a=fmtp:', 'a=rtcp:', 'a=crypto:', 'm=audio ', 'm=video ', 'c=IN IP6 ', 'c=IN IP4 ', 'o=- ', 'a=ptime:'),
      fc.constantFrom('=', '', ' '),
      fc.string({ unit: fc.constantFrom(...' 0123456789/:.-abcIPNRTPAVPSAVPtelephone-event\u00e9\u0000'.split('')), maxLength: 60 }),
    )
    .map(([a, b, c]) => a + b + c),
);
export const sdpText = fc.oneof(
  { weight: 4, arbitrary: fc.array(sdpLine, { maxLength: 40 }).map((ls) => ls.join(['\r\n', '\n', '\r'][ls.length % 3])) },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
);
