// Ping a SIP peer with OPTIONS (RFC 3261 §11) and print what it says about itself.
//
//   npm install sipcall
//   npx tsc options-ping.ts --module nodenext --target es2022 && node options-ping.js sip:127.0.0.1:5060
//
// Exits 0 on a 2xx, otherwise with the code the CLI gives the same run (3 timeout, 4 transport…).
import { options } from 'sipcall';

const target = process.argv[2] ?? 'sip:127.0.0.1:5060';

const result = await options(target, {
  // A quicker give-up than the RFC default (Timer F = 64·T1 = 32 s).
  timers: { t1: 100 },
  onEvent: (e) => {
    if (e.type === 'request.sent' && e.retransmission) console.log(`  re-sent OPTIONS (attempt ${e.attempt})`);
  },
});

if (result.ok) {
  console.log(`${target}: ${result.status} ${result.reason} in ${result.timings.finalMs?.toFixed(1)} ms`);
  console.log(`  allows: ${result.capabilities.allow.join(', ') || '(not said)'}`);
  console.log(`  server: ${result.capabilities.server ?? result.capabilities.userAgent ?? '(not said)'}`);
} else {
  console.log(`${target}: ${result.summary}${result.local ? ' (made up locally: nothing came from the wire)' : ''}`);
  if (result.verdict) console.log(`  why: ${result.verdict.text}`);
}
process.exitCode = result.exitCode;
