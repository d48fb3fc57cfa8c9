import { describe, expect, it } from 'vitest';
import { AckBuildError, buildAck } from '../../src/transaction/ack.js';
import { serialize } from '../../src/sip/serialize.js';
import { makeRequest, makeResponse } from './helpers.js';

describe('buildAck (RFC 3261 §17.1.1.3)', () => {
  const invite = makeRequest('INVITE', 'z9hG4bKack1', { routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>, <sip:p3.example.com;lr>'], seq: 4711 });
  // A second Via row below ours must not be copied: "a single Via header field".
  invite.headers.fields.splice(1, 0, { name: 'Via', key: 'via', value: 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKother' });
  const ack = buildAck(invite, makeResponse(invite, 486, 'busy7'));

  it('writes exactly the headers the RFC lists, in order', () => {
    expect(Buffer.from(serialize(ack)).toString('utf8')).toBe(
      [
        'ACK sip:bob@127.0.0.1:5060 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack1;rport',
        'Route: <sip:p1.example.com;lr>',
        'Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>',
        'Max-Forwards: 70',
        'From: "Alice" <sip:alice@127.0.0.1>;tag=from1',
        'To: <sip:bob@127.0.0.1>;tag=busy7',
        'Call-ID: call-z9hG4bKack1@127.0.0.1',
        'CSeq: 4711 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('keeps the top Via even when Via rows are comma-combined', () => {
    const req = makeRequest('INVITE', 'z9hG4bKack2');
    req.headers.set('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack2, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx');
    const a = buildAck(req, makeResponse(req, 603));
    expect(a.headers.getAll('via')).toEqual(['SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack2']);
    expect(a.body.length).toBe(0);
    expect(a.method).toBe('ACK');
  });

  it('throws AckBuildError when the INVITE lacks a Call-ID', () => {
    const req = makeRequest('INVITE', 'z9hG4bKack3');
    req.headers.delete('call-id');
    expect(() => buildAck(req, makeResponse(makeRequest('INVITE', 'z9hG4bKack3'), 486))).toThrow(AckBuildError);
  });
});
