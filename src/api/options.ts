import { headerValues, type SipResult } from './result.js';
import { startRun, type SipRun } from './run.js';
import type { PingOptions } from './types.js';

/** What a peer says about itself in its answer to OPTIONS (RFC 3261 §11.2). */
export interface OptionsResult extends SipResult {
  capabilities: {
    /** Methods it accepts (`Allow`, §20.5). */
    allow: string[];
    /** Extensions it supports (`Supported`, §20.37). */
    supported: string[];
    /** Body types it accepts (`Accept`, §20.1). */
    accept: string[];
    /** `Server` (§20.35), when given. */
    server?: string;
    /** `User-Agent` (§20.41), when given. */
    userAgent?: string;
  };
}

const list = (rows: string[]): string[] => rows.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean);

/**
 * Sends OPTIONS to `target` and resolves with how it went (RFC 3261 §11: "The SIP method
 * OPTIONS allows a UA to query another UA or a proxy server as to its capabilities"): the
 * final status (from the wire, or a local 408 at Timer F, §17.1.2.2, or 503 on a transport
 * error), the round trip (`timings.finalMs`), the peer's capabilities, and a verdict when it
 * did not answer cleanly. `sipcall options TARGET` runs the same.
 *
 * ```ts
 * const r = await options('sip:127.0.0.1:5060', { transport: 'udp', timers: { t1: 100 } });
 * if (!r.ok) throw new Error(`${r.summary}: ${r.verdict?.text ?? ""}`);
 * ```
 *
 * Rejects only when the request cannot be made: a {@link UsageError} for a bad target or
 * option (nothing is sent), or the signal's reason when it was aborted before the start.
 */
export function options(target: string, opts: PingOptions = {}): SipRun<OptionsResult> {
  return startRun({ name: 'options', target, opts }, (base) => {
    const f = base.final && base.final.status >= 200 && base.final.status < 300 ? base.final : undefined;
    const server = headerValues(f, 'Server')[0];
    const userAgent = headerValues(f, 'User-Agent')[0];
    return {
      ...base,
      capabilities: {
        allow: list(headerValues(f, 'Allow')),
        supported: list(headerValues(f, 'Supported')),
        accept: list(headerValues(f, 'Accept')),
        ...(server !== undefined ? { server } : {}),
        ...(userAgent !== undefined ? { userAgent } : {}),
      },
    };
  });
}
