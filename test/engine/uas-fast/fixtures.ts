// Requests and a LoadUas on a manual clock for the tests of src/engine/uas-fast/.
import { LoadUas } from '../../../src/engine/uas-fast/load-uas.js';
import type { LoadUasOptions } from '../../../src/engine/uas-fast/options.js';
import { ManualClock } from '../../support/manual-clock.js';

export const SDP = 'v=0\r\no=u 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

export function req(method: string, o: { branch: string; toTag?: string; cseq?: number; body?: string; extra?: string[]; fromTag?: string; callId?: string; contentType?: string; via?: string }): Buffer {
  const body = o.body ?? '';
  return Buffer.from(
    [
      `${method} sip:answer@127.0.0.1:5060 SIP/2.0`,
      `Via: SIP/2.0/UDP ${o.via ?? '127.0.0.1:5070'};branch=${o.branch};rport`,
      'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy',
      `From: sipp <sip:sipp@127.0.0.1:5070>;tag=${o.fromTag ?? 'caller1'}`,
      `To: <sip:answer@127.0.0.1:5060>${o.toTag ? `;tag=${o.toTag}` : ''}`,
      `Call-ID: ${o.callId ?? 'call-1@127.0.0.1'}`,
      `CSeq: ${o.cseq ?? 1} ${method === 'ACK' && o.cseq === undefined ? 'ACK' : method}`,
      'Contact: <sip:sipp@127.0.0.1:5070>',
      'Max-Forwards: 70',
      ...(o.extra ?? []),
      ...(body ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );
}

export function setup(over: Partial<LoadUasOptions> = {}) {
  const clock = new ManualClock();
  const uas = new LoadUas({ clock, t1: 500, t2: 4000, ringMs: 0, respond: 200, reason: 'OK', server: 'sipcall-test', contact: '<sip:answer@127.0.0.1:5060>', mediaAddress: '127.0.0.1', allow: 'INVITE, ACK, CANCEL, BYE', ...over });
  const sent: Array<{ t: number; text: string }> = [];
  const reply = (b: Uint8Array): void => void sent.push({ t: clock.now(), text: Buffer.from(b).toString('latin1') });
  return { clock, uas, sent, reply };
}

export const status = (text: string): string => text.slice(8, 11);
/** The body of a message. */
export const bodyOf = (text: string): string => text.slice(text.indexOf('\r\n\r\n') + 4);
export const toTagOf = (text: string): string => /^To: .*;tag=([^\s;]+)/m.exec(text)![1]!;

