// Session timers with sipcall as the refresher (RFC 4028 §10), against a SIPp UAS that demands
// it: Session-Expires: 90;refresher=uac in its 200. The refresh must come as a re-INVITE at half
// the interval. 90 s is the smallest interval RFC 4028 §4 allows (Min-SE), so this test takes
// about 47 s of real time; it runs in its own file so that the rest of the suite goes on beside it.
import { describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';
import { notes, ofType, resultOf, runJson } from './kamailio-helpers.js';

usePeerCleanup();

describe.skipIf(requirePeers('sipp').skip)('session timers: we are the refresher (RFC 4028 §10)', () => {
  it('200 with Session-Expires: 90;refresher=uac → a re-INVITE at 45 s with Session-Expires 90;refresher=uac, accepted; the call goes on: exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-session-refresh.xml', extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${uas.hostPort}`, '--session-expires', '90', '--duration', '47', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await uas.errorLog())).toBe(0);
      const out = ofType(events, 'wire').filter((w) => w.direction === 'out');
      const invites = out.filter((w) => w.text.startsWith('INVITE '));
      expect(invites).toHaveLength(2);
      expect(invites[0]!.text).toMatch(/\r\nSession-Expires: 90\r\n/);
      expect(invites[1]!.text).toMatch(/\r\nSession-Expires: 90;refresher=uac\r\n/);
      expect(invites[1]!.text).toMatch(/\r\nCSeq: 2 INVITE\r\n/);
      // RFC 3264 §8: the refresh does not change the session, so its SDP keeps the o= line,
      // version included ("If the version in the origin line does not increment, the SDP MUST be
      // identical to the SDP with that version number").
      const origin = (t: string) => /\r\no=[^\r]*/.exec(t)![0];
      expect(origin(invites[1]!.text)).toBe(origin(invites[0]!.text));
      // at half the interval after the dialog was confirmed (our ACK), within a second
      const ack = out.find((w) => w.text.startsWith('ACK '))!;
      const late = invites[1]!.t - ack.t - 45_000;
      expect(Math.abs(late), `refresh ${late} ms from 45 s`).toBeLessThan(1000);
      expect(notes(events)).toContain('session timer: 90 s, refresher us (re-INVITE every 45 s) (RFC 4028)');
      expect(notes(events)).toContain('session refreshed by re-INVITE (RFC 4028, every 45 s)');
      // the refresh's 2xx was ACKed, and the BYE follows in the dialog's CSeq space
      expect(out.filter((w) => w.text.startsWith('ACK ')).map((w) => /\r\nCSeq: (\d+) ACK/.exec(w.text)![1])).toEqual(['1', '2']);
      expect(out.find((w) => w.text.startsWith('BYE '))!.text).toMatch(/\r\nCSeq: 3 BYE\r\n/);
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  }, 70_000);
});
