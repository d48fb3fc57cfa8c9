import { describe, expect, it } from 'vitest';
import { negotiate } from '../../src/media/negotiate.js';
import { parseSdp } from '../../src/media/sdp.js';
import { SdpBuildError, buildAnswer, buildOffer, localMediaOf, type AnswerResult, type SdpWriteOptions } from '../../src/media/sdp-offer.js';
import { R04_200_SDP, RFC3264_10_1_OFFER, RFC3264_10_2_OFFER, crlf } from './sdp-samples.js';

const US: SdpWriteOptions = { address: '192.0.2.10', port: 40000, sessionId: '1234' };

describe('buildOffer', () => {
  it('the default offer, line by line, in RFC 4566 §5 order with CRLF', () => {
    expect(buildOffer(US)).toBe(
      crlf(
        'v=0',
        'o=sipcall 1234 1234 IN IP4 192.0.2.10',
        's=sipcall',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 0 8 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=sendrecv',
      ),
    );
  });

  it('is byte-identical to the engine offer it replaced (src/engine/sdp-offer.ts, removed)', () => {
    // What the old engine function wrote, line for line.
    const old = (address: string, family: string): string =>
      ['v=0', `o=sipcall ${US.sessionId} ${US.sessionId} IN ${family} ${address}`, 's=sipcall', `c=IN ${family} ${address}`, 't=0 0', `m=audio ${US.port} RTP/AVP 0 8 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv'].join('\r\n') + '\r\n';
    expect(buildOffer(US)).toBe(old(US.address, US.address.includes(':') ? 'IP6' : 'IP4'));
    expect(buildOffer({ ...US, address: '2001:db8::10' })).toBe(old('2001:db8::10', 'IP6'));
  });

  it('IP6, one codec, no DTMF, hold, ptime, RTCP port, session version', () => {
    const sdp = buildOffer({ address: '2001:db8::10', port: 40002, sessionId: '7', sessionVersion: '8', codecs: ['PCMA'], dtmfPayloadType: null, ptime: 30, direction: 'sendonly', rtcpPort: 40011 });
    expect(sdp).toBe(
      crlf('v=0', 'o=sipcall 7 8 IN IP6 2001:db8::10', 's=sipcall', 'c=IN IP6 2001:db8::10', 't=0 0', 'm=audio 40002 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=ptime:30', 'a=sendonly', 'a=rtcp:40011'),
    );
  });

  it('parses back without problems, and localMediaOf describes it', () => {
    const opts: SdpWriteOptions = { ...US, codecs: ['PCMA', 'PCMU'], dtmfPayloadType: 120, direction: 'recvonly' };
    const s = parseSdp(buildOffer(opts));
    expect(s.problems).toEqual([]);
    expect(s.media[0].formats).toEqual(['8', '0', '120']);
    expect(localMediaOf(opts)).toEqual({
      codecs: [
        { name: 'PCMA', payloadType: 8 },
        { name: 'PCMU', payloadType: 0 },
      ],
      dtmfPayloadType: 120,
      direction: 'recvonly',
      ptime: 20,
    });
  });

  it.each([
    [{ address: 'pc.example.com' }, 'bad-address'],
    [{ address: '[::1]' }, 'bad-address'],
    [{ port: 0 }, 'bad-port'],
    [{ port: 65536 }, 'bad-port'],
    [{ port: 4000.5 }, 'bad-port'],
    [{ rtcpPort: 70000 }, 'bad-port'],
    [{ sessionId: 'abc' }, 'bad-session-id'],
    [{ sessionVersion: '-1' }, 'bad-session-id'],
    [{ codecs: [] }, 'bad-codecs'],
    [{ codecs: ['PCMU', 'PCMU'] }, 'bad-codecs'],
    [{ codecs: ['G729'] }, 'bad-codecs'],
    [{ dtmfPayloadType: 8 }, 'bad-payload-type'],
    [{ dtmfPayloadType: 128 }, 'bad-payload-type'],
    [{ ptime: 0 }, 'bad-ptime'],
    [{ direction: 'both' }, 'bad-direction'],
  ])('refuses %j with %s', (bad, code) => {
    const call = (): string => buildOffer({ ...US, ...(bad as Partial<SdpWriteOptions>) });
    expect(call).toThrow(SdpBuildError);
    try {
      call();
    } catch (e) {
      expect((e as SdpBuildError).code).toBe(code);
    }
  });
});

function answerOf(r: AnswerResult): string {
  if (!r.ok) throw new Error(`expected an answer, got ${r.warning}`);
  return r.sdp;
}

const offer = (...media: string[]): ReturnType<typeof parseSdp> =>
  parseSdp(crlf('v=0', 'o=peer 99 99 IN IP4 198.51.100.20', 's=-', 'c=IN IP4 198.51.100.20', 't=0 0', ...media));

describe('buildAnswer (RFC 3264 §6)', () => {
  it('RFC 3264 §10.1: audio PCMU accepted, video rejected with port 0, same m= count and order, same t=', () => {
    const sdp = answerOf(buildAnswer(parseSdp(RFC3264_10_1_OFFER), US));
    expect(sdp).toBe(
      crlf(
        'v=0',
        'o=sipcall 1234 1234 IN IP4 192.0.2.10',
        's=sipcall',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 0',
        'a=rtpmap:0 PCMU/8000',
        'a=ptime:20',
        'a=sendrecv',
        'm=video 0 RTP/AVP 31 32',
      ),
    );
    expect(parseSdp(sdp).problems).toEqual([]);
  });

  it('the t= line of the offer is copied', () => {
    const s = parseSdp(crlf('v=0', 'o=p 1 1 IN IP4 198.51.100.20', 's=-', 'c=IN IP4 198.51.100.20', 't=2873397496 2873404696', 'm=audio 5000 RTP/AVP 0'));
    expect(answerOf(buildAnswer(s, US))).toContain('\r\nt=2873397496 2873404696\r\n');
  });

  it('telephone-event is echoed with the offered PT and fmtp (corpus r04 as an offer)', () => {
    const r = buildAnswer(parseSdp(R04_200_SDP), { ...US, rtcpPort: 40011 });
    expect(answerOf(r)).toBe(
      crlf(
        'v=0',
        'o=sipcall 1234 1234 IN IP4 192.0.2.10',
        's=sipcall',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 8 101',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=sendrecv',
        'a=rtcp:40011',
      ),
    );
    expect(r.ok && r.agreement.codec).toEqual({ payloadType: 8, name: 'PCMA', clockRate: 8000 });
  });

  it('a dynamic telephone-event PT is echoed; one at 16000 Hz is not; dtmfPayloadType null never echoes', () => {
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-15'), US))).toContain('m=audio 40000 RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n');
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 0 97', 'a=rtpmap:97 telephone-event/16000'), US))).toContain('m=audio 40000 RTP/AVP 0\r\n');
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000'), { ...US, dtmfPayloadType: null }))).toContain('m=audio 40000 RTP/AVP 0\r\n');
  });

  it('the codec is the first offered one we support', () => {
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 18 9 8 0'), US))).toContain('m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n');
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 8 0'), { ...US, codecs: ['PCMU'] }))).toContain('m=audio 40000 RTP/AVP 0\r\n');
  });

  const dir = (text: string): string | undefined => /\r\na=(sendrecv|sendonly|recvonly|inactive)\r\n/.exec(text)?.[1];

  it.each([
    ['sendrecv', 'sendrecv', 'sendrecv'],
    ['sendonly', 'sendrecv', 'recvonly'],
    ['recvonly', 'sendrecv', 'sendonly'],
    ['inactive', 'sendrecv', 'inactive'],
    ['sendrecv', 'sendonly', 'sendonly'],
    ['sendrecv', 'inactive', 'inactive'],
    ['sendonly', 'sendonly', 'inactive'],
    ['recvonly', 'recvonly', 'inactive'],
  ] as const)('RFC 3264 §6.1: offer %s, we want %s → answer %s', (offered, ours, answered) => {
    expect(dir(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVP 0', `a=${offered}`), { ...US, direction: ours })))).toBe(answered);
  });

  it('RFC 3264 §10.2 (inactive offer) is answered inactive', () => {
    expect(dir(answerOf(buildAnswer(parseSdp(RFC3264_10_2_OFFER), US)))).toBe('inactive');
  });

  it('c=0.0.0.0 in the offer (RFC 2543 hold) is answered recvonly', () => {
    const s = parseSdp(crlf('v=0', 'o=p 1 2 IN IP4 198.51.100.20', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 5000 RTP/AVP 0'));
    const r = buildAnswer(s, US);
    expect(dir(answerOf(r))).toBe('recvonly');
    expect(r.ok && r.agreement.hold).toBe('c=0.0.0.0');
  });

  it('a second audio stream and non-audio streams are rejected with port 0, formats echoed', () => {
    const sdp = answerOf(buildAnswer(offer('m=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:X', 'm=audio 5002 RTP/AVP 8', 'm=audio 5004 RTP/AVP 0', 'm=image 5006 udptl t38'), US));
    const m = parseSdp(sdp).media.map((x) => x.raw);
    expect(m).toEqual(['m=audio 0 RTP/SAVP 0', 'm=audio 40000 RTP/AVP 8', 'm=audio 0 RTP/AVP 0', 'm=image 0 udptl t38']);
  });

  it('RTP/AVPF is answered in kind', () => {
    expect(answerOf(buildAnswer(offer('m=audio 5000 RTP/AVPF 0'), US))).toContain('m=audio 40000 RTP/AVPF 0\r\n');
  });

  it('the answer, read back by the offerer, agrees', () => {
    const ours = { address: '198.51.100.20', port: 5000, sessionId: '99' };
    const theOffer = parseSdp(buildOffer({ ...ours, codecs: ['PCMA', 'PCMU'] }));
    const r = buildAnswer(theOffer, { ...US, direction: 'sendonly' });
    const back = negotiate(localMediaOf({ codecs: ['PCMA', 'PCMU'] }), parseSdp(answerOf(r)), 'offerer');
    expect(back).toMatchObject({ ok: true, codec: { name: 'PCMA', payloadType: 8 }, dtmfPayloadType: 101, direction: 'recvonly', hold: 'sendonly', notes: [] });
  });
});

describe('buildAnswer: 488 with an RFC 3261 §20.43 warning when no audio is usable', () => {
  const reject = (r: AnswerResult): Extract<AnswerResult, { ok: false }> => {
    if (r.ok) throw new Error('expected a 488');
    return r;
  };

  it('305 Incompatible media format: no common codec, naming both lists', () => {
    const r = reject(buildAnswer(offer('m=audio 5000 RTP/AVP 18 3', 'a=rtpmap:18 G729/8000'), US));
    expect(r.status).toBe(488);
    expect(r.warning).toBe('305 sipcall "Incompatible media format: offered G729/8000, GSM/8000; we support PCMU/8000, PCMA/8000, telephone-event/8000"');
    expect(r.refusal.reason).toBe('no-common-codec');
  });

  it('304 Media type not available: no audio at all, or audio with port 0', () => {
    expect(reject(buildAnswer(offer('m=video 5000 RTP/AVP 31'), US)).warning).toBe('304 sipcall "Media type not available: the offer has no m=audio stream (it lists video)"');
    expect(reject(buildAnswer(offer('m=audio 0 RTP/AVP 0'), US)).warning).toMatch(/^304 sipcall "Media type not available: m=audio 0 RTP\/AVP 0: port 0/);
  });

  it('302 Incompatible transport protocol: SRTP only', () => {
    const r = reject(buildAnswer(offer('m=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:X'), US));
    expect(r.warning).toBe('302 sipcall "Incompatible transport protocol: m=audio 5000 RTP/SAVP 0: RTP/SAVP requires SRTP (RFC 3711), which sipcall does not do"');
  });

  it('301 Incompatible network address formats: an IPv6 offer to our IPv4 address', () => {
    const s = parseSdp(crlf('v=0', 'o=p 1 1 IN IP6 2001:db8::20', 's=-', 'c=IN IP6 2001:db8::20', 't=0 0', 'm=audio 5000 RTP/AVP 0'));
    const r = reject(buildAnswer(s, US));
    expect(r.warning).toMatch(/^301 sipcall "Incompatible network address formats: offer line 4: c=IN IP6 2001:db8::20: an IPv6 address/);
    expect(r.refusal).toMatchObject({ reason: 'address-family', line: 4 });
  });

  it('399 for an unusable offer (no c=); quotes and backslashes in the text are escaped', () => {
    const r = reject(buildAnswer(parseSdp(crlf('v=0', 'o=p 1 1 IN IP4 198.51.100.20', 's=-', 't=0 0', 'm=audio 5000 "RTP\\AVP" 0')), US));
    expect(r.warning).toBe('399 sipcall "Miscellaneous warning: m=audio 5000 \\"RTP\\\\AVP\\" 0: transport \\"RTP\\\\AVP\\" is not RTP/AVP (RFC 3551)"');
    const r2 = reject(buildAnswer(parseSdp(crlf('v=0', 'o=p 1 1 IN IP4 198.51.100.20', 's=-', 't=0 0', 'm=audio 5000 RTP/AVP 0')), US));
    expect(r2.warning).toMatch(/^399 sipcall "Miscellaneous warning: m=audio 5000 RTP\/AVP 0: no c= line/);
  });
});
