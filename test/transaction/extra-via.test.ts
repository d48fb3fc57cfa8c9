// RFC 3261 §8.1.3.3: "If more than one Via header field value is present in a response, the UAC
// SHOULD discard the message." The client transaction layer discards such a response as a stray
// (why `extra-via`), before it could be taken as the transaction's final response.
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/sip/serialize.js';
import { extraViaDetail } from '../../src/transaction/match.js';
import { describeStray } from '../../src/present/describe.js';
import { Harness, makeResponse, PEER } from './helpers.js';

describe('a response with more than one Via (RFC 3261 §8.1.3.3)', () => {
  it('extraViaDetail: none for one Via; the count and the RFC sentence for more, comma-combined or not', () => {
    const h = new Harness();
    h.start('INVITE');
    const one = makeResponse(h.request!, 200);
    expect(extraViaDetail(one)).toBeUndefined();
    const two = makeResponse(h.request!, 200);
    two.headers.append('Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKproxy');
    expect(extraViaDetail(two)).toContain('2 Via header field values');
    const combined = makeResponse(h.request!, 200);
    combined.headers.set('via', `${combined.headers.get('via')}, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKa, SIP/2.0/UDP 10.0.0.8;branch=z9hG4bKb`);
    expect(extraViaDetail(combined)).toMatch(/3 Via header field values.*UAC SHOULD discard the message.*§8\.1\.3\.3/);
  });

  it('a 200 whose top Via is ours but that carries 1,000 Via is discarded as a stray: not passed up, the INVITE goes on', () => {
    const h = new Harness();
    h.start('INVITE');
    const res = makeResponse(h.request!, 200);
    for (let i = 0; i < 999; i++) res.headers.append('Via', `SIP/2.0/UDP 10.0.${i >> 8}.${i & 255};branch=z9hG4bKhop${i}`);
    h.clock.advanceTo(10);
    expect(h.layer.receive(res, PEER, 'UDP', serialize(res))).toBe(false);
    const strays = h.of('response.stray');
    expect(strays).toHaveLength(1);
    expect(strays[0]).toMatchObject({ why: 'extra-via', status: 200, branch: 'z9hG4bKtest1', cseq: '1 INVITE', from: PEER });
    expect(strays[0]!.detail).toContain('1000 Via header field values');
    expect(describeStray(strays[0]!)).toMatch(/^stray 200 OK from 127\.0\.0\.1:5060 ignored: it has more than one Via.*\(RFC 3261 §8\.1\.3\.3\)/);
    expect(h.responses).toEqual([]);
    expect(h.layer.get('z9hG4bKtest1', 'INVITE')?.state).toBe('Calling');
    // The same 200 with only our Via is then taken.
    expect(h.respond(20, 200)).toBe(true);
    expect(h.responses.map((r) => r.status)).toEqual([200]);
  });
});
