import { describe, expect, it } from 'vitest';
import { req, SDP, setup, status, toTagOf } from './fixtures.js';

describe('answer --load fast path (RFC 3261 §13.3.1.4, §17.2, RFC 6026)', () => {
  it('answers an INVITE with 180 and 200 built from the request (§8.2.6.2) and an SDP answer', () => {
    const { uas, sent, reply } = setup();
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKa1', body: SDP }), reply)).toBe(true);
    expect(sent.map((s) => status(s.text))).toEqual(['180', '200']);
    const ok = sent[1]!.text;
    expect(ok).toContain('Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa1;rport\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy\r\n');
    expect(ok).toContain('From: sipp <sip:sipp@127.0.0.1:5070>;tag=caller1\r\n');
    expect(ok).toContain('Call-ID: call-1@127.0.0.1\r\nCSeq: 1 INVITE\r\n');
    expect(ok).toContain('Contact: <sip:answer@127.0.0.1:5060>\r\n');
    expect(ok).toMatch(/m=audio 40002 RTP\/AVP 0\r\n/);
    const body = ok.slice(ok.indexOf('\r\n\r\n') + 4);
    expect(ok).toContain(`Content-Length: ${body.length}\r\n`);
    expect(toTagOf(ok)).toBe(toTagOf(sent[0]!.text));
    expect(toTagOf(ok)).toMatch(/^[0-9a-f]{8}x[0-9a-z]+$/);
  });

  it('re-sends the 2xx at T1, 3·T1, 7·T1 … capped at T2 until 64·T1, then forgets the call', () => {
    const { clock, uas, sent, reply } = setup();
    uas.receive(req('INVITE', { branch: 'z9hG4bKa2', body: SDP }), reply);
    clock.advanceTo(40_000);
    expect(sent.slice(2).map((s) => [status(s.text), s.t])).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500].map((t) => ['200', t]));
    expect(uas.counters.noAck).toBe(1);
    expect(uas.live).toBe(0);
    expect(uas.armed).toBe(0);
  });

  it('stops the 2xx at the ACK, absorbs a re-sent INVITE, answers BYE and its re-sent copy alike until Timer J', () => {
    const { clock, uas, sent, reply } = setup();
    uas.receive(req('INVITE', { branch: 'z9hG4bKa3', body: SDP }), reply);
    const tag = toTagOf(sent[1]!.text);
    clock.advanceTo(600); // one 2xx re-sent at 500
    expect(sent).toHaveLength(3);
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKack3', toTag: tag }), reply)).toBe(true);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKa3', body: SDP }), reply)).toBe(true); // Accepted: absorbed
    clock.advanceTo(5000);
    expect(sent).toHaveLength(3);
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKbye3', toTag: tag, cseq: 2 }), reply)).toBe(true);
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKbye3', toTag: tag, cseq: 2 }), reply)).toBe(true);
    expect(sent.slice(3).map((s) => status(s.text))).toEqual(['200', '200']);
    expect(sent[3]!.text).toBe(sent[4]!.text);
    expect(uas.counters).toMatchObject({ invites: 1, answered: 1, acks: 1, byes: 1, absorbed: 2, noAck: 0 });
    clock.advanceTo(5000 + 32_000);
    expect(uas.live).toBe(0);
    // Timer J is over: the same BYE is no longer ours (the full path answers 481).
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKbye3', toTag: tag, cseq: 2 }), reply)).toBe(false);
  });

  it('a non-2xx final: Timer G re-sends until the ACK on the INVITE branch, then Timer I (T4) ends it', () => {
    const { clock, uas, sent, reply } = setup({ respond: 486, reason: 'Busy Here' });
    uas.receive(req('INVITE', { branch: 'z9hG4bKa4' }), reply);
    expect(sent.map((s) => status(s.text))).toEqual(['180', '486']);
    clock.advanceTo(4000);
    expect(sent.slice(2).map((s) => s.t)).toEqual([500, 1500, 3500]);
    uas.receive(req('INVITE', { branch: 'z9hG4bKa4' }), reply); // §17.2.1: the final again
    expect(status(sent[5]!.text)).toBe('486');
    const tag = toTagOf(sent[1]!.text);
    expect(uas.receive(req('ACK', { branch: 'z9hG4bKa4', toTag: tag }), reply)).toBe(true);
    clock.advanceTo(8999);
    expect(sent).toHaveLength(6);
    expect(uas.live).toBe(1);
    clock.advanceTo(9000); // Timer I = T4 = 5 s after the ACK
    expect(uas.live).toBe(0);
  });

  it('CANCEL while ringing: 200 to the CANCEL with the INVITE\'s To tag, 487 to the INVITE (§9.2)', () => {
    const { clock, uas, sent, reply } = setup({ ringMs: 1000 });
    uas.receive(req('INVITE', { branch: 'z9hG4bKa5', body: SDP }), reply);
    clock.advanceTo(300);
    expect(uas.receive(req('CANCEL', { branch: 'z9hG4bKa5' }), reply)).toBe(true);
    expect(sent.map((s) => status(s.text))).toEqual(['180', '200', '487']);
    expect(sent[1]!.text).toContain('CSeq: 1 CANCEL');
    expect(toTagOf(sent[1]!.text)).toBe(toTagOf(sent[0]!.text));
    clock.advanceTo(2000);
    expect(sent.filter((s) => status(s.text) === '200')).toHaveLength(1); // no 200 to the INVITE after the ring
  });

  it('leaves to the full path what it does not serve', () => {
    const { uas, reply } = setup();
    expect(uas.receive(req('OPTIONS', { branch: 'z9hG4bKo' }), reply)).toBe(false);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKr', extra: ['Require: 100rel'] }), reply)).toBe(false);
    expect(uas.receive(req('INVITE', { branch: 'z9hG4bKre', toTag: 'abc' }), reply)).toBe(false); // re-INVITE
    expect(uas.receive(req('BYE', { branch: 'z9hG4bKb', toTag: 'deadbeefx0' }), reply)).toBe(false); // no such call
    expect(uas.receive(Buffer.from('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n folded\r\n\r\n'), reply)).toBe(false);
    expect(uas.counters.fullPath).toBe(5);
  });
});
