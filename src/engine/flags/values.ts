import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/**
 * The longest wait a seconds flag accepts (`--duration`, `--ring-timeout`, `--hold-after`,
 * `--keepalive`, …): 2147483 s, about 24.8 days, the longest single wait of Node's timers
 * (2^31 − 1 ms). The clock itself handles any delay (src/clock/long-timeout.ts); the bound
 * turns a mistyped value into a clear usage error instead of a run that never ends.
 */
export const MAX_WAIT_S = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The largest T1, T2 or T4 accepted: one hour. RFC 3261 §17.1.1.1 lets T1 be "chosen larger"
 * than 500 ms on slow networks; an hour keeps every derived timer (B = F = H = J = M = 64·T1,
 * 64 hours) a meaningful wait.
 */
export const MAX_TIMER_BASE_MS = 3_600_000;

/** A positive number of milliseconds for --t1/--t2/--t4 and friends, at most `max`. */
export function parsePositiveMs(text: string, flag: string, max = MAX_TIMER_BASE_MS): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n) || n <= 0) {
    // `1e12` is positive: say what is wrong with it (too large, or not plain digits).
    if (n > max) throw new UsageError(`${flag} ${text.trim()} is too large`, `use at most ${max} ms`);
    if (n > 0) throw new UsageError(`${flag} must be written as plain digits (milliseconds), got ${JSON.stringify(text)}`, `example: ${flag} 500`);
    throw new UsageError(`${flag} must be a positive number of milliseconds, got ${JSON.stringify(text)}`, `example: ${flag} 500`);
  }
  if (n > max) throw new UsageError(`${flag} ${text.trim()} is too large`, `use at most ${max} ms`);
  return n;
}

/** A number of seconds ≥ 0 (or > 0 when `positive`), at most {@link MAX_WAIT_S}. */
export function parseSeconds(text: string, flag: string, positive = false): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n) || (positive && n <= 0)) {
    throw new UsageError(`${flag} must be a ${positive ? 'positive ' : ''}number of seconds, got ${JSON.stringify(text)}`, `example: ${flag} 5`);
  }
  if (n > MAX_WAIT_S) throw new UsageError(`${flag} ${text.trim()} is too long`, `use at most ${MAX_WAIT_S} s (about 24.8 days)`);
  return n;
}

/** A whole number in a range. */
export function parseInteger(text: string, flag: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`${flag} must be a whole number, got ${JSON.stringify(text)}`, `use a value from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} ${n} is out of range`, `use a value from ${min} to ${max}`);
  return n;
}

/** `--local ADDR[:PORT]`, `--local :PORT`, `--local [::1]:5070`. */
export function parseLocal(text: string): { address?: string; port?: number } {
  let address: string | undefined;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new UsageError(`--local ${JSON.stringify(text)}: unclosed [`, 'example: --local [::1]:5070');
    address = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw new UsageError(`--local ${JSON.stringify(text)}: unexpected ${JSON.stringify(rest)}`, 'example: --local [::1]:5070');
      portText = rest.slice(1);
    }
  } else if (text.split(':').length > 2) {
    address = text;
  } else {
    const c = text.indexOf(':');
    if (c >= 0) {
      address = text.slice(0, c) || undefined;
      portText = text.slice(c + 1);
    } else address = text;
  }
  if (address !== undefined && isIP(address) === 0) {
    throw new UsageError(`--local ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IP address`, 'give a local IP address, e.g. --local 127.0.0.1:5070');
  }
  const port = portText !== undefined ? parseInteger(portText, '--local port', 0, 65535) : undefined;
  return { address, port };
}

/** `--expect 200`, `--expect 4xx`, `--expect 486,603`. */
export function parseExpect(text: string): string[] {
  const parts = text.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--expect needs a status such as 200, 486 or 4xx', 'example: --expect 2xx');
  for (const p of parts) {
    if (!/^[1-6](\d\d|xx)$/.test(p)) throw new UsageError(`--expect ${JSON.stringify(p)} is not a status code or class`, 'use a code from 100 to 699 or a class like 2xx');
  }
  return parts;
}

/** A SIP method token (RFC 3261 §25.1 `Method = … / extension-method`; token). */
export function parseMethod(text: string): string {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(text)) {
    throw new UsageError(`${JSON.stringify(text)} is not a valid SIP method`, 'methods are tokens such as MESSAGE, INFO, SUBSCRIBE');
  }
  const m = text.toUpperCase();
  if (m === 'ACK' || m === 'CANCEL') {
    throw new UsageError(`${m} cannot be sent on its own`, m === 'ACK' ? 'an ACK belongs to an INVITE; use sipcall invite' : 'CANCEL belongs to a pending INVITE; press Ctrl-C during sipcall invite');
  }
  if (m === 'INVITE') throw new UsageError('use sipcall invite to send an INVITE', 'sipcall invite bob@example.com');
  return m;
}
