// `sipcall answer` as the UAS on loopback: called by SIPp's built-in UAC (`sipp -sn uac
// HOST:PORT -m 1`, whose exit status says whether the call succeeded) over UDP and TCP, and
// by `sipcall invite` in the same process. Both CLIs run in process with --json.
import { afterEach, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import type { ExitStatus } from '../support/peers/process.js';
import { ofType, parseSippLog, resultOf, runCli, sippSequence, startCli, uasSequence, wireSequence, type CliRun } from './uac-helpers.js';

usePeerCleanup();

const peers: SippPeer[] = [];
const answers: CliRun[] = [];
afterEach(async () => {
  for (const a of answers.splice(0)) {
    a.io.interrupt();
    await a.done;
  }
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

/** Starts `sipcall answer` on a free port; resolves with the run and its port. */
async function startAnswer(extra: string[] = []): Promise<{ cli: CliRun; port: number }> {
  const cli = startCli(['answer', '--port', '0', ...extra]);
  answers.push(cli);
  const note = await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
  const m = /^answering on 127\.0\.0\.1:(\d+) \((UDP|TCP)\)/.exec(note.type === 'note' ? note.text : '');
  expect(m).not.toBeNull();
  return { cli, port: Number(m![1]) };
}

/** Stops `sipcall answer` with Ctrl-C; resolves with its exit code. */
async function stopAnswer(cli: CliRun): Promise<number> {
  answers.splice(answers.indexOf(cli), 1);
  cli.io.interrupt();
  return cli.done;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);
}

describe.skipIf(requirePeers('sipp').skip)('sipcall answer called by SIPp (sipp -sn uac -m 1)', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport.toUpperCase()}: SIPp's call succeeds (exit 0); answer saw INVITE, ACK, BYE and sent 100, 180, 200, 200`, async () => {
      const { cli, port } = await startAnswer(['--transport', transport, '--ring', '100']);
      const uac = await startSipp({ scenario: 'uac', transport: transport === 'udp' ? 'u1' : 't1', remote: `127.0.0.1:${port}`, extraArgs: ['-m', '1'] });
      peers.push(uac);
      const status: ExitStatus = await within(uac.exited, 15_000, 'sipp -sn uac');
      expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });

      const msgs = parseSippLog(await uac.messageLog());
      expect(sippSequence(msgs)).toEqual(['← INVITE', '→ 100 INVITE', '→ 180 INVITE', '→ 200 INVITE', '← ACK', '← BYE', '→ 200 BYE']);
      const invite = msgs[0]!;
      const ok = msgs[3]!;
      // the 200 answers that INVITE (§8.2.6.2) and opens a dialog (a To tag, a Contact)
      expect(ok.headers('Via')).toEqual(invite.headers('Via'));
      expect(ok.header('Call-ID')).toBe(invite.header('Call-ID'));
      expect(ok.header('To')).toMatch(/;tag=\S+$/);
      expect(ok.header('Contact')).toBe(`<sip:answer@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}>`);
      expect(ok.header('Content-Type')).toBe('application/sdp');
      expect(ok.body).toMatch(/^v=0\n/);
      expect(msgs[1]!.header('To')).not.toMatch(/tag=/); // 100 Trying: no tag needed
      expect(msgs[2]!.header('To')).toBe(ok.header('To')); // 180 and 200: the same tag

      // Ctrl-C is answer's normal stop: exit 0, with what it served.
      const code = await stopAnswer(cli);
      expect(code).toBe(0);
      const events = cli.events();
      expect(uasSequence(events)).toEqual(['INVITE', '100 INVITE', '180 INVITE', '200 INVITE', 'ACK', 'BYE', '200 BYE']);
      for (const e of ofType(events, 'request.received')) expect(e.transport).toBe(transport.toUpperCase());
      // the ACK stopped the 2xx retransmissions: one 200 for the INVITE
      expect(ofType(events, 'response.sent').filter((e) => e.retransmission)).toEqual([]);
      expect(resultOf(events)).toMatchObject({ outcome: 'success', exitCode: 0 });
      expect(resultOf(events).summary).toMatch(/^answer: stopped by Ctrl-C after \d+\.\d s; served 1 call \([01] with media\); requests: 1 INVITE, 1 ACK, 1 BYE$/);
      expect(resultOf(events).verdict).toBeUndefined();
    });
  }

  it('UPDATE in the dialog (RFC 3311): a sendonly offer is answered recvonly in the 200, one without a body is a refresh (200, no SDP); SIPp checks both: exit 0', async () => {
    const { cli, port } = await startAnswer(['--ring', '50']);
    const uac = await startSipp({ scenario: 'uac-update.xml', remote: `127.0.0.1:${port}`, rtpEcho: true, extraArgs: ['-m', '1', '-s', 'bob'] });
    peers.push(uac);
    const status = await within(uac.exited, 15_000, 'sipp uac-update');
    expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    expect(await stopAnswer(cli)).toBe(0);
    const events = cli.events();
    expect(uasSequence(events)).toEqual(['INVITE', '100 INVITE', '180 INVITE', '200 INVITE', 'ACK', 'UPDATE', '200 UPDATE', 'UPDATE', '200 UPDATE', 'BYE', '200 BYE']);
    expect(ofType(events, 'note').some((n) => /the caller put the call on hold \(sendonly in its UPDATE\): we answered recvonly/.test(n.text))).toBe(true);
  });

  it("--respond 486: SIPp's UAC, which wants a 200, fails the call (exit 1): its verdict is not a rubber stamp", async () => {
    const { port } = await startAnswer(['--respond', '486', '--ring', '50']);
    const uac = await startSipp({ scenario: 'uac', remote: `127.0.0.1:${port}`, extraArgs: ['-m', '1'] });
    peers.push(uac);
    const status = await within(uac.exited, 15_000, 'sipp -sn uac');
    expect(status.code).toBe(1);
    const msgs = parseSippLog(await uac.messageLog());
    expect(msgs.some((m) => m.status === 486)).toBe(true);
  });
});

