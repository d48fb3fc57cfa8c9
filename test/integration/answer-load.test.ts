// `sipcall answer --load` (docs/answer-load.md) as the far end of a small load run: SIPp's
// built-in uac places 1,500 calls at 500 calls/s (INVITE-180-200-ACK-BYE-200 over UDP on
// loopback); test/scenarios/uac-reinvite.xml adds a re-INVITE and its ACK to each call. SIPp exits 0 only when every call succeeded; its -trace_stat CSV says how many
// calls succeeded and failed. `answer` runs in process with --json.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { resultOf, startCli, type CliRun } from './uac-helpers.js';

usePeerCleanup();

const peers: SippPeer[] = [];
const answers: CliRun[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of answers.splice(0)) {
    a.io.interrupt();
    await a.done;
  }
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The last row of SIPp's -trace_stat CSV, by column name. */
function lastStats(dir: string): Record<string, string> {
  const file = readdirSync(dir).find((f) => f.endsWith('.csv'));
  expect(file, 'a -trace_stat CSV').toBeDefined();
  const rows = readFileSync(path.join(dir, file!), 'utf8').trim().split('\n').map((l) => l.split(';'));
  const head = rows[0]!;
  const last = rows.at(-1)!;
  return Object.fromEntries(head.map((h, i) => [h, last[i] ?? '']));
}

describe.skipIf(requirePeers('sipp').skip)('sipcall answer --load under SIPp uac at 500 calls/s', () => {
  it('every one of 1,500 calls succeeds (SIPp exit 0, FailedCall 0) and the summary counts them', async () => {
    const cli = startCli(['answer', '--port', '0', '--load', '--ring', '0']);
    answers.push(cli);
    const note = await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
    const port = Number(/:(\d+) \(UDP\)/.exec(note.type === 'note' ? note.text : '')![1]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'answer-load-test-'));
    dirs.push(dir);
    const uac = await startSipp({
      scenario: 'uac',
      remote: `127.0.0.1:${port}`,
      extraArgs: ['-r', '500', '-m', '1500', '-buff_size', '4194304', '-trace_stat', '-fd', '1', '-stf', path.join(dir, 'stat.csv')],
    });
    peers.push(uac);
    const status = await uac.exited;
    expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    const stats = lastStats(dir);
    expect(Number(stats['SuccessfulCall(C)'])).toBe(1500);
    expect(Number(stats['FailedCall(C)'])).toBe(0);

    answers.splice(answers.indexOf(cli), 1);
    cli.io.interrupt();
    expect(await cli.done).toBe(0);
    const result = resultOf(cli.events());
    expect(result.summary).toMatch(/^answer --load: stopped by Ctrl-C after [\d.]+ s; answered 1,500 calls \(peak [\d,]+ calls\/s\); requests: 1,500 INVITE, 1,500 ACK, 1,500 BYE, 0 CANCEL; in dialogs: 0 re-INVITE, 0 other; 0 rejected /);
    expect(result.summary).toMatch(/full path 0 messages; socket buffers granted by the kernel: receive [\d,]+ B, send [\d,]+ B$/);
    // The kernel grants at least its default (Linux: twice the size set, capped at rmem_max).
    const [, rcv, snd] = /receive ([\d,]+) B, send ([\d,]+) B$/.exec(result.summary)!;
    expect(Number(rcv!.replace(/,/g, ''))).toBeGreaterThanOrEqual(65_536);
    expect(Number(snd!.replace(/,/g, ''))).toBeGreaterThanOrEqual(65_536);
    // The same figures for scripts, in the result event (--json).
    expect(result.answerLoad).toMatchObject({ answered: 1500, rejected: 0, requests: { INVITE: 1500, ACK: 1500, BYE: 1500, CANCEL: 0 }, inDialog: { reINVITE: 0, other: 0 }, noAck: 0, fullPath: 0 });
    expect(result.answerLoad?.socketBuffers).toEqual({ receive: Number(rcv!.replace(/,/g, '')), send: Number(snd!.replace(/,/g, '')) });
    expect(result.answerLoad?.peakPerSecond).toBeGreaterThan(0);
    // No per-message events under --load: the note, the result, nothing per call.
    expect(cli.events().filter((e) => e.type === 'request.received' || e.type === 'response.sent')).toEqual([]);
  }, 60_000);

  it('re-INVITE in each dialog (RFC 3261 §14.2): 600 calls at 200 calls/s all succeed, each re-INVITE gets 200 with the same o= line', async () => {
    const cli = startCli(['answer', '--port', '0', '--load', '--ring', '0']);
    answers.push(cli);
    const note = await cli.waitFor((e) => e.type === 'note' && e.text.startsWith('answering on '));
    const port = Number(/:(\d+) \(UDP\)/.exec(note.type === 'note' ? note.text : '')![1]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'answer-load-reinvite-'));
    dirs.push(dir);
    const uac = await startSipp({
      scenario: 'uac-reinvite.xml',
      remote: `127.0.0.1:${port}`,
      extraArgs: ['-r', '200', '-m', '600', '-buff_size', '4194304', '-trace_stat', '-fd', '1', '-stf', path.join(dir, 'stat.csv')],
    });
    peers.push(uac);
    const status = await uac.exited;
    expect(status, uac.stderr() + (await uac.errorLog())).toEqual({ code: 0, signal: null });
    const stats = lastStats(dir);
    expect(Number(stats['SuccessfulCall(C)'])).toBe(600);
    expect(Number(stats['FailedCall(C)'])).toBe(0);

    answers.splice(answers.indexOf(cli), 1);
    cli.io.interrupt();
    expect(await cli.done).toBe(0);
    const result = resultOf(cli.events());
    expect(result.summary).toMatch(/; answered 600 calls \(peak [\d,]+ calls\/s\); requests: 600 INVITE, 1,200 ACK, 600 BYE, 0 CANCEL; in dialogs: 600 re-INVITE, 0 other; 0 rejected /);
    expect(result.summary).toMatch(/no ACK 0; full path 0 messages;/);
    expect(result.answerLoad).toMatchObject({ answered: 600, requests: { INVITE: 600, ACK: 1200, BYE: 600, CANCEL: 0 }, inDialog: { reINVITE: 600, other: 0 } });
  }, 60_000);
});
