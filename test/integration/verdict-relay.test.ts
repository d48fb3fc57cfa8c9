// Verdicts provoked through the fault relay (test/support/fault-relay.ts) between sipcall and a
// real SIPp: lost ACKs, answers from the wrong place, responses that match nothing, silence,
// fragments that never arrive. Each test also checks what the relay did, so that the verdict
// is tied to the fault that caused it.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { fakeIo } from '../support/fake-io.js';
import { startFaultRelay, type FaultRelay, type FaultRules } from '../support/fault-relay.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();

async function sipcall(...argv: string[]): Promise<{ code: number; events: SipEvent[]; result: ResultEvent }> {
  const io = fakeIo();
  const code = await run([...argv, '--json', '--no-input'], io);
  const events = io.out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SipEvent);
  const result = events.at(-1) as ResultEvent;
  expect(result.type, io.err.text).toBe('result');
  return { code, events, result };
}

const open: Array<{ stop(): Promise<void> } | FaultRelay> = [];
async function rig(scenario: string, rules: FaultRules): Promise<{ uas: SippPeer; relay: FaultRelay }> {
  const uas = await startSipp({ scenario });
  const relay = await startFaultRelay({ host: uas.host, port: uas.port }, rules);
  open.push(uas, relay);
  return { uas, relay };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => ('stop' in x ? x.stop() : x.close())));
});

const evidence = (r: ResultEvent) => r.verdict?.evidence.join('\n') ?? '';

