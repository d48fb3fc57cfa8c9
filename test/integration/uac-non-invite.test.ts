// `sipcall options | register | request | bye` against real SIPp on loopback, in process
// (run(argv, fakeIo) with --json): the exit code, the notes and result, and the request as
// SIPp received it.
import { afterEach, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { closedUdpPort, ofType, paramOf, parseSippLog, resultOf, runCli, sippSequence, wireSequence, type LoggedMessage } from './uac-helpers.js';

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

describe.skipIf(requirePeers('sipp').skip)('sipcall options against SIPp', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`OPTIONS over ${transport.toUpperCase()} (uas-options.xml): 200, what the peer says, exit 0`, async () => {
      const uas = await sipp({ scenario: 'uas-options.xml', transport: transport === 'udp' ? 'u1' : 't1' });
      const { code, events } = await runCli(['options', `sip:${uas.hostPort}`, '--transport', transport]);
      expect(code).toBe(0);
      expect(wireSequence(events)).toEqual(['OPTIONS', '200']);
      expect(ofType(events, 'note').map((n) => n.text)).toEqual([
        'the peer says: Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER; Supported: timer; Accept: application/sdp; Server: SIPp UAS (sipcall test peer)',
      ]);
      const result = resultOf(events);
      expect(result).toMatchObject({ outcome: 'success', status: 200, statusLocal: false, exitCode: 0 });
      expect(result.summary).toMatch(/^OPTIONS: 200 OK in \d+\.\d ms$/);

      const msgs = await wire(uas);
      expect(sippSequence(msgs)).toEqual(['→ OPTIONS', '← 200 OPTIONS']);
      const req = msgs[0]!;
      expect(req.transport).toBe(transport.toUpperCase());
      expect(req.uri).toBe(`sip:${uas.hostPort}`);
      expect(req.header('CSeq')).toBe('1 OPTIONS');
      expect(req.header('Accept')).toBe('application/sdp');
      expect(req.header('Max-Forwards')).toBe('70');
      expect(req.header('Via')).toMatch(new RegExp(`^SIP/2\\.0/${transport.toUpperCase()} 127\\.0\\.0\\.1:\\d+;branch=z9hG4bK`));
    });
  }

  it("OPTIONS to SIPp's built-in uas with -aa: a bare 200, 'says nothing about itself', exit 0", async () => {
    const uas = await sipp({ scenario: 'uas' });
    const { code, events } = await runCli(['options', uas.hostPort]);
    expect(code).toBe(0);
    expect(wireSequence(events)).toEqual(['OPTIONS', '200']);
    expect(ofType(events, 'note').map((n) => n.text)).toEqual(['the peer says nothing about itself (no Allow, Supported, Accept, Server or User-Agent)']);
    expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
  });

  it('OPTIONS to a closed UDP port: ECONNREFUSED well before Timer F, exit 4', async () => {
    const port = await closedUdpPort();
    const { code, events } = await runCli(['options', `127.0.0.1:${port}`, '--t1', '50']);
    expect(code).toBe(4);
    const [err] = ofType(events, 'transport.error');
    expect(err).toMatchObject({ code: 'ECONNREFUSED', transport: 'UDP' });
    expect(err!.t).toBeLessThan(1000);
    expect(ofType(events, 'request.sent')).toHaveLength(1);
    expect(resultOf(events)).toMatchObject({ outcome: 'transport-error', status: 503, statusLocal: true, exitCode: 4 });
  });
});

describe.skipIf(requirePeers('sipp').skip)('sipcall register against SIPp', () => {
  it('REGISTER --expires 120 (uas-register-200.xml): 200, the granted expiry, exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-register-200.xml' });
    const { code, events } = await runCli(['register', `alice@${uas.hostPort}`, '--expires', '120']);
    expect(code).toBe(0);
    expect(wireSequence(events)).toEqual(['REGISTER', '200']);

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ REGISTER', '← 200 REGISTER']);
    const req = msgs[0]!;
    // RFC 3261 §10.2: Request-URI is the registrar's domain; To and From the address-of-record
    expect(req.uri).toBe(`sip:${uas.hostPort}`);
    expect(req.header('To')).toBe(`<sip:alice@${uas.hostPort}>`);
    expect(req.header('From')).toMatch(new RegExp(`^<sip:alice@${uas.hostPort.replace(/\./g, '\\.')}>;tag=\\S+$`));
    expect(req.header('Expires')).toBe('120');
    expect(req.header('CSeq')).toBe('1 REGISTER');
    const contact = req.header('Contact')!;
    const contactUri = /^<([^>]+)>$/.exec(contact)?.[1];
    expect(contactUri).toMatch(/^sip:alice@127\.0\.0\.1:\d+$/);
    expect(msgs[1]!.header('Contact')).toBe(`${contact};expires=120`);

    // the note's wording is the presenter's business; the binding, expiry and "ours" are the facts
    const notes = ofType(events, 'note').map((n) => n.text).filter((n) => n.startsWith('bindings'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`${contactUri} expires in 120 s (ours)`);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
    expect(result.summary).toBe('REGISTER: 200 OK, registered for 120 s');
  });

  it('REGISTER --unregister: Expires: 0 on the wire, the registrar echoes expires=0, exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-register-200.xml' });
    const { code, events } = await runCli(['register', `alice@${uas.hostPort}`, '--unregister']);
    expect(code).toBe(0);
    const msgs = await wire(uas);
    expect(msgs[0]!.header('Expires')).toBe('0');
    expect(msgs[1]!.header('Contact')).toMatch(/;expires=0$/);
    expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0 });
  });
});

