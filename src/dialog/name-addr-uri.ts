/**
 * The URI inside a name-addr or addr-spec header value (RFC 3261 §20.10: "if the URI contains
 * a comma, question mark or semicolon, the URI MUST be enclosed in angle brackets"): the text
 * between `<` and `>` when present, else everything before the first `;`.
 */
export function uriOfNameAddr(value: string): string {
  const open = value.indexOf('<');
  if (open >= 0) {
    const close = value.indexOf('>', open);
    return value.slice(open + 1, close < 0 ? undefined : close).trim();
  }
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

/** The value of a header parameter (after the URI) such as `tag`, or undefined. */
export function headerParam(value: string, name: string): string | undefined {
  const close = value.lastIndexOf('>');
  const tail = close >= 0 ? value.slice(close + 1) : value.slice(value.indexOf(';') < 0 ? value.length : value.indexOf(';'));
  for (const part of tail.split(';')) {
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (k === name) return eq < 0 ? '' : part.slice(eq + 1).trim();
  }
  return undefined;
}
