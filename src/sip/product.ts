import { scanComment } from './comment.js';
import { isTokenChar, isWsp } from './chars.js';

/**
 * Server and User-Agent (RFC 3261 §20.35, §20.41, §25.1):
 *
 * ```
 * Server          = "Server" HCOLON server-val *(LWS server-val)
 * server-val      = product / comment
 * product         = token [SLASH product-version]
 * ```
 */
export type ProductToken = { product: string; version?: string } | { comment: string };

/** Parses a Server or User-Agent value; null when it does not follow the grammar. */
export function parseProductList(value: string): ProductToken[] | null {
  const out: ProductToken[] = [];
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && isWsp(value.charCodeAt(i))) i++;
    if (i >= n) break;
    if (value.charCodeAt(i) === 0x28) {
      const c = scanComment(value, i);
      if (!c) return null;
      out.push({ comment: c.comment });
      i = c.end;
      continue;
    }
    const ps = i;
    while (i < n && isTokenChar(value.charCodeAt(i))) i++;
    if (i === ps) return null;
    const product = value.slice(ps, i);
    if (value.charCodeAt(i) === 0x2f) {
      const vs = ++i;
      while (i < n && isTokenChar(value.charCodeAt(i))) i++;
      if (i === vs) return null;
      out.push({ product, version: value.slice(vs, i) });
    } else out.push({ product });
  }
  return out.length > 0 ? out : null;
}
