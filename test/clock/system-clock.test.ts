// The system clock's absolute-deadline timers on the real clock. A shared machine may run any
// timer late, so these tests assert only what noise cannot break: order, cancellation, and that
// nothing runs before its deadline (less the queue's quarter-millisecond grace). Node's own
// setTimeout runs up to 1.7 ms early, so that bound is not free. The accuracy figures are
// bench/timers.bench.mjs's.
import { describe, expect, it } from 'vitest';
import { EARLY_OK_MS } from '../../src/clock/deadline-queue.js';
import { SystemClock } from '../../src/clock/system-clock.js';
import { Headers } from '../../src/sip/headers.js';
import type { SipRequest } from '../../src/sip/message.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import { TransactionLayer } from '../../src/transaction/transaction-layer.js';

describe('SystemClock.setTimerAt (real clock)', () => {
  it('runs deadlines in order, ties in arming order, none early; a cleared one never', async () => {
    const clock = new SystemClock();
    const t0 = clock.now();
    const ran: Array<[string, number, number]> = [];
    const at = (name: string, offset: number) => clock.setTimerAt(t0 + offset, () => void ran.push([name, t0 + offset, clock.now()]));
    at('c', 60);
    at('a', 5);
    at('b1', 25);
    at('b2', 25);
    const gone = at('x', 15);
    at('d', 2.5);
    clock.clearTimer(gone);
    await new Promise((r) => setTimeout(r, 150));
    expect(ran.map(([n]) => n)).toEqual(['d', 'a', 'b1', 'b2', 'c']);
    for (const [name, due, when] of ran) expect(when, name).toBeGreaterThanOrEqual(due - EARLY_OK_MS);
  });

  it('an INVITE client transaction (T1 = 10 ms) sends 7 times, none before its schedule', async () => {
    const clock = new SystemClock();
    const layer = new TransactionLayer({ clock, emit: () => {}, wire: false });
    const sends: number[] = [];
    const headers = new Headers()
      .append('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsysclock')
      .append('From', '<sip:a@127.0.0.1>;tag=1')
      .append('To', '<sip:b@127.0.0.1>')
      .append('Call-ID', 'sysclock@127.0.0.1')
      .append('CSeq', '1 INVITE')
      .append('Content-Length', '0');
    const req: SipRequest = { kind: 'request', method: 'INVITE', uri: 'sip:b@127.0.0.1', version: 'SIP/2.0', headers, body: new Uint8Array(0) };
    await new Promise<void>((resolve) => {
      layer.send(
        req,
        { transport: 'UDP', reliable: false, to: '127.0.0.1:5060', timers: timerConfig({ t1: 10 }), port: () => void sends.push(clock.now()) },
        { onResponse: () => {}, onTerminated: () => resolve() },
      );
    });
    expect(sends).toHaveLength(7);
    const offsets = [0, 10, 30, 70, 150, 310, 630];
    for (let k = 1; k < 7; k++) expect(sends[k]! - sends[0]!, `send ${k + 1}`).toBeGreaterThanOrEqual(offsets[k]! - EARLY_OK_MS);
  });
});
