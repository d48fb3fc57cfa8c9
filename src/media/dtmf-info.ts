/**
 * DTMF in SIP INFO requests (RFC 6086 carries the INFO; the bodies below are de-facto formats,
 * defined by no RFC):
 *
 * - `application/dtmf-relay`: lines `Signal=5` and `Duration=160` (ms), CRLF-terminated, as
 *   Cisco, Asterisk, baresip and pjsua send them. sipcall sends the key itself (`*`, `#`,
 *   `A`–`D`) and `16` for a flash; it reads either form.
 * - `application/dtmf`: the body is just the key or its RFC 4733 event code (`5`, `#`, `11`).
 *
 * Pure: no I/O.
 */
import { DTMF_FLASH_EVENT, dtmfEventCode, dtmfSymbol, type DtmfSymbol } from './dtmf-digits.js';

/** The Content-Type of the body {@link buildDtmfRelay} makes. */
export const DTMF_RELAY_CONTENT_TYPE = 'application/dtmf-relay';

/** The other DTMF INFO body {@link parseDtmfInfo} reads. */
export const DTMF_CONTENT_TYPE = 'application/dtmf';

/** A digit or duration {@link buildDtmfRelay} cannot send. */
export class DtmfInfoError extends RangeError {
  override readonly name = 'DtmfInfoError';
  readonly code = 'dtmf-info';
}

/**
 * The `application/dtmf-relay` body for one key: `Signal=5\r\nDuration=160\r\n`. The key is
 * 0–9, `*`, `#`, A–D (a–d accepted) or `!` (flash, sent as `Signal=16`); the duration is
 * rounded to whole ms. Throws {@link DtmfInfoError} for anything else.
 */
export function buildDtmfRelay(digit: string, durationMs: number): string {
  const event = dtmfEventCode(digit);
  if (event === undefined) {
    throw new DtmfInfoError(`"${digit}" is not a DTMF key: use 0-9 * # A-D or ! (flash)`);
  }
  const ms = Math.round(durationMs);
  if (!Number.isFinite(durationMs) || ms < 1) {
    throw new DtmfInfoError(`DTMF duration ${durationMs} ms is not a positive number`);
  }
  const signal = event === DTMF_FLASH_EVENT ? String(DTMF_FLASH_EVENT) : dtmfSymbol(event);
  return `Signal=${signal}\r\nDuration=${ms}\r\n`;
}

/** A DTMF INFO body read by {@link parseDtmfInfo}. */
export interface DtmfInfo {
  digit: DtmfSymbol;
  /** The RFC 4733 event code of the digit. */
  event: number;
  /** The `Duration` line, when there was one. */
  durationMs?: number;
}

/** Reads a `Signal` value: a key (case-insensitive) or an event code 0..16. */
function readSignal(value: string): { digit: DtmfSymbol; event: number } | undefined {
  if (/^\d{1,2}$/.test(value)) {
    const event = Number(value);
    const digit = dtmfSymbol(event);
    return digit === undefined ? undefined : { digit, event };
  }
  const event = dtmfEventCode(value);
  return event === undefined ? undefined : { digit: dtmfSymbol(event) as DtmfSymbol, event };
}

/**
 * Reads the body of an INFO carrying DTMF. `contentType` may carry parameters
 * (`application/dtmf-relay; charset=utf-8`). Never throws: what cannot be read comes back as
 * `{ error }`, one line naming the problem.
 */
export function parseDtmfInfo(contentType: string, body: string): DtmfInfo | { error: string } {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === DTMF_CONTENT_TYPE) {
    const value = body.trim();
    const signal = readSignal(value);
    return signal ?? { error: `${DTMF_CONTENT_TYPE} body ${JSON.stringify(value)} is not a DTMF key or event code 0-16` };
  }
  if (type !== DTMF_RELAY_CONTENT_TYPE) {
    return { error: `Content-Type ${JSON.stringify(contentType)} is not ${DTMF_RELAY_CONTENT_TYPE} or ${DTMF_CONTENT_TYPE}` };
  }
  let signalValue: string | undefined;
  let durationValue: string | undefined;
  for (const raw of body.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*[=:]\s*(.*)$/.exec(line);
    if (m === null) return { error: `${DTMF_RELAY_CONTENT_TYPE} line ${JSON.stringify(line)} is not Name=value` };
    const name = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    if (name === 'signal') signalValue = value;
    else if (name === 'duration') durationValue = value;
  }
  if (signalValue === undefined) return { error: `${DTMF_RELAY_CONTENT_TYPE} body has no Signal= line` };
  const signal = readSignal(signalValue);
  if (signal === undefined) {
    return { error: `${DTMF_RELAY_CONTENT_TYPE} Signal=${signalValue} is not a DTMF key or event code 0-16` };
  }
  if (durationValue === undefined) return signal;
  if (!/^\d{1,9}$/.test(durationValue)) {
    return { error: `${DTMF_RELAY_CONTENT_TYPE} Duration=${durationValue} is not a whole number of ms` };
  }
  return { ...signal, durationMs: Number(durationValue) };
}
