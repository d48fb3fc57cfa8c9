import { readFileSync } from 'node:fs';

/**
 * SDP bodies the media tests share: RFC examples, the bodies of two corpus responses, and the
 * answers of the lab peers. `crlf` joins lines as RFC 4566 §5 wants.
 */
export const crlf = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

/** The body of a SIP message fixture: everything after the first empty line. */
export function fixtureBody(name: string): string {
  const text = readFileSync(new URL(`../fixtures/responses/${name}`, import.meta.url), 'latin1');
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

/** RFC 4566 §5, the example session description. */
export const RFC4566_EXAMPLE = crlf(
  'v=0',
  'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
  's=SDP Seminar',
  'i=A Seminar on the session description protocol',
  'u=http://www.example.com/seminars/sdp.pdf',
  'e=j.doe@example.com (Jane Doe)',
  'c=IN IP4 224.2.17.12/127',
  't=2873397496 2873404696',
  'a=recvonly',
  'm=audio 49170 RTP/AVP 0',
  'm=video 51372 RTP/AVP 99',
  'a=rtpmap:99 h263-1998/90000',
);

/** RFC 3264 §10.1: Alice's offer (audio PCMU/PCMA/iLBC and video H261/MPV). */
export const RFC3264_10_1_OFFER = crlf(
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
  's=',
  'c=IN IP4 host.atlanta.example.com',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 97',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:97 iLBC/8000',
  'm=video 51372 RTP/AVP 31 32',
  'a=rtpmap:31 H261/90000',
  'a=rtpmap:32 MPV/90000',
);

/** RFC 3264 §10.1: Bob's answer (PCMU; MPV video). */
export const RFC3264_10_1_ANSWER = crlf(
  'v=0',
  'o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com',
  's=',
  'c=IN IP4 host.biloxi.example.com',
  't=0 0',
  'm=audio 49174 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'm=video 49170 RTP/AVP 32',
  'a=rtpmap:32 MPV/90000',
);

/** RFC 3264 §10.2: one-of-N codec selection, the first offer (PCMU, G723, G729), inactive until a codec is chosen. */
export const RFC3264_10_2_OFFER = crlf(
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
  's=',
  'c=IN IP4 host.atlanta.example.com',
  't=0 0',
  'm=audio 62986 RTP/AVP 0 4 18',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:4 G723/8000',
  'a=rtpmap:18 G729/8000',
  'a=inactive',
);

/** RFC 3264 §10.2: the answer listing all three (still inactive). */
export const RFC3264_10_2_ANSWER = crlf(
  'v=0',
  'o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com',
  's=',
  'c=IN IP4 host.biloxi.example.com',
  't=0 0',
  'm=audio 54520 RTP/AVP 0 4 18',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:4 G723/8000',
  'a=rtpmap:18 G729/8000',
  'a=inactive',
);

/** What `sipp -sn uas` (3.6.1) answers: `m=audio [media_port] RTP/AVP 0`, PCMU only. */
export const SIPP_UAS_ANSWER = crlf(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
);

/** A baresip 1.0.0-style answer: every offered codec it has, telephone-event, RTCP extras. */
export const BARESIP_ANSWER = crlf(
  'v=0',
  'o=- 3891423412 3891423413 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 10062 RTP/AVP 0 8 101',
  'b=AS:64',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=label:1',
  'a=ssrc:2964367217 cname:sip:bob@127.0.0.1',
  'a=rtcp-rsize',
  'a=ptime:20',
);

/** The SDP of corpus response r03 (183 Session Progress, early media). */
export const R03_183_SDP = fixtureBody('r03-183-session-progress-sdp.dat');
/** The SDP of corpus response r04 (200 OK to INVITE: PCMA first, a=rtcp). */
export const R04_200_SDP = fixtureBody('r04-200-invite-sdp.dat');
