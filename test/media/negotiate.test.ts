import { describe, expect, it } from 'vitest';
import { allowedAnswers, negotiate, type LocalMedia, type MediaAgreed, type MediaAgreement, type MediaRefused } from '../../src/media/negotiate.js';
import { parseSdp } from '../../src/media/sdp.js';
import { localMediaOf } from '../../src/media/sdp-offer.js';
import {
  BARESIP_ANSWER,
  R03_183_SDP,
  R04_200_SDP,
  RFC3264_10_1_ANSWER,
  RFC3264_10_1_OFFER,
  RFC3264_10_2_ANSWER,
  SIPP_UAS_ANSWER,
  crlf,
} from './sdp-samples.js';

/** What our default offer says (PCMU 0, PCMA 8, telephone-event 101, sendrecv, 20 ms). */
const OURS: LocalMedia = localMediaOf({});

const HEAD = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0'];
const answer = (...lines: string[]): string => crlf(...HEAD, ...lines);

function agreed(r: MediaAgreement): MediaAgreed {
  if (!r.ok) throw new Error(`expected an agreement, got ${r.reason}: ${r.text}`);
  return r;
}
function refused(r: MediaAgreement): MediaRefused {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}
const noteCodes = (a: MediaAgreed): string[] => a.notes.map((n) => n.code);

describe('negotiate as offerer: realistic answers', () => {
  it('SIPp -sn uas: PCMU only, no telephone-event, RTCP on port + 1', () => {
    const a = agreed(negotiate(OURS, parseSdp(SIPP_UAS_ANSWER), 'offerer'));
    expect(a).toMatchObject({
      mediaIndex: 0,
      codec: { payloadType: 0, name: 'PCMU', clockRate: 8000 },
      remote: {
        address: '127.0.0.1',
        port: 6000,
        rtcpPort: 6001,
        rtcpAddress: '127.0.0.1',
        family: 4,
        connectionLine: 'line 4: c=IN IP4 127.0.0.1',
        mediaLine: 'line 6: m=audio 6000 RTP/AVP 0',
        lines: { connection: 4, media: 6 },
      },
      direction: 'sendrecv',
      hold: 'none',
      ptime: 20,
    });
    expect(a.dtmfPayloadType).toBeUndefined();
    expect(a.directionLine).toBeUndefined();
    expect(a.notes).toEqual([{ code: 'no-telephone-event', line: 6, text: 'the answer lists no telephone-event (RFC 4733): DTMF falls back to SIP INFO' }]);
  });

  it('baresip: several codecs → the first we support, with a note (RFC 3264 §7)', () => {
    const a = agreed(negotiate(OURS, parseSdp(BARESIP_ANSWER), 'offerer'));
    expect(a.codec).toEqual({ payloadType: 0, name: 'PCMU', clockRate: 8000 });
    expect(a.dtmfPayloadType).toBe(101);
    expect(a.remote.port).toBe(10062);
    expect(a.directionLine).toBe('line 12: a=sendrecv');
    expect(a.remote.lines.direction).toBe(12);
    expect(noteCodes(a)).toEqual(['multiple-codecs']);
    expect(a.notes[0].text).toBe('answer line 6: m=audio 10062 RTP/AVP 0 8 101: the answer lists 2 codecs (PCMU, PCMA); we send PCMU, the first we support (RFC 3264 §7)');
  });

  it('corpus r04 (200 OK): PCMA first, a=rtcp port (RFC 3605)', () => {
    const a = agreed(negotiate(OURS, parseSdp(R04_200_SDP), 'offerer'));
    expect(a.codec).toEqual({ payloadType: 8, name: 'PCMA', clockRate: 8000 });
    expect(a.dtmfPayloadType).toBe(101);
    expect(a.remote).toMatchObject({ address: '203.0.113.45', port: 40378, rtcpPort: 40379, connectionLine: 'line 4: c=IN IP4 203.0.113.45' });
    expect(noteCodes(a)).toEqual(['multiple-codecs']);
  });

  it('corpus r03 (183, early media): PCMU, DTMF 101', () => {
    const a = agreed(negotiate(OURS, parseSdp(R03_183_SDP), 'offerer'));
    expect(a).toMatchObject({ codec: { name: 'PCMU', payloadType: 0 }, dtmfPayloadType: 101, remote: { port: 49170, rtcpPort: 49171 } });
  });

  it('RFC 3264 §10.1 answer: PCMU; a host name in c= is noted', () => {
    const a = agreed(negotiate(OURS, parseSdp(RFC3264_10_1_ANSWER), 'offerer'));
    expect(a.codec.name).toBe('PCMU');
    expect(a.remote.address).toBe('host.biloxi.example.com');
    expect(noteCodes(a)).toEqual(['no-telephone-event', 'connection-fqdn']);
  });

  it('RFC 3264 §10.2 answer (0 4 18, inactive): PCMU, nothing flows, G723/G729 not offered', () => {
    const a = agreed(negotiate(OURS, parseSdp(RFC3264_10_2_ANSWER), 'offerer'));
    expect(a.codec.name).toBe('PCMU');
    expect(a.direction).toBe('inactive');
    expect(a.hold).toBe('inactive');
    expect(noteCodes(a)).toEqual(['payload-type-not-offered', 'payload-type-not-offered', 'multiple-codecs', 'no-telephone-event', 'connection-fqdn']);
    expect(a.notes[0]).toMatchObject({ line: 8, text: 'answer line 8: a=rtpmap:4 G723/8000: payload type 4 (G723/8000) was not in our offer (RFC 3264 §6.1)' });
  });
});

