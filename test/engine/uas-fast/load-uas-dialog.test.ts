// `answer --load` in a dialog of its own (RFC 3261 §12.2.2, §14.2, RFC 3264 §8, RFC 3311) and
// merged requests (§8.2.2.2), on a manual clock.
import { describe, expect, it } from 'vitest';
import { bodyOf, req, SDP, setup, status, toTagOf } from './fixtures.js';

const SENDONLY = SDP + 'a=sendonly\r\n';
const NO_CODEC = 'v=0\r\no=u 1 3 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 98\r\na=rtpmap:98 FOO/8000\r\n';
const origin = (text: string): string[] => /^o=(\S+) (\S+) (\d+) /m.exec(bodyOf(text))!.slice(1);

/** A call answered and ACKed: its To tag, and the 2xx's SDP. */
function answered(over: Parameters<typeof setup>[0] = {}) {
  const t = setup(over);
  t.uas.receive(req('INVITE', { branch: 'z9hG4bKinv', body: SDP }), t.reply);
  const tag = toTagOf(t.sent[1]!.text);
  expect(t.uas.receive(req('ACK', { branch: 'z9hG4bKack1', toTag: tag }), t.reply)).toBe(true);
  return { ...t, tag, ok: t.sent[1]!.text };
}

describe('answer --load: re-INVITE in its dialog (RFC 3261 §14.2)', () => {
  it('the same offer: 200 with the same SDP, same o= version (RFC 3264 §8); re-sent until its ACK; copies absorbed', () => {
    const { clock, uas, sent, reply, tag, ok } = answered();
    const before = sent.length;
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKre1', toTag: tag, cseq: 2, body: SDP }), reply)).toBe(true);
    const re = sent[before]!.text;
    expect(status(re)).toBe('200');
    expect(re).toContain('CSeq: 2 INVITE\r\n');
    expect(re).toContain(`;tag=${tag}\r\n`);
    expect(re).toContain('Contact: <sip:answer@127.0.0.1:5060>\r\n');
    expect(bodyOf(re)).toBe(bodyOf(ok));
    // §13.3.1.4: the 2xx again at T1 and 3·T1 without the ACK; a copy of the re-INVITE is absorbed.
    clock.advanceTo(1600);
    expect(sent.slice(before).map((s) => s.t)).toEqual([0, 500, 1500]);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKre1', toTag: tag, cseq: 2, body: SDP }), reply)).toBe(true);
    expect(sent).toHaveLength(before + 3);
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKack2', toTag: tag, cseq: 2 }), reply)).toBe(true);
    clock.advanceTo(20_000);
    expect(sent).toHaveLength(before + 3);
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKbye', toTag: tag, cseq: 3 }), reply)).toBe(true);
    expect(status(sent.at(-1)!.text)).toBe('200');
    expect(uas.counters).toMatchObject({ invites: 1, answered: 1, reinvites: 1, acks: 2, byes: 1, noAck: 0, fullPath: 0 });
    clock.advanceTo(200_000);
    expect(uas.live).toBe(0);
    expect(uas.armed).toBe(0);
  });

  it('a changed offer: the answer with the version one up, same sess-id; then unchanged again: that version kept; no offer: our current SDP as the offer', () => {
    const { uas, sent, reply, tag, ok } = answered();
    const [user, id, v0] = origin(ok);
    uas.receive(req('INVITE', { branch: 'z9hG4bKre2', toTag: tag, cseq: 2, body: SENDONLY }), reply);
    const held = sent.at(-1)!.text;
    expect(status(held)).toBe('200');
    expect(bodyOf(held)).toContain('a=recvonly');
    expect(origin(held)).toEqual([user, id, (BigInt(v0!) + 1n).toString()]);
    uas.receive(req('ACK', { branch: 'z9hG4bKa2', toTag: tag, cseq: 2 }), reply);
    uas.receive(req('INVITE', { branch: 'z9hG4bKre3', toTag: tag, cseq: 3, body: SENDONLY }), reply);
    expect(bodyOf(sent.at(-1)!.text)).toBe(bodyOf(held));
    uas.receive(req('ACK', { branch: 'z9hG4bKa3', toTag: tag, cseq: 3 }), reply);
    uas.receive(req('INVITE', { branch: 'z9hG4bKre4', toTag: tag, cseq: 4 }), reply);
    const offer = sent.at(-1)!.text;
    expect(offer).toContain('Content-Type: application/sdp\r\n');
    expect(bodyOf(offer)).toBe(bodyOf(held));
    uas.receive(req('ACK', { branch: 'z9hG4bKa4', toTag: tag, cseq: 4, body: SDP }), reply);
    // Back to the first offer: changed again, so one more up.
    uas.receive(req('INVITE', { branch: 'z9hG4bKre5', toTag: tag, cseq: 5, body: SDP }), reply);
    expect(origin(sent.at(-1)!.text)).toEqual([user, id, (BigInt(v0!) + 2n).toString()]);
    expect(bodyOf(sent.at(-1)!.text)).toContain('a=sendrecv');
  });

  it('an offer it cannot take: 488 with Warning, re-sent by Timer G until the ACK on its branch; the session goes on unchanged', () => {
    const { clock, uas, sent, reply, tag, ok } = answered();
    const before = sent.length;
    uas.receive(req('INVITE', { branch: 'z9hG4bKbad', toTag: tag, cseq: 2, body: NO_CODEC }), reply);
    expect(status(sent[before]!.text)).toBe('488');
    expect(sent[before]!.text).toMatch(/^Warning: 305 /m);
    clock.advanceTo(600);
    expect(sent).toHaveLength(before + 2);
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKbad', toTag: tag, cseq: 2 }), reply)).toBe(true);
    clock.advanceTo(10_000);
    expect(sent).toHaveLength(before + 2);
    expect(uas.counters.rejected).toBe(1);
    uas.receive(req('INVITE', { branch: 'z9hG4bKgood', toTag: tag, cseq: 3, body: SDP }), reply);
    expect(bodyOf(sent.at(-1)!.text)).toBe(bodyOf(ok));
  });

  it('while the first INVITE still rings: 500 with Retry-After 0–10 s (§14.2)', () => {
    const { clock, uas, sent, reply } = setup({ ringMs: 2000 });
    uas.receive(req('INVITE', { branch: 'z9hG4bKring', body: SDP }), reply);
    const tag = toTagOf(sent[0]!.text);
    clock.advanceTo(100);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKre', toTag: tag, cseq: 2, body: SDP }), reply)).toBe(true);
    const res = sent.at(-1)!.text;
    expect(status(res)).toBe('500');
    expect(Number(/^Retry-After: (\d+)\r$/m.exec(res)![1])).toBeLessThanOrEqual(10);
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKre', toTag: tag, cseq: 2 }), reply)).toBe(true);
    clock.advanceTo(2000);
    expect(status(sent.at(-1)!.text)).toBe('200'); // the ringing call is answered all the same
    expect(sent.at(-1)!.text).toContain('CSeq: 1 INVITE');
  });

  it('a 2xx to a re-INVITE never ACKed: re-sent for 64·T1, then the session ends and the call is forgotten', () => {
    const { clock, uas, sent, reply, tag } = answered();
    clock.advanceTo(40_000); // the first INVITE's Timer L is over
    const before = sent.length;
    uas.receive(req('INVITE', { branch: 'z9hG4bKlost', toTag: tag, cseq: 2, body: SDP }), reply);
    clock.advanceTo(40_000 + 40_000);
    expect(sent.slice(before).map((s) => s.t - 40_000)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(uas.counters.noAck).toBe(1);
    expect(uas.live).toBe(0);
    expect(uas.armed).toBe(0);
    expect(uas.receive(req('INFO', { branch: 'z9hG4bKinfo', toTag: tag, cseq: 3 }), reply)).toBe(false);
  });
});

describe('answer --load: other requests in its dialog (RFC 3261 §12.2.2)', () => {
  it('OPTIONS, INFO, MESSAGE, NOTIFY, UPDATE → 200; another method → 501 with Allow; a lower CSeq → 500', () => {
    const { uas, sent, reply, tag, ok } = answered();
    const answer = (method: string, cseq: number, o: { body?: string; contentType?: string } = {}): string => {
      expect(uas.receive(req(method, { branch: `z9hG4bK${method}${cseq}`, toTag: tag, cseq, ...o }), reply), method).toBe(true);
      return sent.at(-1)!.text;
    };
    const opt = answer('OPTIONS', 2);
    expect(status(opt)).toBe('200');
    expect(opt).toContain('Allow: INVITE, ACK, CANCEL, BYE\r\n');
    expect(opt).toContain('Accept: application/sdp\r\n');
    expect(status(answer('INFO', 3, { body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' }))).toBe('200');
    expect(status(answer('MESSAGE', 4, { body: 'hi', contentType: 'text/plain' }))).toBe('200');
    expect(status(answer('NOTIFY', 5))).toBe('200');
    const refresh = answer('UPDATE', 6);
    expect(status(refresh)).toBe('200');
    expect(refresh).toContain('Contact: <sip:answer@127.0.0.1:5060>\r\n');
    expect(refresh).toContain('Content-Length: 0\r\n');
    // RFC 3311 §5.2: an offer in UPDATE is answered in its 2xx, by the §8 version rules.
    const upd = answer('UPDATE', 7, { body: SDP });
    expect(bodyOf(upd)).toBe(bodyOf(ok));
    const refer = answer('REFER', 8);
    expect(status(refer)).toBe('501');
    expect(refer).toContain('Allow: INVITE, ACK, CANCEL, BYE\r\n');
    expect(status(answer('INFO', 4))).toBe('500'); // out of order
    expect(status(answer('INFO', 9))).toBe('200');
    expect(uas.counters).toMatchObject({ inDialog: 9, reinvites: 0, fullPath: 0 });
  });

  it('no dialog of ours (an unknown tag, another Call-ID or From tag, after the BYE): the full path, which answers 481', () => {
    const { uas, reply, tag } = answered();
    expect(uas.receive(req('INFO', { branch: 'z9hG4bKi1', toTag: 'deadbeefx0', cseq: 2 }), reply)).toBe(false);
    expect(uas.receive(req('INFO', { branch: 'z9hG4bKi2', toTag: tag, cseq: 2, callId: 'other@h' }), reply)).toBe(false);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKi3', toTag: tag, cseq: 2, fromTag: 'other', body: SDP }), reply)).toBe(false);
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKb', toTag: tag, cseq: 2 }), reply)).toBe(true);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKi4', toTag: tag, cseq: 3, body: SDP }), reply)).toBe(false);
    expect(uas.receive(req('OPTIONS', { branch: 'z9hG4bKi5', cseq: 3 }), reply)).toBe(false); // no To tag: outside any dialog
    expect(uas.counters.fullPath).toBe(5);
  });
});

describe('answer --load: merged requests (RFC 3261 §8.2.2.2)', () => {
  it('the same From tag, Call-ID and CSeq on another branch while the INVITE transaction lives: 482, in a transaction of its own', () => {
    const { clock, uas, sent, reply } = setup({ ringMs: 1000 });
    uas.receive(req('INVITE', { branch: 'z9hG4bKpath1', body: SDP }), reply);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKpath2', via: '10.0.0.9:5060', body: SDP }), reply)).toBe(true);
    const loop = sent.at(-1)!.text;
    expect(status(loop)).toBe('482');
    expect(loop).toContain('SIP/2.0 482 Loop Detected\r\n');
    expect(loop).toContain('branch=z9hG4bKpath2');
    expect(toTagOf(loop)).not.toBe(toTagOf(sent[0]!.text));
    // A copy of the merged INVITE: the 482 again (§17.2.1); its ACK ends Timer G.
    uas.receive(req('INVITE', { branch: 'z9hG4bKpath2', via: '10.0.0.9:5060', body: SDP }), reply);
    expect(status(sent.at(-1)!.text)).toBe('482');
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKpath2', via: '10.0.0.9:5060', toTag: toTagOf(loop) }), reply)).toBe(true);
    clock.advanceTo(1000);
    expect(sent.filter((s) => status(s.text) === '200')).toHaveLength(1); // the first path's call goes on
    // Another CSeq, or another From tag: not merged.
    uas.receive(req('INVITE', { branch: 'z9hG4bKpath3', cseq: 2, body: SDP }), reply);
    uas.receive(req('INVITE', { branch: 'z9hG4bKpath4', fromTag: 'caller2', body: SDP }), reply);
    expect(sent.filter((s) => status(s.text) === '482')).toHaveLength(2);
    expect(uas.counters).toMatchObject({ invites: 3, merged: 1 });
  });

  it('once the first INVITE transaction is over (Timer L), the same identifiers make a new call', () => {
    const { clock, uas, sent, reply } = setup();
    uas.receive(req('INVITE', { branch: 'z9hG4bKfirst', body: SDP }), reply);
    uas.receive(req('ACK', { branch: 'z9hG4bKack', toTag: toTagOf(sent[1]!.text) }), reply);
    clock.advanceTo(32_001);
    uas.receive(req('INVITE', { branch: 'z9hG4bKlater', body: SDP }), reply);
    expect(sent.slice(2).map((s) => status(s.text))).toEqual(['180', '200']);
    expect(uas.counters.merged).toBe(0);
  });
});
