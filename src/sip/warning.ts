import { isDigit } from './chars.js';

/**
 * Warning (RFC 3261 §20.43, §25.1):
 *
 * ```
 * warning-value = warn-code SP warn-agent SP warn-text
 * warn-code     = 3DIGIT
 * warn-agent    = hostport / pseudonym
 * warn-text     = quoted-string
 * ```
 * One list element (use `headers.list('warning')`). Null when malformed, e.g. a 4-digit code
 * (RFC 4475 §3.1.2.5).
 */
export interface Warning {
  code: number;
  agent: string;
  /** The text without quotes, quoted-pairs resolved. */
  text: string;
}

export function parseWarning(value: string): Warning | null {
  const v = value.trim();
  if (v.length < 7 || !isDigit(v.charCodeAt(0)) || !isDigit(v.charCodeAt(1)) || !isDigit(v.charCodeAt(2))) return null;
  if (v.charCodeAt(3) !== 0x20) return null;
  const sp = v.indexOf(' ', 4);
  if (sp <= 4) return null;
  const agent = v.slice(4, sp);
  let i = sp + 1;
  if (v.charCodeAt(i) !== 0x22 || v.charCodeAt(v.length - 1) !== 0x22 || v.length - i < 2) return null;
  let text = '';
  for (i++; i < v.length - 1; i++) {
    if (v.charCodeAt(i) === 0x5c) i++;
    else if (v.charCodeAt(i) === 0x22) return null;
    text += v[i];
  }
  return { code: Number(v.slice(0, 3)), agent, text };
}
