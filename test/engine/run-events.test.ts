// What a run keeps of its events for its verdict (src/engine/run-events.ts): everything for a
// request or a call, a bounded ring of verdict events for `register --listen`, which runs until
// stopped (issue 11: a long-running listener must stay flat in memory).
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEPT_EVENTS, keptFor } from '../../src/engine/run-events.js';
import type { SipEvent } from '../../src/events/types.js';

const wire = (i: number): SipEvent => ({ type: 'wire', t: i, direction: 'in', transport: 'UDP', peer: '127.0.0.1:5060', bytes: 10, text: `OPTIONS ${i}` }) as SipEvent;
const note = (i: number): SipEvent => ({ type: 'note', t: i, level: 'info', text: `n${i}` }) as SipEvent;

describe('keptFor', () => {
  it('an INVITE or a plain REGISTER keeps every event, wire texts included', () => {
    for (const plan of [{ kind: 'invite' }, { kind: 'register' }]) {
      const k = keptFor(plan);
      for (let i = 0; i < 5000; i++) k.add(i % 2 ? wire(i) : note(i));
      expect(k.list()).toHaveLength(5000);
    }
  });

  it('register --listen keeps no wire texts and at most the last DEFAULT_KEPT_EVENTS verdict events, oldest first', () => {
    const k = keptFor({ kind: 'register', listen: { ringMs: 0, respond: 200 } });
    for (let i = 0; i < 100_000; i++) k.add(i % 2 ? wire(i) : note(i));
    const list = k.list();
    expect(list).toHaveLength(DEFAULT_KEPT_EVENTS);
    expect(list.every((e) => e.type === 'note')).toBe(true);
    expect(list[0]!.t).toBe(100_000 - 2 * DEFAULT_KEPT_EVENTS);
    expect(list[list.length - 1]!.t).toBe(99_998);
  });
});
