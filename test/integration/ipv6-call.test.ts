// IPv6 on loopback ([::1]) against SIPp: a whole call over UDP and TCP, checked in SIPp's
// message log — Via sent-by, Contact and From with the address in brackets (RFC 3261 §25.1
// IPv6reference, RFC 5118 §4.2), SDP o=/c= with IP6 and the bare address (RFC 4566 §5.2, §5.7);
// `--local [::1]:PORT`; and `sipcall answer --address ::1` called by SIPp's UAC over IPv6.
// In process (run(argv, fakeIo) with --json).
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup, type ExitStatus } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
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

const SENT_BY = /^SIP\/2\.0\/(UDP|TCP) \[::1\]:(\d+);branch=z9hG4bK[^;]+;rport$/;

describe.skipIf(requirePeers('sipp').skip)('a call over IPv6 [::1] to SIPp', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport.toUpperCase()}: INVITE, 200, ACK, BYE; Via/Contact/From in brackets, SDP c=IN IP6 ::1`, async () => {
      const uas = await startSipp({ scenario: 'uas-full.xml', ipv6: true, transport: transport === 'udp' ? 'u1' : 't1' });
      peers.push(uas);
      expect(uas.hostPort).toBe(`[::1]:${uas.port}`);
      const { code, events } = await runCli(['invite', '--no-media', `sip:bob@${uas.hostPort}`, '--transport', transport, '--duration', '0']);
      expect(code, resultOf(events).summary).toBe(0);
      expect(wireSequence(events).filter((s) => s !== '100' && s !== '180')).toEqual(['INVITE', '200', 'ACK', 'BYE', '200']);
      for (const e of ofType(events, 'request.sent')) expect(e.to).toBe(`[::1]:${uas.port}`);

      const msgs = parseSippLog(await uas.messageLog());
      expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
      const invite = msgs[0]!;
      expect(invite.uri).toBe(`sip:bob@[::1]:${uas.port}`);
      const via = SENT_BY.exec(invite.header('Via') ?? '');
      expect(via, invite.header('Via')).not.toBeNull();
      expect(via![1]).toBe(transport.toUpperCase());
      const tp = transport === 'tcp' ? ';transport=tcp' : '';
      expect(invite.header('Contact')).toMatch(new RegExp(`^<sip:sipcall@\\[::1\\]:\\d+${tp}>$`));
      expect(invite.header('From')).toMatch(/^<sip:sipcall@\[::1\]>;tag=\S+$/);
      expect(invite.header('To')).toBe(`<sip:bob@[::1]:${uas.port}>`);
      // RFC 4566: an address, not a URI reference: IP6 and no brackets
      expect(invite.body).toMatch(/^o=sipcall \d+ \d+ IN IP6 ::1$/m);
      expect(invite.body).toMatch(/^c=IN IP6 ::1$/m);
      expect(invite.body).not.toContain('[');

      // ACK and BYE go to the Contact SIPp gave, and carry our bracketed sent-by
      const contact = /<([^>]+)>/.exec(msgs[3]!.header('Contact') ?? '')![1]!;
      const ack = msgs[4]!;
      const bye = msgs[5]!;
      expect(ack.uri).toBe(contact);
      expect(bye.uri).toBe(contact);
      expect(ack.header('Via')).toMatch(SENT_BY);
      expect(bye.header('Via')).toMatch(SENT_BY);
      expect(bye.header('From')).toBe(invite.header('From'));
    });
  }

  it('--local [::1]:PORT: requests leave from that port, and Contact names it', async () => {
    const uas = await startSipp({ scenario: 'uas-full.xml', ipv6: true });
    peers.push(uas);
    const local = await freePort({ hosts: ['::1'] });
    try {
      const { code, events } = await runCli(['invite', '--no-media', `bob@${uas.hostPort}`, '--local', `[::1]:${local}`, '--duration', '0']);
      expect(code, resultOf(events).summary).toBe(0);
    } finally {
      releasePort(local);
    }
    const invite = parseSippLog(await uas.messageLog())[0]!;
    expect(invite.header('Contact')).toBe(`<sip:sipcall@[::1]:${local}>`);
    expect(invite.header('Via')).toMatch(SENT_BY);
  });

  it('-4 with an IPv6 target is a usage error (exit 2) naming the mismatch', async () => {
    const { code, io } = await runCli(['options', 'sip:[::1]:5060', '-4']);
    expect(code).toBe(2);
    expect(io.err.text).toMatch(/-4 asks for IPv4, but \[::1\] is an IPv6 address/);
  });
});

describe.skipIf(requirePeers('sipp').skip)('sipcall answer --address ::1, called by SIPp over IPv6', () => {
  it("SIPp's UAC (sipp -sn uac -m 1) completes its call; our 200's Contact is bracketed", async () => {
    const cli = startCli(['answer', '--address', '::1', '--port', '0', '--ring', '50']);
    answers.push(cli);
    const note = await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
    const m = /^answering on \[::1\]:(\d+) \(UDP\)/.exec(note.type === 'note' ? note.text : '');
    expect(m, note.type === 'note' ? note.text : '').not.toBeNull();
    const port = Number(m![1]);

    const uac = await startSipp({ scenario: 'uac', ipv6: true, remote: `[::1]:${port}`, extraArgs: ['-m', '1'] });
    peers.push(uac);
    const status: ExitStatus = await Promise.race([uac.exited, new Promise<ExitStatus>((_, reject) => setTimeout(() => reject(new Error('sipp uac: not within 15 s')), 15_000))]);
    expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    const msgs = parseSippLog(await uac.messageLog());
    const ok = msgs.find((x) => x.status === 200 && /INVITE/.test(x.header('CSeq') ?? ''))!;
    expect(ok.header('Contact')).toBe(`<sip:answer@[::1]:${port}>`);
    expect(ok.body).toMatch(/^c=IN IP6 ::1$/m);

    answers.splice(answers.indexOf(cli), 1);
    cli.io.interrupt();
    expect(await cli.done).toBe(0); // Ctrl-C is answer's normal stop
    expect(uasSequence(cli.events())).toEqual(['INVITE', '100 INVITE', '180 INVITE', '200 INVITE', 'ACK', 'BYE', '200 BYE']);
  });
});
