// `sipcall answer` (the full path, with media) keeps its SDP o= version when a re-INVITE repeats
// the offer (RFC 3264 §8: "If the version in the origin line does not increment, the SDP MUST be
// identical to the SDP with that version number"; an unchanged session keeps its version).
// test/scenarios/uac-reinvite.xml fails a call whose re-INVITE 200 changes the o= line; SIPp
// exits 0 only when every call succeeded. RTP goes to SIPp's 127.0.0.1 media port.
import { afterEach, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { resultOf, startCli, type CliRun } from './uac-helpers.js';

usePeerCleanup();

const peers: SippPeer[] = [];
const answers: CliRun[] = [];
afterEach(async () => {
  for (const a of answers.splice(0)) {
    a.io.interrupt();
    await a.done;
  }
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

describe.skipIf(requirePeers('sipp').skip)('sipcall answer: the o= line of its SDP in a re-INVITE (RFC 3264 §8)', () => {
  it('3 calls, each re-INVITEd with the same offer: every 200 keeps the first 200 o= line, version included (SIPp checks it, exits 0)', async () => {
    const cli = startCli(['answer', '--port', '0', '--ring', '0', '-v']);
    answers.push(cli);
    const note = await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
    const port = Number(/:(\d+) \(UDP\)/.exec(note.type === 'note' ? note.text : '')![1]);
    const uac = await startSipp({ scenario: 'uac-reinvite.xml', remote: `127.0.0.1:${port}`, extraArgs: ['-r', '3', '-m', '3'] });
    peers.push(uac);
    expect(await uac.exited, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    answers.splice(answers.indexOf(cli), 1);
    cli.io.interrupt();
    expect(await cli.done).toBe(0);
    // Our side of it: for each call, the 200s to its INVITE and re-INVITE carry one o= line.
    const origins = new Map<string, string[]>();
    for (const e of cli.events()) {
      if (e.type !== 'wire' || e.direction !== 'out' || !e.text.startsWith('SIP/2.0 200') || !/\r\nCSeq: \d+ INVITE\r\n/.test(e.text)) continue;
      const callId = /\r\nCall-ID: ([^\r]+)/.exec(e.text)![1]!;
      origins.set(callId, [...(origins.get(callId) ?? []), /\r\no=[^\r]*/.exec(e.text)![0]]);
    }
    expect(origins.size).toBe(3);
    for (const lines of origins.values()) expect(new Set(lines).size, lines.join(' | ')).toBe(1);
    expect(resultOf(cli.events()).outcome).toBe('success');
  }, 60_000);
});
