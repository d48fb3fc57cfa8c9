// Replies from another address (issue 14 §2): a multi-homed server that answers from another of
// its addresses to the port our request left from. The fault relay (test/support/fault-relay.ts)
// sits in front of a real SIPp and sends its responses from 127.0.0.2 (loopback too) while
// sipcall targets 127.0.0.1. sipcall's UDP socket stays connect()ed (ICMP errors in under 1 s),
// and an unconnected sibling on the same port takes what the kernel does not pass to it. RFC 3261
// §18.1.2 matches those responses by their Via branch; sipcall says where they came from (a note)
// and names the cause (`reply-from-other-address`: a NAT or a connected socket would drop them).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { fakeIo } from '../support/fake-io.js';
import { startFaultRelay, type FaultRelay, type FaultRules } from '../support/fault-relay.js';
import { closedUdpPort } from '../transport/helpers.js';
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

const notesOf = (events: SipEvent[]) => events.filter((e): e is Extract<SipEvent, { type: 'note' }> => e.type === 'note' && e.code === 'reply-from-other-address');

describe.skipIf(requirePeers('sipp').skip)('responses from another address than the target', () => {
  it('OPTIONS answered from 127.0.0.2 to our source port: taken (exit 0), noted, verdict reply-from-other-address', async () => {
    const { relay } = await rig('uas-options.xml', { replyFrom: '127.0.0.2' });
    const { code, events, result } = await sipcall('options', relay.hostPort, '--t1', '50');
    const other = `127.0.0.2:${relay.port}`;
    // The relay really answered from 127.0.0.2, to the port the request came from.
    const back = relay.log.filter((l) => l.direction === 'to-client');
    expect(back.map((l) => l.from)).toEqual([other]);
    const sentFrom = relay.log.find((l) => l.direction === 'to-peer');
    expect(sentFrom).toBeDefined();
    expect(code).toBe(0);
    expect(result.status).toBe(200);
    const received = events.filter((e) => e.type === 'response.received');
    expect(received.map((e) => e.type === 'response.received' && e.from)).toEqual([other]);
    // Once, with both addresses.
    expect(notesOf(events).map((n) => n.text)).toEqual([
      `200 OK came from ${other}, not from ${relay.hostPort} where the request went; matched by its Via branch all the same (RFC 3261 §18.1.2), but a NAT or firewall on the way would drop it`,
    ]);
    expect(result.verdict?.id).toBe('reply-from-other-address');
    expect(result.verdict?.text).toBe(`the answers come from ${other}, another address than the target ${relay.hostPort}`);
    // Only one retransmission-free send: the answer was not lost in the kernel.
    expect(events.filter((e) => e.type === 'request.sent' && e.retransmission)).toHaveLength(0);
  });

  it('the note is shown in the plain output', async () => {
    const { relay } = await rig('uas-options.xml', { replyFrom: '127.0.0.2' });
    const io = fakeIo();
    const code = await run(['options', relay.hostPort, '--t1', '50', '--no-input'], io);
    expect(code).toBe(0);
    expect(io.out.text).toContain(`200 OK came from 127.0.0.2:${relay.port}, not from ${relay.hostPort} where the request went`);
    expect(io.out.text).toContain(`the answers come from 127.0.0.2:${relay.port}, another address than the target ${relay.hostPort}`);
  });

  it('a call whose 200 OK comes from 127.0.0.2 (the 100 and 180 from the target): answered, ACKed, ended with BYE', async () => {
    const { relay, uas } = await rig('uas-full.xml', { replyFrom: '127.0.0.2', replyFromStatuses: [200] });
    const { code, events, result } = await sipcall('invite', '--no-media', relay.hostPort, '--t1', '50', '--duration', '0');
    expect(code, result.summary).toBe(0);
    expect(result.summary).toMatch(/call answered \(200 OK\).*ended with BYE: 200 OK/);
    const froms = events.filter((e): e is Extract<SipEvent, { type: 'response.received' }> => e.type === 'response.received').map((e) => `${e.status} ${e.method} ${e.from}`);
    expect(froms).toContain(`200 INVITE 127.0.0.2:${relay.port}`);
    expect(froms).toContain(`180 INVITE ${relay.hostPort}`);
    // One note per source, though the INVITE's 200 and the BYE's 200 both came from there.
    expect(notesOf(events)).toHaveLength(1);
    expect(result.verdict?.id).toBe('reply-from-other-address');
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^requests went to ${relay.hostPort.replace(/\./g, '\\.')}; \\d+ responses? came from 127\\.0\\.0\\.2:${relay.port}`));
    const log = await uas.messageLog();
    expect(log).toContain('ACK sip:');
    expect(log).toContain('BYE sip:');
  });

  it('without the other address (control): no note, no verdict', async () => {
    const { relay } = await rig('uas-options.xml', {});
    const { code, events, result } = await sipcall('options', relay.hostPort, '--t1', '50');
    expect(code).toBe(0);
    expect(notesOf(events)).toHaveLength(0);
    expect(result.verdict).toBeUndefined();
  });
});

describe('the sibling socket keeps the ICMP verdict fast', () => {
  it('OPTIONS to a closed port: icmp-unreachable in under 1 s', async () => {
    const port = await closedUdpPort();
    const t0 = Date.now();
    const { code, result } = await sipcall('options', `127.0.0.1:${port}`);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(code).toBe(4);
    expect(result.verdict?.id).toBe('icmp-unreachable');
  });
});
