/**
 * ServerTransactionLayer on a manual clock, fed parsed requests: matching (RFC 3261 §17.2.3,
 * RFC 3261 and RFC 2543 peers), ACK routing, CANCEL (§9.2), merged requests (§8.2.2.2), close().
 */
import { describe, expect, it } from 'vitest';
import type { SipEvent, TransportName } from '../../src/events/types.js';
import { Headers } from '../../src/sip/headers.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { parseMessage } from '../../src/sip/parse.js';
import { ServerTransactionLayer } from '../../src/transaction/server-layer.js';
import { cancelledInviteKey, mergeKey, serverKey } from '../../src/transaction/server-match.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import { ManualClock } from '../support/manual-clock.js';

const PEER = '192.0.2.10:5070';

interface ReqOpts {
  method?: string;
  uri?: string;
  /** The top Via value (overrides branch/host). */
  via?: string;
  /** `null`: no branch parameter (an RFC 2543 peer). */
  branch?: string | null;
  host?: string;
  callId?: string;
  fromTag?: string | null;
  toTag?: string;
  seq?: number;
  cseqMethod?: string;
}

/** The literal text of a request, CRLF line ends. */
function text(o: ReqOpts = {}): string {
  const method = o.method ?? 'INVITE';
  const branch = o.branch === undefined ? 'z9hG4bKinv1' : o.branch;
  const via = o.via ?? `SIP/2.0/UDP ${o.host ?? '192.0.2.10:5070'}${branch === null ? '' : `;branch=${branch}`}`;
  const fromTag = o.fromTag === undefined ? 'a1' : o.fromTag;
  return [
    `${method} ${o.uri ?? 'sip:bob@127.0.0.1:5060'} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `From: "Alice" <sip:alice@192.0.2.10>${fromTag === null ? '' : `;tag=${fromTag}`}`,
    `To: <sip:bob@127.0.0.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'call1@192.0.2.10'}`,
    `CSeq: ${o.seq ?? 1} ${o.cseqMethod ?? method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function parse(t: string): SipRequest {
  const r = parseMessage(Buffer.from(t));
  if (!r.ok || r.message.kind !== 'request') throw new Error(`test request does not parse: ${r.ok ? r.message.kind : r.error.message}\n${t}`);
  return r.message;
}

/** §8.2.6.2: Via, From, Call-ID, CSeq copied; To copied, our tag added when it has none. */
function response(req: SipRequest, status: number, reason = 'Whatever', toTag?: string): SipResponse {
  const h = new Headers();
  for (const v of req.headers.getAll('via')) h.append('Via', v);
  h.append('From', req.headers.get('from') ?? '');
  const to = req.headers.get('to') ?? '';
  h.append('To', toTag && !/;\s*tag=/i.test(to) ? `${to};tag=${toTag}` : to);
  h.append('Call-ID', req.headers.get('call-id') ?? '');
  h.append('CSeq', req.headers.get('cseq') ?? '');
  h.append('Content-Length', '0');
  return { kind: 'response', status, reason, version: 'SIP/2.0', headers: h, body: new Uint8Array(0) };
}

interface Reply {
  t: number;
  /** The `reply` the request came with (which copy). */
  via: string;
  status: number;
  text: string;
}

class Harness {
  readonly clock = new ManualClock();
  readonly events: SipEvent[] = [];
  readonly replies: Reply[] = [];
  readonly requests: Array<{ t: number; req: SipRequest; tx: ServerTransaction }> = [];
  readonly acks: Array<{ t: number; ack: SipRequest; from: string }> = [];
  /** What the TU does with a new request; by default nothing (it answers later). */
  onRequest: (req: SipRequest, tx: ServerTransaction) => void = () => {};
  readonly layer = new ServerTransactionLayer({
    clock: this.clock,
    emit: (e) => this.events.push(e),
    wire: false,
    timers: (reliable) => timerConfig({ t1: 500, t2: 4000, t4: 5000, reliable }),
    response: (req, status, reason, toTag) => response(req, status, reason, toTag),
    user: {
      onRequest: (req, tx) => {
        this.requests.push({ t: this.clock.now(), req, tx });
        this.onRequest(req, tx);
      },
      onAck: (ack, from) => this.acks.push({ t: this.clock.now(), ack, from }),
    },
  });

  deliver(t: number, o: ReqOpts | string, transport: TransportName = 'UDP'): SipRequest {
    this.clock.advanceTo(t);
    const s = typeof o === 'string' ? o : text(o);
    const req = parse(s);
    const via = req.headers.get('via') ?? '';
    this.layer.receive(
      req,
      Buffer.byteLength(s),
      (bytes) => {
        const txt = Buffer.from(bytes).toString('utf8');
        this.replies.push({ t: this.clock.now(), via, status: Number(txt.slice(8, 11)), text: txt });
      },
      PEER,
      transport,
      transport !== 'UDP',
    );
    return req;
  }

  received(): Array<[string, boolean]> {
    return this.events
      .filter((e): e is Extract<SipEvent, { type: 'request.received' }> => e.type === 'request.received')
      .map((e) => [e.method, e.retransmission]);
  }

  statuses(): string[] {
    return this.replies.map((r) => `${r.t}:${r.status}`);
  }
}

describe('server-match (RFC 3261 §17.2.3)', () => {
  it('RFC 3261 key: branch, sent-by, method; ACK and CANCEL map to their INVITE through ACK→INVITE', () => {
    const inv = serverKey(parse(text()))!;
    expect(inv.legacy).toBe(false);
    expect(inv.branch).toBe('z9hG4bKinv1');
    expect(serverKey(parse(text({ method: 'ACK' })))!.key).toBe(inv.key);
    expect(serverKey(parse(text({ method: 'CANCEL' })))!.key).not.toBe(inv.key);
    expect(cancelledInviteKey(parse(text({ method: 'CANCEL' })))!.key).toBe(inv.key);
    expect(serverKey(parse(text({ host: '192.0.2.11:5070' })))!.key).not.toBe(inv.key); // another sent-by
    expect(serverKey(parse(text({ branch: 'z9hG4bKother' })))!.key).not.toBe(inv.key);
    // Call-ID, tags, CSeq number play no part for an RFC 3261 peer.
    expect(serverKey(parse(text({ callId: 'x', fromTag: 'zz', seq: 9 })))!.key).toBe(inv.key);
  });

  it('RFC 2543 key (no magic cookie): Request-URI, From tag, Call-ID, CSeq number, top Via; the To tag apart', () => {
    const base = { branch: null } as const;
    const k = serverKey(parse(text(base)))!;
    expect(k.legacy).toBe(true);
    expect(k.branch).toBe('');
    expect(k.toTag).toBeUndefined();
    expect(serverKey(parse(text({ ...base, callId: 'call2@192.0.2.10' })))!.key).not.toBe(k.key);
    expect(serverKey(parse(text({ ...base, fromTag: 'a2' })))!.key).not.toBe(k.key);
    expect(serverKey(parse(text({ ...base, seq: 2 })))!.key).not.toBe(k.key);
    expect(serverKey(parse(text({ ...base, uri: 'sip:carol@127.0.0.1' })))!.key).not.toBe(k.key);
    expect(serverKey(parse(text({ ...base, host: '192.0.2.11' })))!.key).not.toBe(k.key);
    const ack = serverKey(parse(text({ ...base, method: 'ACK', toTag: 'ours' })))!;
    expect(ack.key).toBe(k.key); // "CSeq number (not the method)"
    expect(ack.toTag).toBe('ours');
  });

  it('mergeKey (§8.2.2.2): From tag, Call-ID, CSeq; none with a To tag or without a From tag', () => {
    expect(mergeKey(parse(text()))).toBe(mergeKey(parse(text({ branch: 'z9hG4bKother', host: '198.51.100.1' }))));
    expect(mergeKey(parse(text({ toTag: 'b1' })))).toBeUndefined();
    expect(mergeKey(parse(text({ fromTag: null })))).toBeUndefined();
    expect(mergeKey(parse(text({ method: 'CANCEL' })))).not.toBe(mergeKey(parse(text())));
  });
});

describe('ServerTransactionLayer', () => {
  it('a new INVITE: onRequest once, 100 Trying at once; its retransmission is not passed up, the 100 is re-sent', () => {
    const h = new Harness();
    h.deliver(0, {});
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0].tx.state).toBe('Proceeding');
    expect(h.requests[0].tx.method).toBe('INVITE');
    expect(h.layer.size).toBe(1);
    h.deliver(500, {});
    h.deliver(1500, {});
    expect(h.requests).toHaveLength(1);
    expect(h.received()).toEqual([
      ['INVITE', false],
      ['INVITE', true],
      ['INVITE', true],
    ]);
    expect(h.statuses()).toEqual(['0:100', '500:100', '1500:100']);
    const rx = h.events.filter((e): e is Extract<SipEvent, { type: 'request.received' }> => e.type === 'request.received');
    expect(rx[0]).toMatchObject({ t: 0, method: 'INVITE', from: PEER, transport: 'UDP', callId: 'call1@192.0.2.10', cseq: '1 INVITE', branch: 'z9hG4bKinv1' });
  });

  it('a new OPTIONS: onRequest, nothing sent until the TU answers; a re-sent copy in Trying is discarded', () => {
    const h = new Harness();
    h.deliver(0, { method: 'OPTIONS', branch: 'z9hG4bKopt' });
    h.deliver(500, { method: 'OPTIONS', branch: 'z9hG4bKopt' });
    expect(h.requests).toHaveLength(1);
    expect(h.received()).toEqual([
      ['OPTIONS', false],
      ['OPTIONS', true],
    ]);
    expect(h.replies).toEqual([]);
    expect(h.requests[0].tx.state).toBe('Trying');
  });

  it('an ACK with another branch (the ACK of a 2xx, §13.2.2.4) matches no transaction: onAck', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 200, 'OK', 'b1'));
    h.deliver(0, {});
    expect(h.requests[0].tx.state).toBe('Accepted');
    h.deliver(100, { method: 'ACK', branch: 'z9hG4bKack2xx', toTag: 'b1' });
    expect(h.acks.map((a) => [a.t, a.from, a.ack.method])).toEqual([[100, PEER, 'ACK']]);
    expect(h.received()).toEqual([
      ['INVITE', false],
      ['ACK', false],
    ]);
    expect(h.requests[0].tx.state).toBe('Accepted');
    expect(h.requests).toHaveLength(1);
  });

  it('a re-sent INVITE in Accepted is absorbed: the transaction sends nothing (the TU re-sends its 2xx)', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 200, 'OK', 'b1'));
    h.deliver(0, {});
    h.deliver(500, {});
    expect(h.statuses()).toEqual(['0:100', '0:200']);
    expect(h.requests).toHaveLength(1);
    h.clock.advanceTo(32_000);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('an ACK with the INVITE branch in Accepted goes to the transaction\'s user (RFC 6026 Figure 7), not to onAck', () => {
    const h = new Harness();
    const txAcks: number[] = [];
    h.onRequest = (req, tx) => {
      tx.user = { onAck: () => txAcks.push(h.clock.now()) };
      tx.respond(response(req, 200, 'OK', 'b1'));
    };
    h.deliver(0, {});
    h.deliver(50, { method: 'ACK', toTag: 'b1' });
    expect(txAcks).toEqual([50]);
    expect(h.acks).toEqual([]);
  });

  it('an ACK with the INVITE branch after a 486 is absorbed (no onAck): Confirmed, G and H stop, I ends it', () => {
    const h = new Harness();
    const ends: Array<[number, string]> = [];
    h.onRequest = (req, tx) => {
      tx.user = { onTerminated: (o) => ends.push([h.clock.now(), o]) };
      tx.respond(response(req, 486, 'Busy Here', 'b1'));
    };
    h.deliver(0, {});
    const tx = h.requests[0].tx;
    expect(tx.state).toBe('Completed');
    h.clock.advanceTo(2000); // G: 486 again at 500 and 1500
    h.deliver(2000, { method: 'ACK', toTag: 'b1' });
    expect(h.acks).toEqual([]);
    expect(tx.state).toBe('Confirmed');
    h.deliver(2100, { method: 'ACK', toTag: 'b1' }); // a re-sent ACK: absorbed too
    expect(h.acks).toEqual([]);
    expect(h.clock.pending).toBe(1); // Timer I alone
    h.clock.advanceTo(100_000);
    expect(h.statuses()).toEqual(['0:100', '0:486', '500:486', '1500:486']);
    expect(ends).toEqual([[7000, 'done']]);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
    // The INVITE transaction is gone: a late ACK now matches nothing and goes to onAck.
    h.deliver(100_100, { method: 'ACK', toTag: 'b1' });
    expect(h.acks).toHaveLength(1);
  });

  it('no ACK for the 486: Timer H ends it with no-ack and the layer forgets it', () => {
    const h = new Harness();
    const ends: Array<[number, string]> = [];
    h.onRequest = (req, tx) => {
      tx.user = { onTerminated: (o) => ends.push([h.clock.now(), o]) };
      tx.respond(response(req, 486, 'Busy Here', 'b1'));
    };
    h.deliver(1000, {});
    h.clock.advanceTo(100_000);
    expect(ends).toEqual([[33_000, 'no-ack']]);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('CANCEL (§9.2): creates its own transaction and finds its INVITE through inviteFor', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => {
      if (req.method === 'CANCEL') {
        const inv = h.layer.inviteFor(req);
        expect(inv).toBe(h.requests[0].tx);
        tx.respond(response(req, 200, 'OK', 'b1'));
        inv!.respond(response(inv!.request!, 487, 'Request Terminated', 'b1'));
      }
    };
    h.deliver(0, {});
    h.deliver(300, { method: 'CANCEL' });
    expect(h.requests.map((r) => r.req.method)).toEqual(['INVITE', 'CANCEL']);
    expect(h.requests[1].tx).not.toBe(h.requests[0].tx);
    expect(h.layer.size).toBe(2);
    expect(h.statuses()).toEqual(['0:100', '300:200', '300:487']);
    expect(h.requests[0].tx.state).toBe('Completed');
    expect(h.requests[1].tx.state).toBe('Completed');
    // A re-sent CANCEL gets the CANCEL's 200 again, not the 487.
    h.deliver(800, { method: 'CANCEL' });
    expect(h.requests).toHaveLength(2);
    // At 800 Timer G re-sends the 487 (armed at 300 for T1), then the re-sent CANCEL gets its 200.
    expect(h.statuses().slice(3)).toEqual(['800:487', '800:200']);
  });

  it('inviteFor: no INVITE for a CANCEL of another branch, another sent-by, or once the INVITE is gone', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 486, 'Busy Here', 'b1'));
    h.deliver(0, {});
    expect(h.layer.inviteFor(parse(text({ method: 'CANCEL' })))).toBe(h.requests[0].tx);
    expect(h.layer.inviteFor(parse(text({ method: 'CANCEL', branch: 'z9hG4bKnope' })))).toBeUndefined();
    expect(h.layer.inviteFor(parse(text({ method: 'CANCEL', host: '192.0.2.99:5070' })))).toBeUndefined();
    h.clock.advanceTo(40_000);
    expect(h.layer.inviteFor(parse(text({ method: 'CANCEL' })))).toBeUndefined();
  });

  it('inviteFor does not return a non-INVITE transaction with the same branch', () => {
    const h = new Harness();
    h.deliver(0, { method: 'OPTIONS' }); // same branch z9hG4bKinv1, method OPTIONS
    expect(h.layer.inviteFor(parse(text({ method: 'CANCEL' })))).toBeUndefined();
  });

  it('RFC 2543: two INVITEs without a branch and different Call-IDs are two transactions (never one)', () => {
    const h = new Harness();
    h.deliver(0, { branch: null, callId: 'old1@192.0.2.10' });
    h.deliver(10, { branch: null, callId: 'old2@192.0.2.10' });
    expect(h.requests.map((r) => r.req.headers.get('call-id'))).toEqual(['old1@192.0.2.10', 'old2@192.0.2.10']);
    expect(h.requests[0].tx).not.toBe(h.requests[1].tx);
    expect(h.layer.size).toBe(2);
    expect(h.received()).toEqual([
      ['INVITE', false],
      ['INVITE', false],
    ]);
    // Each one's retransmission still matches its own transaction.
    h.deliver(500, { branch: null, callId: 'old2@192.0.2.10' });
    h.deliver(600, { branch: null, callId: 'old1@192.0.2.10' });
    expect(h.requests).toHaveLength(2);
    expect(h.received().slice(2)).toEqual([
      ['INVITE', true],
      ['INVITE', true],
    ]);
    expect(h.replies.map((r) => `${r.t}:${r.status}:${/Call-ID: (\S+)/.exec(r.text)?.[1]}`)).toEqual([
      '0:100:old1@192.0.2.10',
      '10:100:old2@192.0.2.10',
      '500:100:old2@192.0.2.10',
      '600:100:old1@192.0.2.10',
    ]);
  });

  it('RFC 2543: two INVITEs of one call with another CSeq, or a branch without the cookie, are told apart', () => {
    const h = new Harness();
    h.deliver(0, { branch: null, seq: 1 });
    h.deliver(10, { branch: null, seq: 2 });
    h.deliver(20, { branch: '1234abcd', seq: 3 });
    h.deliver(30, { branch: '5678abcd', seq: 4 });
    expect(h.requests).toHaveLength(4);
    expect(h.layer.size).toBe(4);
  });

  it('RFC 2543: the ACK is matched by the To tag of our response; an ACK with another To tag is not', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 486, 'Busy Here', 'ours'));
    h.deliver(0, { branch: null });
    const tx = h.requests[0].tx;
    expect(tx.responseToTag).toBe('ours');
    h.deliver(100, { branch: null, method: 'ACK', toTag: 'someone-else' });
    expect(tx.state).toBe('Completed');
    expect(h.acks).toHaveLength(1); // not ours: to the core
    h.deliver(200, { branch: null, method: 'ACK', toTag: 'ours' });
    expect(tx.state).toBe('Confirmed');
    expect(h.acks).toHaveLength(1);
  });

  it('RFC 2543: a re-sent INVITE (still without a To tag) matches after our tagged response', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => {
      if (h.requests.length === 1) tx.respond(response(req, 486, 'Busy Here', 'ours'));
    };
    h.deliver(0, { branch: null });
    h.deliver(100, { branch: null });
    expect(h.requests).toHaveLength(1);
    expect(h.statuses()).toEqual(['0:100', '0:486', '100:486']);
  });

  // BUG (src/transaction/server-transaction.ts, `respond`): `responseToTag` is taken from every
  // final the TU passes down, even one the machine then drops (Completed: "not sent"). RFC 3261
  // §17.2.3 matches an RFC 2543 ACK against "the To tag of the response sent by the server
  // transaction"; after a dropped second final with another tag, the ACK for the 486 that was
  // actually sent no longer matches: it goes to onAck as if it acknowledged a 2xx, the
  // transaction stays in Completed, re-sends the 486 and ends with Timer H 'no-ack'.
  // (The UAS core can pass two finals: e.g. its own final racing a CANCEL's 487.) Fix: set
  // responseToTag only when the response is actually sent. Flip to `it` once fixed.
  it('RFC 2543: a final the TU passes after the first one (dropped) does not change the To tag the ACK is matched with', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => {
      tx.respond(response(req, 486, 'Busy Here', 'first'));
      tx.respond(response(req, 603, 'Decline', 'second')); // dropped: not sent
    };
    h.deliver(0, { branch: null });
    const tx = h.requests[0].tx;
    expect(h.statuses()).toEqual(['0:100', '0:486']);
    h.deliver(100, { branch: null, method: 'ACK', toTag: 'first' });
    expect(h.acks).toEqual([]);
    expect(tx.state).toBe('Confirmed');
  });

  it('§8.2.2.2: the same INVITE by another path (same From tag, Call-ID, CSeq, no To tag, another branch) → 482, not passed up', () => {
    const h = new Harness();
    h.deliver(0, { branch: 'z9hG4bKpath1', host: '198.51.100.1:5060' });
    h.deliver(40, { branch: 'z9hG4bKpath2', host: '198.51.100.2:5060' });
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0].req.headers.get('via')).toContain('z9hG4bKpath1');
    const second = h.replies.filter((r) => r.via.includes('z9hG4bKpath2'));
    // The INVITE transaction made for the copy sends its 100 first (§17.2.1), then the 482.
    expect(second.at(-1)!.status).toBe(482);
    expect(second.slice(0, -1).every((r) => r.status === 100)).toBe(true);
    expect(second.at(-1)!.text).toMatch(/^SIP\/2\.0 482 Loop Detected\r\n/);
    expect(second[1].text).toContain('Via: SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bKpath2\r\n');
    const notes = h.events.filter((e): e is Extract<SipEvent, { type: 'note' }> => e.type === 'note');
    expect(notes.map((n) => n.code)).toEqual(['merged-request']);
    expect(h.layer.size).toBe(2);
    // Its own retransmission gets the 482 again, still without reaching the TU.
    h.deliver(300, { branch: 'z9hG4bKpath2', host: '198.51.100.2:5060' });
    expect(h.requests).toHaveLength(1);
    expect(h.replies.filter((r) => r.via.includes('z9hG4bKpath2')).at(-1)).toMatchObject({ t: 300, status: 482 });
    expect(h.replies.filter((r) => r.status === 482)).toHaveLength(2);
    // The first copy's own retransmission is still its own (no 482 for it).
    h.deliver(500, { branch: 'z9hG4bKpath1', host: '198.51.100.1:5060' });
    expect(h.replies.filter((r) => r.via.includes('z9hG4bKpath1')).map((r) => r.status)).toEqual([100, 100]);
    // The caller ACKs the 482 on its branch: absorbed by the 482's transaction (Confirmed).
    h.deliver(600, { method: 'ACK', branch: 'z9hG4bKpath2', host: '198.51.100.2:5060', toTag: 'whatever' });
    expect(h.acks).toEqual([]);
    h.clock.advanceTo(100_000);
    expect(h.layer.size).toBe(1); // the first INVITE: Proceeding, the TU has not answered
    expect(h.clock.pending).toBe(0);
  });

  it('§8.2.2.2 does not apply to requests with a To tag, to another CSeq, or once the first transaction is gone', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 200, 'OK', 'b1'));
    h.deliver(0, { method: 'BYE', toTag: 'b1', branch: 'z9hG4bKbye1' });
    h.deliver(10, { method: 'BYE', toTag: 'b1', branch: 'z9hG4bKbye2' }); // in-dialog: no merge check
    h.deliver(20, { method: 'OPTIONS', branch: 'z9hG4bKo1', seq: 5 });
    h.deliver(30, { method: 'OPTIONS', branch: 'z9hG4bKo2', seq: 6 });
    h.deliver(35, { method: 'OPTIONS', branch: 'z9hG4bKo1b', seq: 5 }); // while o1 lives: merged
    expect(h.requests).toHaveLength(4);
    expect(h.replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 482]);
    h.clock.advanceTo(40_000); // Timer J: all gone
    expect(h.layer.size).toBe(0);
    h.deliver(40_000, { method: 'OPTIONS', branch: 'z9hG4bKo3', seq: 5 });
    expect(h.requests).toHaveLength(5);
  });

  it('a request without a usable Via is not answered and not passed up: a warning note', () => {
    const h = new Harness();
    const req = parse(text({ method: 'OPTIONS' }));
    req.headers.set('via', 'garbage');
    h.layer.receive(req, 100, () => h.replies.push({ t: 0, via: '', status: 0, text: '' }), PEER, 'UDP', false);
    expect(h.requests).toEqual([]);
    expect(h.replies).toEqual([]);
    expect(h.layer.size).toBe(0);
    const notes = h.events.filter((e): e is Extract<SipEvent, { type: 'note' }> => e.type === 'note');
    expect(notes.map((n) => n.code)).toEqual(['request-without-via']);
  });

  it('TCP: a 486 is sent once (no G); the ACK ends the transaction at once (I = 0)', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => tx.respond(response(req, 486, 'Busy Here', 'b1'));
    h.deliver(0, { via: 'SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bKtcp1' }, 'TCP');
    expect(h.clock.pending).toBe(1); // H only
    h.deliver(100, { method: 'ACK', toTag: 'b1', via: 'SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bKtcp1' }, 'TCP');
    expect(h.statuses()).toEqual(['0:100', '0:486']);
    expect(h.layer.size).toBe(0);
    expect(h.clock.pending).toBe(0);
    expect(h.acks).toEqual([]);
  });

  it('close() stops every timer, forgets every transaction, and ignores what comes after', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => {
      const cid = req.headers.get('call-id') ?? '';
      if (cid.startsWith('busy')) tx.respond(response(req, 486, 'Busy Here', 'b1'));
      else if (cid.startsWith('ok')) tx.respond(response(req, 200, 'OK', 'b1'));
      else if (cid.startsWith('bye')) tx.respond(response(req, 200, 'OK'));
    };
    h.deliver(0, { callId: 'busy1', branch: 'z9hG4bKc1' }); // G + H
    h.deliver(0, { callId: 'ok1', branch: 'z9hG4bKc2' }); // L
    h.deliver(0, { callId: 'ring1', branch: 'z9hG4bKc3' }); // Proceeding: none
    h.deliver(0, { callId: 'bye1', method: 'BYE', toTag: 'x', branch: 'z9hG4bKc4' }); // J
    h.deliver(0, { callId: 'busy2', branch: 'z9hG4bKc5' });
    h.deliver(10, { callId: 'busy2', method: 'ACK', toTag: 'b1', branch: 'z9hG4bKc5' }); // I
    expect(h.layer.size).toBe(5);
    expect(h.clock.pending).toBe(5);
    h.layer.close();
    expect(h.clock.pending).toBe(0);
    expect(h.layer.size).toBe(0);
    const stopped = h.events.filter((e): e is Extract<SipEvent, { type: 'timer.stopped' }> => e.type === 'timer.stopped' && e.reason === 'closing');
    expect(stopped.map((e) => e.timer).sort()).toEqual(['G', 'H', 'I', 'J', 'L']);
    const n = h.replies.length;
    h.deliver(20, { callId: 'new1', branch: 'z9hG4bKc9' });
    h.clock.advanceTo(100_000);
    expect(h.requests).toHaveLength(5);
    expect(h.replies).toHaveLength(n);
  });

  it('2,000 transactions on the manual clock all end; none is kept, no timer is left', () => {
    const h = new Harness();
    h.onRequest = (req, tx) => {
      const i = Number(/\d+/.exec(req.headers.get('call-id') ?? '')![0]);
      tx.respond(response(req, [200, 486, 180, 404][i % 4], 'x', 'b1'));
    };
    for (let i = 0; i < 2000; i++) h.deliver(i, { callId: `m${i}`, branch: `z9hG4bKm${i}`, method: i % 4 === 3 ? 'OPTIONS' : 'INVITE' });
    h.clock.advanceTo(2000);
    expect(h.layer.size).toBe(2000);
    h.clock.advanceTo(200_000);
    // The ringing INVITEs (i % 4 === 2) stay in Proceeding: no timer, kept until answered.
    expect(h.layer.size).toBe(500);
    expect(h.clock.pending).toBe(0);
    h.layer.close();
    expect(h.layer.size).toBe(0);
  });
});
