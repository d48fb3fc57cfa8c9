import { isToken } from './chars.js';
import { splitHeaderList } from './split-list.js';

/**
 * Comma-separated token lists: Allow (RFC 3261 §20.5, `Method *(COMMA Method)`), Supported
 * and Require (§20.37, §20.32, `option-tag *(COMMA option-tag)`). Takes the header rows (as
 * `headers.getAll(name)` gives them) and merges them in order (§7.3.1). Null when an element
 * is not a token. An empty list is allowed: `Allow:` and `Supported:` may be empty.
 */
export function parseTokenList(rows: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const row of rows) {
    for (const el of splitHeaderList(row)) {
      if (!isToken(el)) return null;
      out.push(el);
    }
  }
  return out;
}

/** Allow: the methods, as written (methods are case-sensitive, RFC 3261 §7.1). */
export function parseAllow(rows: readonly string[]): string[] | null {
  return parseTokenList(rows);
}

/** Supported (or `k`): the option tags. */
export function parseSupported(rows: readonly string[]): string[] | null {
  return parseTokenList(rows);
}
