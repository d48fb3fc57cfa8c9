// Verdicts of calls against real SIPp callees: a callee that only says 100 Trying
// (provisional-only: ring timeout, CANCEL, 487), and one that answers and then ignores the BYE
// (timeout-after-final).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { fakeIo } from '../support/fake-io.js';
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

const peers: SippPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

describe.skipIf(requirePeers('sipp').skip)('call verdicts', () => {
  it('provisional-only: 100 Trying, silence, ring timeout, CANCEL answered 200, INVITE ended 487', async () => {
    const uas = await startSipp({ scenario: 'uas-100-silence.xml' });
    peers.push(uas);
    const { code, result } = await sipcall('invite', '--no-media', uas.hostPort, '--ring-timeout', '1');
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('provisional-only');
    expect(result.verdict?.text).toBe(`${uas.hostPort} answered 100 Trying and then nothing: no final response`);
    const [first, silence, ring, cancel, ended] = result.verdict?.evidence ?? [];
    expect(first).toMatch(new RegExp(`^INVITE to ${uas.hostPort}: 100 Trying at \\d+ ms \\(from ${uas.hostPort}\\)$`));
    expect(silence).toMatch(/^then silence: no final response for (9\d\d ms|1\.\d{3} s) after the last 100$/);
    expect(ring).toMatch(/^ring timeout at 1\.\d{3} s: no final response 1 s after 100 Trying/);
    expect(cancel).toMatch(/^CANCEL sent at 1\.\d{3} s: 200 OK at 1\.\d{3} s$/);
    expect(ended).toMatch(/^the INVITE then ended with 487 Request Terminated at 1\.\d{3} s$/);
  });

  it('timeout-after-final: 200 OK to the INVITE, then the BYE is never answered', async () => {
    const uas = await startSipp({ scenario: 'uas-200-ignore-bye.xml' });
    peers.push(uas);
    const { code, result, events } = await sipcall('invite', '--no-media', uas.hostPort, '--duration', '0', '--t1', '50', '--t2', '400');
    const byes = events.filter((e) => e.type === 'request.sent' && e.method === 'BYE');
    expect(code).toBe(3);
    expect(result.statusLocal).toBe(true);
    expect(result.verdict?.id).toBe('timeout-after-final');
    expect(result.verdict?.evidence[0]).toMatch(new RegExp(`^INVITE: 200 OK from ${uas.hostPort} at \\d+ ms$`));
    expect(result.verdict?.evidence[1]).toMatch(new RegExp(`^BYE: ${byes.length} sends to ${uas.hostPort} at .*; Timer F at \\d\\.\\d{3} s, a local 408 \\(made up by sipcall, not from the peer\\)$`));
  });
});
