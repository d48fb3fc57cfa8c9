/**
 * Zero-tolerance schedule tests on the manual clock: the rows of the table in docs/DESIGN.md
 * and docs/transactions.md, at the default timers (T1 = 500 ms, T2 = 4 s, T4 = 5 s) and with
 * every base timer scaled by 1/10 (T1 = 50 ms, T2 = 400 ms, T4 = 500 ms).
 */
import { describe, expect, it } from 'vitest';
import { Harness } from './helpers.js';

const SCALES = [
  { name: 'default timers (T1 500, T2 4000, T4 5000)', k: 1 },
  { name: 'scaled timers (T1 50, T2 400, T4 500)', k: 0.1 },
];

for (const { name, k } of SCALES) {
  const timers = { t1: 500 * k, t2: 4000 * k, t4: 5000 * k };
  const at = (ms: number[]): number[] => ms.map((x) => Math.round(x * k * 1000) / 1000);
  const s = (ms: number): number => Math.round(ms * k * 1000) / 1000;

  describe(name, () => {
    it('INVITE over UDP, no answer: 7 sends at 0, T1, 3T1, 7T1, 15T1, 31T1, 63T1; Timer B at 64·T1', () => {
      const h = new Harness();
      h.start('INVITE', { timers });
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('INVITE')).toEqual(at([0, 500, 1500, 3500, 7500, 15500, 31500]));
      expect(h.timers('timer.fired')).toEqual([
        ...at([500, 1500, 3500, 7500, 15500, 31500]).map((t) => `${t}:A`),
        `${s(32000)}:B`,
      ]);
      // Timer A doubles with no cap (RFC 3261 §17.1.1.2): 500, 1000, 2000, 4000, 8000, 16000, 32000.
      expect(h.of('timer.started').filter((e) => e.timer === 'A').map((e) => e.ms)).toEqual(
        at([500, 1000, 2000, 4000, 8000, 16000, 32000]),
      );
      expect(h.of('timer.stopped').map((e) => `${e.t}:${e.timer}:${e.reason}`)).toEqual([`${s(32000)}:A:Timer B fired`]);
      expect(h.ends).toEqual([{ t: s(32000), end: { outcome: 'timeout', status: 408, local: true } }]);
      expect(h.transitions()).toEqual(['0:Initial>Calling', `${s(32000)}:Calling>Terminated`]);
      expect(h.layer.size).toBe(0);
      expect(h.clock.pending).toBe(0);
    });

    it('non-INVITE over UDP, no answer: 11 sends, E capped at T2; Timer F at 64·T1', () => {
      const h = new Harness();
      h.start('OPTIONS', { timers });
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('OPTIONS')).toEqual(
        at([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]),
      );
      expect(h.of('timer.started').filter((e) => e.timer === 'E').map((e) => e.ms)).toEqual(
        at([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]),
      );
      expect(h.timers('timer.fired').at(-1)).toBe(`${s(32000)}:F`);
      expect(h.ends).toEqual([{ t: s(32000), end: { outcome: 'timeout', status: 408, local: true } }]);
      expect(h.transitions()).toEqual(['0:Initial>Trying', `${s(32000)}:Trying>Terminated`]);
      expect(h.layer.size).toBe(0);
      expect(h.clock.pending).toBe(0);
    });

    it('non-INVITE, final over UDP: Completed, Timer K = T4, Terminated', () => {
      const h = new Harness();
      h.start('OPTIONS', { timers });
      expect(h.respond(s(200), 200)).toBe(true);
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('OPTIONS')).toEqual([0]);
      expect(h.responses.map((r) => `${r.t}:${r.status}`)).toEqual([`${s(200)}:200`]);
      expect(h.transitions()).toEqual(['0:Initial>Trying', `${s(200)}:Trying>Completed`, `${s(5200)}:Completed>Terminated`]);
      expect(h.of('timer.started').map((e) => `${e.t}:${e.timer}:${e.ms}`)).toEqual([
        `0:E:${s(500)}`,
        `0:F:${s(32000)}`,
        `${s(200)}:K:${s(5000)}`,
      ]);
      expect(h.timers('timer.stopped')).toEqual([`${s(200)}:E`, `${s(200)}:F`]);
      expect(h.ends).toEqual([{ t: s(5200), end: { outcome: 'final', status: 200, local: false } }]);
      expect(h.clock.pending).toBe(0);
    });

    it('non-INVITE, 1xx then silence: the pending E fires as scheduled, then every T2; Timer F', () => {
      const h = new Harness();
      h.start('OPTIONS', { timers });
      h.respond(s(700), 100); // after the send at 500; E pending until 1500
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('OPTIONS')).toEqual(at([0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]));
      const sends = h.sendTimes('OPTIONS');
      for (let i = 1; i < sends.length; i++) expect(sends[i] - sends[i - 1]).toBeLessThanOrEqual(s(4000));
      expect(h.transitions()).toEqual(['0:Initial>Trying', `${s(700)}:Trying>Proceeding`, `${s(32000)}:Proceeding>Terminated`]);
      expect(h.ends).toEqual([{ t: s(32000), end: { outcome: 'timeout', status: 408, local: true } }]);
      expect(h.clock.pending).toBe(0);
    });

    it('INVITE, 486 over UDP: ACK on the same branch, each re-sent 486 re-sends the ACK and is not passed up; Timer D', () => {
      const h = new Harness();
      h.start('INVITE', { timers, routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
      h.respond(s(100), 486);
      h.respond(s(600), 486);
      h.respond(s(2600), 486);
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('INVITE')).toEqual([0]);
      expect(h.sendTimes('ACK')).toEqual(at([100, 600, 2600]));
      const acks = h.sent.filter((x) => x.method === 'ACK').map((x) => x.text);
      expect(new Set(acks).size).toBe(1);
      expect(acks[0]).toContain('Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKtest1;rport\r\n');
      expect(acks[0]).toContain('CSeq: 1 ACK\r\n');
      expect(acks[0]).toContain('To: <sip:bob@127.0.0.1>;tag=to1\r\n');
      expect(h.responses.map((r) => `${r.t}:${r.status}:${r.info.retransmission}`)).toEqual([`${s(100)}:486:false`]);
      expect(h.of('response.received').map((e) => e.retransmission)).toEqual([false, true, true]);
      expect(h.of('timer.started').filter((e) => e.timer === 'D').map((e) => `${e.t}:${e.ms}`)).toEqual([`${s(100)}:${s(32000)}`]);
      expect(h.transitions()).toEqual(['0:Initial>Calling', `${s(100)}:Calling>Completed`, `${s(32100)}:Completed>Terminated`]);
      expect(h.ends).toEqual([{ t: s(32100), end: { outcome: 'final', status: 486, local: false } }]);
      expect(h.clock.pending).toBe(0);
    });

    it('INVITE, 200: Accepted, re-sent 2xx passed up, no ACK from the transaction; Timer M', () => {
      const h = new Harness();
      h.start('INVITE', { timers });
      h.respond(s(100), 180);
      h.respond(s(300), 200);
      h.respond(s(800), 200);
      h.respond(s(900), 180); // late, reordered provisional: dropped in Accepted
      h.respond(s(1000), 486); // non-2xx in Accepted: dropped
      h.clock.advanceTo(s(100_000));
      expect(h.sendTimes('INVITE')).toEqual([0]);
      expect(h.sendTimes('ACK')).toEqual([]);
      expect(h.responses.map((r) => `${r.t}:${r.status}:${r.info.retransmission}`)).toEqual([
        `${s(100)}:180:false`,
        `${s(300)}:200:false`,
        `${s(800)}:200:true`,
      ]);
      expect(h.of('timer.started').filter((e) => e.timer === 'M').map((e) => `${e.t}:${e.ms}`)).toEqual([`${s(300)}:${s(32000)}`]);
      expect(h.transitions()).toEqual([
        '0:Initial>Calling',
        `${s(100)}:Calling>Proceeding`,
        `${s(300)}:Proceeding>Accepted`,
        `${s(32300)}:Accepted>Terminated`,
      ]);
      expect(h.ends).toEqual([{ t: s(32300), end: { outcome: 'final', status: 200, local: false } }]);
      expect(h.clock.pending).toBe(0);
    });
  });
}

