// Calls and other requests through a real Kamailio proxy that answers INVITE and MESSAGE with
// 407 (test/kamailio), relaying R-URI user port-NNNN to a SIPp UAS on 127.0.0.1:NNNN:
// INVITE → 407 → INVITE with Proxy-Authorization → 200 → ACK (with the INVITE's credentials)
// → BYE (credentials carried pro-actively, nc counting up) → 200; OPTIONS; MESSAGE; and a
// challenge with no credentials. In process (run(argv, fakeIo) with --json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { finals, headerIn, notes, ofType, resultOf, runJson, sent, startJson } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

/** Requests SIPp received, each as its text (from the -trace_msg log). */
function received(log: string, method: string): string[] {
  return log
    .split(/^-{20,}.*$/m)
    .map((chunk) => chunk.replace(/^[^\n]*message received[^\n]*\n+/m, '').trim())
    .filter((chunk) => chunk.startsWith(`${method} `));
}

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('through Kamailio (407) to a SIPp UAS', () => {
  let k: KamailioPeer;
  let uas: SippPeer;
  beforeAll(async () => {
    k = await startKamailio();
    uas = await startSipp({ scenario: 'uas-full.xml' });
  });
  afterAll(async () => {
    await Promise.all([uas?.stop(), k?.stop()]);
  });

  it('INVITE through the 407, ACK and BYE with the same credentials (nc counting up)', async () => {
    const { code, events } = await runJson(['invite', '--no-media', `port-${uas.port}@${k.hostPort}`, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'INVITE')).toEqual([407, 200]);
    const invites = sent(events, 'INVITE');
    expect(invites).toHaveLength(2);
    expect(invites[1]!.callId).toBe(invites[0]!.callId);
    expect(invites[1]!.cseq).toBe(invites[0]!.cseq + 1);
    expect(invites[1]!.branch).not.toBe(invites[0]!.branch);

    const out = ofType(events, 'wire').filter((w) => w.direction === 'out');
    const inviteTexts = out.filter((w) => w.text.startsWith('INVITE')).map((w) => w.text);
    expect(headerIn(inviteTexts[0]!, 'Proxy-Authorization')).toBeUndefined();
    const pa = headerIn(inviteTexts[1]!, 'Proxy-Authorization') ?? '';
    expect(pa).toMatch(/^Digest username="alice", realm="127\.0\.0\.1"/);
    expect(pa).toContain('nc=00000001');
    expect(headerIn(inviteTexts[1]!, 'From')).toBe(headerIn(inviteTexts[0]!, 'From'));
    expect(headerIn(inviteTexts[0]!, 'From')).toMatch(/^<sip:alice@127\.0\.0\.1>;tag=/);

    // the ACK for the 2xx carries the INVITE's credentials (RFC 3261 §13.2.2.4 / §22)
    const ack = out.find((w) => w.text.startsWith('ACK') && /CSeq: 2 ACK/.test(w.text))!.text;
    expect(headerIn(ack, 'Proxy-Authorization')).toBe(pa);
    // the BYE carries them pro-actively, nc counting up (RFC 3261 §22.3, RFC 7616 §3.4)
    const bye = out.find((w) => w.text.startsWith('BYE'))!.text;
    const byeAuth = headerIn(bye, 'Proxy-Authorization') ?? '';
    expect(byeAuth).toContain('nc=00000002');
    expect(byeAuth).toContain('uri="sip:');

    expect(notes(events).some((n) => /^407 Proxy Authentication Required: answering realm "127\.0\.0\.1" in Proxy-Authorization as user alice/.test(n))).toBe(true);
    expect(finals(events, 'BYE')).toEqual([200]);
    expect(resultOf(events).summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);

    // SIPp saw the authenticated INVITE (Kamailio consumed the credentials) and the BYE
    const log = await uas.messageLog();
    expect(received(log, 'INVITE').length).toBeGreaterThanOrEqual(1);
    expect(received(log, 'BYE').length).toBeGreaterThanOrEqual(1);
  });

  it('a wrong password: the second 407 stops the call with "credentials rejected" (exit 1, two INVITEs)', async () => {
    const { code, events } = await runJson(['invite', '--no-media', `port-${uas.port}@${k.hostPort}`, '--user', 'bob', '--duration', '0'], { SIPCALL_PASSWORD: 'nope' });
    expect(code).toBe(1);
    expect(sent(events, 'INVITE')).toHaveLength(2);
    expect(finals(events, 'INVITE')).toEqual([407, 407]);
    const r = resultOf(events);
    expect(r.status).toBe(407);
    expect(r.summary).toContain('credentials rejected for realm "127.0.0.1" (user bob, algorithm MD5)');
    // each 407 was ACKed by the transaction (RFC 3261 §17.1.1.3)
    expect(sent(events, 'ACK')).toHaveLength(2);
  });

  it('no credentials: the 407 is the outcome, with a note saying which realm asked and how to give them', async () => {
    const { code, events } = await runJson(['invite', '--no-media', `port-${uas.port}@${k.hostPort}`, '--from', 'sip:alice@127.0.0.1', '--duration', '0']);
    expect(code).toBe(1);
    expect(sent(events, 'INVITE')).toHaveLength(1);
    expect(notes(events).join('\n')).toMatch(/realm "127\.0\.0\.1" \(Proxy-Authenticate, Digest MD5\) asked for credentials \(407 Proxy Authentication Required\) and none were given: give the user with --user/);
    expect(resultOf(events).status).toBe(407);
  });

  it('MESSAGE through the 407 with --auth-user, to sipcall answer behind the proxy', async () => {
    const answer = startJson(['answer', '--port', '0']);
    await answer.until((ev) => notes(ev).some((n) => n.startsWith('answering on ')));
    const port = /answering on 127\.0\.0\.1:(\d+)/.exec(notes(answer.events()).find((n) => n.startsWith('answering on '))!)![1];
    try {
      const { code, events } = await runJson(['request', 'MESSAGE', `port-${port}@${k.hostPort}`, '--from', 'sip:alice@127.0.0.1', '--auth-user', 'alice'], PASSWORD);
      expect(code, resultOf(events).summary).toBe(0);
      expect(finals(events, 'MESSAGE')).toEqual([407, 200]);
      expect(sent(events, 'MESSAGE')).toHaveLength(2);
    } finally {
      answer.io.interrupt();
      expect(await answer.done).toBe(0); // Ctrl-C is answer's normal stop
    }
    // the UAS got one MESSAGE: the authenticated one (Kamailio relays only that)
    expect(ofType(answer.events(), 'request.received').filter((e) => e.method === 'MESSAGE')).toHaveLength(1);
  });

  it('OPTIONS to the proxy itself is answered without a challenge; no credentials needed', async () => {
    const { code, events } = await runJson(['options', k.hostPort, '--user', 'alice'], PASSWORD);
    expect(code).toBe(0);
    expect(finals(events, 'OPTIONS')).toEqual([200]);
  });
});
