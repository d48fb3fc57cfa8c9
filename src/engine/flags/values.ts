import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** A positive number of milliseconds for --t1/--t2/--t4 and friends. */
export function parsePositiveMs(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive number of milliseconds, got ${JSON.stringify(text)}`, `example: ${flag} 500`);
  }
  return n;
}

/** A number of seconds ≥ 0 (or > 0 when `positive`). */
export function parseSeconds(text: string, flag: string, positive = false): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n) || (positive && n <= 0)) {
    throw new UsageError(`${flag} must be a ${positive ? 'positive ' : ''}number of seconds, got ${JSON.stringify(text)}`, `example: ${flag} 5`);
  }
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
