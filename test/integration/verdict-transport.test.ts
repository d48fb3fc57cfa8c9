// Verdicts for transport failures, provoked for real on loopback: a closed UDP port (the
// kernel answers ICMP port unreachable), a TCP port that refuses, a name under .invalid
// (RFC 6761: never resolves), and a request too big for UDP. No peer needed except SIPp for
// the switch to TCP. Time to verdict is read from the `t` of the result event.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { fakeIo } from '../support/fake-io.js';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';

usePeerCleanup();

async function sipcall(...argv: string[]): Promise<{ code: number; events: SipEvent[]; result: ResultEvent }> {
  const io = fakeIo();
  const code = await run([...argv, '--json', '--no-input'], io);
  const events = io.out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SipEvent);
  const result = events.at(-1) as ResultEvent;
  expect(result.type, io.err.text).toBe('result');
  return { code, events, result };
}

describe('transport verdicts', () => {
  it('icmp-unreachable: a closed UDP port is named within a second, on the first attempt', async () => {
    const port = await freePort();
    const { code, result, events } = await sipcall('options', `127.0.0.1:${port}`);
    expect(code).toBe(4);
    expect(result.verdict?.id).toBe('icmp-unreachable');
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`ICMP port unreachable from 127\\.0\\.0\\.1:${port} at \\d+ ms, for OPTIONS attempt 1`));
    expect(result.verdict?.evidence.join('\n')).toContain('local 503 (made up by sipcall, not from the peer)');
    expect(result.statusLocal).toBe(true);
    expect(events.filter((e) => e.type === 'request.sent')).toHaveLength(1);
    expect(result.t).toBeLessThan(1000);
    releasePort(port);
  });

  it('icmp-unreachable with --keep-trying: retransmits per Timer E until F and counts the ICMP errors', async () => {
    const port = await freePort();
    const { code, result, events } = await sipcall('options', `127.0.0.1:${port}`, '--keep-trying', '--t1', '20', '--t2', '160');
    const sends = events.filter((e) => e.type === 'request.sent');
    const icmp = events.filter((e) => e.type === 'transport.error');
    expect(code).toBe(3);
    expect(result.outcome).toBe('timeout');
    expect(result.verdict?.id).toBe('icmp-unreachable');
    // Timer E from 20 ms doubling to T2 = 160 ms, Timer F at 64·T1 = 1280 ms: 11 sends.
    expect(sends).toHaveLength(11);
    expect(icmp.length).toBeGreaterThanOrEqual(2);
    expect(result.verdict?.evidence.join('\n')).toContain(`--keep-trying: 11 sends over`);
    expect(result.verdict?.evidence.join('\n')).toContain(`${icmp.length} ICMP errors came back`);
    releasePort(port);
  });

  it('tcp-refused: a TCP port nobody listens on is named within a second', async () => {
    const port = await freePort();
    const { code, result } = await sipcall('options', `127.0.0.1:${port}`, '--transport', 'tcp');
    expect(code).toBe(4);
    expect(result.verdict?.id).toBe('tcp-refused');
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^TCP to 127\\.0\\.0\\.1:${port}: ECONNREFUSED at \\d+ ms, before anything was sent`));
    expect(result.t).toBeLessThan(1000);
    releasePort(port);
  });

  it.each([
    ['tcp-reset', 'ECONNRESET', (s: net.Socket) => s.resetAndDestroy()],
    ['tcp-closed', 'CLOSED', (s: net.Socket) => s.end()],
  ] as const)('%s: a TCP server that takes the request and then %s', async (id, code, hangUp) => {
    const server = net.createServer((s) => s.once('data', () => hangUp(s)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { code: exit, result } = await sipcall('options', `127.0.0.1:${port}`, '--transport', 'tcp');
      expect(exit).toBe(4);
      expect(result.verdict?.id).toBe(id);
      expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^TCP to 127\\.0\\.0\\.1:${port}: ${code}.* at \\d+ ms \\(after 1 send\\)$`));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('dns-failed: a name under .invalid', async () => {
    const { code, result } = await sipcall('options', 'sip:nobody@no-such-host.invalid');
    expect(code).toBe(4);
    expect(result.verdict?.id).toBe('dns-failed');
    expect(result.verdict?.text).toContain('no-such-host.invalid');
    expect(result.verdict?.evidence.join('\n')).toMatch(/DNS at \d+ ms, before anything was sent/);
  });
});

describe.skipIf(requirePeers('sipp').skip)('oversize request (RFC 3261 §18.1.1)', () => {
  const pad = `X-Pad: ${'x'.repeat(1200)}`;

  it('switches from UDP to TCP when the transport was not forced, and says so', async () => {
    const uas = await startSipp({ scenario: 'uas-options.xml', transport: 't1' });
    try {
      const { code, result, events } = await sipcall('options', uas.hostPort, '-H', pad);
      expect(code).toBe(0);
      expect(result.verdict).toBeUndefined();
      const note = events.find((e) => e.type === 'note' && e.code === 'oversize-switch');
      expect(note && note.type === 'note' && note.text).toMatch(/the OPTIONS is 1\d{3} bytes, over the 1300 bytes/);
      const sent = events.filter((e) => e.type === 'request.sent');
      expect(sent.map((e) => e.type === 'request.sent' && e.transport)).toEqual(['TCP']);
    } finally {
      await uas.stop();
    }
  });
});
