// RFC 3263 §4.3 failover for real: dnsmasq serves SRV records for sipcall.test whose first
// target is dead (a closed UDP port: ICMP port unreachable), silent (SIPp that never answers the
// INVITE: Timer B with a small T1) or overloaded (SIPp answering 503 with Retry-After), and
// whose next target is a live SIPp. The time from the first target to the answer is measured.
import { afterEach, describe, expect, it } from 'vitest';
import { startDnsmasq, type DnsmasqPeer, type SrvSpec } from '../support/peers/dnsmasq.js';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { ofType, parseSippLog, resultOf, runCli } from './uac-helpers.js';

usePeerCleanup();

const peers: Array<SippPeer | DnsmasqPeer> = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

/** SRV for _sip._udp.sipcall.test: one record per port, priority in the order given. */
async function zone(ports: number[]): Promise<DnsmasqPeer> {
  const names = ['first', 'second', 'third'];
  const srv: SrvSpec[] = ports.map((port, i) => ({ name: '_sip._udp.sipcall.test', target: `${names[i]}.sipcall.test`, port, priority: 10 * (i + 1), weight: 0 }));
  const d = await startDnsmasq({
    records: {
      naptr: [{ name: 'sipcall.test', order: 10, preference: 10, flags: 'S', service: 'SIP+D2U', replacement: '_sip._udp.sipcall.test' }],
      srv,
      hosts: ports.map((_, i) => ({ name: `${names[i]}.sipcall.test`, ipv4: '127.0.0.1' })),
    },
  });
  peers.push(d);
  return d;
}