describe('T1 scaled alone (T1 50, T2 4000, T4 5000)', () => {
  const timers = { t1: 50 };
  it('INVITE: A doubles from 50 with no cap; B at 3200', () => {
    const h = new Harness();
    h.start('INVITE', { timers });
    h.clock.advanceTo(10_000);
    expect(h.sendTimes('INVITE')).toEqual([0, 50, 150, 350, 750, 1550, 3150]);
    expect(h.ends).toEqual([{ t: 3200, end: { outcome: 'timeout', status: 408, local: true } }]);
  });

  it('non-INVITE: E doubles from 50 and never reaches T2 before F at 3200', () => {
    const h = new Harness();
    h.start('OPTIONS', { timers });
    h.clock.advanceTo(10_000);
    expect(h.sendTimes('OPTIONS')).toEqual([0, 50, 150, 350, 750, 1550, 3150]);
    expect(h.ends).toEqual([{ t: 3200, end: { outcome: 'timeout', status: 408, local: true } }]);
  });

  it('D scales as 64·T1 (3200), K stays T4 (5000)', () => {
    const inv = new Harness();
    inv.start('INVITE', { timers });
    inv.respond(10, 486);
    inv.clock.advanceTo(10_000);
    expect(inv.ends).toEqual([{ t: 3210, end: { outcome: 'final', status: 486, local: false } }]);
    const opt = new Harness();
    opt.start('OPTIONS', { timers });
    opt.respond(10, 200);
    opt.clock.advanceTo(10_000);
    expect(opt.ends).toEqual([{ t: 5010, end: { outcome: 'final', status: 200, local: false } }]);
  });
});

