// Requests the peer sends sipcall during a call (issue 11 §4), against SIPp scenarios: a
// re-INVITE that puts the call on hold (a=sendonly; we must answer a=recvonly, RFC 3264 §8.4),
// its ACK ending our 2xx re-sends (RFC 3261 §13.3.1.4), and the peer's own BYE ending the call.
// Every request from the peer goes through a server transaction (RFC 3261 §17.2). In process
// (run(argv, fakeIo) with --json); SIPp checks the answer itself and exits 0 only when it held.
import { describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';
import { startBaresip } from '../support/peers/baresip.js';
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

describe.skipIf(requirePeers('sipp').skip)('UPDATE from the peer (RFC 3311)', () => {
  it('an UPDATE with a sendonly offer is answered recvonly, an UPDATE without a body is a refresh (200, no SDP); the peer BYE ends the call: exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-update.xml', rtpEcho: true, extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', `bob@${uas.hostPort}`, '--duration', '10', '--media-timeout', '5', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await uas.errorLog())).toBe(0);
      expect(r.summary).toMatch(/the peer hung up \(BYE\)/);
      // our INVITE says we take UPDATE (RFC 3311 §5.1)
      const invite = ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('INVITE '))!.text;
      expect(invite).toMatch(/\r\nAllow: [^\r]*UPDATE/);
      const updates = ofType(events, 'request.received').filter((e) => e.method === 'UPDATE' && !e.retransmission);
      expect(updates).toHaveLength(2);
      const oks = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('SIP/2.0 200') && /CSeq: \d+ UPDATE/.test(w.text)).map((w) => w.text);
      expect(oks[0]).toMatch(/\r\na=recvonly\r\n/);
      expect(oks[oks.length - 1]).toMatch(/\r\nContent-Length: 0\r\n/);
      expect(oks[oks.length - 1]).not.toMatch(/application\/sdp/);
      expect(notes(events).some((n) => /the peer put the call on hold \(sendonly in its UPDATE\): we answered recvonly/.test(n))).toBe(true);
      expect(ofType(events, 'response.sent').filter((e) => e.method === 'UPDATE').every((e) => e.status === 200)).toBe(true);
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });
});

describe.skipIf(requirePeers('sipp').skip)('reliable provisional responses (RFC 3262)', () => {
  it('a reliable 183 with SDP: one PRACK with RAck "1 1 INVITE" in its early dialog, early media, then the call: exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-183-100rel.xml', rtpEcho: true, extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', `bob@${uas.hostPort}`, '--duration', '1', '-v']);
      const r = resultOf(events);
      expect(code, r.summary).toBe(0);
      const out = ofType(events, 'wire').filter((w) => w.direction === 'out');
      expect(out.find((w) => w.text.startsWith('INVITE '))!.text).toMatch(/\r\nSupported: 100rel, timer\r\n/);
      const pracks = ofType(events, 'request.sent').filter((e) => e.method === 'PRACK' && !e.retransmission);
      expect(pracks).toHaveLength(1); // the 183 re-sent until the PRACK: acknowledged once
      const prack = out.find((w) => w.text.startsWith('PRACK '))!.text;
      expect(prack).toMatch(/\r\nRAck: 1 1 INVITE\r\n/);
      expect(prack).toMatch(/\r\nCSeq: 2 PRACK\r\n/);
      // the BYE continues the dialog's CSeq after the PRACK (RFC 3261 §12.2.1.1)
      expect(out.find((w) => w.text.startsWith('BYE '))!.text).toMatch(/\r\nCSeq: 3 BYE\r\n/);
      expect(ofType(events, 'media.started')[0]).toMatchObject({ early: true });
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });

  it('--100rel off: no Supported: 100rel in the INVITE', async () => {
    const uas = await startSipp({ scenario: 'uas-full.xml', extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${uas.hostPort}`, '--100rel', 'off', '--duration', '0', '-v']);
      expect(code).toBe(0);
      const invite = ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('INVITE '))!.text;
      expect(invite).not.toMatch(/100rel/);
    } finally {
      await uas.stop();
    }
  });
});

describe.skipIf(requirePeers('sipp').skip)('session timers (RFC 4028)', () => {
  it('a 422 with Min-SE: the INVITE goes again with Session-Expires and Min-SE 1800; the peer refreshes (refresher=uas): exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-422.xml', extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${uas.hostPort}`, '--duration', '0', '--t1', '100', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await uas.errorLog())).toBe(0);
      const invites = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('INVITE ')).map((w) => w.text);
      expect(invites).toHaveLength(2);
      expect(invites[0]).toMatch(/\r\nSupported: 100rel, timer\r\n/);
      expect(invites[1]).toMatch(/\r\nCSeq: 2 INVITE\r\n/);
      expect(invites[1]).toMatch(/\r\nSession-Expires: 1800\r\n/);
      expect(invites[1]).toMatch(/\r\nMin-SE: 1800\r\n/);
      expect(notes(events)).toContain('422 Session Interval Too Small: the INVITE goes again with Session-Expires 1800 and Min-SE 1800 (RFC 4028 §7.4)');
      expect(notes(events)).toContain('session timer: 1800 s, refresher the peer (RFC 4028)');
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });
});

