// `answer` steps of `sipcall test`: a test answers on a port and another test of the same file,
// run beside it with --jobs 2, calls it (UDP, loopback); a SIPp UAC calls an answer step from
// outside; an answer that no call reaches fails as a timeout (exit 3) saying so. And Ctrl-C
// while a step's INVITE rings at SIPp: CANCEL on the wire, exit 130.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { freePort, freePorts, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();

const ANSWER = fileURLToPath(new URL('../fixtures/testfile/answer.yaml', import.meta.url));
const NOBODY = fileURLToPath(new URL('../fixtures/testfile/answer-nobody.yaml', import.meta.url));

async function sipcall(argv: string[]) {
  const io = fakeIo();
  const code = await run(['test', ...argv], io);
  return { code, out: io.out.text, err: io.err.text, io };
}

const held: number[] = [];
const peers: SippPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  releasePort(...held.splice(0));
});

describe('answer steps', () => {
  it('a test answers (200, with media) and another rejects (486); the tests beside them call in: all pass', async () => {
    const [port, busy] = await freePorts(2);
    held.push(port!, busy!);
    const r = await sipcall([ANSWER, '--jobs', '4', '--var', `port=${port}`, '--var', `busy=${busy}`, '--json']);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string; status?: string; method?: string; test?: string; failures?: unknown[] });
    const results = lines.filter((l) => l.type === 'test.result');
    expect(r.err).toBe('');
    expect(results.map((l) => [l.name, l.status]), r.out).toEqual([
      ['alice answers a call', 'passed'],
      ['alice is busy', 'passed'],
      ['bob calls alice', 'passed'],
      ['bob finds alice busy', 'passed'],
    ]);
    expect(r.code).toBe(0);
    // the answering test saw the INVITE, the ACK and the caller's BYE
    const answered = lines.filter((l) => l.type === 'request.received' && l.test?.endsWith('#1')).map((l) => l.method);
    expect(answered).toEqual(expect.arrayContaining(['INVITE', 'ACK', 'BYE']));
  });

  it.skipIf(requirePeers('tshark').skip)('--pcap-dir: one pcap per test; tshark reads in each the SIP messages that test sent and received, no more, no less', async () => {
    const [port, busy] = await freePorts(2);
    held.push(port!, busy!);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-pcapdir-'));
    const r = await sipcall([ANSWER, '--jobs', '4', '--var', `port=${port}`, '--var', `busy=${busy}`, '--json', '--pcap-dir', dir]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['answer.yaml-1.pcap', 'answer.yaml-2.pcap', 'answer.yaml-3.pcap', 'answer.yaml-4.pcap']);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; test?: string; retransmission?: boolean });
    for (const n of [1, 2, 3, 4]) {
      const file = path.join(dir, `answer.yaml-${n}.pcap`);
      expect(existsSync(file)).toBe(true);
      const sip = execFileSync('tshark', ['-n', '-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'sip.CSeq'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      // what the event stream says this test put on the wire or took from it
      const mine = lines.filter((l) => l.test?.endsWith(`#${n}`) && ['request.sent', 'response.received', 'request.received', 'response.sent'].includes(l.type));
      expect(sip.length, `test ${n}`).toBe(mine.length);
      expect(sip.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('an answer step that no call reaches fails as a timeout: exit 3, a message naming the port', async () => {
    const port = await freePort();
    held.push(port);
    const started = Date.now();
    const r = await sipcall([NOBODY, '--var', `port=${port}`]);
    expect(r.code, r.out).toBe(3);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.out).toContain('✗ nobody calls');
    expect(r.out).toContain('(could not run)');
    expect(r.out).toContain(`answer: no call came within 0.5 s on UDP 127.0.0.1:${port} (step 1)`);
    expect(r.out).toMatch(/answer-nobody\.yaml:6:9: /);
    expect(r.out).toContain('1 test: 0 passed, 1 could not run');
  });

  it('a port that is taken fails as a transport error (exit 4); a port variable that is no port is exit 2', async () => {
    const { createSocket } = await import('node:dgram');
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    try {
      const taken = await sipcall([NOBODY, '--var', `port=${sock.address().port}`]);
      expect(taken.code, taken.out).toBe(4);
      expect(taken.out).toMatch(/answer: cannot listen on UDP 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      sock.close();
    }
    const bad = await sipcall([NOBODY, '--var', 'port=fifty']);
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toContain('answer: port "fifty" is not a port number');
  });

  describe.skipIf(requirePeers('sipp').skip)('called by SIPp', () => {
    it("SIPp's built-in UAC calls an answer step: the step passes, SIPp's call succeeds", async () => {
      const port = await freePort();
      held.push(port);
      const test = sipcall([NOBODY.replace('answer-nobody', 'answer-sipp'), '--var', `port=${port}`, '--json']);
      // the UAC retries until the answer step listens (its INVITE is retransmitted over UDP)
      const uac = await startSipp({ scenario: 'uac', remote: `127.0.0.1:${port}`, extraArgs: ['-m', '1', '-d', '200'] });
      peers.push(uac);
      const r = await test;
      expect(r.code, r.out).toBe(0);
      expect((await uac.exited).code).toBe(0);
      expect(r.out).toMatch(/"type":"test\.result".*"status":"passed"/);
    });

    it('Ctrl-C while an invite step rings: CANCEL sent, exit 130, the next test does not start', async () => {
      const uas = await startSipp({ scenario: 'uas-ring-cancel.xml' });
      peers.push(uas);
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sipcall-ctrlc-')), 'ring.yaml');
      writeFileSync(file, `tests:\n  - name: rings\n    steps:\n      - invite: "sip:bob@${uas.hostPort}"\n        media: false\n    finally:\n      - wait: 100ms\n  - name: never runs\n    steps: [{ wait: 1ms }]\n`);
      const io = fakeIo();
      const done = run(['test', file, '--json'], io);
      const deadline = Date.now() + 5000;
      while (!io.out.text.includes('"status":100') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      io.interrupt();
      const code = await done;
      expect(code, io.out.text).toBe(130);
      expect(await uas.messageLog(/ACK sip:/)).toMatch(/CANCEL sip:bob@[\s\S]*SIP\/2\.0 487[\s\S]*ACK sip:/);
      const summary = JSON.parse(io.out.text.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(summary).toMatchObject({ type: 'test.summary', tests: 1, errors: 1, notRun: 1, interrupted: true, exitCode: 130 });
    });
  });
});
