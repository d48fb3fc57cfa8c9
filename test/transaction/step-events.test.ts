// StepEvents (src/transaction/step-events.ts): the events of a step carry the step's time and
// are held until the send has left, then told in their order.
import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { StepEvents } from '../../src/transaction/step-events.js';
import { ManualClock } from '../support/manual-clock.js';

describe('StepEvents', () => {
  it('outside a step: told at once, each with the time it was emitted', () => {
    const clock = new ManualClock();
    const told: SipEvent[] = [];
    const ev = new StepEvents(clock, (e) => told.push(e));
    clock.advanceTo(5);
    ev.emit({ type: 'note', level: 'info', text: 'a' });
    clock.advanceTo(9);
    ev.emit({ type: 'note', level: 'info', text: 'b' });
    expect(told.map((e) => e.t)).toEqual([5, 9]);
  });

  it('in a step: held until release, in order, all with the step time; after release told at once; end clears the time', () => {
    const clock = new ManualClock();
    const told: SipEvent[] = [];
    const ev = new StepEvents(clock, (e) => told.push(e));
    clock.advanceTo(100);
    ev.begin();
    ev.emit({ type: 'note', level: 'info', text: 'first' });
    clock.advanceTo(101);
    ev.emit({ type: 'note', level: 'info', text: 'second' });
    expect(told).toEqual([]);
    ev.release();
    expect(told.map((e) => [e.t, 'text' in e ? e.text : ''])).toEqual([
      [100, 'first'],
      [100, 'second'],
    ]);
    ev.emit({ type: 'note', level: 'info', text: 'third' });
    expect(told).toHaveLength(3);
    expect(told[2]!.t).toBe(100);
    ev.end();
    clock.advanceTo(102);
    ev.emit({ type: 'note', level: 'info', text: 'after' });
    expect(told[3]!.t).toBe(102);
  });

  it('end tells what is still held (a step that sent nothing)', () => {
    const clock = new ManualClock();
    const told: SipEvent[] = [];
    const ev = new StepEvents(clock, (e) => told.push(e));
    ev.begin();
    ev.emit({ type: 'note', level: 'info', text: 'x' });
    ev.end();
    expect(told).toHaveLength(1);
  });
});