describe.skipIf(requirePeers('sipp').skip)('hold and resume by re-INVITE (RFC 3264 §8.4)', () => {
  it('SIPp -rtp_echo keeps sending while held: sendonly, then sendrecv re-INVITEs accepted, verdict hold-not-honoured, exit 6', async () => {
    const uas = await startSipp({ scenario: 'uas-hold.xml', rtpEcho: true, extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', `bob@${uas.hostPort}`, '--hold-after', '1', '--hold-for', '1.5', '--duration', '3.5', '--media-timeout', '5', '-v']);
      const r = resultOf(events);
      expect(code, r.summary).toBe(6);
      expect(r.verdict?.id).toBe('hold-not-honoured');
      expect(r.verdict?.evidence[1]).toMatch(/^\d+ RTP packets arrived from \d+ ms/);
      const reinvites = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('INVITE ')).map((w) => w.text);
      expect(reinvites).toHaveLength(3);
      expect(reinvites[1]).toMatch(/\r\na=sendonly\r\n/);
      expect(reinvites[2]).toMatch(/\r\na=sendrecv\r\n/);
      expect(reinvites[1]).toMatch(/\r\nCSeq: 2 INVITE\r\n/);
      expect(reinvites[2]).toMatch(/\r\nCSeq: 3 INVITE\r\n/);
      // RFC 3264 §8: one o= session id; each offer that changes the session one version up.
      const origins = reinvites.map((t) => /\r\no=\S+ (\d+) (\d+) /.exec(t)!.slice(1));
      expect(new Set(origins.map((o) => o[0])).size).toBe(1);
      expect(origins.map((o) => BigInt(o[1]!) - BigInt(origins[0]![1]!))).toEqual([0n, 1n, 2n]);
      expect(ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('BYE '))!.text).toMatch(/\r\nCSeq: 4 BYE\r\n/);
      expect(notes(events)).toContain('on hold: we sent a=sendonly; the peer should stop sending (RFC 3264 §8.4)');
      expect(notes(events)).toContain('resumed: we sent a=sendrecv');
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });
});

describe.skipIf(requirePeers('baresip').skip)('hold and resume with baresip (it honours the hold)', () => {
  it('baresip answers recvonly and stops its tone while held, resumes after: no verdict, exit 0', async () => {
    const bob = await startBaresip({ mode: 'tone', toneHz: 440 });
    try {
      const { code, events } = await runJson(['invite', bob.uri, '--hold-after', '1', '--hold-for', '1.5', '--duration', '4', '--media-timeout', '5', '-v']);
      const r = resultOf(events);
      expect(code, `${r.summary} ${JSON.stringify(r.verdict)}`).toBe(0);
      expect(r.verdict).toBeUndefined();
      const answers = ofType(events, 'wire').filter((w) => w.direction === 'in' && w.text.startsWith('SIP/2.0 200') && /CSeq: \d+ INVITE/.test(w.text)).map((w) => w.text);
      expect(answers.some((t) => /\r\na=recvonly\r\n/.test(t))).toBe(true);
      expect(notes(events)).toContain('resumed: we sent a=sendrecv');
      expect(r.media!.received.packets).toBeGreaterThan(100);
    } finally {
      await bob.stop();
    }
  });
});

