// Redirects (RFC 3261 §8.1.3.4, issue 11 §4) against two SIPp peers: a redirect server
// (test/scenarios/uas-302.xml) whose 302 names a second SIPp that answers (uas-full.xml); a
// redirect to itself (a loop, not followed); and --no-follow. In process (run(argv, fakeIo)).
import { describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';
import { finals, notes, ofType, resultOf, runJson } from './kamailio-helpers.js';

usePeerCleanup();

describe.skipIf(requirePeers('sipp').skip)('redirects: a 302 from one SIPp to another', () => {
  it('follows the 302 Contact with a new transaction to the second SIPp: call answered, exit 0, the hop shown', async () => {
    const callee = await startSipp({ scenario: 'uas-full.xml', extraArgs: ['-m', '1'] });
    const target = `sip:bob@${callee.hostPort}`;
    const redirector = await startSipp({ scenario: 'uas-302.xml', extraArgs: ['-m', '1', '-set', 'contact', target] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `alice@${redirector.hostPort}`, '--duration', '0', '--t1', '100']);
      const r = resultOf(events);
      expect(code, r.summary).toBe(0);
      expect(r.summary).toContain(`(redirected: 302 → ${target})`);
      expect(finals(events, 'INVITE')).toEqual([302, 200]);
      const invites = ofType(events, 'request.sent').filter((e) => e.method === 'INVITE' && !e.retransmission);
      expect(invites.map((e) => e.to)).toEqual([redirector.hostPort, callee.hostPort]);
      expect(invites.map((e) => e.uri)).toEqual([`sip:alice@${redirector.hostPort}`, target]);
      expect(invites[1]!.branch).not.toBe(invites[0]!.branch); // a new transaction
      // the 302 was ACKed on its own branch (RFC 3261 §17.1.1.3)
      expect(ofType(events, 'request.sent').filter((e) => e.method === 'ACK')[0]!.branch).toBe(invites[0]!.branch);
      expect(notes(events)).toContain(`302 Moved Temporarily: following ${target} (redirect 1 of at most 5, RFC 3261 §8.1.3.4)`);
      expect(await redirector.exited).toEqual({ code: 0, signal: null });
      expect(await callee.exited).toEqual({ code: 0, signal: null });
    } finally {
      await Promise.all([redirector.stop(), callee.stop()]);
    }
  });

  it('a 302 back to the same URI is a loop: not followed, exit 1 with the 302', async () => {
    const port = await import('../support/peers/ports.js').then((m) => m.freePort());
    const self = `sip:alice@127.0.0.1:${port}`;
    const redirector = await startSipp({ scenario: 'uas-302.xml', port, extraArgs: ['-m', '1', '-set', 'contact', self] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', self, '--duration', '0', '--t1', '100']);
      expect(code).toBe(1);
      expect(finals(events, 'INVITE')).toEqual([302]);
      expect(notes(events).some((n) => /every Contact .* was tried already: not followed \(a redirect loop\)/.test(n))).toBe(true);
    } finally {
      await redirector.stop();
    }
  });

  it('--no-follow: the 302 ends the run (exit 1), with a note', async () => {
    const redirector = await startSipp({ scenario: 'uas-302.xml', extraArgs: ['-m', '1', '-set', 'contact', 'sip:bob@127.0.0.1:9'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `alice@${redirector.hostPort}`, '--no-follow', '--duration', '0', '--t1', '100']);
      expect(code).toBe(1);
      expect(finals(events, 'INVITE')).toEqual([302]);
      expect(notes(events)).toContain('302 Moved Temporarily: not followed (--no-follow)');
      expect(ofType(events, 'request.sent').filter((e) => e.method === 'INVITE' && !e.retransmission)).toHaveLength(1);
    } finally {
      await redirector.stop();
    }
  });
});
