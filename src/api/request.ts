import type { SipResult } from './result.js';
import { startRun, type SipRun } from './run.js';
import type { RequestOptions } from './types.js';

/**
 * Sends any other out-of-dialog request (MESSAGE, INFO, SUBSCRIBE, NOTIFY, PUBLISH, …) as one
 * non-INVITE client transaction (RFC 3261 §17.1.2) and resolves with its final response, a
 * local 408 at Timer F or a local 503 on a transport error. `sipcall request METHOD TARGET`
 * runs the same. INVITE is {@link call}; ACK and CANCEL cannot be sent on their own (a
 * {@link UsageError}).
 *
 * ```ts
 * const r = await request('MESSAGE', 'sip:bob@127.0.0.1:5060', { body: 'hello', contentType: 'text/plain' });
 * ```
 */
export function request(method: string, target: string, opts: RequestOptions = {}): SipRun<SipResult> {
  return startRun({ name: 'request', method, target, opts }, (base) => base);
}
