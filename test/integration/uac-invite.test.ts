// `sipcall invite` against real SIPp on loopback, in process (run(argv, fakeIo) with --json):
// the full call over UDP and TCP, 486, a callee that only sends 100 (ring timeout → CANCEL),
// one that never answers (Timer A/B with T1 = 50 ms), a closed port (ICMP), Ctrl-C while
// ringing and during a call, and a forked 2xx. Each test checks the JSON lines, the exit
// code, and what SIPp logged on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import {
  closedUdpPort,
  ofType,
  paramOf,
  parseSippLog,
  resultOf,
  runCli,
  sippSequence,
  startCli,
  wireSequence,
  type LoggedMessage,
} from './uac-helpers.js';

usePeerCleanup();

const peers: SippPeer[] = [];
async function sipp(...args: Parameters<typeof startSipp>): Promise<SippPeer> {
  const p = await startSipp(...args);
  peers.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

async function wire(peer: SippPeer): Promise<LoggedMessage[]> {
  return parseSippLog(await peer.messageLog());
}

/** The one message SIPp logged that matches. */
function only(msgs: LoggedMessage[], pred: (m: LoggedMessage) => boolean): LoggedMessage {
  const hits = msgs.filter(pred);
  expect(hits, sippSequence(msgs).join('\n')).toHaveLength(1);
  return hits[0]!;
}

describe.skipIf(requirePeers('sipp').skip)('sipcall invite against SIPp', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`full call over ${transport.toUpperCase()}: INVITE 100 180 200 ACK BYE 200, dialog ids, ACK and BYE as SIPp saw them, exit 0`, async () => {
      const uas = await sipp({ scenario: 'uas-full.xml', transport: transport === 'udp' ? 'u1' : 't1' });
      const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--transport', transport]);
      expect(code).toBe(0);
      expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
      const T = transport.toUpperCase();
      for (const e of ofType(events, 'request.sent')) expect(e.transport).toBe(T);

      const msgs = await wire(uas);
      expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
      for (const m of msgs) expect(m.transport).toBe(T);
      const [invite, , , ok, ack, bye] = msgs as [LoggedMessage, LoggedMessage, LoggedMessage, LoggedMessage, LoggedMessage, LoggedMessage];
      expect(invite.uri).toBe(`sip:bob@${uas.hostPort}`);
      expect(invite.header('Via')).toMatch(new RegExp(`^SIP/2\\.0/${T} 127\\.0\\.0\\.1:\\d+;branch=z9hG4bK`));
      expect(invite.header('CSeq')).toBe('1 INVITE');
      const callId = invite.header('Call-ID')!;
      const fromTag = paramOf(invite.header('From'), 'tag')!;
      const toTag = paramOf(ok.header('To'), 'tag')!;
      expect(toTag).toMatch(/SIPpTag01/);

      // dialog.established carries the ids of the dialog (RFC 3261 §12.1.2)
      const [dialog] = ofType(events, 'dialog.established');
      expect(dialog).toMatchObject({ callId, localTag: fromTag, remoteTag: toTag, localCseq: 1, routeSet: [] });
      expect(dialog!.remoteTarget).toBe(`sip:${uas.hostPort};transport=${T}`);
      const [ended] = ofType(events, 'dialog.terminated');
      expect(ended).toMatchObject({ callId, localTag: fromTag, remoteTag: toTag, reason: 'BYE' });

      // ACK for the 2xx (§13.2.2.4): CSeq number of the INVITE, method ACK, the To tag of the 2xx,
      // a new branch, sent to the 2xx's Contact
      expect(ack.uri).toBe(`sip:${uas.hostPort};transport=${T}`);
      expect(ack.header('CSeq')).toBe('1 ACK');
      expect(ack.header('Call-ID')).toBe(callId);
      expect(paramOf(ack.header('From'), 'tag')).toBe(fromTag);
      expect(paramOf(ack.header('To'), 'tag')).toBe(toTag);
      expect(paramOf(ack.header('Via'), 'branch')).not.toBe(paramOf(invite.header('Via'), 'branch'));
      // BYE (§15.1.1): CSeq + 1, same dialog ids, a new branch
      expect(bye.uri).toBe(`sip:${uas.hostPort};transport=${T}`);
      expect(bye.header('CSeq')).toBe('2 BYE');
      expect(bye.header('Call-ID')).toBe(callId);
      expect(paramOf(bye.header('From'), 'tag')).toBe(fromTag);
      expect(paramOf(bye.header('To'), 'tag')).toBe(toTag);
      const branches = new Set([invite, ack, bye].map((m) => paramOf(m.header('Via'), 'branch')));
      expect(branches.size).toBe(3);

      const result = resultOf(events);
      expect(result).toMatchObject({ outcome: 'success', status: 200, statusLocal: false, exitCode: 0 });
    });
  }

  it('100 then silence with --ring-timeout 1: CANCEL (same branch, one Via, CSeq n CANCEL), 200, 487, ACK on the INVITE branch; no INVITE re-sent after the 1xx; exit 3', async () => {
    const uas = await sipp({ scenario: 'uas-100-silence.xml' });
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--ring-timeout', '1', '--t1', '50']);
    expect(code).toBe(3);
    expect(wireSequence(events)).toEqual(['INVITE', '100', 'CANCEL', '200', '487', 'ACK']);

    // Timer A stops at the 1xx (RFC 3261 §17.1.1.2); Timer B too (it only acts in Calling)
    const stopped = ofType(events, 'timer.stopped').filter((e) => e.method === 'INVITE').map((e) => [e.timer, e.reason]);
    expect(stopped[0]).toEqual(['A', 'provisional response']);
    expect(stopped[1]?.[0]).toBe('B');
    expect(ofType(events, 'timer.fired').filter((e) => e.method === 'INVITE')).toEqual([]);

    // the ring timeout fires 1 s after the 100 (generous tolerance: a real clock)
    const got100 = ofType(events, 'response.received').find((e) => e.status === 100)!;
    const cancelSent = ofType(events, 'request.sent').find((e) => e.method === 'CANCEL')!;
    expect(cancelSent.t - got100.t).toBeGreaterThanOrEqual(990);
    expect(cancelSent.t - got100.t).toBeLessThan(1200);
    expect(ofType(events, 'note').some((n) => n.level === 'warn' && /^ring timeout: no final response 1 s after 100 Trying/.test(n.text))).toBe(true);

    const msgs = await wire(uas);
    // 1 s with T1 = 50 ms would be 4 retransmissions (50, 150, 350, 750 ms) had Timer A not stopped
    expect(msgs.filter((m) => m.method === 'INVITE')).toHaveLength(1);
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '→ CANCEL', '← 200 CANCEL', '← 487 INVITE', '→ ACK']);
    const invite = only(msgs, (m) => m.method === 'INVITE');
    const cancel = only(msgs, (m) => m.method === 'CANCEL');
    const ack = only(msgs, (m) => m.method === 'ACK');
    const r487 = only(msgs, (m) => m.status === 487);
    // RFC 3261 §9.1: Request-URI, Call-ID, To, From, CSeq number identical; one Via, the INVITE's top Via
    expect(cancel.uri).toBe(invite.uri);
    expect(cancel.headers('Via')).toEqual(invite.headers('Via'));
    expect(cancel.headers('Via')).toHaveLength(1);
    expect(cancel.header('CSeq')).toBe('1 CANCEL');
    for (const h of ['Call-ID', 'From', 'To']) expect(cancel.header(h)).toBe(invite.header(h));
    // §17.1.1.3: the ACK for the 487 is on the INVITE's branch, To tag from the 487
    expect(paramOf(ack.header('Via'), 'branch')).toBe(paramOf(invite.header('Via'), 'branch'));
    expect(ack.uri).toBe(invite.uri);
    expect(ack.header('CSeq')).toBe('1 ACK');
    expect(ack.header('To')).toBe(r487.header('To'));
    expect(paramOf(ack.header('To'), 'tag')).toMatch(/SIPpTag01/);

    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'timeout', status: 487, statusLocal: false, exitCode: 3 });
  });

  it('486 Busy Here: ACK on the INVITE branch, result 486 from the wire (not local), exit 1', async () => {
    const uas = await sipp({ scenario: 'uas-486.xml' });
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--t1', '100']);
    expect(code).toBe(1);
    expect(wireSequence(events)).toEqual(['INVITE', '100', '486', 'ACK']);
    const [inviteSent, ackSent] = ofType(events, 'request.sent');
    expect(ackSent!.branch).toBe(inviteSent!.branch);
    expect(ackSent!.cseq).toBe(1);

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 486 INVITE', '→ ACK']);
    const invite = only(msgs, (m) => m.method === 'INVITE');
    const ack = only(msgs, (m) => m.method === 'ACK');
    const busy = only(msgs, (m) => m.status === 486);
    expect(paramOf(ack.header('Via'), 'branch')).toBe(paramOf(invite.header('Via'), 'branch'));
    expect(ack.header('CSeq')).toBe('1 ACK');
    expect(ack.header('To')).toBe(busy.header('To'));
    expect(ack.uri).toBe(invite.uri);

    expect(ofType(events, 'dialog.established')).toEqual([]);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'failure-response', status: 486, reason: 'Busy Here', statusLocal: false, exitCode: 1 });
  });

  it('no answer at all, T1 = 50 ms: 7 INVITEs 50, 100, 200, 400, 800, 1600 ms apart, Timer B at 3.2 s, local 408, exit 3', async () => {
    const uas = await sipp({ scenario: 'uas-no-answer.xml' });
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--t1', '50']);
    expect(code).toBe(3);

    const sent = ofType(events, 'request.sent');
    expect(sent.map((e) => [e.method, e.attempt, e.retransmission])).toEqual([
      ['INVITE', 1, false],
      ['INVITE', 2, true],
      ['INVITE', 3, true],
      ['INVITE', 4, true],
      ['INVITE', 5, true],
      ['INVITE', 6, true],
      ['INVITE', 7, true],
    ]);
    expect(new Set(sent.map((e) => e.branch)).size).toBe(1);
    const expected = [50, 100, 200, 400, 800, 1600];
    const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);
    // by sipcall's own clock
    gaps(sent.map((e) => e.t)).forEach((g, i) => expect(Math.abs(g - expected[i]!), `gap ${i + 1}: ${g} ms`).toBeLessThan(40));
    // as SIPp received them (its -trace_msg timestamps)
    const msgs = await wire(uas);
    const invites = msgs.filter((m) => m.method === 'INVITE' && m.direction === 'received');
    expect(invites).toHaveLength(7);
    expect(msgs.filter((m) => m.direction === 'sent')).toEqual([]);
    gaps(invites.map((m) => m.at)).forEach((g, i) => expect(Math.abs(g - expected[i]!), `SIPp gap ${i + 1}: ${g} ms`).toBeLessThan(40));
    // every copy is the same request
    expect(new Set(invites.map((m) => m.text)).size).toBe(1);

    // Timer B = 64·T1 = 3200 ms after the first send
    const fired = ofType(events, 'timer.fired').filter((e) => e.method === 'INVITE');
    expect(fired.map((e) => e.timer)).toEqual(['A', 'A', 'A', 'A', 'A', 'A', 'B']);
    const b = fired.at(-1)!;
    expect(Math.abs(b.t - sent[0]!.t - 3200)).toBeLessThan(80);
    expect(ofType(events, 'timer.started').find((e) => e.timer === 'B')?.ms).toBe(3200);
    expect(ofType(events, 'transaction.terminated')).toMatchObject([{ method: 'INVITE', outcome: 'timeout', status: 408, local: true }]);

    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'timeout', status: 408, statusLocal: true, exitCode: 3 });
    expect(Math.abs(result.t - 3200)).toBeLessThan(200);
  });

  it('closed UDP port: transport.error ECONNREFUSED long before Timer B, local 503, exit 4', async () => {
    const port = await closedUdpPort();
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@127.0.0.1:${port}`, '--t1', '50']);
    expect(code).toBe(4);
    const errors = ofType(events, 'transport.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ transport: 'UDP', code: 'ECONNREFUSED', to: `127.0.0.1:${port}` });
    expect(errors[0]!.t).toBeLessThan(1000);
    expect(ofType(events, 'request.sent').map((e) => e.method)).toEqual(['INVITE']);
    expect(ofType(events, 'timer.fired')).toEqual([]);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'transport-error', status: 503, statusLocal: true, exitCode: 4 });
    expect(result.t).toBeLessThan(1000);
  });

  it('Ctrl-C while ringing: CANCEL, 200, 487, ACK, exit 130', async () => {
    const uas = await sipp({ scenario: 'uas-100-silence.xml' });
    const cli = startCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--t1', '100']);
    await cli.waitFor((e) => e.type === 'response.received' && e.status === 100);
    cli.io.interrupt();
    const code = await cli.done;
    expect(code).toBe(130);
    const events = cli.events();
    expect(wireSequence(events)).toEqual(['INVITE', '100', 'CANCEL', '200', '487', 'ACK']);
    expect(ofType(events, 'note').map((n) => n.text)).toContain('Ctrl-C: sending CANCEL (RFC 3261 §9.1)');
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'interrupted', status: 487, statusLocal: false, exitCode: 130 });

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '→ CANCEL', '← 200 CANCEL', '← 487 INVITE', '→ ACK']);
    const invite = only(msgs, (m) => m.method === 'INVITE');
    const cancel = only(msgs, (m) => m.method === 'CANCEL');
    expect(cancel.headers('Via')).toEqual(invite.headers('Via'));
    expect(cancel.header('CSeq')).toBe('1 CANCEL');
  });

  it('Ctrl-C during a call (--duration 30): BYE at once, 200, exit 130', async () => {
    const uas = await sipp({ scenario: 'uas-full.xml' });
    const started = Date.now();
    const cli = startCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--duration', '30']);
    await cli.waitFor((e) => e.type === 'dialog.established');
    cli.io.interrupt();
    const code = await cli.done;
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
    const events = cli.events();
    expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
    expect(ofType(events, 'dialog.terminated')).toMatchObject([{ reason: 'BYE after Ctrl-C' }]);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'interrupted', status: 200, statusLocal: false, exitCode: 130 });

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
    const ok = only(msgs, (m) => m.status === 200 && m.header('CSeq') === '1 INVITE');
    const bye = only(msgs, (m) => m.method === 'BYE');
    expect(bye.header('CSeq')).toBe('2 BYE');
    expect(bye.header('To')).toBe(ok.header('To'));
  });

  it('Ctrl-C before any response: no CANCEL yet (RFC 3261 §9.1), Ctrl-C again quits at once; exit 130, nothing but INVITEs on the wire', async () => {
    const uas = await sipp({ scenario: 'uas-no-answer.xml' });
    const cli = startCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--t1', '100']);
    await cli.waitFor((e) => e.type === 'request.sent');
    cli.io.interrupt();
    await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('Ctrl-C: CANCEL waits for a provisional response'));
    cli.io.interrupt();
    expect(await cli.done).toBe(130);
    const events = cli.events();
    expect(new Set(wireSequence(events))).toEqual(new Set(['INVITE']));
    expect(resultOf(events)).toMatchObject({ outcome: 'interrupted', exitCode: 130 });
    expect(resultOf(events).t).toBeLessThan(3000);
    const msgs = await wire(uas);
    expect(new Set(msgs.map((m) => m.method))).toEqual(new Set(['INVITE']));
  });

  it('2xx re-sent while no ACK seems to arrive (uas-200-no-ack.xml): the same ACK for each copy, also after Timer M', async () => {
    const uas = await sipp({ scenario: 'uas-200-no-ack.xml' });
    // T1 = 50 ms: Timer M (64·T1) ends at 3.2 s, before SIPp's fourth 200 at 3.5 s
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--t1', '50', '--duration', '4']);
    // this peer ignores the BYE too: Timer F (3.2 s) ends the run, a timeout
    expect(code).toBe(3);
    expect(resultOf(events).summary).toMatch(/^call answered \(200 OK\) but ending it failed: BYE: no final response before Timer F/);
    const acks = ofType(events, 'request.sent').filter((e) => e.method === 'ACK');
    expect(acks.map((e) => [e.attempt, e.retransmission])).toEqual([[1, false], [2, true], [3, true], [4, true]]);
    expect(new Set(acks.map((e) => e.branch)).size).toBe(1);
    expect(ofType(events, 'timer.fired').filter((e) => e.timer === 'M')).toHaveLength(1);
    expect(ofType(events, 'dialog.established')).toHaveLength(1);

    const msgs = await wire(uas);
    const received = msgs.filter((m) => m.direction === 'received' && m.method === 'ACK');
    expect(received).toHaveLength(4);
    expect(new Set(received.map((m) => m.text)).size).toBe(1); // byte for byte the same ACK
    // each ACK follows a 200 (SIPp sends at 0, 500, 1500, 3500 ms)
    const seq = sippSequence(msgs).filter((s) => s === '← 200 INVITE' || s === '→ ACK').slice(0, 8);
    expect(seq).toEqual(['← 200 INVITE', '→ ACK', '← 200 INVITE', '→ ACK', '← 200 INVITE', '→ ACK', '← 200 INVITE', '→ ACK']);
  });

  it('forked 2xx (two 200s, different To tags): ACKs both, BYEs the second at once, keeps the first until the hold time ends', async () => {
    const uas = await sipp({ scenario: 'uas-fork-2xx.xml' });
    const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--duration', '1']);
    expect(code).toBe(0);
    expect(wireSequence(events)).toEqual(['INVITE', '100', '200', 'ACK', '200', 'ACK', 'BYE', '200', 'BYE', '200']);
    // the second 200 came in the Accepted state (RFC 6026) and was passed up, not dropped
    expect(ofType(events, 'response.received').filter((e) => e.status === 200 && e.method === 'INVITE').map((e) => e.retransmission)).toEqual([false, false]);
    const dialogs = ofType(events, 'dialog.established');
    expect(dialogs).toHaveLength(1);

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual([
      '→ INVITE', '← 100 INVITE', '← 200 INVITE', '→ ACK', '← 200 INVITE', '→ ACK',
      '→ BYE', '← 200 BYE', '→ BYE', '← 200 BYE',
    ]);
    const invite = only(msgs, (m) => m.method === 'INVITE');
    const oks = msgs.filter((m) => m.status === 200 && m.header('CSeq') === '1 INVITE');
    // both 200s answer the same INVITE (same Via branch, From, Call-ID)
    for (const ok of oks) {
      expect(ok.headers('Via')).toEqual(invite.headers('Via'));
      expect(ok.header('From')).toBe(invite.header('From'));
      expect(ok.header('Call-ID')).toBe(invite.header('Call-ID'));
    }
    const tag1 = paramOf(oks[0]!.header('To'), 'tag')!;
    const tag2 = paramOf(oks[1]!.header('To'), 'tag')!;
    expect(tag1).toMatch(/SIPpTag01/);
    expect(tag2).toMatch(/SIPpTag02/);
    expect(dialogs[0]!.remoteTag).toBe(tag1);
    const [ack1, ack2] = msgs.filter((m) => m.method === 'ACK');
    const [bye2, bye1] = msgs.filter((m) => m.method === 'BYE');
    // an ACK per 2xx, each with that 2xx's To tag, sent to that 2xx's Contact
    expect(paramOf(ack1!.header('To'), 'tag')).toBe(tag1);
    expect(paramOf(ack2!.header('To'), 'tag')).toBe(tag2);
    expect(ack1!.uri).toBe(`sip:${uas.hostPort};transport=UDP`);
    expect(ack2!.uri).toBe(`sip:fork2@${uas.hostPort};transport=UDP`);
    for (const a of [ack1!, ack2!]) expect(a.header('CSeq')).toBe('1 ACK');
    // the second dialog is ended at once; the first when the 1 s hold ends
    expect(paramOf(bye2!.header('To'), 'tag')).toBe(tag2);
    expect(bye2!.uri).toBe(`sip:fork2@${uas.hostPort};transport=UDP`);
    expect(paramOf(bye1!.header('To'), 'tag')).toBe(tag1);
    expect(bye1!.at - bye2!.at).toBeGreaterThan(900);
    for (const b of [bye1!, bye2!]) expect(b.header('CSeq')).toBe('2 BYE');
    expect(ofType(events, 'note').some((n) => n.text.startsWith(`another 2xx from a forked branch (To tag ${tag2})`))).toBe(true);

    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
  });
});
