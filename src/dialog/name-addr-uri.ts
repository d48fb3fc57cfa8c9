import { parseNameAddr } from '../sip/name-addr.js';

/**
 * The URI inside a name-addr or addr-spec header value (RFC 3261 §20.10: "if the URI contains
 * a comma, question mark or semicolon, the URI MUST be enclosed in angle brackets"), read with
 * the message layer's name-addr parser (a quoted display name may hold `<`, `>` or `;`). For a
 * value it cannot read (`*`, garbage) the text before the first `;`.
 */
export function uriOfNameAddr(value: string): string {
  const na = parseNameAddr(value);
  if (na) return na.uriText;
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

/** The value of a header parameter (after the URI) such as `tag` or `expires`: `''` when it
 *  has no value, undefined when absent or when the value cannot be read. */
export function headerParam(value: string, name: string): string | undefined {
  const na = parseNameAddr(value);
  if (!na || !na.params.has(name)) return undefined;
  return na.params.get(name) ?? '';
}