describe.skipIf(requirePeers('dnsmasq', 'sipp').skip)('failover between SRV targets (RFC 3263 §4.3)', () => {
  it('from a dead target (ICMP port unreachable) to a live one, within milliseconds', async () => {
    const dead = await freePort();
    const uas = await startSipp({ scenario: 'uas-options.xml' });
    peers.push(uas);
    const d = await zone([dead, uas.port]);
    const { code, events } = await runCli(['options', 'sip:bob@sipcall.test', '--dns-server', d.server]);
    const result = resultOf(events);
    expect(code, result.summary).toBe(0);
    const selected = ofType(events, 'target.selected');
    expect(selected.map((s) => `${s.index}/${s.of} ${s.host} ${s.port}`)).toEqual([`1/2 first.sipcall.test ${dead}`, `2/2 second.sipcall.test ${uas.port}`]);
    const [failover] = ofType(events, 'target.failover');
    expect(failover).toMatchObject({ from: `127.0.0.1:${dead}`, reason: 'transport-error', next: `127.0.0.1:${uas.port}`, transport: 'UDP' });
    expect(failover!.detail).toMatch(/^ECONNREFUSED at \d+ ms/);
    // The same request again with a new branch (a new transaction), same Call-ID.
    const sends = ofType(events, 'request.sent');
    expect(sends.map((s) => s.to)).toEqual([`127.0.0.1:${dead}`, `127.0.0.1:${uas.port}`]);
    expect(sends[0]!.branch).not.toBe(sends[1]!.branch);
    expect(sends[0]!.callId).toBe(sends[1]!.callId);
    expect(result.verdict).toBeUndefined();
    const took = failover!.t - selected[0]!.t;
    const toAnswer = ofType(events, 'response.received')[0]!.t - selected[0]!.t;
    expect(took).toBeLessThan(500);
    console.info(`[dns] failover from a dead SRV target: given up after ${took.toFixed(1)} ms, answered ${toAnswer.toFixed(1)} ms after the first target was selected`);
    releasePort(dead);
  });

  it('from a silent target (Timer B, T1 = 10 ms) to a live one: an INVITE, then the call', async () => {
    const silent = await startSipp({ scenario: 'uas-no-answer.xml' });
    const uas = await startSipp({ scenario: 'uas-full.xml' });
    peers.push(silent, uas);
    const d = await zone([silent.port, uas.port]);
    const { code, events } = await runCli(['invite', '--no-media', 'sip:bob@sipcall.test', '--dns-server', d.server, '--t1', '10', '--duration', '0']);
    const result = resultOf(events);
    expect(code, result.summary).toBe(0);
    const [failover] = ofType(events, 'target.failover');
    expect(failover).toMatchObject({ from: `127.0.0.1:${silent.port}`, reason: 'timeout', next: `127.0.0.1:${uas.port}` });
    expect(failover!.detail).toMatch(/^no response to 7 sends/);
    const selected = ofType(events, 'target.selected');
    const took = failover!.t - selected[0]!.t;
    // Timer B = 64·T1 = 640 ms.
    expect(took).toBeGreaterThanOrEqual(630);
    expect(took).toBeLessThan(1500);
    const msgs = parseSippLog(await uas.messageLog(/BYE/));
    expect(msgs[0]?.method).toBe('INVITE');
    console.info(`[dns] failover from a silent SRV target: Timer B after ${took.toFixed(0)} ms (T1 = 10 ms)`);
  });

  it('a 503 with Retry-After fails over, and the target is held back for the rest of the run', async () => {
    const busy = await startSipp({ scenario: 'uas-503-retry-after.xml' });
    const uas = await startSipp({ scenario: 'uas-options.xml' });
    peers.push(busy, uas);
    // third.sipcall.test is the busy server again: skipped, Retry-After has not run out.
    const dead = await freePort();
    const d = await startDnsmasq({
      records: {
        srv: [
          { name: '_sip._udp.sipcall.test', target: 'busy.sipcall.test', port: busy.port, priority: 10, weight: 0 },
          { name: '_sip._udp.sipcall.test', target: 'dead.sipcall.test', port: dead, priority: 20, weight: 0 },
          { name: '_sip._udp.sipcall.test', target: 'busy-again.sipcall.test', port: busy.port, priority: 30, weight: 0 },
          { name: '_sip._udp.sipcall.test', target: 'live.sipcall.test', port: uas.port, priority: 40, weight: 0 },
        ],
        hosts: ['busy', 'dead', 'busy-again', 'live'].map((n) => ({ name: `${n}.sipcall.test`, ipv4: '127.0.0.1' })),
      },
    });
    peers.push(d);
    const { code, events } = await runCli(['options', 'sip:bob@sipcall.test', '--dns-server', d.server]);
    const result = resultOf(events);
    expect(code, result.summary).toBe(0);
    expect(ofType(events, 'target.failover').map((f) => [f.reason, f.from, f.retryAfterS])).toEqual([
      ['503', `127.0.0.1:${busy.port}`, 30],
      ['transport-error', `127.0.0.1:${dead}`, undefined],
      ['retry-after', `127.0.0.1:${busy.port}`, undefined],
    ]);
    expect(ofType(events, 'response.received').map((r) => r.status)).toEqual([503, 200]);
    // The busy server saw one OPTIONS only.
    const seen = parseSippLog(await busy.messageLog()).filter((m) => m.direction === 'received');
    expect(seen).toHaveLength(1);
    releasePort(dead);
  });

  it('every target failing: the verdict is about the last, with the failovers in its evidence', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const d = await zone([a, b]);
    const { code, events } = await runCli(['options', 'sip:bob@sipcall.test', '--dns-server', d.server]);
    expect(code).toBe(4);
    const result = resultOf(events);
    expect(result.verdict?.id).toBe('icmp-unreachable');
    expect(result.verdict?.text).toContain(`127.0.0.1:${b}`);
    expect(result.verdict?.evidence.join('\n')).toContain(`RFC 3263 failover: 2 targets tried; 127.0.0.1:${a} UDP given up (transport-error`);
    const last = ofType(events, 'target.failover').at(-1);
    expect(last?.next).toBeUndefined();
    releasePort(a, b);
  });
});
