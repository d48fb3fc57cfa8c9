import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { RetransmitGrouper, type Group } from '../../src/present/group.js';

const fired: SipEvent = { type: 'timer.fired', t: 500, timer: 'A', branch: 'b1', method: 'INVITE' };
const retx: SipEvent = {
  type: 'request.sent', t: 500, method: 'INVITE', uri: 'sip:x@y', attempt: 2, retransmission: true,
  transport: 'UDP', to: 'y:5060', bytes: 1, branch: 'b1', callId: 'c', cseq: 1,
};
const restart: SipEvent = { type: 'timer.started', t: 500, timer: 'A', ms: 1000, branch: 'b1', method: 'INVITE' };
const note: SipEvent = { type: 'note', t: 500, level: 'info', text: 'hi' };

function kinds(gs: Group[]): string[] {
  return gs.map((g) => (g.kind === 'event' ? g.event.type : `retransmit[${g.members.map((m) => m.type).join(',')}]`));
}

describe('RetransmitGrouper', () => {
  it('closes as soon as the retransmission and the restart are in, in either order', () => {
    for (const order of [[retx, restart], [restart, retx]]) {
      const g = new RetransmitGrouper();
      expect(g.push(fired)).toEqual([]);
      expect(g.push(order[0])).toEqual([]);
      const out = g.push(order[1]);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ kind: 'retransmit', sent: retx, restarted: restart });
      expect(g.flush()).toEqual([]);
    }
  });

  it('closes early on an unrelated event, which follows it', () => {
    const g = new RetransmitGrouper();
    g.push(fired);
    g.push(retx);
    expect(kinds(g.push(note))).toEqual(['retransmit[request.sent]', 'note']);
  });

  it('does not take events from another instant', () => {
    const g = new RetransmitGrouper();
    g.push(fired);
    expect(kinds(g.push({ ...retx, t: 501 }))).toEqual(['retransmit[]', 'request.sent']);
  });

  it('passes other timers straight through', () => {
    const g = new RetransmitGrouper();
    expect(kinds(g.push({ ...fired, timer: 'B' }))).toEqual(['timer.fired']);
  });

  it('hands back an open group at flush', () => {
    const g = new RetransmitGrouper();
    g.push(fired);
    expect(kinds(g.flush())).toEqual(['retransmit[]']);
  });
});