describe('any request over TCP/TLS', () => {
  for (const transport of ['TCP', 'TLS'] as const) {
    it(`${transport}: INVITE, no answer: one send, no Timer A, Timer B at 32000`, () => {
      const h = new Harness();
      h.start('INVITE', { transport });
      h.clock.advanceTo(100_000);
      expect(h.sendTimes('INVITE')).toEqual([0]);
      expect(h.timers('timer.started')).toEqual(['0:B']);
      expect(h.ends).toEqual([{ t: 32000, end: { outcome: 'timeout', status: 408, local: true } }]);
    });

    it(`${transport}: non-INVITE, no answer: one send, no Timer E, Timer F at 32000`, () => {
      const h = new Harness();
      h.start('OPTIONS', { transport });
      h.clock.advanceTo(100_000);
      expect(h.sendTimes('OPTIONS')).toEqual([0]);
      expect(h.timers('timer.started')).toEqual(['0:F']);
      expect(h.ends).toEqual([{ t: 32000, end: { outcome: 'timeout', status: 408, local: true } }]);
    });

    it(`${transport}: INVITE, 486: ACK sent, D = 0: Completed then Terminated at once`, () => {
      const h = new Harness();
      h.start('INVITE', { transport });
      h.respond(100, 486);
      expect(h.sendTimes('ACK')).toEqual([100]);
      expect(h.transitions()).toEqual(['0:Initial>Calling', '100:Calling>Completed', '100:Completed>Terminated']);
      expect(h.timers('timer.started')).toEqual(['0:B']);
      expect(h.ends).toEqual([{ t: 100, end: { outcome: 'final', status: 486, local: false } }]);
      expect(h.layer.size).toBe(0);
      expect(h.clock.pending).toBe(0);
      // A late copy now matches nothing.
      expect(h.respond(200, 486)).toBe(false);
      expect(h.of('response.stray').map((e) => e.why)).toEqual(['unknown-branch']);
    });

    it(`${transport}: non-INVITE, 200: K = 0: Completed then Terminated at once`, () => {
      const h = new Harness();
      h.start('OPTIONS', { transport });
      h.respond(100, 200);
      expect(h.transitions()).toEqual(['0:Initial>Trying', '100:Trying>Completed', '100:Completed>Terminated']);
      expect(h.timers('timer.started')).toEqual(['0:F']);
      expect(h.ends).toEqual([{ t: 100, end: { outcome: 'final', status: 200, local: false } }]);
      expect(h.clock.pending).toBe(0);
    });
  }
});
