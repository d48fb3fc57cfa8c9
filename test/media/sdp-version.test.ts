import { describe, expect, it } from 'vitest';
import { SdpVersion } from '../../src/media/sdp-version.js';

const sdp = (v: string, dir = 'sendrecv') => `v=0\r\no=- 1000 ${v} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=${dir}\r\n`;

describe('SdpVersion (RFC 3264 §8)', () => {
  it('the first SDP carries the session id as its version', () => {
    expect(new SdpVersion('1000').nextBody((v) => sdp(v))).toContain('o=- 1000 1000 IN');
  });

  it('an SDP identical to the last one sent keeps its version (a session refresh, a repeated offer)', () => {
    const s = new SdpVersion('1000');
    s.nextBody((v) => sdp(v));
    expect(s.nextBody((v) => sdp(v))).toContain('o=- 1000 1000 IN');
    expect(s.nextBody((v) => sdp(v))).toContain('o=- 1000 1000 IN');
  });

  it('an SDP that differs goes one version up, and each later change one more', () => {
    const s = new SdpVersion('1000');
    s.nextBody((v) => sdp(v));
    expect(s.nextBody((v) => sdp(v, 'sendonly'))).toContain('o=- 1000 1001 IN');
    expect(s.nextBody((v) => sdp(v, 'sendonly'))).toContain('o=- 1000 1001 IN');
    expect(s.nextBody((v) => sdp(v))).toContain('o=- 1000 1002 IN');
  });

  it('a refusal (no sdp) changes nothing: the next SDP is compared with the last one sent', () => {
    const s = new SdpVersion('1000');
    s.nextBody((v) => sdp(v));
    expect(s.next(() => ({ ok: false as const, warning: '304 incompatible' }))).toEqual({ ok: false, warning: '304 incompatible' });
    expect(s.next((v) => ({ ok: true as const, sdp: sdp(v) })).sdp).toContain('o=- 1000 1000 IN');
  });

  it('versions past 2^53 stay exact (a session id from Date.now() plus many changes)', () => {
    const s = new SdpVersion('18446744073709551610');
    s.nextBody((v) => sdp(v));
    expect(s.nextBody((v) => sdp(v, 'inactive'))).toContain('o=- 1000 18446744073709551611 IN');
  });
});
