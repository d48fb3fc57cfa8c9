// Place a call and check it the way a smoke test would: answered within 3 s, ringing first,
// a dialog with its ids, ended cleanly with BYE. Ctrl-C CANCELs or hangs up (AbortSignal).
//
//   npm install sipcall
//   npx tsc call-and-check.ts --module nodenext --target es2022 && node call-and-check.js sip:echo@127.0.0.1:5060
//
// Add --media to send and receive RTP and print the media figures.
import { call, type CallResult } from 'sipcall';

const target = process.argv[2] ?? 'sip:echo@127.0.0.1:5060';
const withMedia = process.argv.includes('--media');

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());

const run = call(target, { duration: 1, media: withMedia ? {} : false, ringTimeout: 10, signal: abort.signal });
for await (const e of run.events) {
  if (e.type === 'response.received') console.log(`  ${e.status} ${e.reason} (${e.method})`);
}
const result: CallResult = await run;

const problems: string[] = [];
if (!result.ok) problems.push(result.summary);
if (result.timings.finalMs === undefined || result.timings.finalMs > 3000) problems.push(`not answered within 3 s (final after ${result.timings.finalMs ?? '-'} ms)`);
if (!result.provisionals.some((p) => p.status === 180 || p.status === 183)) problems.push(`no ringing: provisionals ${result.provisionals.map((p) => p.status).join(', ') || 'none'}`);
if (!result.dialog) problems.push('no dialog was established');
for (const v of result.verdicts) problems.push(`verdict ${v.id}: ${v.text}`);

console.log(`${target}: ${result.summary}`);
if (result.dialog) console.log(`  Call-ID ${result.dialog.callId}, tags ${result.dialog.localTag} / ${result.dialog.remoteTag}`);
if (result.media) console.log(`  media: ${result.media.codec}, sent ${result.media.sent.packets}, received ${result.media.received.packets} packets, loss ${result.media.received.lossPct}%`);
if (problems.length > 0) {
  for (const p of problems) console.log(`  FAIL ${p}`);
  process.exitCode = result.exitCode === 0 ? 1 : result.exitCode;
} else {
  console.log('  OK');
}
