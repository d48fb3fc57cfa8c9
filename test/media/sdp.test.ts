import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpParseError, parseSdp } from '../../src/media/sdp.js';
import { codecOf, payloadTypes } from '../../src/media/sdp-codecs.js';
import { effectiveConnection, effectiveDirection, type SdpProblemCode } from '../../src/media/sdp-session.js';
import { R03_183_SDP, R04_200_SDP, RFC3264_10_1_OFFER, RFC4566_EXAMPLE, crlf } from './sdp-samples.js';

const codes = (text: string): SdpProblemCode[] => parseSdp(text).problems.map((p) => p.code);

describe('parseSdp: RFC 4566 §5 example', () => {
  const s = parseSdp(RFC4566_EXAMPLE);

  it('has no problems and every session field with its line', () => {
    expect(s.problems).toEqual([]);
    expect(s.version).toBe(0);
    expect(s.origin).toEqual({
      username: 'jdoe',
      sessionId: '2890844526',
      sessionVersion: '2890842807',
      netType: 'IN',
      addrType: 'IP4',
      address: '10.47.16.5',
      line: 2,
    });
    expect(s.sessionName).toEqual({ value: 'SDP Seminar', line: 3 });
    expect(s.timing).toEqual({ start: '2873397496', stop: '2873404696', line: 8 });
    expect(s.direction).toEqual({ value: 'recvonly', line: 9 });
    expect(s.lines).toHaveLength(12);
  });

  it('reads the multicast c= with its TTL (RFC 4566 §5.7)', () => {
    expect(s.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '224.2.17.12', ttl: 127, line: 7, raw: 'c=IN IP4 224.2.17.12/127' });
  });

  it('reads both media, inheriting session c= and direction', () => {
    expect(s.media.map((m) => [m.type, m.port, m.proto, m.formats, m.line])).toEqual([
      ['audio', 49170, 'RTP/AVP', ['0'], 10],
      ['video', 51372, 'RTP/AVP', ['99'], 11],
    ]);
    expect(s.media[1].rtpmap.get(99)).toEqual({ encoding: 'h263-1998', clockRate: 90000, line: 12 });
    expect(effectiveConnection(s, s.media[0])?.line).toBe(7);
    expect(effectiveDirection(s, s.media[1])).toEqual({ value: 'recvonly', line: 9 });
  });
});

describe('parseSdp: corpus answers', () => {
  it('r04 (200 OK): line numbers of c=, m=, rtpmap, fmtp, ptime, a=rtcp, direction', () => {
    const s = parseSdp(R04_200_SDP);
    expect(s.problems).toEqual([]);
    const m = s.media[0];
    expect(s.connection).toMatchObject({ address: '203.0.113.45', line: 4, raw: 'c=IN IP4 203.0.113.45' });
    expect(m).toMatchObject({ type: 'audio', port: 40378, proto: 'RTP/AVP', formats: ['8', '0', '101'], line: 6, raw: 'm=audio 40378 RTP/AVP 8 0 101' });
    expect([...m.rtpmap]).toEqual([
      [8, { encoding: 'PCMA', clockRate: 8000, line: 7 }],
      [0, { encoding: 'PCMU', clockRate: 8000, line: 8 }],
      [101, { encoding: 'telephone-event', clockRate: 8000, line: 9 }],
    ]);
    expect(m.fmtp.get(101)).toEqual({ params: '0-16', line: 10 });
    expect(m.ptime).toEqual({ value: 20, line: 11 });
    expect(m.rtcp).toEqual({ port: 40379, line: 12 });
    expect(m.direction).toEqual({ value: 'sendrecv', line: 13 });
    expect(m.rtcpMux).toBe(false);
    expect(s.lines[3]).toBe('c=IN IP4 203.0.113.45');
  });

  it('r03 (183): telephone-event 0-15', () => {
    const s = parseSdp(R03_183_SDP);
    expect(s.problems).toEqual([]);
    expect(s.media[0].fmtp.get(101)?.params).toBe('0-15');
    expect(payloadTypes(s.media[0])).toEqual([0, 8, 101]);
  });

  it('RFC 3264 §10.1 offer: a host name in c=, an empty s=', () => {
    const s = parseSdp(RFC3264_10_1_OFFER);
    expect(s.problems).toEqual([]);
    expect(s.sessionName).toEqual({ value: '', line: 3 });
    expect(s.connection?.address).toBe('host.atlanta.example.com');
    expect(s.media.map((m) => m.type)).toEqual(['audio', 'video']);
  });
});