describe.skipIf(requirePeers('sipp').skip)('sipcall request against SIPp', () => {
  it('request MESSAGE --body - (standard input): the body arrives byte for byte, 200, exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-message.xml' });
    const text = 'Hello from sipcall: ünïcødé ✓\nsecond line\n';
    const { code, events } = await runCli(['request', 'MESSAGE', `bob@${uas.hostPort}`, '--body', '-'], text);
    expect(code).toBe(0);
    expect(wireSequence(events)).toEqual(['MESSAGE', '200']);
    expect(ofType(events, 'request.sent')[0]).toMatchObject({ method: 'MESSAGE', cseq: 1 });
    expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0, summary: 'MESSAGE: 200 OK' });

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ MESSAGE', '← 200 MESSAGE']);
    const req = msgs[0]!;
    expect(req.uri).toBe(`sip:bob@${uas.hostPort}`);
    expect(req.header('CSeq')).toBe('1 MESSAGE');
    expect(req.header('Content-Type')).toBe('text/plain');
    expect(req.header('Content-Length')).toBe(String(Buffer.byteLength(text)));
    // the log keeps the body as sent (SIPp strips the trailing newline of the entry)
    expect(`${req.body}\n`).toBe(text);
  });

  it('request MESSAGE --content-type application/json --expect 4xx: that Content-Type on the wire; a 200 not expected, exit 5', async () => {
    const uas = await sipp({ scenario: 'uas-message.xml' });
    const { code, events } = await runCli(['request', 'MESSAGE', uas.hostPort, '--body', '-', '--content-type', 'application/json', '--expect', '4xx'], '{"a":1}');
    expect(code).toBe(5);
    expect(resultOf(events)).toMatchObject({ outcome: 'expectation-failed', status: 200, exitCode: 5 });
    const req = (await wire(uas))[0]!;
    expect(req.header('Content-Type')).toBe('application/json');
    expect(req.body).toBe('{"a":1}');
  });
});

describe.skipIf(requirePeers('sipp').skip)('sipcall bye against SIPp', () => {
  const ids = ['--call-id', 'stuck-1234@10.0.0.7', '--from-tag', 'ours-5678', '--to-tag', 'theirs-9abc'];

  it('BYE for a stuck dialog the peer still knows (uas-bye-200.xml): the given ids on the wire, 200, exit 0', async () => {
    const uas = await sipp({ scenario: 'uas-bye-200.xml' });
    const { code, events } = await runCli(['bye', `sip:bob@${uas.hostPort}`, ...ids, '--cseq', '42']);
    expect(code).toBe(0);
    expect(wireSequence(events)).toEqual(['BYE', '200']);
    expect(resultOf(events)).toMatchObject({ outcome: 'success', status: 200, exitCode: 0, summary: 'BYE: 200 OK' });

    const msgs = await wire(uas);
    expect(sippSequence(msgs)).toEqual(['→ BYE', '← 200 BYE']);
    const bye = msgs[0]!;
    expect(bye.uri).toBe(`sip:bob@${uas.hostPort}`);
    expect(bye.header('Call-ID')).toBe('stuck-1234@10.0.0.7');
    expect(paramOf(bye.header('From'), 'tag')).toBe('ours-5678');
    expect(paramOf(bye.header('To'), 'tag')).toBe('theirs-9abc');
    expect(bye.header('CSeq')).toBe('42 BYE');
  });

  it('BYE for a dialog the peer has forgotten (uas-bye-481.xml): 481 with the hint, exit 1; a default CSeq in [2^30, 2^31)', async () => {
    const uas = await sipp({ scenario: 'uas-bye-481.xml' });
    const { code, events } = await runCli(['bye', uas.hostPort, ...ids]);
    expect(code).toBe(1);
    expect(wireSequence(events)).toEqual(['BYE', '481']);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: 'failure-response', status: 481, statusLocal: false, exitCode: 1 });
    expect(result.summary).toBe('BYE: 481 Call/Transaction Does Not Exist — the peer does not know this dialog (already ended, or wrong Call-ID/tags)');

    const bye = (await wire(uas))[0]!;
    const [n, method] = (bye.header('CSeq') ?? '').split(' ');
    expect(method).toBe('BYE');
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 30);
    expect(Number(n)).toBeLessThan(2 ** 31);
  });
});
