// `sipcall diagnose` against real peers on loopback: a SIPp that listens on UDP only, closed
// ports, a name that does not resolve, and --invite against a callee that only says 100.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { DiagnoseReport, DiagnoseStep } from '../../src/engine/diagnose.js';
import { fakeIo } from '../support/fake-io.js';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();

type Line = ({ type: 'diagnose.step'; t: number } & DiagnoseStep) | ({ type: 'diagnose.result'; t: number; exitCode: number } & DiagnoseReport);

async function diagnose(...argv: string[]): Promise<{ code: number; lines: Line[]; report: Extract<Line, { type: 'diagnose.result' }> }> {
  const io = fakeIo();
  const code = await run(['diagnose', ...argv, '--json'], io);
  const lines = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as Line);
  const report = lines.at(-1) as Extract<Line, { type: 'diagnose.result' }>;
  expect(report.type, io.err.text).toBe('diagnose.result');
  return { code, lines, report };
}

const peers: SippPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

describe('sipcall diagnose without a peer', () => {
  it('closed ports: ICMP on UDP and a refused TCP connection, exit 4, both verdicts', async () => {
    const port = await freePort();
    const { code, report, lines } = await diagnose(`127.0.0.1:${port}`);
    expect(code).toBe(4);
    expect(report.answeredOver).toEqual([]);
    expect(report.steps.map((s) => [s.step, s.state])).toEqual([
      ['resolve', 'ok'],
      ['udp-options', 'failed'],
      ['tcp-connect', 'failed'],
      ['tcp-options', 'skipped'],
    ]);
    expect(report.verdicts.map((v) => v.id)).toEqual(['icmp-unreachable', 'tcp-refused']);
    expect(lines.filter((l) => l.type === 'diagnose.step')).toHaveLength(4);
    // the whole battery, both failures named, in well under a second
    expect(report.t).toBeLessThan(1000);
    releasePort(port);
  });

  it('a name under .invalid: dns-failed, nothing else tried, exit 4', async () => {
    const { code, report } = await diagnose('nobody@no-such-host.invalid');
    expect(code).toBe(4);
    expect(report.verdicts.map((v) => v.id)).toEqual(['dns-failed']);
    expect(report.steps.filter((s) => s.state === 'skipped').map((s) => s.step)).toEqual(['udp-options', 'tcp-connect', 'tcp-options']);
  });

  it('prints a table and the verdicts without --json', async () => {
    const port = await freePort();
    const io = fakeIo();
    const code = await run(['diagnose', `127.0.0.1:${port}`], io);
    expect(code).toBe(4);
    expect(io.out.text).toContain(`sipcall diagnose sip:127.0.0.1:${port}`);
    expect(io.out.text).toMatch(/✗ OPTIONS over UDP +icmp-unreachable: nothing listens on/);
    expect(io.out.text).toMatch(/✗ TCP connect +tcp-refused: /);
    expect(io.out.text).toContain('verdict  icmp-unreachable:');
    expect(io.out.text).toContain('✗ the peer answered over no transport  (exit 4)');
    releasePort(port);
  });
});

describe.skipIf(requirePeers('sipp').skip)('sipcall diagnose against SIPp', () => {
  it('a UDP-only peer: OPTIONS over UDP works with a round-trip time, TCP is refused, exit 0', async () => {
    const uas = await startSipp({ scenario: 'uas-options.xml' });
    peers.push(uas);
    const { code, report } = await diagnose(uas.hostPort);
    expect(code).toBe(0);
    expect(report.answeredOver).toEqual(['UDP']);
    const udp = report.steps.find((s) => s.step === 'udp-options')!;
    expect(udp.state).toBe('ok');
    expect(udp.result).toBe(`200 OK from ${uas.hostPort}`);
    expect(udp.ms).toBeGreaterThan(0);
    expect(report.steps.find((s) => s.step === 'tcp-connect')?.verdict?.id).toBe('tcp-refused');
    expect(report.verdicts.map((v) => v.id)).toEqual(['tcp-refused']);
  });

  it('--invite: INVITE over the transport that answered, CANCELed after the first 1xx', async () => {
    const uas = await startSipp({ scenario: 'uas-100-silence.xml' });
    peers.push(uas);
    const { code, report } = await diagnose(uas.hostPort, '--invite');
    expect(code).toBe(0);
    const invite = report.steps.find((s) => s.step === 'invite')!;
    expect(invite.title).toBe('INVITE over UDP');
    expect(invite.state).toBe('ok');
    expect(invite.result).toBe('100 Trying; CANCEL → 200 OK; 487 Request Terminated');
    expect(invite.verdict).toBeUndefined();
  });
});