describe.skipIf(requirePeers('sipp').skip)('blind transfer (RFC 3515)', () => {
  it('--transfer-to: REFER with Refer-To and Referred-By, 202, NOTIFY sipfrag 100 then 200, then our BYE: exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-refer.xml', extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${uas.hostPort}`, '--transfer-to', 'sip:carol@127.0.0.1:5099', '--duration', '10', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await uas.errorLog())).toBe(0);
      expect(r.summary).toMatch(/transferred to sip:carol@127\.0\.0\.1:5099 \(200 OK\), ended with BYE: 200 OK/);
      const refer = ofType(events, 'wire').find((w) => w.direction === 'out' && w.text.startsWith('REFER '))!.text;
      expect(refer).toMatch(/\r\nRefer-To: <sip:carol@127\.0\.0\.1:5099>\r\n/);
      expect(refer).toMatch(/\r\nReferred-By: <sip:/);
      expect(notes(events).filter((n) => n.startsWith('transfer to sip:carol'))).toEqual(['transfer to sip:carol@127.0.0.1:5099: 100 Trying', 'transfer to sip:carol@127.0.0.1:5099: 200 OK']);
      expect(ofType(events, 'response.sent').filter((e) => e.method === 'NOTIFY').map((e) => e.status)).toEqual([200, 200]);
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });

  it('a --transfer-to that is not a URI is refused before anything is sent (exit 2)', async () => {
    const { code, io } = await runJson(['invite', '--no-media', 'bob@127.0.0.1:9', '--transfer-to', 'not a uri']);
    expect(code).toBe(2);
    expect(io.err.text).toMatch(/--transfer-to target/);
  });
});

describe.skipIf(requirePeers('sipp').skip)('a transfer the peer asks for (RFC 3515, --accept-transfer)', () => {
  it('REFER from bob to carol: 202, NOTIFY 100, the call to carol (a second SIPp), NOTIFY 200, BYE to bob: exit 0', async () => {
    const carol = await startSipp({ scenario: 'uas-full.xml', extraArgs: ['-m', '1'] });
    const target = `sip:carol@${carol.hostPort}`;
    const bob = await startSipp({ scenario: 'uas-refer-caller.xml', extraArgs: ['-m', '1', '-set', 'target', target] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${bob.hostPort}`, '--accept-transfer', '--duration', '1', '--t1', '100', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await bob.errorLog())).toBe(0);
      expect(r.summary).toMatch(new RegExp(`transferred by the peer to ${target.replace(/\./g, '\\.')}`));
      const invites = ofType(events, 'request.sent').filter((e) => e.method === 'INVITE' && !e.retransmission);
      expect(invites.map((e) => e.to)).toEqual([bob.hostPort, carol.hostPort]);
      const notifies = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('NOTIFY ')).map((w) => w.text);
      expect(notifies.map((t) => /\r\n\r\n(SIP\/2\.0 \d{3})/.exec(t)![1])).toEqual(['SIP/2.0 100', 'SIP/2.0 200']);
      expect(notifies[1]).toMatch(/\r\nSubscription-State: terminated;reason=noresource\r\n/);
      expect(ofType(events, 'response.sent').find((e) => e.method === 'REFER')).toMatchObject({ status: 202 });
      expect(await bob.exited, bob.stderr() + (await bob.errorLog())).toEqual({ code: 0, signal: null });
      expect(await carol.exited).toEqual({ code: 0, signal: null });
    } finally {
      await Promise.all([bob.stop(), carol.stop()]);
    }
  });

  it('without --accept-transfer a REFER is declined with 603: nothing is called', async () => {
    const bob = await startSipp({ scenario: 'uas-refer-caller.xml', extraArgs: ['-m', '1', '-set', 'target', 'sip:carol@127.0.0.1:9'] });
    try {
      const { events } = await runJson(['invite', '--no-media', `bob@${bob.hostPort}`, '--duration', '1', '--t1', '100', '-v']);
      expect(ofType(events, 'response.sent').find((e) => e.method === 'REFER')).toMatchObject({ status: 603 });
      expect(notes(events).some((n) => /declined with 603, give --accept-transfer/.test(n))).toBe(true);
      // (this SIPp scenario wanted a 202: it drops the call, so our BYE is not answered)
      expect(ofType(events, 'request.sent').some((e) => e.method === 'INVITE' && e.to !== bob.hostPort)).toBe(false);
    } finally {
      await bob.stop();
    }
  });
});

