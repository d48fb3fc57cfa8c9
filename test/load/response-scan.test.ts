import { describe, expect, it } from 'vitest';
import { R_BYE, R_CANCEL, R_INVITE, ResponseView, scanResponse } from '../../src/load/response-scan.js';

const prefix = Buffer.from('z9hG4bK-ab12-');
const msg = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n\r\n');

describe('scanResponse', () => {
  it('reads status, CSeq method, slot/serial from the branch, To tag, Contact and Record-Route of a 2xx', () => {
    const v = new ResponseView();
    const buf = msg([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ab12-417.2;rport=5070',
      'Record-Route: <sip:127.0.0.9;lr>',
      'To: <sip:bob@127.0.0.1>;tag=xyz-1',
      'From: <sip:load@127.0.0.1>;tag=a',
      'Call-ID: 417-ab12@127.0.0.1',
      'CSeq: 1 INVITE',
      'Contact: <sip:bob@127.0.0.1:5080>',
      'Content-Length: 0',
    ]);
    expect(scanResponse(buf, prefix, v)).toBe(true);
    expect([v.status, v.method, v.slot, v.serial]).toEqual([200, R_INVITE, 417, 2]);
    expect(buf.toString('latin1', v.toTagS, v.toTagE)).toBe('xyz-1');
    expect(buf.toString('latin1', v.contactS, v.contactE)).toBe('<sip:bob@127.0.0.1:5080>');
    expect(v.rrN).toBe(1);
    expect(buf.toString('latin1', v.rrS[0], v.rrE[0])).toBe('<sip:127.0.0.9;lr>');
  });

  it('more than one Via, on two lines or comma-joined: discarded (RFC 3261 §8.1.3.3), even with our branch on top', () => {
    const v = new ResponseView();
    const two = msg(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ab12-4.1', 'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx', 'CSeq: 1 INVITE']);
    expect(scanResponse(two, prefix, v)).toBe(true);
    expect([v.slot, v.multipleVia]).toEqual([-1, true]);
    const joined = msg(['SIP/2.0 200 OK', 'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ab12-4.1, SIP/2.0/UDP 10.0.0.1', 'CSeq: 1 INVITE']);
    expect(scanResponse(joined, prefix, v)).toBe(true);
    expect([v.slot, v.multipleVia]).toEqual([-1, true]);
    const one = msg(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ab12-4.1', 'CSeq: 1 INVITE']);
    expect(scanResponse(one, prefix, v)).toBe(true);
    expect([v.slot, v.multipleVia]).toEqual([4, false]);
  });

  it('tells a CANCEL response from the INVITE one by CSeq (same branch, RFC 3261 §9.1) and reads compact forms', () => {
    const v = new ResponseView();
    const buf = msg(['SIP/2.0 200 OK', 'v: SIP/2.0/UDP h;branch=z9hG4bK-ab12-3.1', 't: <sip:b@h>', 'CSeq: 1 CANCEL']);
    expect(scanResponse(buf, prefix, v)).toBe(true);
    expect([v.method, v.slot, v.serial, v.toTagS]).toEqual([R_CANCEL, 3, 1, -1]);
    expect(scanResponse(msg(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h;branch=z9hG4bK-ab12-3.4', 'CSeq: 2 BYE']), prefix, v)).toBe(true);
    expect(v.method).toBe(R_BYE);
  });

  it('marks a branch that is not ours (slot -1) and refuses what is not a readable response', () => {
    const v = new ResponseView();
    expect(scanResponse(msg(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP h;branch=z9hG4bKother', 'CSeq: 1 INVITE']), prefix, v)).toBe(true);
    expect(v.slot).toBe(-1);
    expect(scanResponse(msg(['INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK-ab12-1.1', 'CSeq: 1 INVITE']), prefix, v)).toBe(false);
    expect(scanResponse(Buffer.from('SIP/2.0 99 x\r\n\r\n'), prefix, v)).toBe(false);
    expect(scanResponse(msg(['SIP/2.0 200 OK', 'CSeq: 1 INVITE']), prefix, v)).toBe(false); // no Via
    expect(scanResponse(Buffer.from('garbage'), prefix, v)).toBe(false);
  });
});