describe('sipcall invite → sipcall answer, in one process', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`full call over ${transport.toUpperCase()}: both sides see the same flow; exit 0`, async () => {
      const { cli: answer, port } = await startAnswer(['--transport', transport, '--ring', '100']);
      const { code, events } = await runCli(['invite', '--no-media', `sip:bob@127.0.0.1:${port}`, '--transport', transport]);
      expect(code).toBe(0);
      expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
      const [dialog] = ofType(events, 'dialog.established');
      expect(dialog!.remoteTarget).toBe(`sip:answer@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`);
      expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });

      expect(await stopAnswer(answer)).toBe(0);
      const uas = answer.events();
      expect(resultOf(uas).summary).toMatch(/; served 1 call \([01] with media\); requests: 1 INVITE, 1 ACK, 1 BYE$/);
      expect(uasSequence(uas)).toEqual(['INVITE', '100 INVITE', '180 INVITE', '200 INVITE', 'ACK', 'BYE', '200 BYE']);
      // the UAS saw the caller's ids: same Call-ID; ACK CSeq 1, BYE CSeq 2
      const received = ofType(uas, 'request.received');
      expect(new Set(received.map((e) => e.callId))).toEqual(new Set([dialog!.callId]));
      expect(received.map((e) => e.cseq)).toEqual(['1 INVITE', '1 ACK', '2 BYE']);
      const sent = ofType(events, 'request.sent');
      expect(received.map((e) => e.branch)).toEqual(sent.map((e) => e.branch));
    });
  }

  it('answer --respond 486: invite exits 1, the ACK reaches the UAS on the INVITE branch', async () => {
    const { cli: answer, port } = await startAnswer(['--respond', '486', '--ring', '50']);
    const { code, events } = await runCli(['invite', '--no-media', `127.0.0.1:${port}`, '--t1', '100']);
    expect(code).toBe(1);
    expect(wireSequence(events)).toEqual(['INVITE', '100', '180', '486', 'ACK']);
    expect(resultOf(events)).toMatchObject({ outcome: 'failure-response', status: 486, statusLocal: false, exitCode: 1 });
    expect(await stopAnswer(answer)).toBe(0);
    expect(resultOf(answer.events()).summary).toMatch(/; served no calls; requests: 1 INVITE, 1 ACK$/);
    const received = ofType(answer.events(), 'request.received');
    expect(received.map((e) => e.method)).toEqual(['INVITE', 'ACK']);
    expect(received[1]!.branch).toBe(received[0]!.branch);
  });

  it('Ctrl-C while the UAS rings: CANCEL, 200, 487, ACK; invite exits 130', async () => {
    const { cli: answer, port } = await startAnswer(['--ring', '30000']);
    const call = startCli(['invite', '--no-media', `127.0.0.1:${port}`, '--t1', '100']);
    await call.waitFor((e) => e.type === 'response.received' && e.status === 180);
    call.io.interrupt();
    expect(await call.done).toBe(130);
    expect(wireSequence(call.events())).toEqual(['INVITE', '100', '180', 'CANCEL', '200', '487', 'ACK']);
    await stopAnswer(answer);
    expect(uasSequence(answer.events())).toEqual(['INVITE', '100 INVITE', '180 INVITE', 'CANCEL', '200 CANCEL', '487 INVITE', 'ACK']);
  });
});

// RFC 3264 §8: "If the version in the origin line does not increment, the SDP MUST be identical
// to the SDP with that version number"; an unchanged session keeps its version.
// test/scenarios/uac-reinvite.xml fails a call whose re-INVITE 200 changes the o= line; SIPp
// exits 0 only when every call succeeded. With media: RTP goes to SIPp's 127.0.0.1 media port.
describe.skipIf(requirePeers('sipp').skip)('sipcall answer: the o= line of its SDP in a re-INVITE (RFC 3264 §8)', () => {
  it('3 calls, each re-INVITEd with the same offer: every 200 keeps the first 200 o= line, version included (SIPp checks it, exits 0)', async () => {
    const { cli, port } = await startAnswer(['--ring', '0', '-v']);
    const uac = await startSipp({ scenario: 'uac-reinvite.xml', remote: `127.0.0.1:${port}`, extraArgs: ['-r', '3', '-m', '3'] });
    peers.push(uac);
    expect(await uac.exited, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    expect(await stopAnswer(cli)).toBe(0);
    // Our side of it: for each call, the 200s to its INVITE and re-INVITE carry one o= line.
    const origins = new Map<string, string[]>();
    for (const e of ofType(cli.events(), 'wire')) {
      if (e.direction !== 'out' || !e.text.startsWith('SIP/2.0 200') || !/\r\nCSeq: \d+ INVITE\r\n/.test(e.text)) continue;
      const callId = /\r\nCall-ID: ([^\r]+)/.exec(e.text)![1]!;
      origins.set(callId, [...(origins.get(callId) ?? []), /\r\no=[^\r]*/.exec(e.text)![0]]);
    }
    expect(origins.size).toBe(3);
    for (const lines of origins.values()) expect(lines.length === 2 && new Set(lines).size === 1, lines.join(' | ')).toBe(true);
    expect(resultOf(cli.events()).outcome).toBe('success');
  }, 60_000);
});
