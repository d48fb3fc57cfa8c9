// Requests the peer sends sipcall during a call (issue 11 §4), against SIPp scenarios: a
// re-INVITE that puts the call on hold (a=sendonly; we must answer a=recvonly, RFC 3264 §8.4),
// its ACK ending our 2xx re-sends (RFC 3261 §13.3.1.4), and the peer's own BYE ending the call.
// Every request from the peer goes through a server transaction (RFC 3261 §17.2). In process
// (run(argv, fakeIo) with --json); SIPp checks the answer itself and exits 0 only when it held.
import { describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';
import { notes, ofType, resultOf, runJson } from './kamailio-helpers.js';

usePeerCleanup();

describe.skipIf(requirePeers('sipp').skip)('requests from the peer during a call', () => {
  it('a re-INVITE to sendonly: we answer recvonly and stop sending; the peer BYE ends the call: exit 0, "the peer hung up"', async () => {
    const uas = await startSipp({ scenario: 'uas-reinvite-hold.xml', rtpEcho: true, extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', `bob@${uas.hostPort}`, '--duration', '10', '--media-timeout', '5', '-v']);
      const r = resultOf(events);
      expect(code, r.summary).toBe(0);
      expect(r.summary).toMatch(/the peer hung up \(BYE\)/);
      // the re-INVITE came in, went up once, and was answered 200 with a=recvonly
      const reinvites = ofType(events, 'request.received').filter((e) => e.method === 'INVITE');
      expect(reinvites.filter((e) => !e.retransmission)).toHaveLength(1);
      const ok = ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('SIP/2.0 200') && /CSeq: 1 INVITE/.test(w.text))!;
      expect(ok.text).toMatch(/\r\na=recvonly\r\n/);
      expect(ok.text).toMatch(/\r\nContact: <sip:/);
      // RFC 3264 §8: our session version went up by one in the new SDP
      const versions = ofType(events, 'wire')
        .filter((w) => w.direction === 'out' && /application\/sdp/.test(w.text))
        .map((w) => /\r\no=sipcall (\d+) (\d+) /.exec(w.text)!.slice(1, 3));
      expect(versions).toHaveLength(2);
      expect(versions[1]![0]).toBe(versions[0]![0]);
      expect(BigInt(versions[1]![1]!) - BigInt(versions[0]![1]!)).toBe(1n);
      expect(notes(events).some((n) => /the peer put the call on hold \(sendonly in its re-INVITE\): we answered recvonly/.test(n))).toBe(true);
      // we sent RTP for about the 1 s before the hold and none during the 0.5 s after it
      const heldAt = ofType(events, 'note').find((n) => n.code === 'peer-hold')!.t;
      const startedAt = ofType(events, 'media.started')[0]!.t;
      const sent = r.media!.sent.packets;
      expect(sent).toBeGreaterThanOrEqual(Math.floor(((heldAt - startedAt) / 20) * 0.9));
      expect(sent).toBeLessThanOrEqual(Math.ceil((heldAt - startedAt) / 20) + 2);
      // the peer's BYE got its 200 from a server transaction
      const byeOk = ofType(events, 'response.sent').filter((e) => e.method === 'BYE');
      expect(byeOk[0]).toMatchObject({ status: 200, retransmission: false });
      const status = await uas.exited;
      expect(status, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });
});
