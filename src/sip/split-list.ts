/**
 * Splits a header field value at the commas that separate list elements (RFC 3261 §7.3.1):
 * only commas outside quoted strings and outside `<…>` count.
 *
 * > "it MUST be possible to combine the multiple header field rows into one
 * > "field-name: field-value" pair, without changing the semantics of the message, by appending
 * > each subsequent field-value to the first, each separated by a comma." (RFC 3261 §7.3.1)
 *
 * Linear in the input; never throws. Empty elements are dropped and elements are trimmed.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  scanList(value, (part) => {
    if (part) out.push(part);
    return true;
  });
  return out;
}

/**
 * The first list element of a header value (up to the first comma outside quotes and `<…>`),
 * trimmed, without splitting the rest: `topVia` needs only the first of many.
 */
export function firstListElement(value: string): string {
  let first = '';
  scanList(value, (part) => {
    first = part;
    return part === ''; // skip leading empty elements, stop at the first real one
  });
  return first;
}

/**
 * Like `splitHeaderList` but keeps empty elements (`a,,b` → `['a', '', 'b']`), so that a
 * checker can point out extraneous separators (RFC 4475 §3.1.2.1).
 */
export function splitHeaderListKeepEmpty(value: string): string[] {
  const out: string[] = [];
  scanList(value, (part) => {
    out.push(part);
    return true;
  });
  return out;
}

/**
 * The one scanner behind the three above: calls `each` with every trimmed element, empty ones
 * included, in order; `each` returns false to stop. Commas inside quoted strings (with
 * quoted-pairs) and inside `<…>` do not separate.
 */
function scanList(value: string, each: (part: string) => boolean): void {
  let inQuotes = false;
  let inAngle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuotes) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inQuotes = false;
    } else if (c === 0x22) inQuotes = true;
    else if (c === 0x3c /* < */) inAngle = true;
    else if (c === 0x3e /* > */) inAngle = false;
    else if (c === 0x2c /* , */ && !inAngle) {
      if (!each(value.slice(start, i).trim())) return;
      start = i + 1;
    }
  }
  each(value.slice(start).trim());
}
