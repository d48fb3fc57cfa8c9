/**
 * DTMF digits and their RFC 4733 event codes (RFC 4733 §3.2: the digits 0–9 are events 0–9,
 * `*` 10, `#` 11, A–D 12–15, Flash 16), and the `--dtmf` string that lists what to send.
 *
 * In a `--dtmf` string:
 * - `0`–`9`, `*`, `#`, `A`–`D` (also `a`–`d`) are digits;
 * - `!` is a hook flash (event 16);
 * - `,` is a pause (500 ms by default); consecutive commas add up (`,,` is 1 s).
 *
 * Pure: no I/O.
 */

/** A DTMF key: the 16 keys of the ITU-T Q.23 keypad. */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** What one RFC 4733 DTMF event stands for: a key, or `!` for the hook flash (event 16). */
export type DtmfSymbol = DtmfDigit | '!';

/** RFC 4733 §3.2: the hook flash is event 16. */
export const DTMF_FLASH_EVENT = 16;

/** The symbols of events 0..16, in event-code order (RFC 4733 §3.2). */
const SYMBOLS: readonly DtmfSymbol[] = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D', '!',
];

/** The default length of one `,` in a `--dtmf` string. */
export const DEFAULT_DTMF_PAUSE_MS = 500;

/** The RFC 4733 event code of a symbol (`a`–`d` accepted for `A`–`D`), or undefined. */
export function dtmfEventCode(symbol: string): number | undefined {
  if (symbol.length !== 1) return undefined;
  const i = SYMBOLS.indexOf(symbol.toUpperCase() as DtmfSymbol);
  return i < 0 ? undefined : i;
}

/** The symbol of an RFC 4733 event code 0..16, or undefined for any other event. */
export function dtmfSymbol(event: number): DtmfSymbol | undefined {
  return Number.isInteger(event) && event >= 0 && event < SYMBOLS.length ? SYMBOLS[event] : undefined;
}

/** True for the 16 keys (not the flash). */
export function isDtmfDigit(symbol: string): symbol is DtmfDigit {
  const code = dtmfEventCode(symbol);
  return code !== undefined && code < DTMF_FLASH_EVENT && symbol === symbol.toUpperCase();
}

/** One step of a `--dtmf` string. */
export type DtmfItem =
  | { kind: 'digit'; symbol: DtmfSymbol; event: number }
  | { kind: 'pause'; ms: number };

/** What a `--dtmf` string accepts, for error messages and help text. */
export const DTMF_STRING_ACCEPTS = '0-9 * # A-D (or a-d), ! (flash) and , (pause)';

/** A `--dtmf` string holds a character that is not a DTMF symbol, or nothing at all. */
export class DtmfStringError extends Error {
  override readonly name = 'DtmfStringError';
  readonly code = 'dtmf-string';
  /** The offending character ('' for an empty string). */
  readonly character: string;
  /** Its position, 1-based (0 for an empty string). */
  readonly position: number;
  constructor(message: string, character: string, position: number) {
    super(message);
    this.character = character;
    this.position = position;
  }
}

function show(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f || cp === 0x22 || cp === 0x5c
    ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    : `"${ch}"`;
}

/**
 * Parses a `--dtmf` string such as `159#,,2` into digits and pauses. Throws
 * {@link DtmfStringError} naming the first bad character, its position and what is accepted.
 */
export function parseDtmfString(s: string, options: { pauseMs?: number } = {}): DtmfItem[] {
  const pauseMs = options.pauseMs ?? DEFAULT_DTMF_PAUSE_MS;
  if (s.length === 0) {
    throw new DtmfStringError(`the DTMF string is empty: give at least one of ${DTMF_STRING_ACCEPTS}`, '', 0);
  }
  const items: DtmfItem[] = [];
  let position = 0;
  for (const ch of s) {
    position++;
    if (ch === ',') {
      const last = items[items.length - 1];
      if (last !== undefined && last.kind === 'pause') last.ms += pauseMs;
      else items.push({ kind: 'pause', ms: pauseMs });
      continue;
    }
    const event = dtmfEventCode(ch);
    if (event === undefined) {
      throw new DtmfStringError(
        `invalid DTMF character ${show(ch)} at position ${position} of "${s}": accepted are ${DTMF_STRING_ACCEPTS}`,
        ch,
        position,
      );
    }
    items.push({ kind: 'digit', symbol: SYMBOLS[event], event });
  }
  return items;
}
