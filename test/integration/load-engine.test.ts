// The load engine (src/load/engine.ts) over UDP against SIPp's built-in uas on loopback,
// in process: every call INVITE-180-200-ACK-BYE-200, SIPp as the far end.
import { afterEach, describe, expect, it } from 'vitest';
import { LoopClock } from '../../src/load/loop-clock.js';
import { LoadMetrics } from '../../src/load/metrics.js';
import { ArrivalSchedule } from '../../src/load/schedule.js';
import { buildLoadPlan } from '../../src/load/schedule-spec.js';
import { UdpLoadRun } from '../../src/load/udp-run.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();
const peers: SippPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

/** The Request-URI of a TCP run. */
const TCP = (port: number): string => `sip:service@127.0.0.1:${port};transport=tcp`;

/** The options every run here shares: `rate` calls/s for `durationMs` to 127.0.0.1:`port`. */
function common(port: number, rate: number, durationMs: number, uri = `sip:service@127.0.0.1:${port}`) {
  return {
    schedule: new ArrivalSchedule(buildLoadPlan({ rate, durationMs })),
    metrics: new LoadMetrics(),
    clock: new LoopClock(),
    remote: { address: '127.0.0.1', port, family: 4 as const },
    target: uri,
    requestUri: uri,
    toUri: `sip:service@127.0.0.1:${port}`,
    fromUri: 'sip:sipcall@127.0.0.1',
    userAgent: 'sipcall-test',
    t1: 500,
    t2: 4000,
    holdMs: 0,
    ringTimeoutMs: 60_000,
    expires: 3600,
  };
}

describe.skipIf(requirePeers('sipp').skip)('load engine against SIPp -sn uas', () => {
  it('500 calls/s for 3 s: 1,500 calls, all completed, none failed or dropped', async () => {
    const uas = await startSipp({ scenario: 'uas', extraArgs: ['-buff_size', '4194304'] });
    peers.push(uas);
    const run = await UdpLoadRun.open({ scenario: 'call', ...common(uas.port, 500, 3000) });
    const { summary, counters } = await run.run();
    expect(summary.calls).toEqual({ attempted: 1500, completed: 1500, failed: 0, dropped: 0, timeouts: 0 });
    expect(summary.statuses['200']).toBe(3000);
    expect(summary.latency.setup.count).toBe(1500);
    expect(summary.latency.sdd.count).toBe(1500);
    expect(counters.stray + counters.unparseable).toBe(0);
  }, 30_000);
});

describe('load engine over UDP to a closed port', () => {
  it('ICMP port unreachable: every call fails as a transport error within a second, none waits for Timer B', async () => {
    const { freePort } = await import('../support/peers/ports.js');
    const port = await freePort();
    const run = await UdpLoadRun.open({ scenario: 'options', ...common(port, 20, 500) });
    const t0 = Date.now();
    const { summary, socketErrors } = await run.run();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(summary.calls).toMatchObject({ attempted: 10, completed: 0, failed: 10, timeouts: 0 });
    expect(summary.errors).toEqual({ transport: 10 });
    expect(socketErrors.ECONNREFUSED).toBeGreaterThan(0);
  });
});

describe.skipIf(requirePeers('sipp').skip)('load engine over TCP against SIPp -sn uas -t t1', () => {
  for (const perConn of [undefined, 50]) {
    it(`200 calls/s for 2 s, ${perConn ? `${perConn} calls per connection` : 'one connection'}: all completed, no retransmission`, async () => {
      const uas = await startSipp({ scenario: 'uas', transport: 't1', extraArgs: ['-max_socket', '100'] });
      peers.push(uas);
      const { StreamLoadRun } = await import('../../src/load/stream-run.js');
      const run = await StreamLoadRun.open({ transport: 'TCP', callsPerConnection: perConn, scenario: 'call', ...common(uas.port, 200, 2000, TCP(uas.port)) });
      const { summary } = await run.run();
      expect(summary.calls).toEqual({ attempted: 400, completed: 400, failed: 0, dropped: 0, timeouts: 0 });
      expect(summary.retransmissions).toEqual({});
      expect(run.connectionsOpened).toBe(perConn ? 8 : 1);
    }, 30_000);
  }

  it('a target that refuses the connection: open() rejects with ECONNREFUSED before any call', async () => {
    const { StreamLoadRun } = await import('../../src/load/stream-run.js');
    const { freePort } = await import('../support/peers/ports.js');
    const port = await freePort();
    await expect(
      StreamLoadRun.open({ transport: 'TCP', scenario: 'call', ...common(port, 10, 100, TCP(port)) }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('the far end goes away mid-run: calls on the broken connection and after it fail as transport errors, none waits for Timer B', async () => {
    const uas = await startSipp({ scenario: 'uas', transport: 't1', extraArgs: ['-max_socket', '100'] });
    peers.push(uas);
    const { StreamLoadRun } = await import('../../src/load/stream-run.js');
    const run = await StreamLoadRun.open({ transport: 'TCP', callsPerConnection: 20, scenario: 'call', ...common(uas.port, 100, 2000, TCP(uas.port)), holdMs: 300 });
    setTimeout(() => void uas.stop(), 800);
    const t0 = Date.now();
    const { summary } = await run.run();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(summary.calls.attempted).toBe(200);
    expect(summary.calls.completed).toBeGreaterThan(30);
    expect(summary.calls.completed + (summary.errors.transport ?? 0)).toBe(200);
    expect(summary.calls.timeouts).toBe(0);
  }, 30_000);

  it('the tap sees every message of every connection and each connection end (for --pcap)', async () => {
    const uas = await startSipp({ scenario: 'uas', transport: 't1', extraArgs: ['-max_socket', '100'] });
    peers.push(uas);
    const { StreamLoadRun } = await import('../../src/load/stream-run.js');
    const seen = { out: 0, in: 0, ends: [] as string[], locals: new Set<number>() };
    const run = await StreamLoadRun.open({
      transport: 'TCP',
      callsPerConnection: 10,
      scenario: 'call',
      ...common(uas.port, 100, 200, TCP(uas.port)),
      tap: {
        datagram: () => {
          throw new Error('no datagram on TCP');
        },
        stream: (dir, local) => {
          seen[dir]++;
          seen.locals.add(local.port);
        },
        streamEnd: (_l, _r, end) => seen.ends.push(`${end.how}/${end.by}`),
      },
    });
    const { summary } = await run.run();
    await new Promise((r) => setTimeout(r, 200));
    expect(summary.calls.completed).toBe(20);
    // per call: INVITE, ACK, BYE out; 180, 200 and the BYE's 200 in (SIPp's built-in uas)
    expect(seen.out).toBe(60);
    expect(seen.in).toBe(60);
    expect(seen.locals.size).toBe(2);
    expect(seen.locals.has(0)).toBe(false);
    expect(seen.ends).toEqual(['fin/local', 'fin/local']);
  }, 30_000);
});