describe.skipIf(requirePeers('sipp').skip)('glare (RFC 3261 §14.1)', () => {
  it('a 491 to our hold re-INVITE: retried after 2.1–4 s (we own the Call-ID), then held', async () => {
    const uas = await startSipp({ scenario: 'uas-491.xml', extraArgs: ['-m', '1'] });
    try {
      const { code, events } = await runJson(['invite', '--no-media', `bob@${uas.hostPort}`, '--hold-after', '0.3', '--duration', '5.5', '-v']);
      const r = resultOf(events);
      expect(code, r.summary + (await uas.errorLog())).toBe(0);
      const reinvites = ofType(events, 'request.sent').filter((e) => e.method === 'INVITE' && !e.retransmission).slice(1);
      expect(reinvites).toHaveLength(2);
      const gap = reinvites[1]!.t - reinvites[0]!.t;
      expect(gap).toBeGreaterThanOrEqual(2100);
      expect(gap).toBeLessThanOrEqual(4000 + 200);
      expect(notes(events).some((n) => /^491 Request Pending to our hold re-INVITE .*: trying again in \d\.\d s \(RFC 3261 §14\.1\)$/.test(n))).toBe(true);
      expect(notes(events)).toContain('on hold: we sent a=sendonly; the peer should stop sending (RFC 3264 §8.4)');
      expect(await uas.exited, uas.stderr() + (await uas.errorLog())).toEqual({ code: 0, signal: null });
    } finally {
      await uas.stop();
    }
  });
});

describe('hold between two sipcalls: answer honours a re-INVITE in its dialog', () => {
  it('invite --hold-after/--hold-for against sipcall answer: a=recvonly back, the same dialog, its RTP stops while held, no verdict, exit 0', async () => {
    const { SystemClock } = await import('../../src/clock/system-clock.js');
    const { AutoAnswer } = await import('../../src/engine/uas.js');
    const uas = new AutoAnswer(
      { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 0, t1: 500, t2: 4000, userAgent: 'hold-test', media: (await import('../../src/cli/media-options.js')).mediaPlanFrom({ header: [] } as never)! },
      { clock: new SystemClock(), sink: () => {} },
    );
    const local = await uas.start();
    try {
      const { code, events } = await runJson(['invite', `bob@127.0.0.1:${local.port}`, '--hold-after', '1', '--hold-for', '1', '--duration', '3', '-v']);
      const r = resultOf(events);
      expect(code, `${r.summary} ${JSON.stringify(r.verdict)}`).toBe(0);
      expect(r.verdict).toBeUndefined();
      const oks = ofType(events, 'wire').filter((w) => w.direction === 'in' && w.text.startsWith('SIP/2.0 200') && /CSeq: \d+ INVITE/.test(w.text)).map((w) => w.text);
      expect(oks).toHaveLength(3);
      expect(oks[1]).toMatch(/\r\na=recvonly\r\n/);
      expect(oks[2]).toMatch(/\r\na=sendrecv\r\n/);
      const tag = (t: string) => /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(t)![1];
      expect(new Set(oks.map(tag)).size).toBe(1); // one dialog, not three calls
      expect(ofType(events, 'response.received').filter((e) => e.method === 'INVITE' && e.status === 180)).toHaveLength(1);
    } finally {
      await uas.close();
    }
  });
});
