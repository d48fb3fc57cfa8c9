import fc from 'fast-check';
import { parse as transformParse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../src/media/sdp.js';
import { effectiveDirection } from '../../src/media/sdp-session.js';
import { buildAnswer, buildOffer } from '../../src/media/sdp-offer.js';
import {
  BARESIP_ANSWER,
  R03_183_SDP,
  R04_200_SDP,
  RFC3264_10_1_ANSWER,
  RFC3264_10_1_OFFER,
  RFC3264_10_2_ANSWER,
  RFC3264_10_2_OFFER,
  RFC4566_EXAMPLE,
  SIPP_UAS_ANSWER,
  crlf,
} from './sdp-samples.js';

/**
 * A differential oracle: on well-formed SDP our parser must read `c=`, `m=` (type, port,
 * proto, formats), `a=rtpmap`, `a=fmtp` and the direction attributes exactly as sdp-transform
 * 3.0.0 (clux/sdp-transform, a devDependency only) does. Both sides are projected onto one
 * neutral shape; sdp-transform's number coercion (`toIntIfInt`), its untrimmed tails (the
 * `payloads` string, fmtp config) and its unsplit multicast `ip/ttl/count` are undone in the
 * projection, nothing else.
 */
interface View {
  connection?: { version: number; ip: string };
  direction?: string;
  media: {
    type: string;
    port: number;
    protocol: string;
    payloads: string[];
    connection?: { version: number; ip: string };
    direction?: string;
    rtp: { payload: number; codec: string; rate?: number; encoding?: string }[];
    fmtp: { payload: number; config: string }[];
  }[];
}

type TransformConn = { version: number; ip: string } | undefined;
const conn = (c: TransformConn): View['connection'] => (c ? { version: Number(c.version), ip: String(c.ip) } : undefined);

function viaTransform(text: string): View {
  const s = transformParse(text);
  return {
    connection: conn(s.connection as TransformConn),
    direction: s.direction,
    media: s.media.map((m) => ({
      type: m.type,
      port: Number(m.port),
      protocol: m.protocol,
      payloads: String(m.payloads ?? '').split(/\s+/).filter((x) => x !== ''),
      connection: conn(m.connection as TransformConn),
      direction: m.direction,
      rtp: m.rtp.map((r) => ({
        payload: Number(r.payload),
        codec: r.codec,
        ...(r.rate !== undefined ? { rate: Number(r.rate) } : {}),
        ...(r.encoding !== undefined ? { encoding: String(r.encoding) } : {}),
      })),
      fmtp: m.fmtp.map((f) => ({ payload: Number(f.payload), config: String(f.config).trim() })),
    })),
  };
}

function viaOurs(text: string): View {
  const s = parseSdp(text);
  // sdp-transform keeps the multicast suffix in `ip`; we split it into ttl / addressCount.
  const c = (x: typeof s.connection): View['connection'] =>
    x ? { version: x.addrType === 'IP6' ? 6 : 4, ip: [x.address, ...(x.ttl !== undefined ? [x.ttl] : []), ...(x.addressCount !== undefined ? [x.addressCount] : [])].join('/') } : undefined;
  return {
    connection: c(s.connection),
    direction: s.direction?.value,
    media: s.media.map((m) => ({
      type: m.type,
      port: m.port,
      protocol: m.proto,
      payloads: m.formats,
      connection: c(m.connection),
      direction: m.direction?.value,
      rtp: [...m.rtpmap].map(([payload, r]) => ({
        payload,
        codec: r.encoding,
        rate: r.clockRate,
        ...(r.channels !== undefined ? { encoding: String(r.channels) } : {}),
      })),
      fmtp: [...m.fmtp].map(([payload, f]) => ({ payload, config: f.params })),
    })),
  };
}

/** JSON round trip: drops `undefined` members so absent and undefined compare equal. */
const plain = (v: View): unknown => JSON.parse(JSON.stringify(v));

const CORPUS: [string, string][] = [
  ['RFC 4566 §5 example', RFC4566_EXAMPLE],
  ['RFC 3264 §10.1 offer', RFC3264_10_1_OFFER],
  ['RFC 3264 §10.1 answer', RFC3264_10_1_ANSWER],
  ['RFC 3264 §10.2 offer', RFC3264_10_2_OFFER],
  ['RFC 3264 §10.2 answer', RFC3264_10_2_ANSWER],
  ['SIPp -sn uas answer', SIPP_UAS_ANSWER],
  ['baresip answer', BARESIP_ANSWER],
  ['corpus r03 183', R03_183_SDP],
  ['corpus r04 200', R04_200_SDP],
  ['our offer', buildOffer({ address: '192.0.2.10', port: 40000, sessionId: '1' })],
  ['our IPv6 hold offer', buildOffer({ address: '2001:db8::10', port: 40000, sessionId: '1', direction: 'sendonly', codecs: ['PCMA'] })],
  ['our answer to r04', (buildAnswer(parseSdp(R04_200_SDP), { address: '192.0.2.10', port: 40000, sessionId: '1' }) as { sdp: string }).sdp],
  [
    'WebRTC-style offer (opus, rtcp-mux, SAVPF)',
    crlf(
      'v=0',
      'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sendrecv',
      'a=rtcp-mux',
      'a=rtpmap:111 opus/48000/2',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:13 CN/8000',
      'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000',
    ),
  ],
  [
    'Asterisk-style answer (media-level c=, LF only)',
    [
      'v=0',
      'o=- 1888 1890 IN IP4 10.0.0.7',
      's=Asterisk',
      't=0 0',
      'm=audio 18472 RTP/AVP 8 101',
      'c=IN IP4 10.0.0.7',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=maxptime:150',
      'a=sendonly',
      '',
    ].join('\n'),
  ],
];

describe('oracle: our parser agrees with sdp-transform', () => {
  it.each(CORPUS)('%s', (_name, text) => {
    expect(plain(viaOurs(text))).toEqual(plain(viaTransform(text)));
  });

  it('the corpus is well formed for us too', () => {
    for (const [name, text] of CORPUS) expect([name, parseSdp(text).problems]).toEqual([name, []]);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated SDP: well-formed by construction, with the freedom RFC 4566 leaves (c= at session or
// media level, IPv4/IPv6, any line order among a= lines, trailing whitespace, CRLF or LF).

const octet = fc.nat(255);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc.array(fc.nat(0xffff).map((n) => n.toString(16)), { minLength: 8, maxLength: 8 }).map((g) => g.join(':'));
const connectionLine = fc.oneof(ipv4.map((a) => `c=IN IP4 ${a}`), ipv6.map((a) => `c=IN IP6 ${a}`));
const direction = fc.constantFrom('sendrecv', 'sendonly', 'recvonly', 'inactive');
const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.-]{0,11}$/);
const fmtpParams = fc.stringMatching(/^[A-Za-z0-9=;/,-]{1,12}( [A-Za-z0-9=;-]{1,8})?$/);

const mediaBlock = fc
  .record({
    type: fc.constantFrom('audio', 'video', 'application', 'text'),
    port: fc.nat(65535),
    proto: fc.constantFrom('RTP/AVP', 'RTP/AVPF', 'RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF'),
    pts: fc.uniqueArray(fc.nat(127), { minLength: 1, maxLength: 6 }),
    connection: fc.option(connectionLine, { nil: undefined }),
    direction: fc.option(direction, { nil: undefined }),
    rtpmapFor: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    fmtpFor: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    codecs: fc.array(token, { minLength: 6, maxLength: 6 }),
    rates: fc.array(fc.constantFrom(8000, 16000, 48000, 90000), { minLength: 6, maxLength: 6 }),
    channels: fc.array(fc.option(fc.constantFrom(1, 2), { nil: undefined }), { minLength: 6, maxLength: 6 }),
    params: fc.array(fmtpParams, { minLength: 6, maxLength: 6 }),
    extra: fc.array(fc.constantFrom('a=rtcp-mux', 'a=ptime:20', 'a=mid:0', 'a=rtcp:9 IN IP4 0.0.0.0', 'b=AS:64', 'a=label:1'), { maxLength: 3 }),
    shuffle: fc.nat(),
  })
  .map((m) => {
    const attrs: string[] = [];
    m.pts.forEach((pt, i) => {
      if (m.rtpmapFor[i]) attrs.push(`a=rtpmap:${pt} ${m.codecs[i]}/${m.rates[i]}${m.channels[i] !== undefined ? `/${m.channels[i]}` : ''}`);
      if (m.fmtpFor[i]) attrs.push(`a=fmtp:${pt} ${m.params[i]}`);
    });
    if (m.direction) attrs.push(`a=${m.direction}`);
    attrs.push(...m.extra);
    // Rotate the attribute lines: their order is free (RFC 4566 §5).
    const k = attrs.length ? m.shuffle % attrs.length : 0;
    const rotated = [...attrs.slice(k), ...attrs.slice(0, k)];
    return [`m=${m.type} ${m.port} ${m.proto} ${m.pts.join(' ')}`, ...(m.connection ? [m.connection] : []), ...rotated];
  });

const sdpText = fc
  .record({
    sessionConnection: fc.option(connectionLine, { nil: undefined }),
    sessionDirection: fc.option(direction, { nil: undefined }),
    media: fc.array(mediaBlock, { minLength: 0, maxLength: 4 }),
    eol: fc.constantFrom('\r\n', '\n'),
    trailing: fc.constantFrom('', ' ', '\t', '  '),
  })
  .map((s) => {
    const lines = [
      'v=0',
      'o=- 123 456 IN IP4 192.0.2.1',
      's=-',
      ...(s.sessionConnection ? [s.sessionConnection] : []),
      't=0 0',
      ...(s.sessionDirection ? [`a=${s.sessionDirection}`] : []),
      ...s.media.flat(),
    ];
    return lines.map((l, i) => (i % 3 === 2 ? l + s.trailing : l)).join(s.eol) + s.eol;
  });

describe('oracle: generated SDP', () => {
  it('c=, m=, rtpmap, fmtp and direction agree with sdp-transform', () => {
    fc.assert(
      fc.property(sdpText, (text) => {
        expect(plain(viaOurs(text))).toEqual(plain(viaTransform(text)));
      }),
      { numRuns: 1500 },
    );
  });

  it('the effective direction is the media one, else the session one, else sendrecv', () => {
    fc.assert(
      fc.property(sdpText, (text) => {
        const s = parseSdp(text);
        const t = transformParse(text);
        s.media.forEach((m, i) => {
          expect(effectiveDirection(s, m).value).toBe(t.media[i].direction ?? t.direction ?? 'sendrecv');
        });
      }),
      { numRuns: 300 },
    );
  });
});