describe('negotiate: every refusal reason', () => {
  it('no-audio: only video', () => {
    const r = refused(negotiate(OURS, parseSdp(answer('m=video 5000 RTP/AVP 31')), 'offerer'));
    expect(r).toMatchObject({ reason: 'no-audio', line: 6, text: 'the answer has no m=audio stream (it lists video)' });
    expect(r.offered).toEqual(['we offered audio: PCMU/8000, PCMA/8000, telephone-event/8000', 'the answer lists media: video']);
  });

  it('no-audio: no m= line at all', () => {
    const r = refused(negotiate(OURS, parseSdp(answer()), 'offerer'));
    expect(r.reason).toBe('no-audio');
    expect(r.line).toBeUndefined();
  });

  it('port-zero: the peer rejected the stream (media-rejected)', () => {
    const r = refused(negotiate(OURS, parseSdp(answer('m=audio 0 RTP/AVP 0')), 'offerer'));
    expect(r).toEqual({ ok: false, reason: 'port-zero', line: 6, mediaIndex: 0, text: 'm=audio 0 RTP/AVP 0: port 0: the peer rejected the audio stream (RFC 3264 §6)' });
  });

  it('no-common-codec: G729 only, both sides listed by name', () => {
    const r = refused(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 18', 'a=rtpmap:18 G729/8000')), 'offerer'));
    expect(r.reason).toBe('no-common-codec');
    expect(r.line).toBe(6);
    expect(r.codecs).toEqual({ ours: ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000'], theirs: ['G729/8000'] });
    expect(r.offered).toEqual(['we offered PCMU/8000, PCMA/8000, telephone-event/8000', 'the answer lists G729/8000']);
    expect(r.text).toBe('m=audio 5000 RTP/AVP 18: the answer lists G729/8000; we offered PCMU/8000, PCMA/8000, telephone-event/8000 (RFC 3264 §6.1)');
  });

  it('no-common-codec: the answer picks a codec we never offered', () => {
    const onlyPcmu = localMediaOf({ codecs: ['PCMU'] });
    const r = refused(negotiate(onlyPcmu, parseSdp(answer('m=audio 5000 RTP/AVP 8 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000')), 'offerer'));
    expect(r.reason).toBe('no-common-codec');
    expect(r.codecs?.theirs).toEqual(['PCMA/8000', 'telephone-event/8000']);
  });

  it('no-common-codec: only telephone-event, or PCMU at the wrong clock, or a dynamic PT without rtpmap', () => {
    expect(refused(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 101', 'a=rtpmap:101 telephone-event/8000')), 'offerer')).reason).toBe('no-common-codec');
    expect(refused(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 96', 'a=rtpmap:96 PCMU/16000')), 'offerer')).reason).toBe('no-common-codec');
    const r = refused(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 97')), 'offerer'));
    expect(r.codecs?.theirs).toEqual(['PT 97']);
  });

  it.each([
    ['RTP/SAVP', ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR']],
    ['RTP/SAVPF', []],
    ['UDP/TLS/RTP/SAVPF', []],
  ])('srtp-only: %s', (proto, extra) => {
    const r = refused(negotiate(OURS, parseSdp(answer(`m=audio 5000 ${proto} 0`, ...extra)), 'offerer'));
    expect(r).toMatchObject({ reason: 'srtp-only', line: 6, text: `m=audio 5000 ${proto} 0: ${proto} requires SRTP (RFC 3711), which sipcall does not do` });
  });

  it('unusable-sdp: no c= anywhere — the line is the m= line', () => {
    const r = refused(negotiate(OURS, parseSdp(crlf('v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 't=0 0', 'm=audio 5000 RTP/AVP 0')), 'offerer'));
    expect(r).toMatchObject({ reason: 'unusable-sdp', line: 5 });
    expect(r.text).toContain('no c= line');
  });

  it('unusable-sdp: an unreadable m= line, a non-RTP transport', () => {
    expect(refused(negotiate(OURS, parseSdp(answer('m=audio five RTP/AVP 0')), 'offerer'))).toMatchObject({ reason: 'unusable-sdp', line: 6 });
    expect(refused(negotiate(OURS, parseSdp(answer('m=audio 5000 udptl t38')), 'offerer'))).toMatchObject({ reason: 'unusable-sdp', text: 'm=audio 5000 udptl t38: transport udptl is not RTP/AVP (RFC 3551)' });
  });

  it('the first audio stream that works is used; the skipped one is noted', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/SAVP 0', 'm=audio 5002 RTP/AVP 0')), 'answerer'));
    expect(a.mediaIndex).toBe(1);
    expect(a.remote.port).toBe(5002);
    expect(a.notes[0]).toMatchObject({ code: 'stream-skipped', line: 6 });
  });

  it('when no audio stream works, the first failure is reported', () => {
    const r = refused(negotiate(OURS, parseSdp(answer('m=audio 0 RTP/AVP 0', 'm=audio 5002 RTP/AVP 18')), 'offerer'));
    expect(r).toMatchObject({ reason: 'port-zero', mediaIndex: 0 });
  });
});

describe('negotiate: hold forms and directions (RFC 3264 §6.1, §8.4)', () => {
  const m = 'm=audio 5000 RTP/AVP 0 101';
  const te = 'a=rtpmap:101 telephone-event/8000';

  it.each([
    ['sendrecv', 'sendrecv', 'none'],
    ['sendonly', 'recvonly', 'sendonly'],
    ['recvonly', 'sendonly', 'none'],
    ['inactive', 'inactive', 'inactive'],
  ] as const)('answer a=%s → we %s, hold %s', (dir, ours, hold) => {
    const a = agreed(negotiate(OURS, parseSdp(answer(m, te, `a=${dir}`)), 'offerer'));
    expect([a.direction, a.hold]).toEqual([ours, hold]);
    expect(a.directionLine).toBe(`line 8: a=${dir}`);
    expect(a.notes).toEqual([]);
  });

  it('c=IN IP4 0.0.0.0 is RFC 2543 hold: not a fault, we do not send', () => {
    const a = agreed(negotiate(OURS, parseSdp(crlf('v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', m, te)), 'offerer'));
    expect(a).toMatchObject({ direction: 'recvonly', hold: 'c=0.0.0.0', remote: { address: '0.0.0.0', connectionLine: 'line 4: c=IN IP4 0.0.0.0' } });
    expect(a.notes).toEqual([{ code: 'hold-address', line: 4, text: 'answer line 4: c=IN IP4 0.0.0.0: RFC 2543 hold; we send neither RTP nor RTCP (RFC 3264 §8.4)' }]);
  });

  it('c=IN IP6 :: is treated the same way (and a=sendonly still lets us receive)', () => {
    const a = agreed(negotiate(OURS, parseSdp(crlf('v=0', 'o=- 1 1 IN IP6 ::1', 's=-', 'c=IN IP6 ::', 't=0 0', m, te, 'a=sendonly')), 'offerer'));
    expect([a.direction, a.hold, a.remote.family]).toEqual(['recvonly', 'c=0.0.0.0', 6]);
  });

  it('a session-level direction applies to the stream', () => {
    const a = agreed(negotiate(OURS, parseSdp(crlf(...HEAD, 'a=sendonly', m, te)), 'offerer'));
    expect([a.direction, a.hold, a.directionLine]).toEqual(['recvonly', 'sendonly', 'line 6: a=sendonly']);
  });

  it('our own hold: we offered sendonly, the answer recvonly → we send only', () => {
    const a = agreed(negotiate(localMediaOf({ direction: 'sendonly' }), parseSdp(answer(m, te, 'a=recvonly')), 'offerer'));
    expect([a.direction, a.hold, noteCodes(a)]).toEqual(['sendonly', 'none', []]);
  });

  it('an answer RFC 3264 §6.1 does not allow is noted, and narrowed to what we offered', () => {
    const a = agreed(negotiate(localMediaOf({ direction: 'sendonly' }), parseSdp(answer(m, te, 'a=sendrecv')), 'offerer'));
    expect(a.direction).toBe('sendonly');
    expect(a.notes).toEqual([{ code: 'direction-not-allowed', line: 8, text: 'answer line 8: a=sendrecv: RFC 3264 §6.1 allows only recvonly or inactive in answer to our sendonly' }]);
  });

  it('allowedAnswers is the §6.1 table', () => {
    expect(allowedAnswers('sendrecv')).toEqual(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
    expect(allowedAnswers('sendonly')).toEqual(['recvonly', 'inactive']);
    expect(allowedAnswers('recvonly')).toEqual(['sendonly', 'inactive']);
    expect(allowedAnswers('inactive')).toEqual(['inactive']);
  });
});

describe('negotiate: RTCP port, ptime, telephone-event, payload types', () => {
  it('a=rtcp-mux → RTCP on the RTP port (RFC 5761); a=rtcp with an address (RFC 3605)', () => {
    expect(agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 0', 'a=rtcp-mux')), 'offerer')).remote.rtcpPort).toBe(5000);
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 0', 'a=rtcp:6011 IN IP4 192.0.2.11')), 'offerer'));
    expect([a.remote.rtcpPort, a.remote.rtcpAddress]).toEqual([6011, '192.0.2.11']);
  });

  it('ptime other than 20 is noted and used', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 8 101', 'a=rtpmap:101 telephone-event/8000', 'a=ptime:30')), 'offerer'));
    expect(a.ptime).toBe(30);
    expect(a.notes).toEqual([{ code: 'ptime', line: 8, text: 'answer line 8: a=ptime:30: the peer asks for 30 ms packets, not 20 (RFC 4566 §6)' }]);
  });

  it('telephone-event at another clock than the audio is not used', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/48000')), 'offerer'));
    expect(a.dtmfPayloadType).toBeUndefined();
    expect(a.notes.map((n) => [n.code, n.line])).toEqual([['telephone-event-clock', 7]]);
  });

  it('no telephone-event note when we did not offer it', () => {
    const a = agreed(negotiate(localMediaOf({ dtmfPayloadType: null }), parseSdp(SIPP_UAS_ANSWER), 'offerer'));
    expect(a.notes).toEqual([]);
  });

  it('a PT the answer renumbered (PCMU as 96) is used with its number, and noted', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 96 100', 'a=rtpmap:96 PCMU/8000', 'a=rtpmap:100 telephone-event/8000')), 'offerer'));
    expect(a.codec).toEqual({ payloadType: 96, name: 'PCMU', clockRate: 8000 });
    expect(a.dtmfPayloadType).toBe(100);
    expect(a.notes.map((n) => [n.code, n.line])).toEqual([
      ['payload-type-not-offered', 7],
      ['payload-type-not-offered', 8],
    ]);
  });

  it('a=crypto on RTP/AVP is ignored, with a note', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:X')), 'offerer'));
    expect(noteCodes(a)).toEqual(['crypto-ignored']);
  });

  it('IPv6 answers', () => {
    const a = agreed(negotiate(OURS, parseSdp(crlf('v=0', 'o=- 1 1 IN IP6 2001:db8::1', 's=-', 'c=IN IP6 2001:db8::1', 't=0 0', 'm=audio 5000 RTP/AVP 0')), 'offerer'));
    expect([a.remote.family, a.remote.address]).toEqual([6, '2001:db8::1']);
  });
});

describe('negotiate as answerer', () => {
  it('RFC 3264 §10.1 offer: the first offered codec we support, with the offer PT', () => {
    const a = agreed(negotiate(OURS, parseSdp(RFC3264_10_1_OFFER), 'answerer'));
    expect(a.codec).toEqual({ payloadType: 0, name: 'PCMU', clockRate: 8000 });
    expect(noteCodes(a)).toEqual(['no-telephone-event', 'connection-fqdn']);
  });

  it('offer order wins: G722, PCMA, PCMU → PCMA; no multiple-codecs or not-offered notes', () => {
    const a = agreed(
      negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 9 8 0 96', 'a=rtpmap:9 G722/8000', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-15')), 'answerer'),
    );
    expect(a.codec.name).toBe('PCMA');
    expect(a.dtmfPayloadType).toBe(96);
    expect(a.notes).toEqual([]);
  });

  it('offer sendonly (the peer holds us) → we receive only', () => {
    const a = agreed(negotiate(OURS, parseSdp(answer('m=audio 5000 RTP/AVP 0', 'a=sendonly')), 'answerer'));
    expect([a.direction, a.hold]).toEqual(['recvonly', 'sendonly']);
  });

  it('port 0 in an offer: the stream MUST NOT be used', () => {
    expect(refused(negotiate(OURS, parseSdp(answer('m=audio 0 RTP/AVP 0')), 'answerer')).text).toBe(
      'm=audio 0 RTP/AVP 0: port 0: the stream is offered but "MUST NOT be used" (RFC 3264 §5.1)',
    );
  });
});