describe.skipIf(requirePeers('sipp').skip)('verdicts through the fault relay', () => {
  it('no-response: every datagram dropped — N sends over T s, Timer F, a local 408', async () => {
    const { relay } = await rig('uas-options.xml', { dropRate: 1 });
    const { code, result, events } = await sipcall('options', relay.hostPort, '--t1', '20', '--t2', '160');
    const sends = events.filter((e) => e.type === 'request.sent');
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('no-response');
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^${sends.length} OPTIONS sends to ${relay.hostPort} over UDP at \\d+ ms, `));
    expect(evidence(result)).toMatch(/Timer F fired at 1\.\d{3} s: the request ended with a local 408 \(made up by sipcall, not from the peer\)/);
    expect(relay.log.filter((l) => l.action === 'dropped')).toHaveLength(sends.length);
  });

  it('ack-lost-non2xx: the ACK for a 486 is dropped, SIPp keeps re-sending the 486', async () => {
    const { relay } = await rig('uas-486.xml', { dropRequests: ['ACK'] });
    const { code, result, events } = await sipcall('invite', '--no-media', relay.hostPort, '--t1', '1000');
    const resent = events.filter((e) => e.type === 'response.received' && e.status === 486 && e.retransmission);
    expect(code).toBe(1);
    expect(result.status).toBe(486);
    expect(result.statusLocal).toBe(false);
    expect(result.verdict?.id).toBe('ack-lost-non2xx');
    expect(resent.length).toBeGreaterThanOrEqual(2);
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^486 Busy Here first at \\d+ ms from ${relay.hostPort}, re-sent ${resent.length} times`));
    expect(result.verdict?.evidence[1]).toMatch(new RegExp(`^our ACK \\(same branch z9hG4bK\\S+, RFC 3261 §17\\.1\\.1\\.3\\) sent ${resent.length + 1} times to ${relay.hostPort}`));
    expect(relay.log.filter((l) => l.line.startsWith('ACK ') && l.action === 'dropped')).toHaveLength(resent.length + 1);
  });

  it('no ack-lost verdict when the ACK gets through (control)', async () => {
    const { relay } = await rig('uas-486.xml', {});
    const { code, result } = await sipcall('invite', '--no-media', relay.hostPort, '--t1', '1000');
    expect(code).toBe(1);
    expect(result.verdict).toBeUndefined();
  });

  it('ack-lost-2xx: the ACK for a 200 is dropped; Contact private, no Record-Route', async () => {
    const { relay } = await rig('uas-200-private-contact.xml', { dropRequests: ['ACK'] });
    const { result, events } = await sipcall('invite', '--no-media', relay.hostPort, '--duration', '2');
    const resent = events.filter((e) => e.type === 'response.received' && e.status === 200 && e.method === 'INVITE' && e.retransmission);
    expect(resent.length).toBeGreaterThanOrEqual(2);
    expect(result.verdict?.id).toBe('ack-lost-2xx');
    const ev = evidence(result);
    expect(ev).toMatch(new RegExp(`200 OK from ${relay.hostPort} at \\d+ ms, re-sent ${resent.length} times`));
    expect(ev).toContain("the 2xx's Contact (remote target): sip:callee@10.20.30.40:5060; route set: (empty: no Record-Route)");
    expect(ev).toMatch(new RegExp(`our ACK sent ${resent.length + 1} times to ${relay.hostPort}`));
    expect(ev).toContain('likely culprit: the Contact has a private address (10.20.30.40)');
  });

  it('rport-ignored: replies go to the Via sent-by port, not to where the request came from', async () => {
    const { relay } = await rig('uas-options.xml', { replyTo: 'via' });
    const { code, result, events } = await sipcall('options', relay.hostPort);
    expect(code).toBe(0); // seen, because sipcall listens on its Via port too
    expect(result.verdict?.id).toBe('rport-ignored');
    const sent = relay.log.find((l) => l.direction === 'to-client');
    const note = events.find((e) => e.type === 'note' && e.code === 'rport-ignored');
    expect(note && note.type === 'note' && note.text).toContain(`arrived at ${sent?.to}, the sent-by port of our Via`);
    expect(evidence(result)).toContain('1 response arrived at the Via sent-by port');
  });

  it('wrong-port: the answer comes from another address (127.0.0.2) than the target', async () => {
    const { relay } = await rig('uas-options.xml', { replyFrom: '127.0.0.2', replyTo: 'via' });
    const { result } = await sipcall('options', relay.hostPort);
    expect(result.verdict?.id).toBe('wrong-port');
    expect(result.verdict?.text).toBe(`the answers come from another address (127.0.0.2:${relay.port}) than the target ${relay.hostPort}`);
    expect(evidence(result)).toContain(`requests went to ${relay.hostPort}; 1 response came from 127.0.0.2:${relay.port}`);
    expect(relay.log.find((l) => l.direction === 'to-client')?.from).toBe(`127.0.0.2:${relay.port}`);
  });

  it('stray-responses: a relay that rewrites the Via branch; the responses match nothing', async () => {
    const { relay } = await rig('uas-options.xml', { rewriteResponse: (t) => t.replace(/branch=z9hG4bK[^;\s,]*/i, 'branch=z9hG4bKrewritten') });
    const { code, result } = await sipcall('options', relay.hostPort, '--t1', '20', '--t2', '160');
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('stray-responses');
    expect(result.verdict?.text).toMatch(/^\d+ responses came back but matched none of our requests \(unknown-branch\)/);
    expect(evidence(result)).toMatch(/200 OK from 127\.0\.0\.1:\d+ at \d+ ms: unknown-branch \(no live client transaction has branch z9hG4bKrewritten\); its branch z9hG4bKrewritten is not ours \(z9hG4bK\S+\)/);
  });

  it('oversize-udp: forced UDP, a path that drops datagrams over 1300 bytes', async () => {
    const { relay } = await rig('uas-options.xml', { dropLargerThan: 1300 });
    const { code, result } = await sipcall('options', relay.hostPort, '--transport', 'udp', '-H', `X-Pad: ${'x'.repeat(1200)}`, '--t1', '20', '--t2', '160');
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('oversize-udp');
    expect(result.verdict?.evidence[0]).toMatch(/^the OPTIONS is 1\d{3} bytes, over the 1300 bytes RFC 3261 §18\.1\.1 allows on UDP/);
    expect(evidence(result)).toContain('UDP was forced');
    expect(relay.log.every((l) => l.action === 'dropped' && /bytes > 1300/.test(l.why ?? ''))).toBe(true);
  });
});
