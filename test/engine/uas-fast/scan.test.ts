import { describe, expect, it } from 'vitest';
import { M_ACK, M_BYE, M_CANCEL, M_INFO, M_INVITE, M_MESSAGE, M_NOTIFY, M_OPTIONS, M_OTHER, M_UPDATE, RequestView, scanRequest } from '../../../src/engine/uas-fast/scan.js';

const msg = (lines: string[], body = ''): Buffer => Buffer.from([...lines, `Content-Length: ${body.length}`, '', body].join('\r\n'));
const base = [
  'INVITE sip:bob@127.0.0.1 SIP/2.0',
  'v: SIP/2.0/UDP 127.0.0.1:5070 ;branch = z9hG4bK-1-2 ;rport, SIP/2.0/UDP 10.0.0.1',
  'f: "A; <b>" <sip:a@h;tag=no>;TAG=from1',
  't: sip:bob@127.0.0.1',
  'i: abc@h',
  'CSeq: 7   INVITE',
  'm: <sip:a@h>',
];

describe('scanRequest: the fields the load path reads, in place', () => {
  it('reads compact forms, spaced parameters, quoted display names, the tag after the URI', () => {
    const buf = msg(base);
    const v = new RequestView();
    expect(scanRequest(buf, v)).toBe(true);
    const s = (a: number, b: number) => buf.toString('latin1', a, b);
    expect(v.method).toBe(M_INVITE);
    expect(s(v.branchS, v.branchE)).toBe('z9hG4bK-1-2');
    expect(s(v.fromTagS, v.fromTagE)).toBe('from1');
    expect(v.toTagS).toBe(-1);
    expect(s(v.callIdVS, v.callIdVE)).toBe('abc@h');
    expect(v.cseq).toBe(7);
    expect(v.viaN).toBe(1);
    expect(s(v.toS, v.toValueE)).toBe('t: sip:bob@127.0.0.1');
  });

  it('knows ACK, BYE and CANCEL; the CSeq method must be the request\'s', () => {
    const v = new RequestView();
    for (const [m, code] of [['ACK', M_ACK], ['BYE', M_BYE], ['CANCEL', M_CANCEL]] as const) {
      const lines = base.map((l) => l.replace('INVITE', m));
      expect(scanRequest(msg(lines), v)).toBe(true);
      expect(v.method).toBe(code);
    }
    expect(scanRequest(msg(base.map((l) => l.replace('7   INVITE', '7 BYE'))), v)).toBe(false);
  });

  it('reads the in-dialog methods too (RFC 3261 §12.2.2), any other token as M_OTHER; the CSeq method must be the Request-Line\'s', () => {
    const v = new RequestView();
    const as = (m: string, cseqMethod = m, extra: string[] = [], body = '') => msg([...base.map((l) => l.replace('INVITE sip', `${m} sip`).replace('7   INVITE', `7 ${cseqMethod}`)), ...extra], body);
    for (const [m, code] of [['UPDATE', M_UPDATE], ['INFO', M_INFO], ['OPTIONS', M_OPTIONS], ['MESSAGE', M_MESSAGE], ['NOTIFY', M_NOTIFY], ['REFER', M_OTHER], ['PRACK', M_OTHER]] as const) {
      expect(scanRequest(as(m), v), m).toBe(true);
      expect(v.method, m).toBe(code);
    }
    expect(scanRequest(as('REFER', 'PRACK'), v)).toBe(false); // two unknown methods, not the same
    expect(scanRequest(as('REFER', 'REFERX'), v)).toBe(false);
    // §8.2.3: the bodies the full path would refuse with 415 stay its own.
    expect(scanRequest(as('UPDATE', 'UPDATE', ['Content-Type: text/plain'], 'hi'), v)).toBe(false);
    expect(scanRequest(as('UPDATE', 'UPDATE', ['Content-Type: application/sdp'], 'v=0\r\n'), v)).toBe(true);
    expect(scanRequest(as('INFO', 'INFO', ['Content-Type: text/plain'], 'hi'), v)).toBe(false);
    expect(scanRequest(as('INFO', 'INFO', ['Content-Type: application/dtmf-relay'], 'Signal=1\r\n'), v)).toBe(true);
    expect(scanRequest(as('MESSAGE', 'MESSAGE', ['Content-Type: text/plain'], 'hi'), v)).toBe(true);
  });

  it('leaves everything unusual to the full path', () => {
    const v = new RequestView();
    const without = (prefix: string) => base.filter((l) => !l.startsWith(prefix));
    expect(scanRequest(msg(without('i:')), v)).toBe(false); // no Call-ID
    expect(scanRequest(msg(without('m:')), v)).toBe(false); // INVITE without Contact
    expect(scanRequest(msg([...base, 'Call-ID: again'], ''), v)).toBe(false); // two Call-IDs
    expect(scanRequest(msg(base.map((l) => l.replace('z9hG4bK-1-2', 'old-branch'))), v)).toBe(false); // RFC 2543 branch
    expect(scanRequest(msg([...base, 'Require: 100rel']), v)).toBe(false); // 420 from the full path
    expect(scanRequest(msg([...base, 'Content-Type: text/plain'], 'hi'), v)).toBe(false); // 415
    expect(scanRequest(msg([...base, 'Subject: a', ' folded']), v)).toBe(false);
    expect(scanRequest(Buffer.from(msg(base).toString().replace(/\r\n/g, '\n')), v)).toBe(false); // bare LF
    expect(scanRequest(msg(base).subarray(0, 60), v)).toBe(false); // truncated
    expect(scanRequest(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), v)).toBe(false); // a response
  });
});
