import { describe, expect, it } from 'vitest';
import { busy, fullCall, inviteTimeout, peerHangsUp, strayResponse, transportFailure } from './fixtures.js';
import { expectGolden, present } from './support.js';

describe('pretty/plain lines (colour level 0)', () => {
  it('a full call', () => expectGolden('call', present(fullCall()).out));
  it('a full call with -v', () => expectGolden('call-verbose', present(fullCall(), { verbose: true }).out));
  it('an INVITE timeout: Timer A retransmissions, Timer B, a local 408 and a verdict', () =>
    expectGolden('timeout', present(inviteTimeout()).out));
  it('a stray response and an unparseable datagram', () => expectGolden('stray', present(strayResponse()).out));
  it('a transport error with a local 503', () => expectGolden('transport-error', present(transportFailure()).out));
  it('a 486 re-sent, its ACK re-sent, Timer D', () => expectGolden('busy', present(busy()).out));
  it('requests received and responses sent (UAS side)', () => expectGolden('peer-hangs-up', present(peerHangsUp()).out));

  it('-q: the result line and the verdict id and text only', () => {
    expectGolden('timeout-quiet', present(inviteTimeout(), { quiet: true }).out);
    expect(present(fullCall(), { quiet: true }).out).toBe('✓ success  200 OK  (1.260 s, exit 0)\n');
  });

  it('says a made-up 408 is sipcall’s, not the peer’s', () => {
    const out = present(inviteTimeout()).out;
    expect(out).toContain("408 (local: no response to INVITE — sipcall's own timeout, not from the peer)");
    expect(out).toContain('408 Request Timeout (local, made up by sipcall, not from the peer)');
    expect(out).not.toMatch(/← 408/);
  });

  it('names each retransmission and its next interval', () => {
    const lines = present(inviteTimeout()).out.split('\n');
    expect(lines.filter((l) => l.includes('Timer A fired'))).toEqual([
      '   0.500  · Timer A fired — retransmit #1, next in 1 s',
      '   1.500  · Timer A fired — retransmit #2, next in 2 s',
      '   3.500  · Timer A fired — retransmit #3, next in 4 s',
      '   7.500  · Timer A fired — retransmit #4, next in 8 s',
      '  15.500  · Timer A fired — retransmit #5, next in 16 s',
      '  31.500  · Timer A fired — retransmit #6, next in 32 s',
    ]);
    expect(lines).toContain('  32.000  · Timer B expired after 32 s — no final response');
  });

  it('shows wire text, timer starts and state changes only with -v', () => {
    const plain = present(fullCall()).out;
    const verbose = present(fullCall(), { verbose: true }).out;
    for (const s of ['--- sent to 127.0.0.1:5060 (UDP) ---', 'Timer B started', 'Calling → Proceeding', 'Max-Forwards: 70']) {
      expect(plain).not.toContain(s);
      expect(verbose).toContain(s);
    }
  });

  it('writes nothing to stderr without a spinner', () => {
    expect(present(fullCall()).err).toBe('');
  });

  it('contains no escape codes at colour level 0, and some at level 1', () => {
    expect(present(fullCall()).out).not.toContain('\u001b[');
    expect(present(fullCall(), { colorLevel: 1 }).out).toContain('\u001b[');
  });
});

describe('ladder', () => {
  it('a full call', () => expectGolden('call-ladder', present(fullCall(), { ladder: true }).out));
  it('an INVITE timeout', () => expectGolden('timeout-ladder', present(inviteTimeout(), { ladder: true }).out));
  it('a stray response', () => expectGolden('stray-ladder', present(strayResponse(), { ladder: true }).out));
  it('a 486 re-sent', () => expectGolden('busy-ladder', present(busy(), { ladder: true }).out));
  it('requests received and responses sent', () =>
    expectGolden('peer-hangs-up-ladder', present(peerHangsUp(), { ladder: true, peerLabel: '[2001:db8::1]:5060' }).out));

  it('keeps both lifelines in the same columns on every arrow line', () => {
    const lines = present(inviteTimeout(), { ladder: true }).out.split('\n').filter((l) => /^\s+\d+\.\d{3}\s+\|/.test(l));
    expect(lines.length).toBeGreaterThan(8);
    const cols = new Set(lines.map((l) => `${l.indexOf('|')}:${l.indexOf('|', l.indexOf('|') + 1)}`));
    expect(cols.size).toBe(1);
  });

  it('marks retransmissions', () => {
    const out = present(inviteTimeout(), { ladder: true }).out;
    expect(out).toContain(' INVITE (retx #2) ');
    expect(out).toContain('Timer A fired, next in 2 s');
  });
});
