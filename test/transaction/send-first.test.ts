// A timer's re-send leaves before anything of that firing is told (issue 14 §3): the readers of
// the event stream (a printer writing a line costs 0.2–0.7 ms) must not delay the datagram. The
// events still come in their usual order, with the firing's time.
import { describe, expect, it } from 'vitest';
import { Harness } from './helpers.js';

/** A harness that notes, at each send, how many events had been emitted by then. */
function watched(): { h: Harness; eventsAtSend: number[] } {
  const h = new Harness();
  const eventsAtSend: number[] = [];
  const push = h.sent.push.bind(h.sent);
  h.sent.push = (...items) => {
    eventsAtSend.push(h.events.length);
    return push(...items);
  };
  return { h, eventsAtSend };
}

describe('a retransmission is sent before its events are emitted', () => {
  it('Timer A: nothing of the firing is emitted when the bytes go; afterwards timer.fired, request.sent, timer.started in that order', () => {
    const { h, eventsAtSend } = watched();
    h.start('INVITE');
    h.clock.advanceTo(500);
    expect(h.sendTimes('INVITE')).toEqual([0, 500]);
    const atRetransmit = eventsAtSend[1]!;
    // Every event at the moment of the re-send is from before the firing.
    expect(h.events.slice(0, atRetransmit).every((e) => e.t < 500)).toBe(true);
    const after = h.events.slice(atRetransmit).map((e) => `${e.t}:${e.type}${'timer' in e ? `:${e.timer}` : ''}`);
    expect(after).toEqual(['500:timer.fired:A', '500:request.sent', '500:wire', '500:timer.started:A']);
    const sent = h.of('request.sent');
    expect(sent.map((e) => [e.attempt, e.retransmission])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('the first send leaves before anything is told too; its events follow in order with one time, and Timer B tells its end before the TU hears it', () => {
    const { h, eventsAtSend } = watched();
    h.clock.advanceTo(7);
    h.start('OPTIONS');
    expect(eventsAtSend[0]).toBe(0);
    const first = h.events.map((e) => `${e.t}:${e.type}${'timer' in e ? `:${e.timer}` : ''}`);
    expect(first).toEqual(['7:transaction.state', '7:request.sent', '7:wire', '7:timer.started:E', '7:timer.started:F']);
    // Timer E runs from the instant of the send: the re-sends are due at 7 + 500, 7 + 1500, …
    h.clock.advanceTo(40_000);
    expect(h.sendTimes('OPTIONS').slice(0, 3)).toEqual([7, 507, 1507]);
    const types = h.events.map((e) => e.type);
    const lastFired = types.lastIndexOf('timer.fired');
    expect(types.indexOf('transaction.terminated')).toBeGreaterThan(lastFired);
    expect(h.ends).toHaveLength(1);
  });
});
