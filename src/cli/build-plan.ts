import { UsageError } from '../engine/errors.js';
import { checkHeader } from '../engine/header-values.js';
import { DEFAULT_USER_AGENT, withMedia } from '../engine/flags/build-plan.js';
import type { AnswerPlan } from '../engine/plan.js';
import type { ParsedCommand } from './program.js';
import { parseInteger, parseLocal, parsePositiveMs, parseSeconds } from './parse-values.js';
import { answerTransportFrom, byeAfterFrom, idleTimeoutFrom, loadFrom } from './answer-options.js';

// Flags → UAC plans is shared with the library API (src/api/): it lives in the engine
// (src/engine/flags/build-plan.ts), and the CLI passes commander's flags to it unchanged.
export { buildUacPlan, DEFAULT_USER_AGENT, timersFrom } from '../engine/flags/build-plan.js';

export function buildAnswerPlan(cmd: ParsedCommand): AnswerPlan {
  const f = cmd.flags;
  const { transport, certificate } = answerTransportFrom(f);
  const address = String(f.address ?? '127.0.0.1');
  const local = parseLocal(address.includes(':') && !address.startsWith('[') ? `[${address}]` : address);
  const respond = parseInteger(String(f.respond ?? '200'), '--respond', 200, 699);
  const t1 = parsePositiveMs(String(f.t1 ?? '500'), '--t1');
  const t2 = parsePositiveMs(String(f.t2 ?? '4000'), '--t2');
  if (t2 < t1) throw new UsageError(`--t2 ${t2} is smaller than --t1 ${t1}`, 'T2 must be at least T1 (RFC 3261 §17.1.2.2)');
  const userAgent = String(f.userAgent ?? DEFAULT_USER_AGENT);
  checkHeader('Server', userAgent, '--user-agent');
  return {
    kind: 'answer',
    transport,
    address: local.address ?? '127.0.0.1',
    port: parseInteger(String(f.port ?? '0'), '--port', 0, 65535),
    respond,
    ringMs: parseRingMs(String(f.ring ?? '500')),
    t1,
    t2,
    userAgent,
    durationS: f.duration !== undefined ? parseSeconds(String(f.duration), '--duration', true) : undefined,
    ...(certificate ? { certificate } : {}),
    ...byeAfterFrom(f),
    ...idleTimeoutFrom(f, transport),
    // --load: signalling only (docs/answer-load.md).
    ...(f.load === true ? loadFrom(f, transport) : withMedia(f)),
  };
}

/** `answer --ring MS`: milliseconds between the 180 and the final response (0: at once). */
function parseRingMs(text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`--ring must be a whole number of milliseconds, got ${JSON.stringify(text)}`, 'example: --ring 500 (0 answers at once)');
  return parseInteger(text, '--ring (ms)', 0, 2 ** 31 - 1);
}
