/**
 * Seed messages the mutating fuzzers start from: a few hand-written requests (INVITE with SDP,
 * OPTIONS, REGISTER with a challenge answer), the responses in test/fixtures/responses, and,
 * when the shared corpus sits next to the repository, the RFC 4475 / RFC 5118 messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, CORPUS_PRESENT, RESPONSES_DIR } from '../sip/corpus.js';

const SDP = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.1',
  's=-',
  'c=IN IP4 192.0.2.1',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

/** A valid SDP offer (RFC 4566), the seed of the SDP fuzzer. */
export const SDP_SEED = SDP;

function request(start: string, headers: string[], body = ''): Buffer {
  return Buffer.from(`${start}\r\n${[...headers, `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n')}\r\n\r\n${body}`);
}

const BASE = [
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
];

export const HAND_SEEDS: readonly Buffer[] = [
  request('INVITE sip:bob@example.com SIP/2.0', [...BASE, 'CSeq: 314159 INVITE', 'Contact: <sip:alice@192.0.2.1>', 'Content-Type: application/sdp', 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS'], SDP),
  request('OPTIONS sip:bob@example.com SIP/2.0', [...BASE, 'CSeq: 1 OPTIONS', 'Accept: application/sdp', 'Supported: timer, 100rel']),
  request('REGISTER sip:example.com SIP/2.0', [
    ...BASE,
    'CSeq: 2 REGISTER',
    'Contact: <sip:alice@192.0.2.1;transport=tcp>;expires=3600;q=0.7, "A" <sip:a@[2001:db8::1]:5070>',
    'Authorization: Digest username="alice", realm="example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:example.com", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"',
  ]),
  Buffer.from(
    'SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=192.0.2.9;rport=5062\r\nTo: <sip:bob@example.com>;tag=a6c85cf\r\nFrom: <sip:alice@example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\nCSeq: 2 REGISTER\r\nWWW-Authenticate: Digest realm="example.com", qop="auth,auth-int", nonce="dcd98b", opaque="5ccc", algorithm=SHA-256, stale=FALSE\r\nRetry-After: 120 (busy);duration=60\r\nWarning: 399 host.example.com "odd"\r\nServer: x/1.0 (comment (nested))\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT\r\nContent-Length: 0\r\n\r\n',
  ),
];

function datFiles(dir: string): Buffer[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.dat'))
      .sort()
      .map((f) => readFileSync(path.join(dir, f)));
  } catch {
    return [];
  }
}

/** Every seed message: hand-written, fixtures, and the shared corpus when present. */
export const SEEDS: readonly Buffer[] = [
  ...HAND_SEEDS,
  ...datFiles(RESPONSES_DIR),
  ...(CORPUS_PRESENT ? [...datFiles(path.join(CORPUS_DIR, 'rfc4475')), ...datFiles(path.join(CORPUS_DIR, 'rfc5118'))] : []),
];
