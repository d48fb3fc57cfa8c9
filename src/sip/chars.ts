/**
 * Character classes of the RFC 3261 grammar (§25.1), as lookup tables indexed by char code.
 * Only ASCII is ever in a class; codes ≥ 128 are outside every table.
 *
 * ```
 * token       = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )
 * word        = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
 *                  "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
 * unreserved  = alphanum / mark
 * mark        = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
 * ```
 */

function table(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (let i = 0; i < extra.length; i++) t[extra.charCodeAt(i)] = 1;
  return t;
}

const TOKEN = table("-.!%*_+`'~");
const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}');
/** unreserved (alphanum / mark). */
export const UNRESERVED = table("-_.!~*'()");
/** user = 1*( unreserved / escaped / user-unreserved ); user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
export const USER_CHARS = table("-_.!~*'()&=+$,;?/");
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD_CHARS = table("-_.!~*'()&=+$,");
/** paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
export const PARAM_CHARS = table("-_.!~*'()[]/:&+$");
/** hname/hvalue chars: hnv-unreserved / unreserved / escaped; hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
export const HNV_CHARS = table("-_.!~*'()[]/?:+$");

/** True for a `token` character (RFC 3261 §25.1). */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** True for a `word` character (Call-ID, RFC 3261 §25.1). */
export function isWordChar(code: number): boolean {
  return code < 128 && WORD[code] === 1;
}

/** True when `text` is a non-empty `token`. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** True for SP or HTAB. */
export function isWsp(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** True for an ASCII digit. */
export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The value of a hex digit, or -1. */
export function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}
