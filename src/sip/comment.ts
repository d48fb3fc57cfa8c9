/**
 * A `comment` (RFC 3261 §25.1: `comment = LPAREN *(ctext / quoted-pair / comment) RPAREN`)
 * starting at `text[start]`, which must be `(`. Nested comments and quoted-pairs are allowed.
 * Returns the text inside the outer parentheses and the index just past the closing one, or
 * null when the parentheses never balance.
 */
export function scanComment(text: string, start: number): { comment: string; end: number } | null {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x28 /* ( */) depth++;
    else if (c === 0x29 /* ) */ && --depth === 0) return { comment: text.slice(start + 1, i), end: i + 1 };
  }
  return null;
}
