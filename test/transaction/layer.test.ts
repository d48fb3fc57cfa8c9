import { describe, expect, it } from 'vitest';
import { Headers } from '../../src/sip/headers.js';
import type { SipResponse } from '../../src/sip/message.js';
import { serialize } from '../../src/sip/serialize.js';
import { DuplicateTransactionError, TransactionRequestError } from '../../src/transaction/errors.js';
import { responseKey } from '../../src/transaction/match.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import { TransactionLayer } from '../../src/transaction/transaction-layer.js';
import { ManualClock } from '../support/manual-clock.js';
import { Harness, makeRequest, makeResponse, PEER } from './helpers.js';

function rawResponse(rows: Array<[string, string]>, status = 200): SipResponse {
  const headers = new Headers();
  for (const [n, v] of rows) headers.append(n, v);
  return { kind: 'response', status, reason: 'OK', version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}

describe('responseKey (RFC 3261 §17.1.3)', () => {
  it('reads the branch of the top Via, even in a comma-combined row, and the CSeq method', () => {
    const key = responseKey(
      rawResponse([
        ['v', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKtop, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKbelow'],
        ['CSeq', '7 CANCEL'],
      ]),
    );
    expect(key).toEqual({ ok: true, branch: 'z9hG4bKtop', method: 'CANCEL', cseq: { seq: 7, method: 'CANCEL' } });
  });

  it.each([
    [[['CSeq', '1 INVITE']], 'missing-via'],
    [[['Via', 'garbage'], ['CSeq', '1 INVITE']], 'malformed-via'],
    [[['Via', 'SIP/2.0/UDP 127.0.0.1'], ['CSeq', '1 INVITE']], 'malformed-via'],
    [[['Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx']], 'missing-cseq'],
    [[['Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx'], ['CSeq', 'INVITE']], 'missing-cseq'],
  ] as Array<[Array<[string, string]>, string]>)('%j → %s', (rows, why) => {
    const key = responseKey(rawResponse(rows));
    expect(key.ok).toBe(false);
    expect(key.ok ? undefined : key.why).toBe(why);
  });
});

describe('TransactionLayer', () => {
  it('emits request.sent, wire, timer and state events with the clock time', () => {
    const h = new Harness();
    h.start('INVITE');
    h.clock.advanceTo(500);
    const sent = h.of('request.sent');
    expect(sent.map((e) => [e.t, e.method, e.attempt, e.retransmission, e.transport, e.to, e.branch, e.cseq])).toEqual([
      [0, 'INVITE', 1, false, 'UDP', PEER, 'z9hG4bKtest1', 1],
      [500, 'INVITE', 2, true, 'UDP', PEER, 'z9hG4bKtest1', 1],
    ]);
    expect(sent[0].callId).toBe('call-z9hG4bKtest1@127.0.0.1');
    expect(sent[0].bytes).toBe(h.sent[0].text.length);
    const wire = h.of('wire');
    expect(wire.map((e) => [e.direction, e.peer, e.text === h.sent[0].text])).toEqual([
      ['out', PEER, true],
      ['out', PEER, true],
    ]);
    expect(h.of('timer.started').map((e) => [e.t, e.timer, e.ms])).toEqual([
      [0, 'A', 500],
      [0, 'B', 32000],
      [500, 'A', 1000],
    ]);
  });

  it('response.received carries category, meaning, tags and the CSeq', () => {
    const h = new Harness();
    h.start('INVITE');
    h.respond(40, 180, 'ring1');
    const [e] = h.of('response.received');
    expect(e).toMatchObject({
      t: 40,
      status: 180,
      reason: 'Ringing',
      category: 'provisional',
      branch: 'z9hG4bKtest1',
      cseq: '1 INVITE',
      method: 'INVITE',
      fromTag: 'from1',
      toTag: 'ring1',
      from: PEER,
      transport: 'UDP',
      retransmission: false,
    });
    expect(e.meaning.length).toBeGreaterThan(0);
    expect(h.of('wire').filter((w) => w.direction === 'in')).toHaveLength(1);
  });

  it('a 2xx with a new To tag (another fork) is passed up as a first response, not a retransmission', () => {
    const h = new Harness();
    h.start('INVITE');
    h.respond(10, 200, 'forkA');
    h.respond(20, 200, 'forkB');
    h.respond(30, 200, 'forkA');
    expect(h.responses.map((r) => [r.status, r.info.retransmission])).toEqual([
      [200, false],
      [200, false],
      [200, true],
    ]);
  });

  it('a first-seen response that is dropped is reported in a note; an absorbed retransmission is not', () => {
    const h = new Harness();
    h.start('INVITE');
    h.respond(10, 486);
    h.respond(20, 486);
    expect(h.of('note')).toEqual([]);
    const g = new Harness();
    g.start('INVITE');
    g.respond(10, 200);
    g.respond(20, 180);
    expect(g.of('note').map((n) => n.text)).toEqual(['180 Ringing ignored: in Accepted only 2xx responses are passed up (RFC 6026 §8.4)']);
  });

  it('reports strays with the reason and never throws', () => {
    const h = new Harness();
    h.start('INVITE');
    const invite = h.request!;
    const other = makeRequest('INVITE', 'z9hG4bKnobody');
    const cancelResponse = makeResponse(makeRequest('CANCEL', 'z9hG4bKtest1'), 200);
    const noVia = makeResponse(invite, 200);
    noVia.headers.delete('via');
    const badVia = makeResponse(invite, 200);
    badVia.headers.set('via', 'SIP/2.0 nonsense');
    const noCseq = makeResponse(invite, 200);
    noCseq.headers.delete('cseq');
    const cases = [makeResponse(other, 200), cancelResponse, noVia, badVia, noCseq];
    for (const r of cases) expect(h.layer.receive(r, PEER, 'UDP', serialize(r))).toBe(false);
    expect(h.of('response.stray').map((e) => e.why)).toEqual([
      'unknown-branch',
      'method-mismatch',
      'missing-via',
      'malformed-via',
      'missing-cseq',
    ]);
    const [unknown, mismatch] = h.of('response.stray');
    expect(unknown).toMatchObject({ branch: 'z9hG4bKnobody', cseq: '1 INVITE', status: 200, from: PEER });
    expect(mismatch.detail).toContain('CANCEL');
    expect(h.responses).toEqual([]);
    expect(h.layer.get('z9hG4bKtest1', 'INVITE')?.state).toBe('Calling');
  });

  it('tells an INVITE and its CANCEL apart: same branch, different CSeq method', () => {
    const h = new Harness();
    const inv = h.start('INVITE', { branch: 'z9hG4bKshared' });
    const invite = h.request!;
    h.respond(10, 180);
    const cancel = h.start('CANCEL', { branch: 'z9hG4bKshared' });
    expect(h.layer.size).toBe(2);
    h.respond(20, 200); // response to the CANCEL (h.request is the CANCEL now)
    expect(cancel.state).toBe('Completed');
    expect(inv.state).toBe('Proceeding');
    h.respond(30, 487, 'x', invite);
    expect(inv.state).toBe('Completed');
    expect(h.sendTimes('ACK')).toEqual([30]);
    h.clock.advanceTo(100_000);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('a transport error ends the transaction with a local 503 and a transport.error event', () => {
    const h = new Harness();
    h.start('INVITE');
    h.clock.advanceTo(700);
    expect(h.layer.transportError('z9hG4bKtest1', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBe(true);
    expect(h.ends).toEqual([{ t: 700, end: { outcome: 'transport-error', status: 503, local: true } }]);
    expect(h.of('transport.error')).toEqual([
      { type: 'transport.error', t: 700, transport: 'UDP', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', to: PEER },
    ]);
    expect(h.of('transaction.terminated')).toEqual([
      { type: 'transaction.terminated', t: 700, branch: 'z9hG4bKtest1', method: 'INVITE', outcome: 'transport-error', status: 503, local: true },
    ]);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
    expect(h.layer.transportError('z9hG4bKtest1', { code: 'ECONNREFUSED', message: '' })).toBe(false);
  });

  it('a send port that throws is a transport error (RFC 3261 §17.1.4)', () => {
    const h = new Harness();
    h.failSends = Object.assign(new Error('send EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
    const tx = h.start('OPTIONS');
    expect(tx.state).toBe('Terminated');
    expect(h.of('transport.error').map((e) => e.code)).toEqual(['EHOSTUNREACH']);
    expect(h.ends).toEqual([{ t: 0, end: { outcome: 'transport-error', status: 503, local: true } }]);
    expect(h.transitions()).toEqual(['0:Initial>Trying', '0:Trying>Terminated']);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('the handle reports a transport error too, and later inputs are ignored', () => {
    const h = new Harness();
    const tx = h.start('INVITE');
    tx.transportError({ code: 'ECONNRESET', message: 'reset' });
    tx.transportError({ code: 'ECONNRESET', message: 'reset' });
    expect(h.ends).toHaveLength(1);
    expect(h.respond(10, 200)).toBe(false);
  });

  it('a TU callback that throws does not leave the transaction half-done', () => {
    const clock = new ManualClock();
    const layer = new TransactionLayer({ clock, emit: () => {} });
    const req = makeRequest('INVITE', 'z9hG4bKthrow');
    const ends: string[] = [];
    layer.send(req, { transport: 'UDP', reliable: false, to: PEER, timers: timerConfig(), port: () => {} }, {
      onResponse: () => {
        throw new Error('TU bug');
      },
      onTerminated: (e) => ends.push(e.outcome),
    });
    const res = makeResponse(req, 486);
    expect(() => layer.receive(res, PEER, 'UDP', serialize(res))).toThrow('TU bug');
    clock.advanceTo(32_000);
    expect(ends).toEqual(['final']);
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('rejects ACK, a request without branch, a CSeq of another method, and duplicates', () => {
    const h = new Harness();
    const opts = { transport: 'UDP' as const, reliable: false, to: PEER, timers: timerConfig(), port: () => {} };
    const user = { onResponse: () => {}, onTerminated: () => {} };
    expect(() => h.layer.send(makeRequest('ACK', 'z9hG4bKa'), opts, user)).toThrow(TransactionRequestError);
    const noBranch = makeRequest('OPTIONS', 'z9hG4bKb');
    noBranch.headers.set('Via', 'SIP/2.0/UDP 127.0.0.1:5070');
    expect(() => h.layer.send(noBranch, opts, user)).toThrow(TransactionRequestError);
    const wrongCseq = makeRequest('OPTIONS', 'z9hG4bKc');
    wrongCseq.headers.set('CSeq', '1 INVITE');
    expect(() => h.layer.send(wrongCseq, opts, user)).toThrow(TransactionRequestError);
    h.layer.send(makeRequest('OPTIONS', 'z9hG4bKd'), opts, user);
    expect(() => h.layer.send(makeRequest('OPTIONS', 'z9hG4bKd'), opts, user)).toThrow(DuplicateTransactionError);
    expect(h.layer.size).toBe(1);
  });

  it('close() stops every timer and forgets every transaction', () => {
    const h = new Harness();
    for (let i = 0; i < 10; i++) h.start(i % 2 ? 'INVITE' : 'OPTIONS', { branch: `z9hG4bKc${i}` });
    expect(h.clock.pending).toBe(20);
    h.layer.close();
    expect(h.clock.pending).toBe(0);
    expect(h.layer.size).toBe(0);
    expect(h.of('timer.stopped')).toHaveLength(20);
  });

  it('5,000 concurrent transactions all end and leave no timer and no entry behind', () => {
    const clock = new ManualClock();
    let events = 0;
    const layer = new TransactionLayer({ clock, emit: () => events++, wire: false });
    const ends = new Map<string, number>();
    const reqs = [];
    for (let i = 0; i < 5000; i++) {
      const method = i % 3 === 0 ? 'OPTIONS' : 'INVITE';
      const req = makeRequest(method, `z9hG4bKmany${i}`);
      reqs.push(req);
      layer.send(req, { transport: 'UDP', reliable: false, to: PEER, timers: timerConfig(), port: () => {} }, {
        onResponse: () => {},
        onTerminated: (e) => ends.set(e.outcome, (ends.get(e.outcome) ?? 0) + 1),
      });
    }
    expect(layer.size).toBe(5000);
    clock.advanceTo(1000);
    // Answer half of them; the rest time out.
    for (let i = 0; i < 5000; i += 2) {
      const res = makeResponse(reqs[i], i % 4 === 0 ? 200 : 486);
      expect(layer.receive(res, PEER, 'UDP', serialize(res))).toBe(true);
    }
    clock.advanceTo(100_000);
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
    expect(ends.get('final')).toBe(2500);
    expect(ends.get('timeout')).toBe(2500);
    expect(events).toBeGreaterThan(5000);
  });
});