describe('parseSdp: tolerance', () => {
  const body = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendonly'];

  it('CRLF, LF, bare CR and trailing whitespace give the same result', () => {
    const a = parseSdp(body.join('\r\n') + '\r\n');
    const b = parseSdp(body.join('\n'));
    const c = parseSdp(body.join('\r'));
    const d = parseSdp(body.map((l) => `${l} \t`).join('\r\n') + '\r\n\r\n');
    for (const x of [b, c, d]) {
      expect(x.problems).toEqual([]);
      expect(x.media[0].direction).toEqual(a.media[0].direction);
      expect(x.connection).toEqual(a.connection);
      expect(x.lines).toEqual(a.lines);
    }
    expect(a.media[0].direction).toEqual({ value: 'sendonly', line: 7 });
  });

  it('blank lines are skipped but keep the numbering', () => {
    const s = parseSdp(['v=0', '', ...body.slice(1)].join('\r\n'));
    expect(s.media[0].line).toBe(7);
    expect(s.lines[1]).toBe('');
  });

  it('unknown attributes are kept in order with their lines', () => {
    const s = parseSdp(crlf(...body, 'a=x-foo:bar baz', 'a=rtcp-mux', 'a=label:1'));
    expect(s.media[0].attributes).toEqual([
      { name: 'sendonly', line: 7 },
      { name: 'x-foo', value: 'bar baz', line: 8 },
      { name: 'rtcp-mux', line: 9 },
      { name: 'label', value: '1', line: 10 },
    ]);
    expect(s.media[0].rtcpMux).toBe(true);
  });

  it('keeps the crypto tag and suite, never the key (RFC 4568 §9.1)', () => {
    const s = parseSdp(crlf(...body, 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32'));
    expect(s.media[0].crypto).toEqual([{ tag: '1', suite: 'AES_CM_128_HMAC_SHA1_80', line: 8 }]);
    expect(JSON.stringify(s.media[0].crypto)).not.toContain('inline');
  });

  it('a=rtcp with an address (RFC 3605 §2.1)', () => {
    const s = parseSdp(crlf(...body, 'a=rtcp:53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD'));
    expect(s.media[0].rtcp).toEqual({ port: 53020, netType: 'IN', addrType: 'IP6', address: '2001:2345:6789:ABCD:EF01:2345:6789:ABCD', line: 8 });
  });

  it('IPv6 c= with a count; media-level c= wins over session-level', () => {
    const s = parseSdp(crlf('v=0', 'o=- 1 1 IN IP6 ::1', 's=-', 'c=IN IP6 FF15::101/3', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP6 2001:db8::5'));
    expect(s.connection).toMatchObject({ addrType: 'IP6', address: 'FF15::101', addressCount: 3, line: 4 });
    expect(effectiveConnection(s, s.media[0])).toMatchObject({ address: '2001:db8::5', line: 7 });
    expect(s.problems).toEqual([]);
  });

  it('the direction defaults to sendrecv with no line (RFC 3264 §5.1)', () => {
    const s = parseSdp(crlf(...body.slice(0, 6)));
    expect(effectiveDirection(s, s.media[0])).toEqual({ value: 'sendrecv' });
  });

  it('port count and dynamic payload types', () => {
    const s = parseSdp(crlf(...body.slice(0, 5), 'm=video 49170/2 RTP/AVP 31 96', 'a=rtpmap:96 VP8/90000'));
    expect(s.media[0]).toMatchObject({ port: 49170, portCount: 2, formats: ['31', '96'] });
    expect(codecOf(s.media[0], 96)).toEqual({ payloadType: 96, encoding: 'VP8', clockRate: 90000, line: 7, fromStaticTable: false });
    expect(codecOf(s.media[0], 31)).toEqual({ payloadType: 31, encoding: 'H261', clockRate: 90000, fromStaticTable: true });
  });
});

describe('codecOf: RFC 3551 static payload types when there is no rtpmap', () => {
  const s = parseSdp(crlf('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 8 9 13 18 3 96', 'a=rtpmap:0 pcmu/8000/1'));
  const m = s.media[0];
  it.each([
    [8, 'PCMA', 8000],
    [9, 'G722', 8000],
    [13, 'CN', 8000],
    [18, 'G729', 8000],
    [3, 'GSM', 8000],
  ])('PT %i → %s/%i', (pt, encoding, clockRate) => {
    expect(codecOf(m, pt)).toMatchObject({ encoding, clockRate, fromStaticTable: true });
  });
  it('an rtpmap overrides the table, as written (channels kept)', () => {
    expect(codecOf(m, 0)).toEqual({ payloadType: 0, encoding: 'pcmu', clockRate: 8000, channels: 1, line: 7, fromStaticTable: false });
  });
  it('a dynamic type without rtpmap is unknown', () => {
    expect(codecOf(m, 96)).toBeUndefined();
  });
});

describe('parseSdp: problems, with lines, instead of throwing', () => {
  const head = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];

  it('missing v= (and the other session lines)', () => {
    const s = parseSdp(crlf('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['missing-version', 1],
      ['missing-origin', 1],
      ['missing-session-name', 1],
      ['missing-timing', 1],
    ]);
    expect(s.version).toBeUndefined();
    expect(s.media[0].port).toBe(4000);
  });

  it('v= not first, v=1, bad o=, bad t=', () => {
    expect(codes(crlf('o=- 1 1 IN IP4 192.0.2.1', 'v=0', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 192.0.2.1'))).toEqual(['version-not-first']);
    expect(codes(crlf('v=1', ...head.slice(1)))).toEqual(['bad-version']);
    expect(codes(crlf('v=0', 'o=- 1 IN IP4 192.0.2.1', ...head.slice(2)))).toEqual(['bad-origin']);
    expect(codes(crlf(...head.slice(0, 4), 't=now'))).toEqual(['bad-timing']);
  });

  it('a bad m= line: non-numeric port, too few fields, port > 65535', () => {
    const s = parseSdp(crlf(...head, 'm=audio abc RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'm=audio 5000', 'm=audio 70000 RTP/AVP 0'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['bad-media', 6],
      ['bad-media', 8],
      ['bad-media', 9],
    ]);
    expect(s.media.map((m) => [m.valid, m.port, m.line])).toEqual([
      [false, 0, 6],
      [false, 5000, 8],
      [false, 0, 9],
    ]);
    expect(s.media[0].rtpmap.get(0)?.line).toBe(7); // the lines after it still belong to it
    expect(s.problems[0].text).toContain('"abc"');
  });

  it('c= missing for a media: the problem names the m= line', () => {
    const s = parseSdp(crlf(...head.slice(0, 3), 't=0 0', 'm=audio 4000 RTP/AVP 0', 'm=audio 4002 RTP/AVP 8', 'c=IN IP4 192.0.2.9'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([['missing-connection', 5]]);
  });

  it('rtpmap / fmtp for a PT the m= line does not list', () => {
    const s = parseSdp(crlf(...head, 'm=audio 4000 RTP/AVP 0', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['rtpmap-not-in-formats', 7],
      ['fmtp-not-in-formats', 8],
    ]);
    expect(s.media[0].rtpmap.get(101)?.encoding).toBe('telephone-event');
  });

  it('malformed attributes and c= lines', () => {
    const s = parseSdp(
      crlf(
        ...head,
        'm=audio 4000 RTP/AVP 0 x 200',
        'a=rtpmap:0 PCMU',
        'a=fmtp:0',
        'a=ptime:abc',
        'a=rtcp:port',
        'c=IN IP4',
        'c=IN IPX 1.2.3.4',
        'c=IN IP6 10.0.0.1',
      ),
    );
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['bad-format', 6],
      ['bad-format', 6],
      ['bad-rtpmap', 7],
      ['bad-fmtp', 8],
      ['bad-ptime', 9],
      ['bad-rtcp', 10],
      ['bad-connection', 11],
      ['bad-connection', 12],
      ['bad-connection', 13],
    ]);
  });

  it('duplicates: the first is used', () => {
    const s = parseSdp(crlf(...head, 'c=IN IP4 192.0.2.2', 'm=audio 4000 RTP/AVP 0', 'a=sendonly', 'a=inactive', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:0 PCMA/8000', 'a=fmtp:0 a=1', 'a=fmtp:0 a=2'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['duplicate-connection', 6],
      ['duplicate-direction', 9],
      ['duplicate-rtpmap', 11],
      ['duplicate-fmtp', 13],
    ]);
    expect(s.connection?.line).toBe(4);
    expect(s.media[0].direction).toEqual({ value: 'sendonly', line: 8 });
    expect(s.media[0].rtpmap.get(0)?.encoding).toBe('PCMU');
  });

  it('media attributes at session level, misplaced session lines, unknown types, bad lines', () => {
    const s = parseSdp(crlf(...head, 'a=rtpmap:0 PCMU/8000', 'y=what', 'A=upper', 'm=audio 4000 RTP/AVP 0', 's=late', '  a=indented'));
    expect(s.problems.map((p) => [p.code, p.line])).toEqual([
      ['media-attribute-at-session-level', 6],
      ['unknown-type', 7],
      ['bad-line', 8],
      ['misplaced-line', 10],
      ['bad-line', 11],
    ]);
    expect(s.lines[6]).toBe('y=what');
    expect(s.sessionName?.value).toBe('-');
  });

  it('problems come sorted by line', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('v=0', 'm=audio x RTP/AVP 0', 'a=rtpmap:9', 'c=IN IP4', 'zz', 'a=sendrecv', 'm=video 0 RTP/AVP 31', 't=0'), { minLength: 1 }), (ls) => {
        const lines = parseSdp(['v=0', ...ls].join('\n')).problems.map((p) => p.line);
        expect(lines).toEqual([...lines].sort((a, b) => a - b));
      }),
    );
  });
});

describe('parseSdp: nothing usable → SdpParseError', () => {
  it.each([
    ['', 'empty', 1],
    ['\r\n  \r\n', 'empty', 1],
    ['SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n', 'not-sdp', 1],
    ['\r\nSignal=1\r\nDuration=250\r\n', 'not-sdp', 2],
    ['a=sendrecv\r\nc=IN IP4 1.2.3.4\r\n', 'not-sdp', 1],
  ])('%j → %s at line %i', (text, code, line) => {
    let err: unknown;
    try {
      parseSdp(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SdpParseError);
    expect(err).toMatchObject({ name: 'SdpParseError', code, line });
  });

  it('never throws anything else, on any text', () => {
    const sdpish = fc.array(
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('v=0', 'm=', 'm=audio', 'c=IN IP4 ', 'a=rtpmap:', 'a=fmtp:', 'a=rtcp:', 'a=ptime:', 'o=', 't=', 'a=crypto:'),
        fc.tuple(fc.constantFrom('m=', 'c=', 'a=rtpmap:', 'a=fmtp:', 'a=rtcp:', 'o=', 'v='), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
      ),
    );
    fc.assert(
      fc.property(sdpish, fc.constantFrom('\r\n', '\n', '\r'), (ls, eol) => {
        try {
          const s = parseSdp(ls.join(eol));
          for (const p of s.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
